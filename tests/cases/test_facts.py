"""The facts of a case, loaded from the database, give the deadlines the rules expect."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal import clock, pathway
from portal.cases.facts import deadlines_for, facts_for, facts_for_cases
from portal.cases.models import (
    AdviceKind,
    AdviceRequest,
    Case,
    CaseMilestones,
    LawfulDelay,
    Review,
    SchoolConsultation,
)
from portal.extensions import db
from tests import factories

TODAY = date(2027, 3, 10)


def _freeze() -> None:
    clock.freeze(datetime(2027, 3, 10, 12, 0))


def test_a_new_case_has_only_its_request_date(council, case_officer):
    """A case with nothing recorded yet is due a decision on assessment 6 weeks from the request."""
    _freeze()
    case = factories.make_case(team=council, officer=case_officer, received=date(2027, 3, 1))
    facts = facts_for(case)
    assert facts.stage is pathway.Stage.REQUEST
    assert facts.request_received_on == date(2027, 3, 1)
    [(deadline, status)] = deadlines_for(case, TODAY)
    assert deadline.kind is pathway.DeadlineKind.ASSESSMENT_DECISION
    assert deadline.due == date(2027, 4, 12)
    assert status is pathway.Status.DUE


def test_advice_requests_and_exceptions_become_deadlines(council, case_officer, psychologist):
    """Each advice request is due 6 weeks after it was sent; a recorded exception is applied."""
    _freeze()
    case = factories.make_case(
        team=council, officer=case_officer, stage="assessment", received=date(2027, 1, 4)
    )
    db.session.add(CaseMilestones(case=case, assessment_decided_on=date(2027, 1, 20)))
    late = AdviceRequest(
        case=case, kind=AdviceKind.HEALTH, service_name="Health visitors", sent_on=date(2027, 1, 20)
    )
    psych = AdviceRequest(
        case=case, kind=AdviceKind.PSYCHOLOGICAL, adviser=psychologist, sent_on=date(2027, 2, 1)
    )
    db.session.add_all([late, psych])
    db.session.commit()
    db.session.add(
        LawfulDelay(
            case=case,
            deadline_key=f"advice:{psych.id}",
            reason=pathway.DelayReason.MISSED_APPOINTMENT.value,
            applies_from=date(2027, 2, 20),
            explanation="Missed the assessment appointment.",
        )
    )
    db.session.commit()

    by_key = {d.key: (d, s) for d, s in deadlines_for(case, TODAY)}
    deadline, status = by_key[f"advice:{late.id}"]
    assert deadline.label == "Advice from Health visitors"
    assert deadline.due == date(2027, 3, 3) and status is pathway.Status.LATE
    deadline, status = by_key[f"advice:{psych.id}"]
    assert deadline.label == f"Advice from {psychologist.name}, the educational psychologist"
    assert status is pathway.Status.DELAY_ALLOWED


def test_a_review_meeting_counts_as_held_once_its_day_has_come(council, case_officer):
    """Before the meeting: invitations are due; from the meeting day: report and decision are."""
    _freeze()
    case = factories.make_case(
        team=council, officer=case_officer, stage="review", received=date(2026, 1, 5)
    )
    db.session.add(CaseMilestones(case=case, final_issued_on=date(2026, 5, 20)))
    db.session.add(Review(case=case, meeting_on=date(2027, 3, 24)))
    db.session.commit()

    before = facts_for(case, TODAY)
    assert before.next_review_meeting_on == date(2027, 3, 24)
    assert before.last_review_on is None
    kinds = {d.kind for d in pathway.case_deadlines(before)}
    assert pathway.DeadlineKind.REVIEW_INVITATIONS in kinds
    assert pathway.DeadlineKind.REVIEW_REPORT not in kinds

    after = facts_for(case, date(2027, 3, 24))
    assert after.last_review_on == date(2027, 3, 24)
    assert after.next_review_meeting_on is None
    kinds = {d.kind for d in pathway.case_deadlines(after)}
    assert {pathway.DeadlineKind.REVIEW_REPORT, pathway.DeadlineKind.REVIEW_DECISION} <= kinds


def test_a_child_under_five_is_reviewed_at_the_chosen_interval(council, case_officer):
    """For a child under 5 when the plan was issued, the next review is due after the council's
    chosen 3 to 6 months, not 12."""
    _freeze()
    case = factories.make_case(
        team=council, officer=case_officer, stage="final", received=date(2026, 9, 1), age_years=3
    )
    db.session.add(
        CaseMilestones(case=case, final_issued_on=date(2027, 1, 15), under_five_interval_months=4)
    )
    db.session.commit()
    facts = facts_for(case, TODAY)
    assert facts.under_five is True
    review = next(
        d for d in pathway.case_deadlines(facts) if d.kind is pathway.DeadlineKind.ANNUAL_REVIEW
    )
    assert review.due == date(2027, 5, 15)


def test_school_consultations_are_due_in_fifteen_days(council, case_officer, school):
    """A school named by the family has 15 days, counting the day it was asked."""
    _freeze()
    case = factories.make_case(
        team=council, officer=case_officer, stage="draft", received=date(2026, 12, 1)
    )
    db.session.add(CaseMilestones(case=case, draft_sent_on=date(2027, 3, 1)))
    db.session.add(
        SchoolConsultation(
            case=case, school_id=school.id, school_name=school.name, consulted_on=date(2027, 3, 2)
        )
    )
    db.session.commit()
    by_kind = {d.kind: d for d, _ in deadlines_for(case, TODAY)}
    consultation = by_kind[pathway.DeadlineKind.SCHOOL_CONSULTATION]
    assert consultation.label == f"Reply from {school.name}"
    assert consultation.due == date(2027, 3, 16)
    assert by_kind[pathway.DeadlineKind.DRAFT_COMMENTS].due == date(2027, 3, 15)


def test_many_cases_cost_the_same_queries_as_a_few(
    council, case_officer, bulk_cases, count_queries
):
    """Loading the facts of 1,000 cases runs as many SQL statements as loading 10."""
    _freeze()
    few_ids = bulk_cases(10, team=council, officer=case_officer, prefix="FEW")
    many_ids = bulk_cases(1000, team=council, officer=case_officer, prefix="MANY")
    few = db.session.scalars(select(Case).where(Case.id.in_(few_ids))).all()
    many = db.session.scalars(select(Case).where(Case.id.in_(many_ids))).all()

    with count_queries() as few_statements:
        few_facts = facts_for_cases(few, TODAY)
    with count_queries() as many_statements:
        many_facts = facts_for_cases(many, TODAY)

    assert len(few_statements) == len(many_statements)
    assert len(many_facts) == 1000 and len(few_facts) == 10
    sample = many_facts[many_ids[0]]
    assert len(sample.advice_requests) == 2
    assert sample.next_review_meeting_on is not None


def test_no_cases_need_no_queries(app, count_queries):
    """An empty caseload loads nothing."""
    with count_queries() as statements:
        assert facts_for_cases([]) == {}
    assert statements == []
