"""Signing in and out, lock-outs, and sessions that really end."""

from datetime import timedelta

import pytest

from portal import clock
from portal.accounts.models import Role, SignInFailure
from portal.audit import Event
from portal.extensions import db
from tests import factories
from tests.factories import PASSWORD


def test_sign_in_page_is_usable(client_request):
    """The sign-in page has labelled email and password fields and a working form."""
    page = client_request.get("accounts.sign_in")
    assert page.h1 == "Sign in"
    assert page.html.select_one("label[for=email]").get_text(strip=True) == "Email address"
    assert page.html.select_one("#password")["autocomplete"] == "current-password"


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (Role.PARENT, "/home"),
        (Role.YOUNG_PERSON, "/home"),
        (Role.SCHOOL, "/home"),
        (Role.PROFESSIONAL, "/home"),
        # Council staff give a second factor first: tests/accounts/test_second_factor.py
    ],
)
def test_signing_in_with_the_right_password_starts_a_session(
    client_request, council, role, lands_on
):
    """The right email (in any case) and password signs in and goes to the home page."""
    user = factories.make_user(role, organisation=council if not role.is_family else None)
    client_request.post(
        "accounts.sign_in",
        {"email": "  " + user.email.upper(), "password": PASSWORD},
        expected_redirect=lands_on,
    )
    page = (
        client_request.get("cases.home")
        if role is not Role.ADMIN
        else client_request.get("accounts.people")
    )
    assert user.name in page.text(".portal-header__account")
    assert db.session.get(type(user), user.id).last_signed_in_at is not None


def test_unknown_email_and_wrong_password_get_the_same_message(client_request, parent):
    """Nobody can learn whether an email has an account from the sign-in page."""
    wrong_password = client_request.post(
        "accounts.sign_in",
        {"email": parent.email, "password": "not the password at all"},
        expected_status=200,
    )
    unknown = client_request.post(
        "accounts.sign_in",
        {"email": "nobody@example.org", "password": "not the password at all"},
        expected_status=200,
    )
    assert (
        wrong_password.error_summary
        == unknown.error_summary
        == ["Enter a correct email address and password"]
    )
    assert wrong_password.html.title.get_text().startswith("Error: Sign in")
    # What they typed in the email box is kept.
    assert unknown.html.select_one("#email")["value"] == "nobody@example.org"


def test_empty_sign_in_form_says_what_is_missing(client_request):
    """Each missing field has its own message, linked from the error summary."""
    page = client_request.post("accounts.sign_in", {}, expected_status=200)
    assert page.error_summary == ["Enter your email address", "Enter your password"]
    assert page.html.select_one(".govuk-error-summary a")["href"] == "#email"
    assert "email-error" in page.html.select_one("#email")["aria-describedby"]


def test_ten_failures_lock_the_account_for_five_minutes(client_request, parent, outbox):
    """After 10 wrong passwords in 5 minutes from one address even the right one is refused from
    there, for 5 minutes, and the account holder is told by email."""
    start = clock.utcnow()
    for attempt in range(10):
        clock.freeze(start + timedelta(seconds=attempt * 10))
        client_request.post(
            "accounts.sign_in",
            {"email": parent.email, "password": f"wrong guess {attempt:04d}"},
            expected_status=200,
        )
    assert db.session.query(SignInFailure).filter_by(email=parent.email).count() == 10
    assert db.session.query(Event).filter_by(action="sign_in.failed").count() == 10

    clock.freeze(start + timedelta(minutes=2))
    locked = client_request.post(
        "accounts.sign_in", {"email": parent.email, "password": PASSWORD}, expected_status=200
    )
    assert "too many attempts" in locked.error_summary[0]
    assert [message["To"] for message in outbox] == [parent.email]

    clock.freeze(start + timedelta(seconds=90) + timedelta(minutes=5, seconds=1))
    client_request.post(
        "accounts.sign_in", {"email": parent.email, "password": PASSWORD}, expected_redirect="/home"
    )


def test_failures_spread_over_more_than_five_minutes_do_not_lock(client_request, parent):
    """Ten mistakes over an afternoon are not an attack: the account stays usable."""
    start = clock.utcnow()
    for attempt in range(10):
        clock.freeze(start + timedelta(minutes=attempt))
        client_request.post(
            "accounts.sign_in",
            {"email": parent.email, "password": f"wrong guess {attempt:04d}"},
            expected_status=200,
        )
    clock.freeze(start + timedelta(minutes=9, seconds=30))
    client_request.post(
        "accounts.sign_in", {"email": parent.email, "password": PASSWORD}, expected_redirect="/home"
    )


def test_switched_off_account_cannot_sign_in(client_request, parent):
    """An account the council switched off is refused like a wrong password."""
    parent.active = False
    db.session.commit()
    page = client_request.post(
        "accounts.sign_in", {"email": parent.email, "password": PASSWORD}, expected_status=200
    )
    assert page.error_summary == ["Enter a correct email address and password"]


def test_sign_in_only_redirects_within_the_site(client_request, parent):
    """A `next` link to another site is ignored after signing in."""
    for target in ["https://evil.example/steal", "//evil.example", "/\\evil.example"]:
        client = client_request.client
        response = client.post(
            f"/sign-in?next={target}",
            data={
                "email": parent.email,
                "password": PASSWORD,
                "csrf_token": client_request.csrf_token(),
            },
        )
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/home")
        client.post("/sign-out", data={"csrf_token": client_request.csrf_token()})


