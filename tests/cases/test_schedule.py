"""The stored next deadline (`CaseSchedule`) always says what the rules in `pathway` say: after
every kind of change, as time passes, and for the whole demo council."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from portal import clock
from portal.cases import schedule
from portal.cases.facts import facts_for
from portal.cases.models import (
    CaseGrant,
    CaseSchedule,
    Relationship,
    TeamDayCount,
    TeamStageCount,
)
from portal.demo import load_demo_data
from portal.extensions import db
from tests import factories


def _stored(case) -> CaseSchedule:
    return db.session.scalar(select(CaseSchedule).where(CaseSchedule.case_id == case.id))


def test_the_demo_councils_stored_deadlines_agree_with_the_rules(app):
    """Every demo case was moved along by the real services: each stored row matches."""
    load_demo_data("demo-portal-password")
    assert schedule.disagreements() == []
    assert schedule.grant_disagreements() == []
    assert db.session.scalar(select(CaseSchedule.case_id).limit(1)) is not None
    # The dashboard's team tallies count exactly the stored rows, and there are some.
    assert schedule.tally_disagreements() == []
    assert db.session.scalar(select(func.sum(TeamStageCount.cases))) == db.session.scalar(
        select(func.count()).select_from(CaseSchedule)
    )


def test_the_stored_deadlines_agree_as_time_passes(app):
    """Day by day for 400 days, after refreshing what ran out, nothing disagrees: review
    meetings whose day comes and family windows that end are caught."""
    load_demo_data("demo-portal-password")
    start = clock.today()
    for days in range(0, 400, 9):
        day = start + timedelta(days=days)
        clock.freeze(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
        schedule.refresh_stale(day)
        assert schedule.disagreements(day) == [], day
        assert schedule.tally_disagreements() == [], day
        assert schedule.grant_disagreements() == [], day
    clock.freeze(None)


def test_a_step_taken_through_a_service_moves_the_stored_deadline_in_the_same_commit(
    app, family_case, case_officer
):
    """Deciding to assess moves the stored deadline, and the stored stage, in that commit."""
    from portal.casework.steps import assessment

    db.session.commit()  # the case as opened: its first deadline is stored with it
    before = _stored(family_case)
    assert before is not None and before.next_key == "assessment_decision"
    assessment.decide_assessment(
        case_officer, family_case, outcome="yes", letter_on=family_case.request_received_on
    )
    after = _stored(family_case)
    facts = facts_for(family_case)
    assert after.next_key != "assessment_decision"
    assert schedule.schedule_values(facts, clock.today())["next_key"] == after.next_key
    # The team dashboard counts the stored rows by the case's team and stage.
    assert (after.team_id, after.stage) == (family_case.team_id, "assessment")
    stages = db.session.execute(
        select(TeamStageCount.stage, TeamStageCount.cases).where(
            TeamStageCount.team_id == family_case.team_id
        )
    ).all()
    assert stages == [("assessment", 1)]  # the case left "request": that row went with it
    assert schedule.tally_disagreements() == []


def test_every_grant_carries_its_cases_next_deadline_from_the_commit_that_moves_it(
    app, family_case, case_officer, psychologist
):
    """The copy a school's caseload is ordered by: the case's grants take the new next deadline
    in the decision's own commit, and a grant given later takes it in the commit that adds it."""
    from portal.casework.steps import assessment

    db.session.commit()

    def copies() -> set:
        return set(
            db.session.scalars(
                select(CaseGrant.next_due_on).where(CaseGrant.case_id == family_case.id)
            )
        )

    assert copies() == {_stored(family_case).next_due_on} != {None}
    before = _stored(family_case).next_due_on
    assessment.decide_assessment(
        case_officer, family_case, outcome="yes", letter_on=family_case.request_received_on
    )
    moved = _stored(family_case).next_due_on
    assert moved != before and copies() == {moved}
    factories.grant(
        family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST, by=case_officer
    )
    db.session.commit()
    assert copies() == {moved}  # the new grant's copy too (it would be empty otherwise)
    assert schedule.grant_disagreements() == []


