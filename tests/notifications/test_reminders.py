"""Reminders fire on the right days (a controlled clock), once each however often the job runs,
and daily summaries gather a day's notices into one email per person."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from portal import clock
from portal.cases.models import (
    AdviceKind,
    AdviceRequest,
    CaseMilestones,
    LawfulDelay,
    Relationship,
    Review,
)
from portal.extensions import db
from portal.notifications import reminders, worker
from portal.notifications.cli import notifications_cli
from portal.notifications.kinds import Choice, EmailStatus, Kind
from portal.notifications.models import NoticeDigest, NoticePreference
from portal.notifications.services import notify
from tests import factories
from tests.notifications.conftest import notices_of

SENT = date(2027, 1, 4)  # a Monday; advice due Monday 15 February 2027


@pytest.fixture
def advice(family_case, psychologist, case_officer):
    factories.grant(family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST)
    family_case.stage = "assessment"
    row = AdviceRequest(
        case=family_case,
        kind=AdviceKind.PSYCHOLOGICAL,
        adviser_id=psychologist.id,
        sent_on=SENT,
        requested_by_id=case_officer.id,
    )
    db.session.add(row)
    db.session.commit()
    return row


def _on(day: date) -> int:
    clock.freeze(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
    return reminders.remind()


def test_advice_reminders_come_7_days_before_and_the_day_after_the_due_date(
    app, advice, psychologist, case_officer, parent
):
    """Nothing 8 days before; "due in 7 days" from 7 days before (once, however often it runs);
    "late" to the adviser and the officer the day after; nothing to the family."""
    due = date(2027, 2, 15)
    _on(due - timedelta(days=8))
    assert notices_of(psychologist) == []
    _on(due - timedelta(days=7))
    _on(due - timedelta(days=7))
    _on(due - timedelta(days=3))
    (soon,) = notices_of(psychologist)
    assert (soon.kind, soon.due_on) == (Kind.ADVICE_DUE_SOON, due)
    _on(due)
    assert len(notices_of(psychologist)) == 1
    _on(due + timedelta(days=1))
    _on(due + timedelta(days=2))
    assert [n.kind for n in notices_of(psychologist)] == [Kind.ADVICE_DUE_SOON, Kind.ADVICE_LATE]
    assert [n.kind for n in notices_of(case_officer)] == [Kind.ADVICE_LATE]
    assert notices_of(parent) == []


def test_advice_that_arrived_is_not_chased(app, advice, psychologist):
    """Advice received: no reminder."""
    advice.received_on = SENT + timedelta(days=20)
    db.session.commit()
    _on(date(2027, 2, 10))
    _on(date(2027, 2, 20))
    assert notices_of(psychologist) == []


def test_the_family_is_reminded_3_days_before_the_last_day_of_the_15(
    app, family_case, parent, young_person, senco, case_officer
):
    """Draft sent 1 March: the last day is 15 March; the family hears on 12 March, once, and
    nobody else does."""
    family_case.stage = "draft"
    db.session.add(CaseMilestones(case=family_case, draft_sent_on=date(2027, 3, 1)))
    db.session.commit()
    _on(date(2027, 3, 11))
    assert notices_of(parent) == []
    _on(date(2027, 3, 12))
    _on(date(2027, 3, 13))
    (notice,) = notices_of(parent)
    assert (notice.kind, notice.due_on) == (Kind.COMMENTS_DUE_SOON, date(2027, 3, 15))
    assert len(notices_of(young_person)) == 1
    assert notices_of(senco) == [] and notices_of(case_officer) == []


def test_the_remind_command_is_safe_to_run_twice(app, advice, psychologist):
    """`flask notifications remind` twice on the same day gives one reminder."""
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(
            notifications_cli, ["remind", "--today", "2027-02-09"], obj=_script_info(app)
        )
        assert result.exit_code == 0, result.output
    assert len(notices_of(psychologist)) == 1


def _script_info(app):
    return ScriptInfo(create_app=lambda: app)


def test_a_daily_summary_gathers_the_days_notices_into_one_email(
    app, outbox, family_case, other_family_case, parent, senco, case_officer
):
    """Three notices chosen "daily" become one email the next morning; running it again sends
    nothing more; "straight away" notices are not in it."""
    factories.grant(other_family_case, parent, Relationship.PARENT_CARER)
    db.session.add(
        NoticePreference(user_id=parent.id, kind=Kind.UPDATE_POSTED, choice=Choice.DAILY)
    )
    db.session.commit()
    clock.freeze(datetime(2027, 3, 10, 14, 0))
    notify(Kind.UPDATE_POSTED, family_case)
    notify(Kind.UPDATE_POSTED, family_case)
    notify(Kind.UPDATE_POSTED, other_family_case)
    notify(Kind.STAGE_CHANGED, family_case)
    db.session.commit()
    assert reminders.gather_summaries() == 0  # not before the day is over
    worker.send_all()
    parent_mail = [m for m in outbox if m["To"] == parent.email]
    assert [m["Subject"] for m in parent_mail] == [
        f"Case {family_case.reference} has moved to its next stage"
    ]

    clock.freeze(datetime(2027, 3, 11, 7, 30))
    assert reminders.gather_summaries() == 3
    assert reminders.gather_summaries() == 0
    worker.send_all()
    worker.send_all()
    summaries = [m for m in outbox if m["Subject"].startswith("Your daily summary")]
    assert [m["Subject"] for m in summaries] == ["Your daily summary: 3 changes on 2 cases"]
    assert summaries[0]["To"] == parent.email
    (digest,) = db.session.query(NoticeDigest).all()
    assert (digest.day, digest.email_status) == (date(2027, 3, 10), EmailStatus.SENT)


def test_the_officer_is_reminded_3_days_before_a_review_report_is_due(
    app, family_case, case_officer, parent
):
    """Meeting on 1 March: the report is due 15 March; the officer hears on 12 March, once;
    a report already sent is not chased; the family is not reminded of the council's work."""
    family_case.stage = "review"
    meeting = Review(case=family_case, meeting_on=date(2027, 3, 1))
    sent = Review(case=family_case, meeting_on=date(2027, 3, 1), report_sent_on=date(2027, 3, 5))
    db.session.add_all([meeting, sent])
    db.session.commit()
    _on(date(2027, 3, 11))
    assert notices_of(case_officer) == []
    _on(date(2027, 3, 12))
    _on(date(2027, 3, 14))
    (notice,) = notices_of(case_officer)
    assert (notice.kind, notice.due_on) == (Kind.REVIEW_REPORT_DUE, date(2027, 3, 15))
    assert notices_of(parent) == []


