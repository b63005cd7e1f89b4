"""Messages with the council: a thread per person per case, read only by that person and the
case's team, each message a notice for the other side."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.notifications import worker
from portal.notifications.kinds import Kind
from portal.notifications.models import Message, MessageThread
from tests import factories
from tests.notifications.conftest import notices_of


def _write(client_request, case, body="When is the next meeting?", **kwargs):
    return client_request.post(
        "notifications.case_messages",
        {"body": body},
        url_values={"case_id": case.public_id},
        **kwargs,
    )


def test_a_parent_writes_and_the_officer_replies(
    app, client_request, new_client, family_case, parent, case_officer, senco
):
    """The parent's message reaches the officer (as a notice), the officer's reply reaches the
    parent; the school hears of neither."""
    client_request.sign_in_as(parent)
    _write(
        client_request, family_case, expected_redirect=f"/cases/{family_case.public_id}/messages"
    )
    assert [n.kind for n in notices_of(case_officer)] == [Kind.MESSAGE]
    thread = db.session.scalar(select(MessageThread))

    officer = new_client()
    officer.sign_in_as(case_officer)
    listing = officer.get("notifications.case_messages", case_id=family_case.public_id)
    assert listing.h1 == "Messages on this case"
    assert parent.name in listing.text("table")
    page = officer.get("notifications.thread_page", thread_id=thread.public_id)
    assert page.h1 == f"Messages with {parent.name}"
    assert "When is the next meeting?" in page.text(".portal-messages")
    officer.post(
        "notifications.thread_page",
        {"body": "It is on Friday."},
        url_values={"thread_id": thread.public_id},
        expected_redirect=f"/messages/{thread.public_id}",
    )
    assert [n.kind for n in notices_of(parent)] == [Kind.MESSAGE]
    page = client_request.get("notifications.case_messages", case_id=family_case.public_id)
    assert page.texts(".portal-messages__item h2") == ["You", case_officer.name]
    assert notices_of(senco) == []


def test_nobody_else_may_read_a_thread(
    app, client_request, new_client, family_case, parent, young_person, senco, other_council_officer
):
    """The young person on the same case, the school and another council's officer get 404."""
    client_request.sign_in_as(parent)
    _write(client_request, family_case)
    thread = db.session.scalar(select(MessageThread))
    for person in (young_person, senco, other_council_officer):
        other = new_client()
        other.sign_in_as(person)
        other.get("notifications.thread_page", thread_id=thread.public_id, expected_status=404)
        other.post(
            "notifications.thread_page",
            {"body": "Let me in"},
            url_values={"thread_id": thread.public_id},
            expected_status=404,
        )
    assert db.session.scalar(select(Message.body).where(Message.body == "Let me in")) is None
    # The young person's own page shows only their own (empty) thread.
    own = new_client()
    own.sign_in_as(young_person)
    page = own.get("notifications.case_messages", case_id=family_case.public_id)
    assert "When is the next meeting?" not in page.html.get_text()


def test_an_empty_or_long_message_is_refused_and_kept(app, client_request, family_case, parent):
    """Nothing typed: a named error. Too long: an error, and the words are still in the box."""
    client_request.sign_in_as(parent)
    page = _write(client_request, family_case, body="  ", expected_status=200)
    assert page.error_summary == ["Enter your message"]
    long = "word " * 700
    page = _write(client_request, family_case, body=long, expected_status=200)
    assert page.error_summary == ["Your message must be 3,000 characters or fewer"]
    assert page.text("textarea") == long.strip()
    assert db.session.scalar(select(Message)) is None


def test_someone_not_on_the_case_cannot_write(app, client_request, family_case):
    """A parent from another family gets 404 for the case's messages."""
    stranger = factories.make_user(Role.PARENT)
    client_request.sign_in_as(stranger)
    client_request.get(
        "notifications.case_messages", case_id=family_case.public_id, expected_status=404
    )
    _write(client_request, family_case, expected_status=404)


def test_message_emails_do_not_contain_the_message(
    app, client_request, family_case, parent, case_officer, outbox
):
    """The officer's email says there is a message, not what it says."""
    client_request.sign_in_as(parent)
    _write(client_request, family_case, body="Alfie is being bullied at lunch")
    worker.send_all()
    (email,) = [m for m in outbox if m["To"] == case_officer.email]
    assert email["Subject"] == f"A new message about case {family_case.reference}"
    assert "bullied" not in email.get_body(("plain",)).get_content()
    assert f"/cases/{family_case.public_id}/messages" in email.get_body(("plain",)).get_content()
