"""The case officer's actions: each one moves the case or records a fact, writes the timeline,
refuses impossible dates and illegal moves with a clear message, and saves nothing when refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, pathway
from portal.audit import Event, Visibility
from portal.cases.facts import deadlines_for, facts_for, record_for
from portal.cases.models import (
    AdviceRequest,
    Case,
    CaseMilestones,
    LawfulDelay,
    Relationship,
    Review,
    SchoolConsultation,
)
from portal.casework.next_steps import next_steps_section
from portal.casework.steps import assessment, lawful_delays
from portal.casework.steps import review as review_steps
from portal.extensions import db
from portal.refusals import NotAllowed, Refused
from tests import factories

#: Wednesday 10 March 2027.
TODAY = date(2027, 3, 10)


def dated(name: str, value: date) -> dict[str, str]:
    """The three boxes of a GOV.UK date input, filled in."""
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def freeze_on(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture(autouse=True)
def _today(app):
    freeze_on(TODAY)


@pytest.fixture
def officer(client_request, case_officer):
    client_request.sign_in_as(case_officer)
    return client_request


def make_case_at(council, case_officer, stage: str, received: date, **milestones) -> Case:
    """A case at ``stage`` with the given milestones already recorded."""
    case = factories.make_case(team=council, officer=case_officer, stage=stage, received=received)
    if milestones:
        db.session.add(CaseMilestones(case_id=case.id, **milestones))
        db.session.commit()
    return case


def events(case: Case, action: str) -> list[Event]:
    return list(
        db.session.scalars(select(Event).where(Event.case_id == case.id, Event.action == action))
    )


def flash_text(client) -> str:
    """The success banner shown on the next page."""
    return client.get("cases.home").text(".govuk-notification-banner")


# --------------------------------------------------------------------------------------------------
# Opening a case
# --------------------------------------------------------------------------------------------------


def test_case_officer_opens_a_case(officer, case_officer, council, school):
    """A new case starts at the request stage on the officer's team, with them as case officer,
    and tells everyone on it when the decision on assessment is due."""
    page = officer.get("casework.open_case")
    assert school.name in page.texts("#school option")
    response = officer.post(
        "casework.open_case",
        {
            "first_name": " Rosa ",
            "last_name": "Lopez",
            **dated("date_of_birth", date(2019, 6, 2)),
            "school": str(school.id),
            **dated("request_received_on", date(2027, 3, 1)),
            "requested_by": "parent",
        },
    )
    case = db.session.scalar(select(Case).order_by(Case.id.desc()))
    assert response.response.headers["Location"].endswith(f"/cases/{case.public_id}")
    assert (case.child.first_name, case.child.school_id) == ("Rosa", school.id)
    assert case.stage == "request" and case.team_id == council.id
    assert case.case_officer_id == case_officer.id and case.requested_by == "parent"
    assert case.reference.startswith("EHC-2027-")
    [opened] = events(case, "case.opened")
    assert opened.visibility == Visibility.EVERYONE
    assert "Monday 1 March 2027" in opened.summary
    assert "Monday 12 April 2027" in flash_text(officer)


def test_opening_a_case_explains_every_missing_answer(officer):
    """An empty form lists each missing answer, named after the thing, and saves nothing."""
    page = officer.post("casework.open_case", {}, expected_status=200)
    assert page.error_summary == [
        "Enter the child's first name",
        "Enter the child's last name",
        "Enter the child's date of birth",
        "Enter the date the request was received",
        "Choose who asked for the assessment",
    ]
    assert db.session.scalar(select(Case)) is None


@pytest.mark.parametrize(
    ("received", "message"),
    [
        (
            TODAY + timedelta(days=1),
            "The date the request was received must be today or in the past",
        ),
        (
            date(2019, 6, 1),
            "The date the request was received must be on or after the child's date of birth, "
            "Sunday 2 June 2019",
        ),
    ],
)
def test_opening_a_case_refuses_impossible_request_dates(officer, received, message):
    """A request cannot arrive in the future or before the child was born."""
    page = officer.post(
        "casework.open_case",
        {
            "first_name": "Rosa",
            "last_name": "Lopez",
            **dated("date_of_birth", date(2019, 6, 2)),
            **dated("request_received_on", received),
            "requested_by": "school",
        },
        expected_status=200,
    )
    assert page.error_summary == [message]
    assert page.html.select_one("#request_received_on-day")["value"] == str(received.day)


def test_a_date_that_does_not_exist_is_refused(officer):
    """31 February is not a real date, and the boxes keep what was typed."""
    page = officer.post(
        "casework.open_case",
        {
            "first_name": "Rosa",
            "last_name": "Lopez",
            "date_of_birth-day": "31",
            "date_of_birth-month": "2",
            "date_of_birth-year": "2019",
            **dated("request_received_on", TODAY),
            "requested_by": "school",
        },
        expected_status=200,
    )
    assert page.error_summary == ["The child's date of birth must be a real date"]


def test_opening_a_case_refuses_a_school_not_in_the_list(officer, ep_service):
    """Only schools and settings can be chosen as the child's school."""
    page = officer.post(
        "casework.open_case",
        {
            "first_name": "Rosa",
            "last_name": "Lopez",
            **dated("date_of_birth", date(2019, 6, 2)),
            "school": str(ep_service.id),
            **dated("request_received_on", TODAY),
            "requested_by": "school",
        },
        expected_status=200,
    )
    assert page.error_summary == ["Choose a school or setting from the list"]