def test_advice_with_a_lawful_delay_is_not_called_late(app, advice, psychologist, case_officer):
    """The officer recorded that the 6 weeks lawfully do not apply: no "late" reminder."""
    db.session.add(
        LawfulDelay(
            case_id=advice.case_id,
            deadline_key=f"advice:{advice.id}",
            reason="missed_appointment",
            applies_from=SENT,
            explanation="The child was unwell on the day of the appointment.",
            recorded_by_id=case_officer.id,
        )
    )
    db.session.commit()
    _on(date(2027, 2, 20))
    assert [n.kind for n in notices_of(psychologist)] == []
    assert notices_of(case_officer) == []


def test_the_family_is_reminded_3_days_before_the_last_day_to_comment_on_proposed_changes(
    app, family_case, parent, young_person, senco, case_officer
):
    """Changes proposed after a review on 1 March: the last day is 15 March; the family hears
    on 12 March, once; nobody else does; a review whose comments arrived is not chased."""
    family_case.stage = "review"
    waiting = Review(
        case=family_case,
        meeting_on=date(2027, 2, 1),
        report_sent_on=date(2027, 2, 8),
        decision="amend",
        decided_on=date(2027, 2, 20),
        amendments_sent_on=date(2027, 3, 1),
    )
    answered = Review(
        case=family_case,
        meeting_on=date(2027, 2, 1),
        report_sent_on=date(2027, 2, 8),
        decision="amend",
        decided_on=date(2027, 2, 20),
        amendments_sent_on=date(2027, 3, 1),
        amendment_comments_on=date(2027, 3, 4),
    )
    db.session.add_all([waiting, answered])
    db.session.commit()
    _on(date(2027, 3, 11))
    assert notices_of(parent) == []
    _on(date(2027, 3, 12))
    _on(date(2027, 3, 14))
    (notice,) = notices_of(parent)
    assert (notice.kind, notice.due_on) == (Kind.AMENDMENT_COMMENTS_DUE_SOON, date(2027, 3, 15))
    assert len(notices_of(young_person)) == 1
    assert notices_of(senco) == [] and notices_of(case_officer) == []


def test_advice_with_a_lawful_delay_is_not_called_due_soon(app, advice, psychologist):
    """A time limit that lawfully does not apply is not counted down to the adviser either."""
    db.session.add(
        LawfulDelay(
            case_id=advice.case_id,
            deadline_key=f"advice:{advice.id}",
            reason="missed_appointment",
            applies_from=SENT,
            explanation="The child was unwell on the day of the appointment.",
            recorded_by_id=advice.requested_by_id,
        )
    )
    db.session.commit()
    _on(date(2027, 2, 10))
    assert notices_of(psychologist) == []


def test_a_review_report_with_a_lawful_delay_is_not_chased(app, family_case, case_officer):
    family_case.stage = "review"
    db.session.add(Review(case=family_case, meeting_on=date(2027, 3, 1)))
    db.session.add(
        LawfulDelay(
            case_id=family_case.id,
            deadline_key="review_report",
            reason="personal_circumstances",
            applies_from=date(2027, 3, 1),
            explanation="The family asked for more time after a bereavement.",
            recorded_by_id=case_officer.id,
        )
    )
    db.session.commit()
    _on(date(2027, 3, 12))
    assert notices_of(case_officer) == []
