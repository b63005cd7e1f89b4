"""The draft and its 15 days: the family comments section by section, saves and comes back,
then sends; sending records the comments date on the case; the officer answers each comment
and the family reads "you said, we did"."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal import clock
from portal.cases.facts import record_for
from portal.cases.models import CaseMilestones
from portal.extensions import db
from tests.plans.conftest import write_plan

TODAY = date(2027, 3, 10)


@pytest.fixture
def sent_draft(app, family_case, case_officer):
    """Alfie's draft 1, sent on Monday 8 March 2027 (recorded on the case too)."""
    from portal.plans import services

    clock.freeze(datetime(2027, 3, 8, 9, 0))
    db.session.add(CaseMilestones(case_id=family_case.id, draft_sent_on=date(2027, 3, 8)))
    family_case.stage = "draft"
    with app.test_request_context():
        write_plan(case_officer, family_case)
        version = services.send_draft(case_officer, family_case)
    clock.freeze(datetime(2027, 3, 10, 9, 0))
    return version


def _comments_url(version):
    return {"version_id": version.public_id}


def test_the_family_reads_the_last_day_for_comments(client_request, sent_draft, parent):
    """15 days counting the day it was sent: Monday 22 March 2027, in 12 days."""
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_comments", version_id=sent_draft.public_id)
    assert "Monday 22 March 2027 (in 12 days)" in page.text("main")


def test_comment_save_come_back_send_and_read_the_answer(
    client_request, new_client, sent_draft, family_case, parent, case_officer
):
    """The parent comments on Section F and names a school; the comments date is recorded on
    the case when sent; the officer answers; the parent reads "you said, we did"."""
    client_request.sign_in_as(parent)
    client_request.post(
        "plans.plan_comments",
        {"section_f": "Speech therapy should be twice a week.", "school_preference": "Oak Primary"},
        url_values=_comments_url(sent_draft),
    )
    page = client_request.get("plans.plan_comments", version_id=sent_draft.public_id)
    assert page.html.select_one("textarea#section_f").get_text().strip().startswith("Speech")
    assert record_for(family_case).milestones.family_comments_on is None  # saved, not sent
    client_request.get("plans.send_comments", version_id=sent_draft.public_id)
    client_request.post("plans.send_comments", url_values=_comments_url(sent_draft))
    milestones = record_for(family_case).milestones
    assert milestones.family_comments_on == TODAY
    assert milestones.school_preference == "Oak Primary"

    officer = new_client()
    officer.sign_in_as(case_officer)
    listing = officer.get("plans.plan_comments", version_id=sent_draft.public_id)
    answer = listing.html.select_one("a[href*='/comments/']")["href"]
    comment_id = int(answer.rsplit("/", 1)[1])
    refused = officer.post(
        "plans.answer_comment",
        {"response": "not_changed"},
        url_values={**_comments_url(sent_draft), "comment_id": comment_id},
        expected_status=200,
    )
    assert refused.error_summary == ["Say why the plan was not changed"]
    officer.post(
        "plans.answer_comment",
        {"response": "changed", "response_text": "Twice a week now."},
        url_values={**_comments_url(sent_draft), "comment_id": comment_id},
    )
    page = client_request.get("plans.plan_comments", version_id=sent_draft.public_id)
    said = page.text(".portal-plan-comments")
    assert "You said: Speech therapy should be twice a week." in said
    assert "We changed the plan: Twice a week now." in said
    assert "Answered by Chris Officer" in said


def test_sent_comments_cannot_be_changed(client_request, sent_draft, parent):
    """Once sent, the form is gone and a new save is refused."""
    client_request.sign_in_as(parent)
    client_request.post(
        "plans.plan_comments", {"section_a": "Good."}, url_values=_comments_url(sent_draft)
    )
    client_request.post("plans.send_comments", url_values=_comments_url(sent_draft))
    page = client_request.post(
        "plans.plan_comments",
        {"section_a": "Changed my mind."},
        url_values=_comments_url(sent_draft),
        expected_status=200,
    )
    assert page.html.select_one("textarea#section_a") is None
    assert "Good." in page.text(".portal-plan-comments")


def test_sending_nothing_is_refused_in_plain_words(client_request, sent_draft, parent):
    """An empty response is not sent."""
    client_request.sign_in_as(parent)
    client_request.post("plans.plan_comments", {}, url_values=_comments_url(sent_draft))
    page = client_request.post(
        "plans.send_comments", url_values=_comments_url(sent_draft), expected_status=200
    )
    assert page.error_summary == [
        "Write a comment, ask for a meeting or name a school before you send."
    ]


@pytest.mark.parametrize("who", ["senco", "parent2", "other_council_officer"])
def test_only_the_family_comments_and_only_the_officer_answers(
    request, client_request, sent_draft, who
):
    """Schools and strangers cannot open the comments page or send comments."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("plans.plan_comments", version_id=sent_draft.public_id, expected_status=404)
    client_request.post(
        "plans.send_comments", url_values=_comments_url(sent_draft), expected_status=404
    )


def test_the_family_cannot_answer_comments(client_request, sent_draft, parent):
    """Answering is the council's: the family gets 404."""
    client_request.sign_in_as(parent)
    client_request.post(
        "plans.plan_comments", {"section_a": "Good."}, url_values=_comments_url(sent_draft)
    )
    client_request.post("plans.send_comments", url_values=_comments_url(sent_draft))
    from portal.plans.models import PlanComment

    comment = db.session.query(PlanComment).one()
    client_request.post(
        "plans.answer_comment",
        {"response": "changed"},
        url_values={**_comments_url(sent_draft), "comment_id": comment.id},
        expected_status=404,
    )


def test_a_replaced_draft_takes_no_more_comments(
    app, client_request, sent_draft, family_case, case_officer, parent
):
    """Once draft 2 is sent, draft 1 is closed for comments."""
    from portal.plans import services
    from portal.plans.models import Section

    with app.test_request_context():
        services.save_section_text(case_officer, family_case, Section.A, text="Changed.")
        services.send_draft(case_officer, family_case)
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_comments", version_id=sent_draft.public_id)
    assert "cannot take comments any more" in page.text("main")
    client_request.post(
        "plans.send_comments", url_values=_comments_url(sent_draft), expected_status=404
    )