def test_who_asked_must_be_one_of_the_choices(officer):
    """A made-up answer to "who asked" is refused with the question's own message."""
    page = officer.post(
        "casework.open_case",
        {
            "first_name": "Rosa",
            "last_name": "Lopez",
            **dated("date_of_birth", date(2019, 6, 2)),
            **dated("request_received_on", TODAY),
            "requested_by": "the-neighbour",
        },
        expected_status=200,
    )
    assert page.error_summary == ["Choose who asked for the assessment"]


# --------------------------------------------------------------------------------------------------
# The decision on assessment
# --------------------------------------------------------------------------------------------------


def test_yes_to_assessment_moves_the_case_on(officer, council, case_officer):
    """Deciding to assess moves the case to the assessment and records the letter date."""
    case = make_case_at(council, case_officer, "request", date(2027, 2, 1))
    officer.post(
        "casework.decide_assessment",
        {"outcome": "yes", **dated("letter_on", date(2027, 3, 8))},
        url_values={"case_id": case.public_id},
        expected_redirect=f"/cases/{case.public_id}",
    )
    assert case.stage == "assessment"
    assert facts_for(case).assessment_decided_on == date(2027, 3, 8)
    [event] = events(case, "case.assessment_decided")
    assert event.visibility == Visibility.EVERYONE and "decided to carry out" in event.summary


def test_no_to_assessment_closes_the_case_with_the_right_to_appeal(officer, council, case_officer):
    """Deciding not to assess closes the case; the page, the message and the family's timeline
    all give the right to mediation and appeal and its last day (2 months from the letter)."""
    case = make_case_at(council, case_officer, "request", date(2027, 2, 1))
    page = officer.get("casework.decide_assessment", case_id=case.public_id)
    assert "mediation" in page.text(".govuk-inset-text")
    assert "Monday 10 May 2027" in page.text(".govuk-inset-text")  # for a letter dated today

    officer.post(
        "casework.decide_assessment",
        {"outcome": "no", **dated("letter_on", date(2027, 3, 5))},
        url_values={"case_id": case.public_id},
    )
    assert case.stage == "not_assessing" and case.closed_at is not None
    assert "mediation or appeal until Wednesday 5 May 2027" in flash_text(officer)
    [event] = events(case, "case.assessment_decided")
    assert event.visibility == Visibility.EVERYONE
    assert "You can ask for mediation or appeal until Wednesday 5 May 2027." in event.summary


@pytest.mark.parametrize(
    ("letter_on", "message"),
    [
        (
            date(2027, 1, 31),
            "The date of the letter must be on or after the day the request was received, "
            "Monday 1 February 2027",
        ),
        (TODAY + timedelta(days=3), "The date of the letter must be today or in the past"),
    ],
)
def test_decision_letter_dates_must_be_possible(officer, council, case_officer, letter_on, message):
    """A letter cannot be dated before the request or in the future; nothing changes."""
    case = make_case_at(council, case_officer, "request", date(2027, 2, 1))
    page = officer.post(
        "casework.decide_assessment",
        {"outcome": "yes", **dated("letter_on", letter_on)},
        url_values={"case_id": case.public_id},
        expected_status=200,
    )
    assert page.error_summary == [message]
    assert page.html.title.get_text().startswith("Error: ")
    assert case.stage == "request"
    assert db.session.scalar(select(CaseMilestones)) is None


