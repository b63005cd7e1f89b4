"""Regression tests for the adversarial review's findings (issue 10), one or more per finding,
each named after it. Each shows the attack from the review no longer works."""

from __future__ import annotations

import re

import pytest

from portal import create_app
from portal.accounts import second_factor
from portal.config import ConfigError
from portal.extensions import db
from tests import factories


def _signed_in_client(app, user):
    """A browser of `app` (another app on the test database) signed in as `user`."""
    session_token = second_factor.start_session_as_if_given(user)
    db.session.commit()
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    client = app.test_client()
    client.set_cookie(
        app.config["SESSION_COOKIE_NAME"],
        serializer.dumps({"_user_id": session_token}),
        domain=app.config.get("SERVER_NAME") or "localhost",
    )
    return client


# --- 1. Account takeover through the Host header -------------------------------------------


def _production_env(monkeypatch, app_config, **extra: str) -> None:
    """A production environment with every protection in place (each test removes one)."""
    settings = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "p" * 40,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_URL": "https://ehc.example.gov.uk",
        "MAIL_SERVER": "127.0.0.1",
        "CLAMD_SOCKET": "/run/clamav/clamd.ctl",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    }
    settings.update(extra)
    for name, value in settings.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("purpose", ["reset", "invitation"])
def test_host_header_account_takeover_links_use_the_configured_portal_url(
    make_app, case_officer, parent, purpose
):
    """A reset or invitation asked for with `Host: evil.example` still emails a link to the
    portal's configured address, so the one-time secret never goes to the attacker's host."""
    # As in production: no SERVER_NAME, so only PORTAL_URL can say where the portal is.
    app = make_app(
        SERVER_NAME=None, PORTAL_URL="https://ehc.example.gov.uk", WTF_CSRF_ENABLED=False
    )
    outbox = app.extensions.setdefault("outbox", [])
    app.config["MAIL_BACKEND"] = "memory"
    client = app.test_client()
    if purpose == "reset":
        form = {"email": parent.email}
        path = "/forgot-password"
    else:
        session_token = second_factor.start_session_as_if_given(case_officer)
        db.session.commit()
        cookie = app.session_interface.get_signing_serializer(app).dumps(  # type: ignore[attr-defined]
            {"_user_id": session_token}
        )
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie, domain="evil.example")
        form = {"name": "New", "email": "new@example.org", "role": "parent", "organisation": "0"}
        path = "/invite"
    response = client.post(path, data=form, base_url="http://evil.example")
    assert response.status_code in (200, 303), response.get_data(as_text=True)[:300]
    body = outbox[-1].get_content()
    assert "evil.example" not in body
    assert "https://ehc.example.gov.uk/" in body


def test_host_header_account_takeover_production_answers_only_its_own_host(monkeypatch, app_config):
    """In production a request naming another host is refused before any page runs."""
    _production_env(monkeypatch, app_config)
    app = create_app({"SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"]})
    client = app.test_client()
    assert client.get("/", base_url="https://evil.example").status_code == 400
    assert client.get("/", base_url="https://ehc.example.gov.uk").status_code == 200


def test_host_header_account_takeover_production_needs_a_portal_url(monkeypatch, app_config):
    """Production does not start without the address links are built from."""
    _production_env(monkeypatch, app_config, PORTAL_URL="")
    with pytest.raises(ConfigError, match="PORTAL_URL"):
        create_app()


# --- 6. Production fails open ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "waiver"),
    [
        ("MAIL_SERVER", "ALLOW_EMAIL_TO_LOG"),
        ("CLAMD_SOCKET", "ALLOW_UNSCANNED_UPLOADS"),
        ("RATELIMIT_STORAGE_URI", "ALLOW_MEMORY_RATE_LIMITS"),
    ],
)
def test_production_fails_open_refuses_to_start_without_protection(
    monkeypatch, app_config, missing, waiver
):
    """Without a mail server, a virus scanner or a shared rate-limit store, production refuses
    to start, naming the setting and the explicit waiver."""
    _production_env(monkeypatch, app_config, **{missing: ""})
    with pytest.raises(ConfigError, match=f"{missing}.*{waiver}"):
        create_app()


