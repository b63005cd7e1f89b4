"""Advice sent is advice received (issue 11): a school or professional who uploads advice against
their open advice request has sent it. The request is recorded as received (the day, by whom),
their "Send your advice" task goes, the case's stored deadline moves on for the officer's
caseload and the family's view; the officer can still correct it. Advice kept from the family
needs a reason, and the family is told some advice is kept from them (never what it says)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, pathway
from portal.accounts.models import Role
from portal.audit import Event, Visibility
from portal.cases.caseload import my_tasks
from portal.cases.models import (
    AdviceKind,
    AdviceRequest,
    CaseMilestones,
    CaseSchedule,
    Relationship,
)
from portal.dates import long_date
from portal.documents.models import Document
from portal.extensions import db
from tests import factories
from tests.documents import samples
from tests.documents.helpers import upload_form

#: Wednesday 10 March 2027.
TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def _today(app):
    clock.freeze(datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0))


@pytest.fixture
def assessment_case(family_case, psychologist, case_officer):
    """Alfie's case in the assessment: the school (Sally Senco) was asked for educational
    advice 5 weeks ago (due in a week), the psychologist for psychological advice 4 weeks ago
    (due in 2 weeks)."""
    family_case.stage = pathway.Stage.ASSESSMENT.value
    family_case.request_received_on = TODAY - timedelta(weeks=7)
    db.session.add(
        CaseMilestones(case_id=family_case.id, assessment_decided_on=TODAY - timedelta(weeks=5))
    )
    factories.grant(
        family_case,
        psychologist,
        Relationship.EDUCATIONAL_PSYCHOLOGIST,
        add_documents=True,
        by=case_officer,
    )
    senco = next(g.user for g in family_case.grants if g.user.role == Role.SCHOOL)
    for adviser, kind, weeks in (
        (senco, AdviceKind.EDUCATIONAL, 5),
        (psychologist, AdviceKind.PSYCHOLOGICAL, 4),
    ):
        db.session.add(
            AdviceRequest(
                case=family_case,
                kind=kind.value,
                adviser=adviser,
                sent_on=TODAY - timedelta(weeks=weeks),
                requested_by_id=case_officer.id,
            )
        )
    db.session.commit()
    return family_case


def _advice(case, adviser) -> AdviceRequest:
    db.session.expire_all()
    return db.session.scalar(
        select(AdviceRequest).where(
            AdviceRequest.case_id == case.id, AdviceRequest.adviser_id == adviser.id
        )
    )


def _next_due(case) -> date | None:
    db.session.expire_all()
    return db.session.scalar(
        select(CaseSchedule.next_due_on).where(CaseSchedule.case_id == case.id)
    )


def _upload(client_request, user, case, **form):
    if Role(user.role).is_professional:
        form.setdefault("restriction", "everyone")
    client_request.sign_in_as(user)
    return client_request.post(
        "documents.upload_documents",
        upload_form([("advice.pdf", samples.pdf())], **form),
        url_values={"case_id": case.public_id},
    )


def test_uploading_advice_records_it_received_and_closes_the_task(
    client_request, new_client, assessment_case, senco, case_officer, parent
):
    """The SENCO uploads "Advice: education": the request is received today, by them; their
    task goes; the case's stored next deadline moves on to the psychologist's, and the officer's
    caseload and the family's case page say so."""
    school_due = pathway.advice_due(TODAY - timedelta(weeks=5))
    psych_due = pathway.advice_due(TODAY - timedelta(weeks=4))
    officer = new_client()
    officer.sign_in_as(case_officer)
    assert long_date(school_due) in officer.get("cases.home").text("main")
    assert _next_due(assessment_case) == school_due
    assert [t.what for t in my_tasks(senco, TODAY)] == ["Send your advice"]

    _upload(client_request, senco, assessment_case, title="Alfie at school")

    advice = _advice(assessment_case, senco)
    assert (advice.received_on, advice.received_by_id) == (TODAY, senco.id)
    assert my_tasks(senco, TODAY) == []
    assert "Send your advice" not in client_request.get("cases.home").text("main")
    assert _next_due(assessment_case) == psych_due
    caseload = officer.get("cases.home").text("main")
    assert long_date(psych_due) in caseload
    assert long_date(school_due) not in caseload
    (event,) = db.session.scalars(select(Event).where(Event.action == "advice.received")).all()
    assert event.actor_id == senco.id and event.visibility == Visibility.EVERYONE
    document = db.session.scalar(select(Document))
    assert event.detail["document"] == document.public_id
    family = new_client()
    family.sign_in_as(parent)
    page = family.get("cases.case_page", case_id=assessment_case.public_id)
    assert "arrived on time" in page.text("main")
    # The family can read the advice: it is in their documents list.
    documents = family.get("documents.case_documents", case_id=assessment_case.public_id)
    assert "Alfie at school" in documents.text("#documents-area")


def test_upload_by_someone_with_no_open_request_changes_nothing(
    client_request, assessment_case, senco, parent
):
    """A parent's "advice" upload, or a SENCO's second one once theirs is in, records nothing."""
    _upload(client_request, parent, assessment_case, title="What we think")
    assert _advice(assessment_case, senco).received_on is None
    _upload(client_request, senco, assessment_case, title="Advice")
    _upload(client_request, senco, assessment_case, title="More advice")
    received = db.session.scalars(select(Event).where(Event.action == "advice.received")).all()
    assert len(received) == 1
    assert received[0].actor_id == senco.id