def _check_finds_it_and_rebuild_mends_it(runner, said: str) -> None:
    """`flask deadlines check` fails saying `said`; after `flask deadlines rebuild` it passes."""
    broken = runner.invoke(args=["deadlines", "check"])
    assert broken.exit_code != 0 and said in broken.output
    assert runner.invoke(args=["deadlines", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["deadlines", "check"]).exit_code == 0


def test_the_check_command_finds_a_grants_copy_that_was_changed_and_rebuild_mends_it(app):
    load_demo_data("demo-portal-password")
    runner = app.test_cli_runner()
    grant = db.session.scalars(select(CaseGrant).where(CaseGrant.next_due_on.is_not(None))).first()
    grant.next_due_on = grant.next_due_on + timedelta(days=3)
    db.session.commit()
    _check_finds_it_and_rebuild_mends_it(runner, str(grant.id))
    assert schedule.grant_disagreements() == []


def test_the_check_command_finds_a_stored_deadline_that_was_changed_and_rebuild_mends_it(app):
    load_demo_data("demo-portal-password")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deadlines", "check"]).exit_code == 0
    row = db.session.scalars(
        select(CaseSchedule).where(CaseSchedule.next_due_on.is_not(None))
    ).first()
    row.next_due_on = row.next_due_on + timedelta(days=3)
    db.session.commit()
    _check_finds_it_and_rebuild_mends_it(runner, str(row.case_id))


def test_the_check_command_finds_a_team_tally_that_was_changed_and_rebuild_mends_it(app):
    """A dashboard number that no longer matches the stored deadlines is caught, and mended."""
    load_demo_data("demo-portal-password")
    runner = app.test_cli_runner()
    row = db.session.scalars(select(TeamDayCount)).first()
    row.cases += 1
    db.session.commit()
    _check_finds_it_and_rebuild_mends_it(runner, "team tallies differ")
    assert schedule.tally_disagreements() == []


def test_a_caseload_row_drawn_from_the_stored_deadline_reads_as_one_worked_out_from_the_facts(app):
    """The caseload draws its rows from the stored next deadline alone: for every demo case, on
    days across a year, the words, date, status and phrase match the rules' own answer."""
    from portal.cases.models import Case
    from portal.cases.tracker import summarise, summarise_stored

    load_demo_data("demo-portal-password")
    start = clock.today()
    for days in (0, 30, 120, 365):
        day = start + timedelta(days=days)
        schedule.refresh_stale(day)
        for case in db.session.scalars(select(Case)):
            expected = summarise(case, facts_for(case, day), day).next
            stored = summarise_stored(case, _stored(case), day).next
            if expected is None:
                assert stored is None, case.reference
                continue
            assert stored is not None, case.reference
            assert (stored.label, stored.due, stored.status, stored.phrase) == (
                expected.label,
                expected.due,
                expected.status,
                expected.phrase,
            ), (case.reference, day)
            assert stored.delay_label == expected.delay_label


def test_a_schedule_that_runs_out_after_the_days_look_is_caught_within_a_minute(
    app, family_case, monkeypatch
):
    """Pages look for run-out schedules once a minute, not on every request: a row another
    process wrote for the day before (just before midnight) is worked out again at the next
    look, and at the latest on the next day."""
    db.session.commit()
    today = clock.today()
    assert schedule.refresh_stale(today) == 0  # the look: nothing has run out
    right = _stored(family_case).next_due_on
    # As another process would have written it for yesterday: wrong today, and run out.
    db.session.execute(
        CaseSchedule.__table__.update()
        .where(CaseSchedule.case_id == family_case.id)
        .values(next_due_on=right + timedelta(days=3), valid_until=today)
    )
    db.session.commit()
    assert schedule.refresh_stale(today) == 0  # within the minute: not looked for again
    later = schedule.time.monotonic() + schedule.CHECK_EVERY_SECONDS + 1
    monkeypatch.setattr(schedule.time, "monotonic", lambda: later)
    assert schedule.refresh_stale(today) == 1
    db.session.expire_all()
    assert _stored(family_case).next_due_on == right
    assert schedule.disagreements(today) == []


def test_a_new_day_looks_for_run_out_schedules_at_once(app, family_case):
    db.session.commit()
    today = clock.today()
    schedule.refresh_stale(today)
    tomorrow = today + timedelta(days=1)
    db.session.execute(
        CaseSchedule.__table__.update()
        .where(CaseSchedule.case_id == family_case.id)
        .values(valid_until=tomorrow)
    )
    db.session.commit()
    assert schedule.refresh_stale(tomorrow) == 1