def test_an_illegal_move_is_refused_with_the_reason(officer, council, case_officer):
    """Recording "no plan" at the request stage is refused with the rules' own reason."""
    case = make_case_at(council, case_officer, "request", date(2027, 2, 1))
    page = officer.post(
        "casework.not_issuing",
        dated("letter_on", TODAY),
        url_values={"case_id": case.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "A case at 'Asking for an assessment' cannot move to 'We are not making a plan'. "
        "That can only be decided at 'Deciding about a plan'."
    ]
    assert case.stage == "request"


def test_a_closed_case_cannot_be_decided_again(officer, council, case_officer):
    """Once the council has said no, the decision cannot be recorded a second time."""
    case = make_case_at(council, case_officer, "not_assessing", date(2027, 2, 1))
    page = officer.post(
        "casework.decide_assessment",
        {"outcome": "yes", **dated("letter_on", TODAY)},
        url_values={"case_id": case.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "A case at 'We are not assessing' is closed. It cannot move to "
        "'Finding out about your child'."
    ]


# --------------------------------------------------------------------------------------------------
# Advice
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def assessing(council, case_officer, psychologist):
    """A case being assessed, with the psychologist on it."""
    case = make_case_at(
        council,
        case_officer,
        "assessment",
        date(2027, 1, 4),
        assessment_decided_on=date(2027, 1, 20),
        assessment_outcome="yes",
    )
    factories.grant(case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST, by=case_officer)
    return case


def test_advice_is_asked_of_someone_on_the_case_with_its_due_date(officer, assessing, psychologist):
    """Asking someone on the case for advice shows it is due 6 weeks after it was sent."""
    page = officer.get("casework.request_advice", case_id=assessing.public_id)
    assert any(psychologist.name in option for option in page.texts("#adviser option"))
    officer.post(
        "casework.request_advice",
        {"kind": "psychological", "adviser": str(psychologist.id), **dated("sent_on", TODAY)},
        url_values={"case_id": assessing.public_id},
    )
    [advice] = db.session.scalars(select(AdviceRequest)).all()
    assert advice.adviser_id == psychologist.id and advice.service_name is None
    assert "due by Wednesday 21 April 2027" in flash_text(officer)
    [event] = events(assessing, "advice.requested")
    assert psychologist.name in event.summary and "Wednesday 21 April 2027" in event.summary
    deadline, status = next(d for d in deadlines_for(assessing) if d[0].kind == "advice")
    assert deadline.due == date(2027, 4, 21) and status is pathway.Status.DUE


def test_advice_can_be_asked_of_a_service_not_on_the_portal(officer, assessing):
    """A service named in words gets an advice request too."""
    officer.post(
        "casework.request_advice",
        {"kind": "health", "service_name": "Northfield Health", **dated("sent_on", TODAY)},
        url_values={"case_id": assessing.public_id},
    )
    advice = db.session.scalar(select(AdviceRequest))
    assert advice.from_whom == "Northfield Health" and advice.kind == "health"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "Choose someone on this case, or enter the person or service"),
        (
            {"adviser": "PSYCH", "service_name": "Also this"},
            "Choose someone on this case or enter a name, not both",
        ),
        ({"adviser": "999999"}, "Choose someone from the list of people on this case"),
    ],
)
def test_advice_must_be_asked_of_one_known_person(officer, assessing, psychologist, extra, message):
    """The person asked is someone on the case or a named service, never both or a stranger."""
    data = {"kind": "health", **dated("sent_on", TODAY)}
    data.update({k: str(psychologist.id) if v == "PSYCH" else v for k, v in extra.items()})
    page = officer.post(
        "casework.request_advice",
        data,
        url_values={"case_id": assessing.public_id},
        expected_status=200,
    )
    assert message in page.error_summary
    assert db.session.scalar(select(AdviceRequest)) is None


