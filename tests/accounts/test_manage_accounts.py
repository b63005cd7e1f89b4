"""Accounts you can manage: your own password, an administrator switching accounts off and on,
ending sessions and changing roles, a second administrator for powerful roles, and
`flask create-admin` for the first administrator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import audit
from portal.accounts.manage import RoleChangeRequest
from portal.accounts.models import Role, User, UserSession
from portal.audit import Event
from portal.extensions import db
from tests import factories
from tests.factories import PASSWORD

NEW_PASSWORD = "purple elephant kettle marathon"


def _live_sessions(user) -> int:
    return len(
        db.session.scalars(
            select(UserSession).where(
                UserSession.user_id == user.id, UserSession.ended_at.is_(None)
            )
        ).all()
    )


# --- Your own password -------------------------------------------------------------------------


def test_changing_your_password_needs_the_current_one(client_request, parent, outbox):
    """A borrowed signed-in browser cannot change the password without knowing it."""
    client_request.sign_in_as(parent)
    page = client_request.post(
        "manage_accounts.change_password",
        {
            "current_password": "not my password at all",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        expected_status=200,
    )
    assert page.error_summary == ["Your current password is not right"]
    assert outbox == []


def test_changing_your_password_ends_your_other_sessions_and_emails_you(
    client_request, new_client, parent, outbox
):
    """The other browser is signed out, this one stays, and the holder is told (no personal
    data about anyone else in the email)."""
    other = new_client()
    other.sign_in_as(parent)
    client_request.sign_in_as(parent)
    client_request.post(
        "manage_accounts.change_password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        expected_redirect="/home",
    )
    assert _live_sessions(parent) == 1
    client_request.get("cases.home")  # still signed in here
    assert other.client.get("/home").status_code == 302  # signed out there
    assert len(outbox) == 1
    assert outbox[0]["To"] == parent.email
    assert "Your password was changed" in outbox[0]["Subject"]
    assert db.session.scalar(select(Event).where(Event.action == "password.changed"))


def test_a_weak_new_password_is_refused(client_request, parent):
    """The same password rules as everywhere else."""
    client_request.sign_in_as(parent)
    page = client_request.post(
        "manage_accounts.change_password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
        expected_status=200,
    )
    assert page.error_summary


# --- An administrator's controls ---------------------------------------------------------------


def test_a_switched_off_account_cannot_sign_in_and_its_sessions_end(
    client_request, new_client, admin, parent
):
    """Switching off ends the parent's live session at once and refuses the password after."""
    family = new_client()
    family.sign_in_as(parent)
    assert family.client.get("/home").status_code == 200
    client_request.sign_in_as(admin)
    confirm = client_request.get("manage_accounts.switch_off", user_id=parent.id)
    assert confirm.h1 == f"Switch off {parent.name}’s account?"
    assert family.client.get("/home").status_code == 200  # asking changed nothing
    client_request.post(
        "manage_accounts.switch_off",
        url_values={"user_id": parent.id},
        expected_redirect=f"/people/{parent.id}",
    )
    assert family.client.get("/home").status_code == 302
    again = new_client()
    page = again.post(
        "accounts.sign_in", {"email": parent.email, "password": PASSWORD}, expected_status=200
    )
    assert page.error_summary == ["Enter a correct email address and password"]
    client_request.post("manage_accounts.switch_on", url_values={"user_id": parent.id})
    again.post(
        "accounts.sign_in", {"email": parent.email, "password": PASSWORD}, expected_status=303
    )


def test_an_administrator_cannot_switch_off_their_own_account(client_request, admin):
    """So nobody locks the last administrator out by accident."""
    client_request.sign_in_as(admin)
    client_request.post("manage_accounts.switch_off", url_values={"user_id": admin.id})
    assert db.session.get(User, admin.id).active


def test_ending_someones_sessions_signs_them_out_everywhere(
    client_request, new_client, admin, senco
):
    """A lost laptop: the administrator signs the person out; the account stays on."""
    school = new_client()
    school.sign_in_as(senco)
    client_request.sign_in_as(admin)
    client_request.post("manage_accounts.end_sessions", url_values={"user_id": senco.id})
    assert school.client.get("/home").status_code == 302
    assert db.session.get(User, senco.id).active