def test_signing_out_makes_a_copied_cookie_useless(client_request, new_client, parent):
    """After signing out, someone holding a copy of the session cookie is not signed in."""
    client_request.post(
        "accounts.sign_in", {"email": parent.email, "password": PASSWORD}, expected_redirect="/home"
    )
    cookie = client_request.client.get_cookie("portal", domain="portal.test")
    thief = new_client()
    thief.client.set_cookie("portal", cookie.value, domain=cookie.domain)
    thief.get("cases.home")  # the copy works while the session is live

    client_request.post("accounts.sign_out", expected_redirect="/sign-in")
    assert thief.get_redirect("cases.home").startswith("/sign-in")


def test_sign_out_is_post_only(client_request, parent):
    """A link or image cannot sign someone out: GET is not allowed."""
    client_request.sign_in_as(parent)
    client_request.get("accounts.sign_out", expected_status=405)
    client_request.get("cases.home")


def test_thirty_minutes_idle_ends_the_session(client_request, parent):
    """A session left alone for more than 30 minutes has ended."""
    client_request.sign_in_as(parent)
    start = clock.utcnow()
    clock.freeze(start + timedelta(minutes=29))
    client_request.get("cases.home")
    clock.freeze(start + timedelta(minutes=29 + 31))
    assert client_request.get_redirect("cases.home").startswith("/sign-in")


def test_twelve_hours_ends_even_a_busy_session(client_request, parent):
    """However active, a session ends 12 hours after signing in."""
    client_request.sign_in_as(parent)
    start = clock.utcnow()
    for minutes in range(0, 12 * 60, 25):
        clock.freeze(start + timedelta(minutes=minutes))
        client_request.get("cases.home")
    clock.freeze(start + timedelta(hours=12, minutes=1))
    assert client_request.get_redirect("cases.home").startswith("/sign-in")


def test_session_cookie_is_httponly_and_samesite(client_request, parent):
    """The session cookie cannot be read by scripts or sent by other sites' forms."""
    response = client_request.client.post(
        "/sign-in",
        data={
            "email": parent.email,
            "password": PASSWORD,
            "csrf_token": client_request.csrf_token(),
        },
    )
    cookie_header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("portal=")
    )
    assert "HttpOnly" in cookie_header
    assert "SameSite=Lax" in cookie_header


# --- A session that ends during an htmx request ----------------------------------------------


def _expire_session() -> None:
    clock.freeze(clock.utcnow() + timedelta(minutes=31))


def test_expired_session_during_htmx_search_loads_the_sign_in_page_as_a_whole_page(
    client_request, senco
):
    """htmx ignores headers on a redirect (the browser follows it and htmx would put the sign-in
    page inside the results), so it gets 204 with HX-Redirect back to the page it was on."""
    client_request.sign_in_as(senco)
    _expire_session()
    response = client_request.client.get(
        "/home?q=Alfie",
        headers={"HX-Request": "true", "HX-Current-URL": "http://portal.test/home?q=Alf"},
    )
    assert response.status_code == 204
    assert response.get_data() == b""  # nothing for htmx to swap in
    assert "Location" not in response.headers
    assert response.headers["HX-Redirect"] == "/sign-in?next=/home?q%3DAlf"
    assert "HX-Request" in response.headers["Vary"]


def test_expired_session_during_htmx_post_sends_the_person_to_sign_in_and_saves_nothing(
    client_request, senco, family_case
):
    """Posting an update after the session ended saves nothing and comes back to the case page
    (not to the update URL, which only answers the form) after signing in again."""
    from portal.cases.models import Update

    client_request.sign_in_as(senco)
    _expire_session()
    case_url = f"http://portal.test/cases/{family_case.public_id}"
    response = client_request.client.post(
        f"/cases/{family_case.public_id}/updates/new",
        data={"body": "Too late", "visibility": "everyone"},
        headers={
            "HX-Request": "true",
            "HX-Current-URL": case_url,
            "X-CSRFToken": client_request.csrf_token(),
        },
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == (f"/sign-in?next=/cases/{family_case.public_id}")
    assert db.session.query(Update).count() == 0


@pytest.mark.parametrize(
    "current_url", ["https://evil.example/cases", "javascript:alert(1)//portal.test/", ""]
)
def test_htmx_sign_in_redirect_never_names_another_site(client_request, current_url):
    """`next` comes from the page htmx was on only when that page is on this site."""
    response = client_request.client.post(
        "/sign-out",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": current_url,
            "X-CSRFToken": client_request.csrf_token(),
        },
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/sign-in"  # a POST URL is no page to return to
    response = client_request.client.get(
        "/home?q=x", headers={"HX-Request": "true", "HX-Current-URL": current_url}
    )
    assert response.headers["HX-Redirect"] == "/sign-in?next=/home?q%3Dx"


def test_signed_out_page_request_still_gets_a_plain_redirect(client_request):
    """Without htmx the browser is simply redirected (302) to sign in, with no htmx header."""
    response = client_request.client.get("/home?q=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/home?q%3Dx"
    assert "HX-Redirect" not in response.headers


def test_pages_never_read_password_hashes(client_request, family_case, parent, case_officer):
    """The case page names the case officer and everyone with access, but no statement it runs
    reads anyone's password hash (the hash stays in the database unless a password is checked
    or set); signing in still checks the password."""
    from portal import sqlstats

    client_request.sign_in_as(parent)
    with sqlstats.counting() as stats:
        page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert case_officer.name in page.text("main")
    assert stats.queries and not any("password_hash" in s for s in stats.statements)