def test_advice_cannot_be_asked_for_before_the_decision_to_assess(officer, assessing):
    """An advice request dated before the decision to assess is refused."""
    page = officer.post(
        "casework.request_advice",
        {"kind": "health", "service_name": "Health", **dated("sent_on", date(2027, 1, 10))},
        url_values={"case_id": assessing.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "The date the request was sent must be on or after the decision to assess, "
        "Wednesday 20 January 2027"
    ]


def test_late_advice_is_recorded_as_late(officer, assessing, case_officer):
    """Advice that arrives after its 6 weeks is recorded, and the timeline says it was late."""
    advice = AdviceRequest(
        case=assessing, kind="health", service_name="Health", sent_on=date(2027, 1, 20)
    )
    db.session.add(advice)
    db.session.commit()
    page = officer.post(
        "casework.advice_received",
        dated("received_on", date(2027, 1, 19)),
        url_values={"case_id": assessing.public_id, "advice_id": advice.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "The date the advice was received must be on or after the day it was asked for, "
        "Wednesday 20 January 2027"
    ]
    officer.post(
        "casework.advice_received",
        dated("received_on", date(2027, 3, 5)),
        url_values={"case_id": assessing.public_id, "advice_id": advice.public_id},
    )
    assert advice.received_on == date(2027, 3, 5)
    [event] = events(assessing, "advice.received")
    assert "after the due date of Wednesday 3 March 2027" in event.summary
    [(_deadline, status)] = [d for d in deadlines_for(assessing) if d[0].kind == "advice"]
    assert status is pathway.Status.MET_LATE


def test_advice_from_another_case_is_not_found(officer, assessing, council, case_officer):
    """An advice request cannot be reached through a different case's address."""
    other = make_case_at(council, case_officer, "assessment", date(2027, 1, 4))
    advice = AdviceRequest(case=other, kind="health", service_name="H", sent_on=date(2027, 2, 1))
    db.session.add(advice)
    db.session.commit()
    officer.get(
        "casework.advice_received",
        case_id=assessing.public_id,
        advice_id=advice.public_id,
        expected_status=404,
    )


def test_finishing_the_assessment_warns_of_missing_advice(officer, assessing):
    """The page names anyone whose advice has not arrived; finishing moves the case on."""
    db.session.add(
        AdviceRequest(case=assessing, kind="health", service_name="Health", sent_on=TODAY)
    )
    db.session.commit()
    page = officer.get("casework.finish_assessment", case_id=assessing.public_id)
    assert "Advice has not arrived yet from: Health." in page.text("main")
    officer.post(
        "casework.finish_assessment",
        dated("finished_on", TODAY),
        url_values={"case_id": assessing.public_id},
    )
    assert assessing.stage == "decision"
    [event] = events(assessing, "case.assessment_finished")
    assert "Monday 26 April 2027" in event.summary  # 16 weeks from 4 January


# --------------------------------------------------------------------------------------------------
# The decision on a plan, the draft and the final plan
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def deciding(council, case_officer):
    return make_case_at(
        council,
        case_officer,
        "decision",
        date(2027, 1, 4),
        assessment_decided_on=date(2027, 1, 20),
        assessment_outcome="yes",
        assessment_finished_on=date(2027, 3, 3),
    )


def test_the_draft_cannot_be_sent_in_the_future(officer, deciding):
    """A draft dated tomorrow is refused, with the message named after the thing."""
    page = officer.post(
        "casework.send_draft",
        dated("sent_on", TODAY + timedelta(days=1)),
        url_values={"case_id": deciding.public_id},
        expected_status=200,
    )
    assert page.error_summary == ["The date the draft was sent must be today or in the past"]
    assert deciding.stage == "decision"


def test_sending_the_draft_starts_the_familys_15_days(officer, deciding):
    """The family has 15 days counting the day the draft was sent."""
    officer.post(
        "casework.send_draft", dated("sent_on", TODAY), url_values={"case_id": deciding.public_id}
    )
    assert deciding.stage == "draft"
    [event] = events(deciding, "case.draft_sent")
    assert "until Wednesday 24 March 2027" in event.summary
    assert "comment until Wednesday 24 March 2027" in flash_text(officer)


def test_not_issuing_closes_the_case_with_the_right_to_appeal(officer, deciding):
    """Deciding not to make a plan closes the case and gives the appeal deadline."""
    page = officer.get("casework.not_issuing", case_id=deciding.public_id)
    assert "mediation" in page.text(".govuk-inset-text")
    officer.post(
        "casework.not_issuing",
        dated("letter_on", TODAY),
        url_values={"case_id": deciding.public_id},
    )
    assert deciding.stage == "not_issuing"
    assert "mediation or appeal until Monday 10 May 2027" in flash_text(officer)
    facts = facts_for(deciding)
    [appeal] = pathway.case_deadlines(facts)
    assert appeal.kind is pathway.DeadlineKind.APPEAL and appeal.due == date(2027, 5, 10)


@pytest.fixture
def draft(council, case_officer):
    return make_case_at(
        council,
        case_officer,
        "draft",
        date(2026, 11, 2),
        assessment_decided_on=date(2026, 11, 30),
        draft_sent_on=date(2027, 3, 1),
    )


def test_the_final_plan_waits_for_the_familys_15_days(officer, draft):
    """Before the family's 15 days end, the final plan needs their comments first."""
    page = officer.post(
        "casework.issue_final_plan",
        {**dated("issued_on", TODAY), "under_five_interval_months": "6"},
        url_values={"case_id": draft.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "The family has until Monday 15 March 2027 to comment on the draft. Record their "
        "comments first, or issue the final plan after that day."
    ]
    officer.post(
        "casework.family_comments",
        {**dated("received_on", date(2027, 3, 9)), "school_preference": "Riverside Academy"},
        url_values={"case_id": draft.public_id},
    )
    officer.post(
        "casework.issue_final_plan",
        {**dated("issued_on", TODAY), "under_five_interval_months": "6"},
        url_values={"case_id": draft.public_id},
    )
    assert draft.stage == "final"
    row = record_for(draft).milestones
    assert row.school_preference == "Riverside Academy"
    assert row.final_issued_on == TODAY
    [event] = events(draft, "case.final_issued")
    assert "within the 20 weeks" in event.summary  # due Monday 22 March 2027
    assert event.detail["on_time"] is True


def test_family_comments_cannot_come_before_the_draft(officer, draft):
    """Comments dated before the draft was sent are refused."""
    page = officer.post(
        "casework.family_comments",
        dated("received_on", date(2027, 2, 28)),
        url_values={"case_id": draft.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "The date the comments were received must be on or after the day the draft was sent, "
        "Monday 1 March 2027"
    ]


def test_a_school_is_consulted_and_replies(officer, draft, school):
    """A school named by the family is asked, has 15 days, and its reply is recorded."""
    officer.post(
        "casework.consult_school",
        {"school": str(school.id), **dated("consulted_on", date(2027, 3, 2))},
        url_values={"case_id": draft.public_id},
    )
    consultation = db.session.scalar(select(SchoolConsultation))
    assert consultation.school_name == school.name
    assert "reply by Tuesday 16 March 2027" in flash_text(officer)
    officer.post(
        "casework.school_reply",
        dated("replied_on", TODAY),
        url_values={"case_id": draft.public_id, "consultation_id": consultation.public_id},
    )
    assert consultation.replied_on == TODAY
    by_kind = {d.kind: s for d, s in deadlines_for(draft)}
    assert by_kind[pathway.DeadlineKind.SCHOOL_CONSULTATION] is pathway.Status.MET_ON_TIME


# --------------------------------------------------------------------------------------------------
# Reviews, amendments, phase transfer, ending the plan
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def final(council, case_officer):
    return make_case_at(
        council,
        case_officer,
        "final",
        date(2026, 1, 5),
        assessment_decided_on=date(2026, 2, 2),
        draft_sent_on=date(2026, 4, 20),
        final_issued_on=date(2026, 5, 18),
    )


def test_a_meeting_recorded_after_it_happened_sets_no_past_task(officer, final):
    """Recording a review meeting that has already happened does not ask the officer to send
    invitations by a date that has passed; it says when they were due."""
    officer.post(
        "casework.schedule_review",
        dated("meeting_on", TODAY - timedelta(days=1)),
        url_values={"case_id": final.public_id},
    )
    message = flash_text(officer)
    assert "The invitations were due by Tuesday 23 February 2027." in message
    assert "Send the invitations" not in message


def test_a_review_is_arranged_and_run(officer, final, case_officer):
    """Arranging a review moves the case into the review cycle; the report and decision can
    only be recorded once the meeting has happened."""
    officer.post(
        "casework.schedule_review",
        dated("meeting_on", date(2027, 4, 14)),
        url_values={"case_id": final.public_id},
    )
    assert final.stage == "review"
    review = db.session.scalar(select(Review))
    assert "Send the invitations by Wednesday 31 March 2027" in flash_text(officer)

    officer.post(
        "casework.review_invitations",
        dated("sent_on", TODAY),
        url_values={"case_id": final.public_id, "review_id": review.public_id},
    )
    page = officer.post(
        "casework.review_report",
        dated("sent_on", TODAY),
        url_values={"case_id": final.public_id, "review_id": review.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "The review meeting is on Wednesday 14 April 2027. You can record the report after it."
    ]

    freeze_on(date(2027, 4, 20))
    officer.sign_in_as(case_officer)  # a new session: the old one expired while time moved on
    officer.post(
        "casework.review_report",
        dated("sent_on", date(2027, 4, 20)),
        url_values={"case_id": final.public_id, "review_id": review.public_id},
    )
    officer.post(
        "casework.review_decision",
        {"decision": "keep", **dated("decided_on", date(2027, 4, 20))},
        url_values={"case_id": final.public_id, "review_id": review.public_id},
    )
    assert (review.report_sent_on, review.decision) == (date(2027, 4, 20), "keep")
    facts = facts_for(final)
    assert facts.last_review_on == date(2027, 4, 14)
    annual = next(d for d in pathway.case_deadlines(facts) if d.kind == "annual_review")
    assert annual.due == date(2028, 4, 14)


def test_a_new_review_needs_the_last_decision_first(officer, final, case_officer):
    """The next review cannot be arranged while the last one is undecided."""
    review_steps.schedule_review(case_officer, final, meeting_on=date(2027, 3, 1))
    page = officer.post(
        "casework.schedule_review",
        dated("meeting_on", date(2028, 3, 1)),
        url_values={"case_id": final.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "Record the decision after the review on Monday 1 March 2027 first."
    ]


def test_a_review_cannot_be_before_the_plan(officer, final):
    """A review meeting before the final plan was issued is refused."""
    page = officer.post(
        "casework.schedule_review",
        dated("meeting_on", date(2026, 5, 1)),
        url_values={"case_id": final.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "The date of the review meeting must be on or after the day the final plan was issued, "
        "Monday 18 May 2026"
    ]
    assert final.stage == "final"


def test_amendments_follow_a_decision_to_amend(officer, final, case_officer):
    """Proposed changes, the family's comments and the changed plan, in that order; the
    changed plan can name the new school for a phase transfer."""
    review = review_steps.schedule_review(case_officer, final, meeting_on=date(2027, 2, 10)).subject
    review_steps.record_review_decision(
        case_officer, review, decision="amend", decided_on=date(2027, 2, 20)
    )
    ids = {"case_id": final.public_id, "review_id": review.public_id}
    page = officer.post(
        "casework.amended_plan", dated("issued_on", TODAY), url_values=ids, expected_status=200
    )
    assert page.error_summary == ["Send the proposed changes before issuing the changed plan."]

    officer.post("casework.send_amendments", dated("sent_on", date(2027, 3, 1)), url_values=ids)
    assert "comment until Monday 15 March 2027" in flash_text(officer)
    officer.post(
        "casework.phase_transfer",
        {"year": "2027", "kind": "school"},
        url_values={"case_id": final.public_id},
    )
    # The timeline is read by the young person too: it names them, never "the child".
    moved = db.session.scalar(select(Event).where(Event.action == "case.phase_transfer_set"))
    assert moved.summary.startswith(f"{final.child.first_name} moves to a new school or college")
    officer.post(
        "casework.amendment_comments", dated("received_on", date(2027, 3, 8)), url_values=ids
    )
    officer.post(
        "casework.amended_plan",
        {**dated("issued_on", TODAY), "names_new_school": "y"},
        url_values=ids,
    )
    assert review.amended_plan_issued_on == TODAY
    assert final.stage == "review"
    by_kind = {d.kind: s for d, s in deadlines_for(final)}
    assert by_kind[pathway.DeadlineKind.AMENDED_PLAN] is pathway.Status.MET_ON_TIME
    assert by_kind[pathway.DeadlineKind.PHASE_TRANSFER] is pathway.Status.MET_LATE  # 15 Feb


def test_phase_transfer_year_must_be_sensible(officer, final):
    """The year of a move is 4 numbers, from this year to 10 years ahead."""
    for year, message in [
        ("next", "Enter the year of the move as 4 numbers, like 2028"),
        ("2019", "The year of the move must be between 2027 and 2037"),
    ]:
        page = officer.post(
            "casework.phase_transfer",
            {"year": year, "kind": "post_16"},
            url_values={"case_id": final.public_id},
            expected_status=200,
        )
        assert page.error_summary == [message]


def test_a_decision_to_cease_then_the_letter_ends_the_plan(officer, final, case_officer):
    """Ending the plan closes the case; both steps give the family's appeal deadline."""
    review = review_steps.schedule_review(case_officer, final, meeting_on=date(2027, 2, 10)).subject
    officer.post(
        "casework.review_decision",
        {"decision": "cease", **dated("decided_on", date(2027, 3, 1))},
        url_values={"case_id": final.public_id, "review_id": review.public_id},
    )
    assert "mediation or appeal until Saturday 1 May 2027" in flash_text(officer)
    page = officer.get("casework.manage_case", case_id=final.public_id)
    assert "End the plan" in page.texts("main a")
    officer.post(
        "casework.end_plan", dated("letter_on", TODAY), url_values={"case_id": final.public_id}
    )
    assert final.stage == "ceased" and final.closed_at is not None
    [event] = events(final, "case.ceased")
    assert "You can ask for mediation or appeal until Monday 10 May 2027." in event.summary


def test_a_plan_cannot_end_before_it_is_reviewed(officer, final):
    """A final plan goes through a review before it can end: the rules' reason is shown."""
    page = officer.post(
        "casework.end_plan",
        dated("letter_on", TODAY),
        url_values={"case_id": final.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "A case at 'The plan is ready' cannot go straight to 'Plan ended'. "
        "Next it can go to 'Checking the plan works'."
    ]


# --------------------------------------------------------------------------------------------------
# Exceptions
# --------------------------------------------------------------------------------------------------


def test_an_exception_offers_only_the_lawful_reasons(officer, assessing):
    """The reasons offered depend on the time limit; staff shortages are never one of them, and
    a missed appointment only excuses advice."""
    advice = AdviceRequest(
        case=assessing, kind="health", service_name="H", sent_on=date(2027, 1, 25)
    )
    db.session.add(advice)
    db.session.commit()
    final_plan = officer.get(
        "casework.record_lawful_delay", case_id=assessing.public_id, deadline="final-plan"
    )
    reasons = final_plan.texts(".govuk-radios__label")
    assert len(reasons) == 3
    assert not any("appointment" in r or "staff" in r.lower() for r in reasons)
    advice_page = officer.get(
        "casework.record_lawful_delay", case_id=assessing.public_id, deadline=f"advice-{advice.id}"
    )
    assert "The child missed an appointment" in advice_page.texts(".govuk-radios__label")


def test_staff_shortages_cannot_be_recorded(officer, assessing):
    """A reason that is not on the list, such as staff shortages, is refused."""
    page = officer.post(
        "casework.record_lawful_delay",
        {
            "reason": "staff_shortages",
            **dated("applies_from", TODAY),
            "explanation": "Two officers are off sick.",
        },
        url_values={"case_id": assessing.public_id, "deadline": "final-plan"},
        expected_status=200,
    )
    assert page.error_summary == ["Choose the lawful reason for the delay"]
    assert db.session.scalar(select(LawfulDelay)) is None


def test_a_missed_appointment_cannot_excuse_the_final_plan(case_officer, assessing):
    """Even called directly, the service refuses a reason the law does not allow here."""
    with pytest.raises(Refused, match="only excuses late advice"):
        lawful_delays.record_lawful_delay(
            case_officer,
            assessing,
            deadline_key="final_plan",
            reason="missed_appointment",
            applies_from=TODAY,
            explanation="Missed it.",
        )


def test_an_exception_changes_late_to_delayed_for_an_allowed_reason(officer, assessing):
    """Once recorded, a late advice request shows as delayed for an allowed reason; the family
    sees the reason, and only the council sees the explanation."""
    advice = AdviceRequest(
        case=assessing, kind="health", service_name="H", sent_on=date(2027, 1, 20)
    )
    db.session.add(advice)
    db.session.commit()
    assert {d.key: s for d, s in deadlines_for(assessing)}[f"advice:{advice.id}"] == "late"
    officer.post(
        "casework.record_lawful_delay",
        {
            "reason": "missed_appointment",
            **dated("applies_from", date(2027, 2, 15)),
            "explanation": "Alfie was unwell on the day of the clinic.",
        },
        url_values={"case_id": assessing.public_id, "deadline": f"advice-{advice.id}"},
    )
    status = {d.key: s for d, s in deadlines_for(assessing)}[f"advice:{advice.id}"]
    assert status is pathway.Status.DELAY_ALLOWED
    [public] = events(assessing, "deadline.exception_recorded")
    assert public.visibility == Visibility.EVERYONE and "unwell" not in public.summary
    [private] = events(assessing, "deadline.exception_explained")
    assert private.visibility == Visibility.COUNCIL and "unwell" in private.summary
    # Recorded once: the link and the page are gone for that time limit.
    officer.get(
        "casework.record_lawful_delay",
        case_id=assessing.public_id,
        deadline=f"advice-{advice.id}",
        expected_status=404,
    )


def test_no_exception_for_the_familys_own_time_limit(officer, draft):
    """The family's 15 days are theirs: there is no page to excuse them."""
    officer.get(
        "casework.record_lawful_delay",
        case_id=draft.public_id,
        deadline="draft-comments",
        expected_status=404,
    )


# --------------------------------------------------------------------------------------------------
# The manage page and the case page section
# --------------------------------------------------------------------------------------------------


def test_manage_page_lists_the_actions_for_the_stage(officer, assessing):
    """At the assessment stage the officer can ask for advice or finish, not send a draft."""
    page = officer.get("casework.manage_case", case_id=assessing.public_id)
    links = page.texts("main ul a")
    assert "Ask for advice" in links and "Finish the assessment" in links
    assert "Send the draft plan" not in links
    assert "Record an allowed reason for a delay: Final plan" in links
    assert "Final plan" in page.text("table")


def test_case_officer_sees_next_steps_on_the_case_page(case_officer, parent, family_case):
    """The next-steps section is for the team's case officer and nobody else."""
    with_officer = next_steps_section(family_case, case_officer)
    assert with_officer is not None
    assert with_officer["actions"][0].label == "Record the decision on assessment"
    assert next_steps_section(family_case, parent) is None


def test_the_manage_section_is_on_the_case_page(officer, family_case):
    """The case page shows the officer a link to record the decision on assessment."""
    page = officer.get("cases.case_page", case_id=family_case.public_id)
    assert "Record the decision on assessment" in page.texts("#case-actions-title ~ ul a")


def test_services_refuse_someone_who_may_not_manage_the_case(other_council_officer, family_case):
    """Called directly, a service refuses an officer from another council and saves nothing."""
    with pytest.raises(NotAllowed):
        assessment.decide_assessment(
            other_council_officer, family_case, outcome="yes", letter_on=TODAY
        )
    assert family_case.stage == "request"


def test_a_meeting_on_christmas_day_is_warned_about_then_arranged_once_confirmed(officer, final):
    """A bank holiday (or a weekend) is not refused, but the officer is warned and asked to say
    the date is right; nothing is recorded until they do, and the date they typed is kept."""
    christmas = date(2027, 12, 25)
    page = officer.post(
        "casework.schedule_review",
        dated("meeting_on", christmas),
        url_values={"case_id": final.public_id},
        expected_status=200,
    )
    warning = page.text("#closed-day")
    assert "Saturday 25 December 2027 is Christmas Day, a bank holiday." in warning
    assert page.error_summary == []
    assert page.html.select_one("input[name=meeting_on-day]")["value"] == "25"
    assert page.html.select_one("label[for=closed_day_confirmed]").get_text(strip=True) == (
        "Yes, the meeting is on this day"
    )
    assert final.stage == "final" and db.session.scalar(select(Review)) is None

    officer.post(
        "casework.schedule_review",
        {**dated("meeting_on", christmas), "closed_day_confirmed": "y"},
        url_values={"case_id": final.public_id},
    )
    assert db.session.scalar(select(Review.meeting_on)) == christmas


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2027, 5, 3), "Monday 3 May 2027 is May Day, a bank holiday."),
        (date(2027, 4, 17), "Saturday 17 April 2027 is a Saturday."),
    ],
)
def test_a_bank_holiday_or_a_weekend_is_named_in_the_warning(officer, final, day, reason):
    page = officer.post(
        "casework.schedule_review",
        dated("meeting_on", day),
        url_values={"case_id": final.public_id},
        expected_status=200,
    )
    assert reason in page.text("#closed-day")


def test_a_working_day_is_arranged_without_a_warning(officer, final):
    form = officer.get("casework.schedule_review", case_id=final.public_id)
    assert form.html.select_one("input[name=closed_day_confirmed]") is None
    officer.post(
        "casework.schedule_review",
        dated("meeting_on", date(2027, 5, 4)),
        url_values={"case_id": final.public_id},
    )
    assert db.session.scalar(select(Review.meeting_on)) == date(2027, 5, 4)