def test_a_document_that_is_not_advice_does_not_count(client_request, assessment_case, senco):
    """A SENCO's "Other" document is not their advice: the request stays open."""
    _upload(client_request, senco, assessment_case, title="Timetable", category="other")
    assert _advice(assessment_case, senco).received_on is None
    assert [t.what for t in my_tasks(senco, TODAY)] == ["Send your advice"]


def test_officer_can_say_the_upload_was_not_the_advice(
    client_request, new_client, assessment_case, senco, case_officer
):
    """The officer corrects an upload that was not really the advice: the request is open
    again, the SENCO's task and the case's deadline come back, and the timeline says so."""
    school_due = pathway.advice_due(TODAY - timedelta(weeks=5))
    _upload(client_request, senco, assessment_case, title="Advice")
    advice = _advice(assessment_case, senco)
    officer = new_client()
    officer.sign_in_as(case_officer)
    case_page = officer.get("cases.case_page", case_id=assessment_case.public_id)
    assert "Correct the advice from Sally Senco at the school" in case_page.text("main")
    form = officer.get(
        "casework.correct_advice",
        case_id=assessment_case.public_id,
        advice_id=advice.public_id,
    )
    assert "by Sally Senco" in form.text("main")
    officer.post(
        "casework.correct_advice",
        {"arrived": "no"},
        url_values={"case_id": assessment_case.public_id, "advice_id": advice.public_id},
    )
    advice = _advice(assessment_case, senco)
    assert (advice.received_on, advice.received_by_id) == (None, None)
    assert [t.what for t in my_tasks(senco, TODAY)] == ["Send your advice"]
    assert _next_due(assessment_case) == school_due
    (event,) = db.session.scalars(select(Event).where(Event.action == "advice.corrected")).all()
    assert event.actor_id == case_officer.id


def test_officer_can_correct_the_day_advice_arrived(
    client_request, new_client, assessment_case, senco, case_officer
):
    """The officer moves the day an uploaded advice arrived (it came by post earlier)."""
    _upload(client_request, senco, assessment_case, title="Advice")
    advice = _advice(assessment_case, senco)
    officer = new_client()
    officer.sign_in_as(case_officer)
    earlier = TODAY - timedelta(days=3)
    url_values = {"case_id": assessment_case.public_id, "advice_id": advice.public_id}
    page = officer.post(
        "casework.correct_advice", {"arrived": "yes"}, url_values=url_values, expected_status=200
    )
    assert page.error_summary == ["Enter the date the advice was received"]
    officer.post(
        "casework.correct_advice",
        {
            "arrived": "yes",
            "received_on-day": str(earlier.day),
            "received_on-month": str(earlier.month),
            "received_on-year": str(earlier.year),
        },
        url_values=url_values,
    )
    advice = _advice(assessment_case, senco)
    assert (advice.received_on, advice.received_by_id) == (earlier, case_officer.id)


def test_the_adviser_cannot_correct_it(client_request, assessment_case, senco):
    """Only the case officer corrects: the SENCO gets a 404 on the correction page."""
    _upload(client_request, senco, assessment_case, title="Advice")
    advice = _advice(assessment_case, senco)
    client_request.get(
        "casework.correct_advice",
        case_id=assessment_case.public_id,
        advice_id=advice.public_id,
        expected_status=404,
    )


def test_keeping_advice_from_the_family_needs_a_reason(client_request, assessment_case, senco):
    """Advice marked "Professionals only" without a reason is refused, and nothing is kept."""
    client_request.sign_in_as(senco)
    form = upload_form([("advice.pdf", samples.pdf())], restriction="professionals")
    del form["restriction_reason"]
    page = client_request.post(
        "documents.upload_documents",
        form,
        url_values={"case_id": assessment_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == ["Enter why the family must not see this advice"]
    assert db.session.scalar(select(Document)) is None
    assert _advice(assessment_case, senco).received_on is None


def test_restricted_advice_shows_the_family_a_notice_without_its_contents(
    client_request, new_client, assessment_case, senco, parent, case_officer
):
    """Advice kept from the family, with a reason: it still counts as received; the family
    sees that a piece of advice is kept from them and why that can happen, but not its title
    or the reason's words; the reason is recorded for the council."""
    form = upload_form(
        [("advice.pdf", samples.pdf())],
        title="Notes about the older brother",
        restriction="professionals",
    )
    form["restriction_reason"] = "Mentions the older brother's diagnosis"  # instead of the default
    client_request.sign_in_as(senco)
    client_request.post(
        "documents.upload_documents", form, url_values={"case_id": assessment_case.public_id}
    )
    document = db.session.scalar(select(Document))
    assert document.restriction_reason == "Mentions the older brother's diagnosis"
    assert _advice(assessment_case, senco).received_on == TODAY
    (kept,) = db.session.scalars(
        select(Event).where(Event.action == "document.kept_from_family")
    ).all()
    assert kept.visibility == Visibility.COUNCIL

    family = new_client()
    family.sign_in_as(parent)
    for page in (
        family.get("documents.case_documents", case_id=assessment_case.public_id),
        family.get("cases.case_page", case_id=assessment_case.public_id),
    ):
        notice = page.text("[data-kept-from-you]")
        assert "1 piece of advice is not shown to you" in notice
        assert f"Advice: education, added on {long_date(TODAY)}" in notice
        assert "Chris Officer" in notice
        text = page.text("main")
        assert "older brother" not in text
    # The school and the council see the document itself, and no notice.
    officer = new_client()
    officer.sign_in_as(case_officer)
    page = officer.get("documents.case_documents", case_id=assessment_case.public_id)
    assert "Notes about the older brother" in page.text("#documents-area")
    assert page.html.select_one("[data-kept-from-you]") is None
