"""The retention rule for closed cases: what is past it is listed, then deleted with a record of
the deletion, the audit trail keeps its chain, and nothing of another case is touched."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from portal import audit, clock
from portal.audit import Event
from portal.cases import services as case_services
from portal.cases.models import Case, CaseMilestones, Child
from portal.documents.intake import storage
from portal.documents.models import DocumentVersion
from portal.documents.services import clean_storage
from portal.extensions import db
from portal.records import retention
from portal.records.retention import DeletedCase
from tests import factories
from tests.documents.helpers import add_document


def _years_ago(years: int, days: int = 0) -> date:
    today = clock.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def _close(case: Case, closed_on: date, *, age_years: int, stage: str = "ceased") -> Case:
    """End the case on `closed_on` (a plan ended, or a "no" letter) with the child now this old."""
    case.stage = stage
    case.child.date_of_birth = _years_ago(age_years, days=40)
    milestones = CaseMilestones(case=case)
    if stage == "ceased":
        milestones.final_issued_on = closed_on - timedelta(days=900)
        milestones.ceased_on = closed_on
    elif stage == "not_assessing":
        milestones.assessment_decided_on = closed_on
        milestones.assessment_outcome = "no"
    else:
        milestones.not_issuing_notified_on = closed_on
    db.session.add(milestones)
    db.session.commit()
    return case


@pytest.mark.parametrize(
    ("stage", "closed_years_ago", "age", "due"),
    [
        ("ceased", 7, 32, True),
        ("not_assessing", 7, 32, True),
        ("not_issuing", 7, 32, True),
        ("ceased", 5, 32, False),  # not 6 years since it closed
        ("ceased", 7, 24, False),  # the young person is not yet 31
        ("ceased", 20, 30, False),
    ],
)
def test_a_closed_case_is_due_once_both_years_and_age_have_passed(
    council, case_officer, stage, closed_years_ago, age, due
):
    case = factories.make_case(team=council, officer=case_officer)
    _close(case, _years_ago(closed_years_ago), age_years=age, stage=stage)
    listed = [item.reference for item in retention.due_for_deletion(clock.today())]
    assert (case.reference in listed) is due


def test_an_open_case_is_never_due_however_old(council, case_officer):
    case = factories.make_case(team=council, officer=case_officer, stage="review")
    case.child.date_of_birth = _years_ago(40)
    case.request_received_on = _years_ago(30)
    db.session.commit()
    assert retention.due_for_deletion(clock.today()) == []


def test_the_councils_settings_change_the_rule(app, council, case_officer):
    case = factories.make_case(team=council, officer=case_officer)
    _close(case, _years_ago(3), age_years=22)
    assert retention.due_for_deletion(clock.today()) == []
    app.config.update(CASE_RETENTION_YEARS_AFTER_CLOSING=2, CASE_RETENTION_UNTIL_AGE=21)
    assert [i.reference for i in retention.due_for_deletion(clock.today())] == [case.reference]


def _rows_of_case(case_id: int) -> dict[str, int]:
    """How many rows each table holding case data has for this case (direct references)."""
    counts = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "case" for fk in column.foreign_keys):
                counts[table.name] = db.session.scalar(
                    select(sa.func.count()).select_from(table).where(column == case_id)
                )
    return counts


def test_deleting_a_case_removes_everything_in_it_and_keeps_a_record(
    council, case_officer, senco, parent, family_case, other_family_case
):
    """Documents, updates, grants and the rest go; the child goes with their last case; the
    audit trail keeps each entry's place but not what it said, and still verifies; another
    family's case is untouched; a record without personal data remains."""
    add_document(family_case, senco, title="Alfie's speech and language report")
    case_services.post_update(senco, family_case, "Alfie settled well into Year 4.")
    case_services.record_view(parent, family_case)
    add_document(other_family_case, case_officer, title="Other family's report")
    case_services.record_view(case_officer, other_family_case)
    _close(family_case, _years_ago(7), age_years=32)
    entries_before = db.session.scalar(select(sa.func.count()).select_from(Event))
    other_rows_before = _rows_of_case(other_family_case.id)
    case_id, child_id, reference = family_case.id, family_case.child_id, family_case.reference

    (item,) = retention.due_for_deletion(clock.today())
    record = retention.delete_case(item, by=None)
    db.session.commit()

    assert all(count == 0 for count in _rows_of_case(case_id).values()), _rows_of_case(case_id)
    assert db.session.get(Case, case_id) is None
    assert db.session.get(Child, child_id) is None
    assert _rows_of_case(other_family_case.id) == other_rows_before

    kept = db.session.scalars(select(DeletedCase)).one()
    assert (kept.reference, kept.final_stage) == (reference, "ceased")
    assert kept.closed_on == item.closed_on
    assert kept.rows_deleted > 5 and kept.audit_entries_redacted >= 3
    assert record is kept

    # Every audit entry is still there; the deleted case's say nothing about it any more.
    assert db.session.scalar(select(sa.func.count()).select_from(Event)) == entries_before + 1
    emptied = db.session.scalars(select(Event).where(Event.redacted_by_id.is_not(None))).all()
    assert len(emptied) == kept.audit_entries_redacted
    for entry in emptied:
        assert (entry.case_id, entry.summary, entry.detail) == (None, None, {})
    words = " ".join(str(e.summary) + str(e.detail) for e in db.session.scalars(select(Event)))
    assert "Alfie" not in words and "speech and language" not in words
    assert "Other family's report" in words
    deletion = db.session.scalars(select(Event).where(Event.action == "records.case_deleted")).one()
    assert deletion.detail["reference"] == reference
    audit.seal_unchained()
    verdict = audit.verify_chain(batch=3)
    assert verdict.ok, verdict.problem
    assert verdict.unsealed == 0


