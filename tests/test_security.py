"""Security headers, CSRF refusal and error pages, as a browser or attacker meets them."""

import pytest

from portal.accounts.models import Role
from tests import factories
from tests.factories import PASSWORD


def _csp(response) -> dict[str, str]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize("htmx", [False, True])
def test_pages_and_fragments_carry_strict_security_headers(
    client_request, parent, family_case, htmx
):
    """Pages and htmx fragments forbid inline script and style, framing and sniffing."""
    client_request.sign_in_as(parent)
    response = client_request.client.get(
        f"/cases/{family_case.public_id}", headers={"HX-Request": "true"} if htmx else {}
    )
    assert response.status_code == 200
    csp = _csp(response)
    for directive in ("script-src", "style-src"):
        assert csp[directive] == "'self'"
        assert "unsafe" not in csp[directive]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_layout_has_no_inline_script_or_style(client_request):
    """Nothing in the layout needs 'unsafe-inline': no inline script, style or handlers."""
    page = client_request.get("pages.start")
    for script in page.html.select("script"):
        assert script.get("src"), "inline <script> found"
    assert not page.html.select("style")
    assert not page.html.select("[style]")
    assert not [
        tag for tag in page.html.find_all(True) if any(a.startswith("on") for a in tag.attrs)
    ]


def test_public_pages_are_not_marked_no_store(client_request):
    """Public pages may be cached; only signed-in pages are no-store."""
    response = client_request.client.get("/")
    assert response.headers.get("Cache-Control") != "no-store"


def test_production_config_adds_hsts_and_secure_cookies(app_config, make_app, monkeypatch):
    """In production the cookie is Secure and browsers are told to use HTTPS only."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("DATABASE_URL", app_config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("PORTAL_URL", "https://portal.test")
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("CLAMD_SOCKET", "/run/clamav/clamd.ctl")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = make_app()  # settings come from the production environment above
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/", base_url="https://portal.test")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    """A production server with no real secret key does not start."""
    from portal import create_app
    from portal.config import ConfigError

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_form_without_csrf_token_is_refused_and_keeps_what_was_typed(client_request, app):
    """A POST without a valid token changes nothing and shows the person what they typed."""
    officer = factories.make_user(Role.CASE_OFFICER, organisation=factories.make_organisation())
    client_request.sign_in_as(officer)
    page = client_request.post(
        "accounts.invite",
        {"name": "Someone New", "email": "new@example.org", "role": "parent", "organisation": "0"},
        csrf=False,
        expected_status=400,
    )
    assert page.h1 == "Sorry, there is a problem with the request"
    assert "did not save anything" in page.text("main")
    assert "Someone New" in page.text("main details")
    from portal.accounts.models import User
    from portal.extensions import db

    assert db.session.query(User).filter_by(email="new@example.org").count() == 0


def test_htmx_request_without_csrf_header_is_refused(client_request, parent):
    """An htmx POST needs the token in its X-CSRFToken header."""
    client_request.sign_in_as(parent)
    response = client_request.client.post("/sign-out", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "<html" not in response.get_data(as_text=True)  # the fragment, not a whole page
    client_request.get("cases.home")  # still signed in


def test_sign_in_form_needs_csrf_token_too(client_request, parent):
    """Login CSRF is refused: nobody can sign a victim in to the attacker's account."""
    response = client_request.client.post(
        "/sign-in", data={"email": parent.email, "password": PASSWORD}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/no-such-page", 404, "Page not found"),
        ("/cases/AAAAAAAAAAAAAAAA/nothing", 404, "Page not found"),
    ],
)
def test_error_pages_are_plain_and_offer_a_way_back(client_request, path, status, words):
    """Error pages say what happened in plain English and link back to the start."""
    response = client_request.client.get(path)
    assert response.status_code == status
    from bs4 import BeautifulSoup

    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert html.h1.get_text(strip=True) == words
    assert html.select_one("main a[href='/']")


def test_wrong_method_gets_a_plain_405_page(client_request):
    """Using a page the wrong way gets a plain explanation, not a stack trace."""
    response = client_request.client.post("/help", data={"csrf_token": client_request.csrf_token()})
    assert response.status_code == 405
    assert b"cannot be used in that way" in response.data


def test_unexpected_failure_gets_a_plain_500_page(app):
    """A crash shows a calm page with a way back, not a stack trace."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-crash")
    def crash():
        raise RuntimeError("boom")

    response = app.test_client().get("/test-crash")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.data
    assert b"boom" not in response.data


def test_too_many_sign_in_attempts_from_one_address_get_a_429_page(app, make_app):
    """Hammering the sign-in form from one address is slowed down with a plain message."""
    from tests.conftest import ClientRequest

    limited = make_app(RATELIMIT_ENABLED=True)
    client_request = ClientRequest(limited, limited.test_client())
    statuses = []
    for attempt in range(32):
        response = client_request.client.post(
            "/sign-in",
            data={
                "email": f"guess{attempt}@example.org",
                "password": "not a real password",
                "csrf_token": client_request.csrf_token(),
            },
        )
        statuses.append(response.status_code)
    assert statuses[:30] == [200] * 30
    assert statuses[-1] == 429
    assert b"Wait a few minutes" in response.data