def test_a_role_without_case_access_changes_at_once(client_request, admin, senco):
    """School to professional needs no second administrator."""
    client_request.sign_in_as(admin)
    client_request.post(
        "manage_accounts.change_role", {"role": "professional"}, url_values={"user_id": senco.id}
    )
    assert db.session.get(User, senco.id).role == Role.PROFESSIONAL


def test_making_someone_a_case_officer_waits_for_a_second_administrator(
    client_request, new_client, admin, council, senco, outbox
):
    """The asking administrator cannot approve their own request; a second one can, and every
    administrator was emailed when it was asked for."""
    second = factories.make_user(Role.ADMIN, organisation=council, name="Second Admin")
    client_request.sign_in_as(admin)
    client_request.post(
        "manage_accounts.change_role", {"role": "case_officer"}, url_values={"user_id": senco.id}
    )
    assert db.session.get(User, senco.id).role == Role.SCHOOL
    assert sorted(m["To"] for m in outbox) == sorted([admin.email, second.email])
    request = db.session.scalar(select(RoleChangeRequest))
    page = client_request.get("manage_accounts.account", user_id=senco.id)
    assert "Another administrator must approve it." in page.text("main")
    client_request.post(
        "manage_accounts.approve_role_change", url_values={"request_id": request.id}
    )
    db.session.expire_all()
    assert db.session.get(User, senco.id).role == Role.SCHOOL  # self-approval refused
    other = new_client()
    other.sign_in_as(second)
    other.post("manage_accounts.approve_role_change", url_values={"request_id": request.id})
    db.session.expire_all()
    assert db.session.get(User, senco.id).role == Role.CASE_OFFICER
    assert db.session.get(RoleChangeRequest, request.id).decided_by_id == second.id
    assert audit.verify_chain().ok


def test_nobody_approves_a_change_to_their_own_role(client_request, admin, council, outbox):
    """An administrator whose own role another admin asked to change cannot approve it."""
    from portal.accounts import manage

    second = factories.make_user(Role.ADMIN, organisation=council)
    request = manage.change_role(admin, second, Role.CASE_OFFICER)
    client_request.sign_in_as(second)
    client_request.post(
        "manage_accounts.approve_role_change", url_values={"request_id": request.id}
    )
    db.session.expire_all()
    assert db.session.get(User, second.id).role == Role.ADMIN
    assert db.session.get(RoleChangeRequest, request.id).decided_at is None


@pytest.mark.parametrize(
    ("endpoint", "values"),
    [
        ("manage_accounts.account", {}),
    ],
)
@pytest.mark.parametrize("who", ["parent", "senco", "case_officer", "editor"])
def test_only_administrators_reach_account_controls(
    client_request, request, parent, who, endpoint, values
):
    """Everyone else is refused the account page and every control."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get(endpoint, user_id=parent.id, expected_status=403)
    client_request.get("manage_accounts.switch_off", user_id=parent.id, expected_status=403)
    for action in ("switch_off", "switch_on", "end_sessions", "change_role"):
        client_request.post(
            f"manage_accounts.{action}",
            {"role": "admin"},
            url_values={"user_id": parent.id},
            expected_status=403,
        )
    assert db.session.get(User, parent.id).active


# --- flask create-admin ------------------------------------------------------------------------


def test_create_admin_makes_the_first_administrator_with_a_one_time_link(app):
    """On an empty portal it makes an admin and prints an invitation link on the PORTAL_URL."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "First@Example.org", "--name", "First Admin"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "first@example.org"))
    assert user.role == Role.ADMIN and user.password_hash is None
    assert app.config["PORTAL_URL"].rstrip("/") + "/accept-invitation/" in result.output


def test_create_admin_refuses_once_there_is_an_administrator(app, admin):
    """Further administrators go through the portal and its second approval."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "x@example.org", "--name", "X"]
    )
    assert result.exit_code != 0
    assert "already an administrator" in result.output