def test_the_deleted_cases_stored_files_are_cleaned_away(app, council, case_officer, senco):
    case = factories.make_case(team=council, officer=case_officer)
    factories.grant(case, senco, factories.Relationship.SCHOOL, add_documents=True)
    db.session.commit()
    add_document(case, senco, title="Report")
    key = db.session.scalars(select(DocumentVersion.storage_key)).one()
    _close(case, _years_ago(7), age_years=32)
    (item,) = retention.due_for_deletion(clock.today())
    retention.delete_case(item, by=None)
    db.session.commit()
    cleaned = clean_storage(storage(), older_than=timedelta(0))
    assert cleaned.orphans == 1
    assert key not in list(storage().keys())


def _delete_one(council, case_officer, parent) -> Event:
    case = factories.make_case(team=council, officer=case_officer)
    for _ in range(3):
        case_services.record_view(case_officer, case)
    _close(case, _years_ago(7), age_years=32)
    (item,) = retention.due_for_deletion(clock.today())
    retention.delete_case(item, by=None)
    db.session.commit()
    return db.session.scalars(select(Event).where(Event.action == "records.case_deleted")).one()


def test_marking_another_entry_as_removed_is_found(council, case_officer, parent, family_case):
    """Someone hides a change to an entry by marking it as removed by the deletion: found."""
    case_services.record_view(parent, family_case)
    deletion = _delete_one(council, case_officer, parent)
    victim = db.session.scalars(select(Event.id).where(Event.case_id == family_case.id)).first()
    db.session.execute(
        update(Event)
        .where(Event.id == victim)
        .values(summary="Nobody looked", redacted_by_id=deletion.id)
    )
    db.session.commit()
    audit.seal_unchained()
    verdict = audit.verify_chain()
    assert not verdict.ok
    assert "removed" in verdict.problem


def test_unmarking_or_changing_a_removed_entry_is_found(council, case_officer, parent):
    deletion = _delete_one(council, case_officer, parent)
    emptied = db.session.scalars(
        select(Event.id).where(Event.redacted_by_id == deletion.id)
    ).first()
    db.session.execute(update(Event).where(Event.id == emptied).values(redacted_by_id=None))
    db.session.commit()
    audit.seal_unchained()
    assert not audit.verify_chain().ok


def test_the_commands_list_then_delete(app, council, case_officer):
    case = factories.make_case(team=council, officer=case_officer)
    _close(case, _years_ago(8), age_years=33)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["retention", "list"])
    assert listed.exit_code == 0
    assert case.reference in listed.output
    assert db.session.get(Case, case.id) is not None, "listing deletes nothing"
    refused = runner.invoke(args=["retention", "delete"], input="n\n")
    assert refused.exit_code != 0
    deleted = runner.invoke(args=["retention", "delete", "--yes"])
    assert deleted.exit_code == 0, deleted.output
    assert f"Deleted {case.reference}" in deleted.output
    db.session.expire_all()
    assert db.session.scalars(select(Case.id)).all() == []
    assert "No closed case" in runner.invoke(args=["retention", "list"]).output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
