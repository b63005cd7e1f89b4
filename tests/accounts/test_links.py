"""Invitations and password resets by one-time links, including a real SMTP conversation."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller

from portal import clock
from portal.accounts.models import Role, User
from portal.extensions import db
from tests import factories

LINK = re.compile(r"http://portal\.test(/[a-z-]+/[A-Za-z0-9_-]+)")


def _link(message) -> str:
    return LINK.search(message.get_content()).group(1)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


def _invite(client_request, email="new.parent@example.org", role="parent", organisation="0"):
    return client_request.post(
        "accounts.invite",
        {"name": "New Parent", "email": email, "role": role, "organisation": organisation},
        expected_redirect="/invite",
    )


def test_invitation_end_to_end_over_smtp(client_request, new_client, case_officer, smtp_server):
    """A case officer invites a parent; the email arrives by SMTP; the link sets a password and
    signs them in; the same link then says it has been used."""
    client_request.sign_in_as(case_officer)
    _invite(client_request)
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["new.parent@example.org"]
    body = message_from_bytes(envelope.content, policy=email_policy.default).get_content()
    path = re.search(r"http://portal\.test(/accept-invitation/[A-Za-z0-9_-]+)", body).group(1)

    invited = new_client()
    page = invited.client.get(path)
    assert page.status_code == 200
    token = invited.csrf_token()
    response = invited.client.post(
        path,
        data={
            "password": "three random words here",
            "confirm_password": "three random words here",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    invited.get("cases.home")
    user = db.session.query(User).filter_by(email="new.parent@example.org").one()
    assert user.role == Role.PARENT and user.password_hash

    again = new_client().client.get(path)
    assert again.status_code == 410
    assert b"already been used" in again.data


def test_invitation_link_expires_after_seven_days(client_request, new_client, case_officer, outbox):
    """A week-old invitation link says plainly that it has expired."""
    client_request.sign_in_as(case_officer)
    _invite(client_request)
    path = _link(outbox[-1])
    clock.freeze(clock.utcnow() + timedelta(days=7, minutes=1))
    page = new_client().get(
        "accounts.accept_invitation", token=path.rsplit("/", 1)[1], expected_status=410
    )
    assert "expired" in page.text("main")


def test_tampered_link_is_refused(client_request, case_officer, outbox, new_client):
    """Changing a character of the link makes it useless."""
    client_request.sign_in_as(case_officer)
    _invite(client_request)
    token = _link(outbox[-1]).rsplit("/", 1)[1]
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    page = new_client().get("accounts.accept_invitation", token=tampered, expected_status=410)
    assert "not right" in page.text("main")


def test_invitation_refuses_weak_passwords_with_clear_messages(
    client_request, case_officer, outbox, new_client
):
    """Short, common and mismatched passwords are refused; the link still works afterwards."""
    client_request.sign_in_as(case_officer)
    _invite(client_request)
    token = _link(outbox[-1]).rsplit("/", 1)[1]
    invited = new_client()
    for password, confirm, message in [
        ("short", "short", "at least 12 characters"),
        ("password1234", "password1234", "too easy to guess"),
        ("a long enough password", "a different password", "do not match"),
        ("x" * 129, "x" * 129, "128 characters or fewer"),
    ]:
        page = invited.post(
            "accounts.accept_invitation",
            {"password": password, "confirm_password": confirm},
            url_values={"token": token},
            expected_status=200,
        )
        assert any(message in error for error in page.error_summary), page.error_summary
    invited.post(
        "accounts.accept_invitation",
        {"password": "pasted Passphrase ✓ 2027", "confirm_password": "pasted Passphrase ✓ 2027"},
        url_values={"token": token},
        expected_redirect="/home",
    )


def test_case_officer_cannot_invite_an_admin(client_request, case_officer, outbox):
    """Case officers invite families and professionals only; the admin role is not offered."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("accounts.invite")
    offered = {i["value"] for i in page.html.select("input[name=role]")}
    assert "admin" not in offered and "case_officer" not in offered
    page = client_request.post(
        "accounts.invite",
        {"name": "Sneaky", "email": "s@example.org", "role": "admin", "organisation": "0"},
        expected_status=200,
    )
    assert page.error_summary
    assert db.session.query(User).filter_by(email="s@example.org").count() == 0


def test_families_and_schools_cannot_invite(client_request, parent, senco):
    """Only the council invites people: a parent or a school gets 403."""
    for person in (parent, senco):
        client_request.sign_in_as(person)
        client_request.get("accounts.invite", expected_status=403)


def test_password_reset_by_link(client_request, parent, outbox, new_client):
    """A reset link sets a new password, works once, and ends other sessions."""
    client_request.sign_in_as(parent)  # a session elsewhere, which the reset must end
    helper = new_client()
    page = helper.post(
        "accounts.forgot_password", {"email": parent.email.upper()}, expected_status=200
    )
    assert page.h1 == "Check your email"
    token = _link(outbox[-1]).rsplit("/", 1)[1]
    helper.post(
        "accounts.reset_password",
        {"password": "a brand new passphrase", "confirm_password": "a brand new passphrase"},
        url_values={"token": token},
        expected_redirect="/home",
    )
    assert client_request.get_redirect("cases.home").startswith("/sign-in")
    helper.get("accounts.reset_password", token=token, expected_status=410)


def test_password_reset_for_unknown_email_looks_the_same(client_request, outbox):
    """Asking for a reset never reveals whether an account exists, and sends nothing."""
    page = client_request.post(
        "accounts.forgot_password", {"email": "nobody@example.org"}, expected_status=200
    )
    assert page.h1 == "Check your email"
    assert outbox == []


def test_reset_link_expires(client_request, parent, outbox, new_client):
    """A reset link older than 2 hours has expired."""
    client_request.post("accounts.forgot_password", {"email": parent.email}, expected_status=200)
    token = _link(outbox[-1]).rsplit("/", 1)[1]
    clock.freeze(clock.utcnow() + timedelta(hours=2, minutes=1))
    page = new_client().get("accounts.reset_password", token=token, expected_status=410)
    assert "expired" in page.text("main")


def test_email_is_unique_whatever_its_case(app):
    """Two accounts cannot share an email address written in different cases."""
    import sqlalchemy.exc

    factories.make_user(Role.PARENT, email="same@example.org")
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        factories.make_user(Role.PARENT, email="SAME@example.org")
    db.session.rollback()


def test_admin_sees_people_and_may_invite_any_role(client_request, admin, outbox):
    """The admin's home lists every account and can invite a case officer."""
    client_request.sign_in_as(admin)
    page = client_request.get("accounts.people")
    assert admin.email in page.text("table")
    org = factories.make_organisation("Council B")
    _invite(
        client_request,
        email="officer.new@example.org",
        role="case_officer",
        organisation=str(org.id),
    )
    assert outbox[-1]["To"] == "officer.new@example.org"