def test_production_fails_open_waiver_is_shown_to_staff_not_families(
    monkeypatch, app_config, app, new_client, case_officer, parent
):
    """An operator may waive a protection on purpose; staff then see it on every page, families
    do not."""
    _production_env(monkeypatch, app_config, CLAMD_SOCKET="", ALLOW_UNSCANNED_UPLOADS="true")
    production = create_app({"SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"]})
    assert production.config["WAIVED_PROTECTIONS"] == ["ALLOW_UNSCANNED_UPLOADS"]
    app.config["WAIVED_PROTECTIONS"] = ["ALLOW_UNSCANNED_UPLOADS"]
    shown_to = {}
    for user in (case_officer, parent):
        helper = new_client()
        helper.sign_in_as(user)
        shown_to[user.role] = "not checked for viruses" in helper.get("cases.home").text("body")
    assert shown_to == {"case_officer": True, "parent": False}


def test_production_fails_open_proxy_fix_from_a_setting(make_app):
    """Behind a proxy, the client's own address (not the proxy's) is what the portal sees,
    and only when a setting says how many proxies to believe."""
    from flask import request

    seen = []
    for trusting, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = make_app(PROXY_FIX={"x_for": trusting, "x_proto": 0, "x_host": 0, "x_prefix": 0})

        @app.get("/_whoami")
        def whoami():
            return request.remote_addr or ""

        response = app.test_client().get(
            "/_whoami",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        seen.append((response.get_data(as_text=True), expected))
    assert all(got == expected for got, expected in seen)


def test_production_fails_open_long_sign_in_email_is_refused_politely(client_request):
    """An email address over 320 characters is a normal "wrong details" answer, not a crash."""
    page = client_request.post(
        "accounts.sign_in",
        {"email": "a" * 400 + "@example.org", "password": "whatever you like"},
        expected_status=200,
    )
    assert "Enter a correct email address and password" in page.text("main")


# --- 2. One update can make a case page unusable ---------------------------------------------


def test_markdown_quadratic_blow_up_case_page_renders_no_markdown(
    client_request, senco, family_case, monkeypatch
):
    """Hostile updates are rendered once, when posted; viewing the case page afterwards runs no
    Markdown at all, so no number of updates can make the page slow to render."""
    from portal.cases.services import post_update

    for _ in range(3):
        post_update(senco, family_case, "[" * 2000)

    def no_markdown(*args, **kwargs):
        raise AssertionError("the case page rendered Markdown")

    monkeypatch.setattr("markdown.Markdown.convert", no_markdown)
    client_request.sign_in_as(senco)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "[" * 2000 in page.text("#case-history")


@pytest.mark.parametrize("hostile", ["[" * 2000, "[a" * 1000, "[](" * 660, "![" * 1000])
def test_markdown_quadratic_blow_up_unclosed_brackets_are_shown_as_written(hostile):
    """Unclosed brackets (what made Python-Markdown quadratic) are escaped before rendering, so
    they come out as the same characters, with no link, image or lost text."""
    from bs4 import BeautifulSoup

    from portal.content.rendering import _defuse_brackets, render_markdown

    assert "\\" in _defuse_brackets(hostile)  # each unclosed opener is escaped
    soup = BeautifulSoup(render_markdown(hostile), "html.parser")
    assert soup.get_text() == hostile
    assert soup.find("a") is None


def test_markdown_quadratic_blow_up_links_still_work():
    """Ordinary links, nested brackets and brackets in URLs are untouched by the defusing."""
    from portal.content.rendering import _defuse_brackets

    text = "See [the [full] guide](https://example.org/a_(b)) and [help](/help)."
    assert _defuse_brackets(text) == text


# --- 4. User-written Markdown can make other people's browsers act ---------------------------


def test_own_origin_image_in_update_makes_no_request(client_request, senco, family_case):
    """An update with `![](/cases/<id>/documents/download-all)` shows no image, so the officer's
    browser fetches nothing (and no download is recorded in their name)."""
    from portal.cases.services import post_update

    target = f"/cases/{family_case.public_id}/documents/download-all"
    post_update(senco, family_case, f"Look ![the file]({target}) here")
    client_request.sign_in_as(senco)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    history = page.html.select_one("#case-history")
    assert history.select("img, [src]") == []
    assert target not in str(page.html.select_one("#case-history"))
    assert "Look the file here" in page.text("#case-history")


# --- 3. Small zips that cost seconds of CPU; no upload rate limit -----------------------------


def _bomb_docx(parts: int) -> bytes:
    """A Word document whose extra parts are each just under the 1 MB where the per-part ratio
    check starts, each packing about 1,000 to 1 (the review's bomb had 200 of them)."""
    from tests.documents import samples

    part = b" " * (1024 * 1024 - 4096)
    return samples.docx([(f"word/media/part{n}.xml", part) for n in range(parts)])


def test_zip_bombs_inside_office_files_are_refused_before_unpacking(tmp_path, monkeypatch):
    """A small Word file that unpacks to many times its size over many small parts is refused
    from its directory alone: none of its parts is unpacked."""
    import zipfile

    from portal.documents.filetypes import RejectedFile, check_upload

    path = tmp_path / "advice.docx"
    path.write_bytes(_bomb_docx(40))
    assert path.stat().st_size < 100 * 1024
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(RejectedFile, match="zip bomb"):
        check_upload(path, "advice.docx")
    assert not [name for name in opened if name.startswith("word/media/")]


def test_zip_bombs_inside_office_files_ordinary_documents_still_pass(tmp_path):
    """A real-sized document whose parts unpack to a few times its size is still accepted."""
    import os

    from portal.documents.filetypes import check_upload
    from tests.documents import samples

    path = tmp_path / "advice.docx"
    body = samples.docx_body("Advice " * 50_000)  # 350 KB of text: packs well, unpacks small
    photo = samples.jpeg() + os.urandom(1024 * 1024)
    path.write_bytes(samples.docx([("word/media/image1.jpeg", photo)], body=body))
    assert check_upload(path, "advice.docx").kind == "docx"


def test_upload_rate_limit_stops_one_person_uploading_without_pause(make_app, senco, family_case):
    """After 10 uploads in a minute, a person's next upload is answered 429, wherever from."""
    import io

    from tests.documents import samples

    limited = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False)
    client = _signed_in_client(limited, senco)
    statuses = []
    for attempt in range(11):
        response = client.post(
            f"/cases/{family_case.public_id}/documents/add",
            data={
                "title": f"Advice {attempt}",
                "category": "advice_educational",
                "restriction": "everyone",
                "files": [(io.BytesIO(samples.pdf()), "advice.pdf")],
            },
            environ_base={"REMOTE_ADDR": f"203.0.113.{attempt}"},
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [303] * 10, (statuses, response.headers.get("Location"))
    assert statuses[10] == 429


# --- 8. Accounts can be found by timing; lockouts keep staff out, unseen ----------------------


def test_accounts_found_by_timing_unknown_email_costs_one_argon2_check(app, parent, monkeypatch):
    """An unknown email runs the same Argon2 check as a known one with a wrong password (counted,
    not timed), so the time taken does not say which accounts exist."""
    from argon2 import PasswordHasher

    from portal.accounts.services import SignInRefused, sign_in

    checks = []
    real_verify = PasswordHasher.verify

    def counting(self, hash, password):
        checks.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for email in (parent.email, "nobody.here@example.org"):
        with pytest.raises(SignInRefused):
            sign_in(email, "not the password at all", "198.51.100.1")
    assert len(checks) == 2


def test_accounts_found_by_timing_lockout_from_elsewhere_does_not_lock_the_owner_out(
    client_request, new_client, parent, outbox
):
    """Ten wrong passwords from an attacker's address pause sign-in from there only: the parent
    still signs in from their own address, and is told by email about the attempts."""
    from portal.accounts.services import SignInRefused, sign_in

    for _ in range(10):
        with pytest.raises(SignInRefused):
            sign_in(parent.email, "guess guess guess", "203.0.113.66")
    with pytest.raises(SignInRefused) as refused:
        sign_in(parent.email, factories.PASSWORD, "203.0.113.66")
    assert refused.value.locked
    user, _token = sign_in(parent.email, factories.PASSWORD, "198.51.100.20")
    assert user.id == parent.id
    (notice,) = [m for m in outbox if m["To"] == parent.email]
    assert "203.0.113.66" in notice.get_content()


# --- 9. One-time links ------------------------------------------------------------------------


def _reset_link(client_request, user, outbox) -> str | None:
    before = len(outbox)
    client_request.post("accounts.forgot_password", {"email": user.email}, expected_status=200)
    if len(outbox) == before:
        return None
    return re.search(r"/reset-password/[A-Za-z0-9_-]+", outbox[-1].get_content()).group(0)


def test_one_time_links_older_reset_link_dies_with_a_newer_one(
    client_request, new_client, parent, outbox
):
    """After a reset with the newest link, an older reset link no longer works."""
    older = _reset_link(client_request, parent, outbox)
    newer = _reset_link(client_request, parent, outbox)
    helper = new_client()
    new_password = "a brand new passphrase"
    helper.client.get(newer)
    response = helper.client.post(
        newer,
        data={
            "password": new_password,
            "confirm_password": new_password,
            "csrf_token": helper.csrf_token(),
        },
    )
    assert response.status_code == 303
    assert new_client().client.get(older).status_code == 410


def test_one_time_links_reset_requests_are_limited(client_request, parent, outbox):
    """A fourth reset request within the hour sends nothing (and the page looks the same)."""
    links = [_reset_link(client_request, parent, outbox) for _ in range(4)]
    assert [link is not None for link in links] == [True, True, True, False]


def test_one_time_links_old_invitation_does_not_switch_an_account_back_on(
    client_request, new_client, case_officer, outbox
):
    """An invitation link for an account that was since switched off does not work."""
    client_request.sign_in_as(case_officer)
    client_request.post(
        "accounts.invite",
        {"name": "Pat", "email": "pat@example.org", "role": "parent", "organisation": "0"},
        expected_redirect="/invite",
    )
    link = re.search(r"/accept-invitation/[A-Za-z0-9_-]+", outbox[-1].get_content()).group(0)
    from portal.accounts.models import User

    user = db.session.query(User).filter_by(email="pat@example.org").one()
    user.active = False
    db.session.commit()
    page = new_client().client.get(link)
    assert page.status_code == 410
    assert "switched off" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.active is False


# --- 10. The CSRF error page and a forged POST -----------------------------------------------


def test_csrf_error_page_shows_nothing_from_another_site(client_request, parent):
    """A forged POST from another site gets the plain refusal: none of its words, and no link
    back to the attacker's page."""
    client_request.sign_in_as(parent)
    response = client_request.client.post(
        "/sign-out",
        data={"message": "Your account is closed. Call 0900 123 456 now."},
        headers={"Origin": "https://evil.example", "Referer": "https://evil.example/trap"},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "0900 123 456" not in text
    assert "evil.example" not in text


def test_csrf_error_page_still_keeps_what_a_person_typed_on_our_own_page(client_request, parent):
    """From our own page (an expired form), what the person typed is still shown, with a way
    back to our page."""
    client_request.sign_in_as(parent)
    response = client_request.client.post(
        "/sign-out",
        data={"message": "My words are kept"},
        headers={"Origin": "http://portal.test", "Referer": "http://portal.test/home"},
    )
    text = response.get_data(as_text=True)
    assert "My words are kept" in text
    assert 'href="/home"' in text


# --- 5. An administrator can give themselves case access -------------------------------------


def test_admin_cannot_give_themselves_case_access_alone(
    client_request, new_client, admin, council, outbox
):
    """An administrator who invites a case officer at an address they control gets a link that
    does not work, cannot approve it themselves, and every other administrator is told. Only a
    second administrator's approval makes the link work."""
    from portal.accounts.models import User

    second_admin = factories.make_user(factories.Role.ADMIN, organisation=council, name="Bo")
    client_request.sign_in_as(admin)
    client_request.post(
        "accounts.invite",
        {
            "name": "Me Again",
            "email": "my.other.address@example.org",
            "role": "case_officer",
            "organisation": str(council.id),
        },
        expected_redirect="/invite",
    )
    invitation = next(m for m in outbox if m["To"] == "my.other.address@example.org")
    link = re.search(r"/accept-invitation/[A-Za-z0-9_-]+", invitation.get_content()).group(0)
    assert [m["To"] for m in outbox if "Approve" in m["Subject"]] == [second_admin.email]

    attacker = new_client()
    page = attacker.client.get(link)
    assert page.status_code == 410
    assert "second administrator" in page.get_data(as_text=True)

    # The inviting administrator sees no button, and a hand-made POST changes nothing.
    page = client_request.get("accounts.people")
    assert page.html.select("form[action*='/approve']") == []
    from portal.accounts.models import AccountToken

    token = db.session.query(AccountToken).filter_by(approval_required=True).one()
    client_request.post(
        "accounts.approve_invitation",
        url_values={"token_id": token.id},
        expected_redirect="/people",
    )
    assert attacker.client.get(link).status_code == 410

    approver = new_client()
    approver.sign_in_as(second_admin)
    page = approver.get("accounts.people")
    assert "Me Again" in page.text("#main-content")
    approver.post(
        "accounts.approve_invitation",
        url_values={"token_id": token.id},
        expected_redirect="/people",
    )
    assert attacker.client.get(link).status_code == 200
    invited = db.session.query(User).filter_by(email="my.other.address@example.org").one()
    assert invited.role == "case_officer"


@pytest.mark.parametrize("role", ["quality_lead", "auditor"])
def test_an_invitation_to_read_plans_across_the_council_needs_a_second_administrator(
    client_request, new_client, admin, council, outbox, role
):
    """Quality leads and auditors can read any plan sampled for an audit: as for a case
    officer, the link works only once another administrator approves."""
    factories.make_user(factories.Role.ADMIN, organisation=council, name="Bo")
    client_request.sign_in_as(admin)
    client_request.post(
        "accounts.invite",
        {
            "name": "Quinn Auditor",
            "email": "quinn@example.org",
            "role": role,
            "organisation": str(council.id),
        },
        expected_redirect="/invite",
    )
    invitation = next(m for m in outbox if m["To"] == "quinn@example.org")
    link = re.search(r"/accept-invitation/[A-Za-z0-9_-]+", invitation.get_content()).group(0)
    assert new_client().client.get(link).status_code == 410


def test_admin_inviting_a_family_member_needs_no_approval(client_request, admin, outbox):
    """Roles that only see what a case officer shares with them need no second administrator."""
    client_request.sign_in_as(admin)
    client_request.post(
        "accounts.invite",
        {"name": "Pat", "email": "pat@example.org", "role": "parent", "organisation": "0"},
        expected_redirect="/invite",
    )
    assert [m["To"] for m in outbox] == ["pat@example.org"]


# --- 7. Not every view of a case is recorded -------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "htmx", "page"),
    [
        ("documents.case_documents", False, "documents"),
        ("documents.case_documents", True, "documents"),
        ("people.case_people", False, "people"),
        ("casework.manage_case", False, "manage"),
        ("documents.removed_documents", False, "removed documents"),
    ],
)
def test_every_view_of_a_case_is_recorded(
    client_request, case_officer, family_case, endpoint, htmx, page
):
    """The documents list (page and fragment), the people page, the officer's manage page and
    removed documents each write who looked at which case, and which view, to the audit trail."""
    from portal.audit import Event

    client_request.sign_in_as(case_officer)
    client_request.get(endpoint, case_id=family_case.public_id, htmx=htmx)
    views = (
        db.session.query(Event)
        .filter_by(action="case.viewed", case_id=family_case.id, actor_id=case_officer.id)
        .all()
    )
    assert [event.detail["page"] for event in views] == [page]


# --- 11. Children's names in URLs, history and server logs -----------------------------------


def test_childrens_names_stay_out_of_urls_caseload_search_is_posted(
    client_request, case_officer, council
):
    """The caseload search is sent by POST and remembered in the session: the address, every
    page link and the htmx push URL never hold the words searched for."""
    for _n in range(30):
        factories.make_case(team=council, officer=case_officer, first_name="Taylor")
    factories.make_case(team=council, officer=case_officer, first_name="Robin")
    client_request.sign_in_as(case_officer)
    response = client_request.client.post(
        "/home", data={"q": "Taylor", "csrf_token": client_request.csrf_token()}
    )
    assert response.status_code == 303
    assert "Taylor" not in response.headers["Location"]
    page = client_request.get("cases.home")
    assert "30 cases found" in page.text("#caseload-results")
    links = [a["href"] for a in page.html.select("a[href]")] + [
        f["action"] for f in page.html.select("form[action]")
    ]
    assert links and not [link for link in links if "Taylor" in link or "q=" in link]
    htmx = client_request.post(
        "cases.home", {"q": "Taylor", "sort": "name"}, expected_status=200, htmx=True
    )
    assert htmx.response.headers["HX-Push-Url"] == "/home?sort=name"
    # An old bookmark with the name in it searches for nothing.
    client_request.post("cases.home", {"q": ""}, expected_status=303)
    assert "31 cases found" in client_request.get("cases.home", q="Taylor").text(
        "#caseload-results"
    )
