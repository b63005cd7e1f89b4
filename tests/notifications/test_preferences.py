"""Email preferences per kind: straight away, a daily summary, or none; families cannot turn
off the statutory ones, even with a hand-made POST."""

from __future__ import annotations

from portal.audit import Visibility
from portal.cases.services import post_update
from portal.notifications.kinds import Choice, EmailStatus, Kind
from portal.notifications.services import notify
from tests.notifications.conftest import notices_of


def test_choices_are_saved_and_decide_each_new_notices_email(
    app, client_request, family_case, parent, senco
):
    """Updates as a daily summary, documents not by email: new notices follow the choice."""
    client_request.sign_in_as(parent)
    page = client_request.get("notifications.preferences")
    assert page.h1 == "Choose which emails you get"
    client_request.post(
        "notifications.preferences",
        {"kind_update_posted": "daily", "kind_document_added": "off"},
        expected_redirect="/email-preferences",
    )
    page = client_request.get("notifications.preferences")
    assert page.html.select_one("#kind_update_posted-1")["checked"] is not None  # daily
    with app.test_request_context():
        post_update(senco, family_case, "News", Visibility.EVERYONE)
    notify(Kind.DOCUMENT_ADDED, family_case)
    notify(Kind.STAGE_CHANGED, family_case)
    statuses = {n.kind: n.email_status for n in notices_of(parent)}
    assert statuses == {
        Kind.UPDATE_POSTED: EmailStatus.DIGEST,
        Kind.DOCUMENT_ADDED: EmailStatus.NONE,
        Kind.STAGE_CHANGED: EmailStatus.PENDING,
    }


def test_families_cannot_turn_off_statutory_notices(app, client_request, family_case, parent):
    """The draft plan and decisions are not offered, and a forged choice is ignored."""
    client_request.sign_in_as(parent)
    page = client_request.get("notifications.preferences")
    assert page.html.select_one("[name=kind_draft_sent]") is None
    assert "the draft plan is sent" in page.text(".govuk-inset-text")
    client_request.post(
        "notifications.preferences",
        {"kind_draft_sent": "off", "kind_decision_made": "off"},
        expected_redirect="/email-preferences",
    )
    notify(Kind.DRAFT_SENT, family_case)
    (notice,) = notices_of(parent, Kind.DRAFT_SENT)
    assert notice.email_status == EmailStatus.PENDING


def test_a_professional_may_turn_off_even_decisions(app, client_request, family_case, senco):
    """Statutory letters are locked for families only: a school may choose a summary."""
    client_request.sign_in_as(senco)
    client_request.post(
        "notifications.preferences",
        {"kind_decision_made": Choice.DAILY.value},
        expected_redirect="/email-preferences",
    )
    notify(Kind.DECISION_MADE, family_case)
    (notice,) = notices_of(senco, Kind.DECISION_MADE)
    assert notice.email_status == EmailStatus.DIGEST


def test_a_nonsense_choice_is_refused_in_plain_english(app, client_request, parent):
    """An unknown value re-shows the page with an error naming the question."""
    client_request.sign_in_as(parent)
    page = client_request.post(
        "notifications.preferences", {"kind_update_posted": "sometimes"}, expected_status=200
    )
    assert page.error_summary == [
        "Select how you want to hear when someone posts an update you can see"
    ]
