"""A second factor for staff (issue 10): authenticator-app codes with single-use recovery codes.

Council staff cannot sign in with a password alone; schools and professionals may choose one;
families are not asked. Sensitive actions ask for the code again after 15 minutes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts import second_factor
from portal.accounts.models import AuthenticatorApp, RecoveryCode, Role
from portal.audit import Event
from portal.extensions import db
from tests import factories
from tests.factories import PASSWORD, totp_code

NOW = datetime(2026, 12, 4, 10, 0, 5)  # 5 seconds into a 30-second step

STAFF = [
    Role.CASE_OFFICER,
    Role.ADMIN,
    Role.CONTENT_EDITOR,
    Role.QUALITY_LEAD,
    Role.AUDITOR,
    Role.FUNDING_OFFICER,
]


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


def _password(client_request, user, **kwargs):
    return client_request.post(
        "accounts.sign_in", {"email": user.email, "password": PASSWORD}, **kwargs
    )


def _code(client_request, code: str, **kwargs):
    return client_request.post("second_factor.sign_in_code", {"code": code}, **kwargs)


def _reaches_nothing(client_request) -> None:
    """Every signed-in page sends this browser back to sign in."""
    for endpoint in ("cases.home", "accounts.people", "manage_accounts.change_password"):
        location = client_request.get_redirect(endpoint)
        assert location.startswith("/sign-in"), (endpoint, location)


# --- Password alone gives staff nothing -----------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_password_alone_reaches_nothing(client_request, council, role):
    """After the right password, a member of staff is asked for a code and can reach no page."""
    user = factories.make_user(role, organisation=council)
    factories.give_authenticator_app(user)
    _password(client_request, user, expected_redirect="/sign-in/code")
    _reaches_nothing(client_request)
    # Signing in again just comes back to the code page.
    assert client_request.get_redirect("accounts.sign_in") == "/sign-in/code"
    page = client_request.get("second_factor.sign_in_code")
    assert page.h1 == "Enter the code from your authenticator app"


@pytest.mark.parametrize("role", STAFF)
def test_a_staff_session_without_the_second_step_reaches_nothing(client_request, council, role):
    """A server-side session of a member of staff that never had its second step is not a
    signed-in session, whatever the cookie says."""
    user = factories.make_user(role, organisation=council)
    client_request.sign_in_as(user, second_factor_done=False)
    _reaches_nothing(client_request)


def test_a_school_with_a_second_factor_needs_it_too(client_request, senco):
    """Someone who chose a second factor is held at the code page like staff."""
    factories.give_authenticator_app(senco)
    _password(client_request, senco, expected_redirect="/sign-in/code")
    _reaches_nothing(client_request)


def test_the_right_code_signs_in_and_goes_on_to_the_page_asked_for(client_request, admin):
    factories.give_authenticator_app(admin)
    client_request.post(
        "accounts.sign_in",
        {"email": admin.email, "password": PASSWORD},
        url_values={"next": "/people"},
        expected_redirect="/sign-in/code",
    )
    _code(client_request, totp_code(), expected_redirect="/people")
    page = client_request.get("accounts.people")
    assert admin.name in page.text(".portal-header__account")
    assert db.session.scalar(select(Event).where(Event.action == "second_factor.used"))


def test_a_wrong_code_is_refused(client_request, case_officer):
    factories.give_authenticator_app(case_officer)
    _password(client_request, case_officer)
    page = _code(client_request, "000000", expected_status=200)
    assert page.error_summary == [second_factor.WRONG_CODE]
    assert page.html.title.get_text().startswith("Error: ")
    _reaches_nothing(client_request)


def test_a_code_from_another_time_is_refused(client_request, case_officer):
    """Only codes for now, or 30 seconds either side, are accepted."""
    factories.give_authenticator_app(case_officer)
    _password(client_request, case_officer)
    _code(client_request, totp_code(steps_from_now=-3), expected_status=200)
    _code(client_request, totp_code(steps_from_now=-1), expected_redirect="/home")


def test_a_code_is_never_accepted_twice(client_request, new_client, case_officer):
    """Someone who watched a code being typed cannot use it again, even within its 30 seconds."""
    factories.give_authenticator_app(case_officer)
    _password(client_request, case_officer)
    code = totp_code()
    _code(client_request, code, expected_redirect="/home")

    thief = new_client()
    _password(thief, case_officer)
    page = _code(thief, code, expected_status=200)
    assert "used already" in page.error_summary[0]
    _reaches_nothing(thief)
    # An earlier code of the same window is no better.
    _code(thief, totp_code(steps_from_now=-1), expected_status=200)
    # The next code the app shows works.
    clock.freeze(NOW + timedelta(seconds=30))
    _code(thief, totp_code(), expected_redirect="/home")


def test_wrong_codes_count_towards_the_lockout(client_request, case_officer, outbox):
    """Codes cannot be guessed: 10 wrong tries lock sign-in from that address, and the account
    holder is told."""
    factories.give_authenticator_app(case_officer)
    _password(client_request, case_officer)
    for _ in range(10):
        _code(
            client_request, "123456" if totp_code() != "123456" else "654321", expected_status=200
        )
    page = _code(client_request, totp_code(), expected_status=200)
    assert "too many attempts" in page.error_summary[0]
    _reaches_nothing(client_request)
    assert [m["To"] for m in outbox] == [case_officer.email]
    assert "tried to sign in" in outbox[0]["Subject"]


def test_start_again_ends_the_half_finished_session(client_request, case_officer):
    factories.give_authenticator_app(case_officer)
    _password(client_request, case_officer)
    client_request.post("second_factor.sign_in_start_again", expected_redirect="/sign-in")
    assert client_request.get_redirect("second_factor.sign_in_code") == "/sign-in"
    client_request.get("accounts.sign_in")


def test_a_reset_link_does_not_skip_the_second_factor(client_request, case_officer, outbox):
    """Choosing a new password through an emailed link still asks for the code."""
    factories.give_authenticator_app(case_officer)
    client_request.post(
        "accounts.forgot_password", {"email": case_officer.email}, expected_status=200
    )
    link = re.search(r"/reset-password/\S+", outbox[-1].get_content()).group(0)
    client_request.client.get(link)
    new_password = "a brand new long password"
    response = client_request.client.post(
        link,
        data={
            "csrf_token": client_request.csrf_token(),
            "email": case_officer.email,
            "password": new_password,
            "confirm_password": new_password,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/sign-in/code")
    _reaches_nothing(client_request)
    _code(client_request, totp_code(), expected_redirect="/home")


# --- Recovery codes -------------------------------------------------------------------------------


def _set_up(client_request, endpoint: str) -> list[str]:
    """Set up an app on the page `endpoint`; returns the recovery codes shown."""
    client_request.post(endpoint, expected_redirect=client_request._url(endpoint))
    page = client_request.get(endpoint)
    assert page.html.select_one(".portal-qr-code svg") is not None
    secret = page.text("#secret-key").replace(" ", "")
    shown = client_request.post(endpoint, {"code": totp_code(secret)}, expected_status=200)
    assert shown.h1 == "Save your recovery codes"
    return shown.texts("#recovery-codes li")


def test_staff_without_a_second_factor_must_set_one_up_first(client_request, admin, outbox):
    """After the password, staff with no second factor are sent to set one up and can reach
    nothing else until they have; then they see 10 recovery codes, once."""
    _password(client_request, admin, expected_redirect="/sign-in/code")
    assert client_request.get_redirect("second_factor.sign_in_code") == "/sign-in/set-up-app"
    page = client_request.get("second_factor.sign_in_set_up")
    assert "must sign in with a second factor" in page.text("main")
    _reaches_nothing(client_request)

    codes = _set_up(client_request, "second_factor.sign_in_set_up")
    assert len(codes) == 10 and len(set(codes)) == 10
    # Only hashes are kept.
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    client_request.get("accounts.people")
    assert [m["To"] for m in outbox] == [admin.email]
    assert "second factor was added" in outbox[0]["Subject"]
    # The secret is kept on the server, confirmed.
    assert db.session.scalar(
        select(AuthenticatorApp.confirmed_at).where(AuthenticatorApp.user_id == admin.id)
    )


def test_setting_up_needs_a_right_code(client_request, admin):
    _password(client_request, admin)
    client_request.post("second_factor.sign_in_set_up", expected_status=303)
    page = client_request.post(
        "second_factor.sign_in_set_up", {"code": "000000"}, expected_status=200
    )
    assert page.error_summary == ["Enter the 6-digit code your authenticator app shows now"]
    _reaches_nothing(client_request)


def test_a_recovery_code_works_once(client_request, new_client, case_officer, outbox):
    """A recovery code signs in once; used again it is refused. The holder is emailed."""
    client_request.sign_in_as(case_officer)
    codes = _set_up(client_request, "second_factor.set_up")
    outbox.clear()

    first = new_client()
    _password(first, case_officer)
    _code(first, codes[3].upper().replace("-", " "), expected_redirect="/account/second-factor")
    first.get("cases.home")
    assert [m["To"] for m in outbox] == [case_officer.email]
    assert "recovery code was used" in outbox[0]["Subject"]
    assert "You have 9 left" in outbox[0].get_content()

    again = new_client()
    _password(again, case_officer)
    page = _code(again, codes[3], expected_status=200)
    assert page.error_summary == [second_factor.WRONG_CODE]
    _reaches_nothing(again)


# --- Optional for schools and professionals, not offered to families ------------------------------


def test_schools_are_offered_a_second_factor_but_not_forced(
    client_request, new_client, senco, outbox
):
    _password(client_request, senco, expected_redirect="/home")
    home = client_request.get("cases.home")
    assert "Second factor" in home.text(".portal-header__account")
    account = client_request.get("second_factor.account")
    assert "You sign in with your password alone" in account.text("main")

    _set_up(client_request, "second_factor.set_up")
    assert "second factor was added" in outbox[-1]["Subject"]

    # From now on the school is asked for a code too.
    later = new_client()
    _password(later, senco, expected_redirect="/sign-in/code")

    # And may remove it, with a current code (the one used to set up cannot be used again).
    clock.freeze(NOW + timedelta(seconds=30))
    wrong = client_request.post("second_factor.remove", {"code": "000000"}, expected_status=200)
    assert wrong.error_summary == [second_factor.WRONG_CODE]
    secret = db.session.scalar(
        select(AuthenticatorApp.secret).where(AuthenticatorApp.user_id == senco.id)
    )
    client_request.post(
        "second_factor.remove",
        {"code": totp_code(secret)},
        expected_redirect="/account/second-factor",
    )
    assert "second factor was removed" in outbox[-1]["Subject"].lower()
    _password(new_client(), senco, expected_redirect="/home")


def test_staff_cannot_remove_their_second_factor(client_request, case_officer):
    factories.give_authenticator_app(case_officer)
    client_request.sign_in_as(case_officer)
    page = client_request.get("second_factor.account")
    assert "must keep a second factor" in page.text("main")
    refused = client_request.post(
        "second_factor.remove", {"code": totp_code()}, expected_status=200
    )
    assert "must keep a second factor" in refused.error_summary[0]
    assert second_factor.has_second_factor(case_officer)


def test_families_are_not_asked(client_request, parent):
    _password(client_request, parent, expected_redirect="/home")
    home = client_request.get("cases.home")
    assert "Second factor" not in home.text(".portal-header__account")
    client_request.get("second_factor.account", expected_status=404)


# --- Asking again before sensitive actions --------------------------------------------------------


def test_a_sensitive_page_asks_for_the_code_again_after_15_minutes(
    client_request, case_officer, family_case
):
    factories.give_authenticator_app(case_officer)
    client_request.sign_in_as(case_officer)
    client_request.get("people.add_person", case_id=family_case.public_id)  # fresh: no question

    clock.freeze(NOW + timedelta(minutes=16))
    asked = client_request.get_redirect("people.add_person", case_id=family_case.public_id)
    assert asked.startswith("/account/confirm-it-is-you?next=")
    page = client_request.client.get(asked)
    assert "Confirm it is you" in page.get_data(as_text=True)
    path = f"/cases/{family_case.public_id}/people/add"
    response = client_request.client.post(
        asked, data={"csrf_token": client_request.csrf_token(), "code": totp_code()}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(path)
    client_request.get("people.add_person", case_id=family_case.public_id)


def test_confirming_never_sends_you_to_another_site(client_request, case_officer):
    factories.give_authenticator_app(case_officer)
    client_request.sign_in_as(case_officer)
    response = client_request.client.post(
        "/account/confirm-it-is-you?next=//evil.example/x",
        data={"csrf_token": client_request.csrf_token(), "code": totp_code()},
    )
    assert response.status_code == 303
    assert response.headers["Location"] in ("/home", "http://portal.test/home")


def test_a_sensitive_post_asks_then_does_what_was_asked(client_request, admin):
    """The audit export after 15 minutes asks for a code, then sends the file."""
    factories.give_authenticator_app(admin)
    client_request.sign_in_as(admin)
    clock.freeze(NOW + timedelta(minutes=16))
    asked = client_request.post("records.export_audit", expected_status=200)
    assert asked.h1 == "Confirm it is you"
    assert not db.session.scalar(select(Event).where(Event.action == "audit.exported"))
    again = {
        field["name"]: field["value"] for field in asked.html.select("main form input[type=hidden]")
    }
    wrong = client_request.client.post("/audit/export", data={**again, "second_factor_code": "1"})
    assert wrong.status_code == 200 and b"Confirm it is you" in wrong.data
    done = client_request.client.post(
        "/audit/export", data={**again, "second_factor_code": totp_code()}
    )
    assert done.status_code == 200 and done.mimetype == "text/csv"
    assert db.session.scalar(select(Event).where(Event.action == "audit.exported"))
    # Within the next 15 minutes it is not asked again.
    clock.freeze(NOW + timedelta(minutes=30))
    assert client_request.client.post("/audit/export", data=again).mimetype == "text/csv"


@pytest.mark.parametrize(
    ("endpoint", "method"),
    [
        ("accounts.invite", "get"),
        ("manage_accounts.change_role", "post"),
        ("records.export_audit", "post"),
    ],
)
def test_each_sensitive_admin_action_asks_again(client_request, admin, endpoint, method):
    factories.give_authenticator_app(admin)
    client_request.sign_in_as(admin)
    clock.freeze(NOW + timedelta(minutes=16))
    if method == "get":
        assert client_request.get_redirect(endpoint).startswith("/account/confirm-it-is-you")
    else:
        values = {"user_id": admin.id} if endpoint == "manage_accounts.change_role" else {}
        page = client_request.post(
            endpoint, {"role": "parent"}, url_values=values, expected_status=200
        )
        assert page.h1 == "Confirm it is you"
    assert db.session.get(type(admin), admin.id).role == Role.ADMIN


# --- A lost phone ---------------------------------------------------------------------------------


def test_an_administrator_resets_a_lost_second_factor(
    client_request, new_client, admin, case_officer, outbox
):
    """Another administrator removes the app; the officer is signed out everywhere, emailed, and
    must set up a new app at their next sign-in. Nobody may reset their own."""
    factories.give_authenticator_app(case_officer)
    factories.give_authenticator_app(admin)
    officer = new_client()
    officer.sign_in_as(case_officer)
    client_request.sign_in_as(admin)
    page = client_request.get("manage_accounts.account", user_id=case_officer.id)
    assert "Authenticator app" in page.text("main dl")
    client_request.post(
        "manage_accounts.reset_second_factor",
        url_values={"user_id": case_officer.id},
        expected_redirect=f"/people/{case_officer.id}",
    )
    assert not second_factor.has_second_factor(case_officer)
    _reaches_nothing(officer)
    assert [m["To"] for m in outbox] == [case_officer.email]
    assert "Ada Admin, an administrator, removed the authenticator app" in outbox[0].get_content()
    _password(new_client(), case_officer, expected_redirect="/sign-in/code")

    client_request.post(
        "manage_accounts.reset_second_factor",
        url_values={"user_id": admin.id},
        expected_redirect=f"/people/{admin.id}",
    )
    assert second_factor.has_second_factor(admin)
    assert db.session.scalar(select(Event).where(Event.action == "second_factor.reset"))


def test_codes_are_rate_limited_like_the_password(make_app, case_officer):
    """Hammering the code page from one address is answered 429, as the sign-in form is."""
    from tests.conftest import ClientRequest

    factories.give_authenticator_app(case_officer)
    limited = make_app(RATELIMIT_ENABLED=True, MAIL_BACKEND="memory")  # the lockout is emailed
    client = ClientRequest(limited, limited.test_client())
    _password(client, case_officer, expected_redirect="/sign-in/code")
    statuses = [
        client.client.post(
            "/sign-in/code", data={"code": "000000", "csrf_token": client.csrf_token()}
        ).status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[-1] == 429


def test_newly_invited_staff_set_up_an_app_straight_after_choosing_a_password(
    client_request, admin, council
):
    """Accepting an invitation to a council role signs nobody in until an app is set up."""
    from portal.accounts import services
    from portal.accounts.models import AccountToken

    second_admin = factories.make_user(Role.ADMIN, organisation=council)
    invitation = services.invite(
        admin,
        email="new.officer@example.org",
        name="New Officer",
        role=Role.CASE_OFFICER,
        organisation=council,
    )
    db.session.commit()
    token = db.session.scalar(
        select(AccountToken).where(AccountToken.user_id == invitation.user.id)
    )
    services.approve_invitation(second_admin, token)
    path = f"/accept-invitation/{invitation.link_secret}"
    new_password = "a long new officer password"
    response = client_request.client.post(
        path,
        data={
            "csrf_token": client_request.csrf_token(),
            "email": "new.officer@example.org",
            "password": new_password,
            "confirm_password": new_password,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/sign-in/code")
    _reaches_nothing(client_request)
    assert client_request.get_redirect("second_factor.sign_in_code") == "/sign-in/set-up-app"
