"""Passkeys in a real browser (issue 10): a case officer adds a passkey with Chromium's virtual
authenticator, signs out, and signs in again with the password and the passkey. WebAuthn refuses
IP addresses as relying party ids, so these pages come from a portal configured as
http://localhost:<port>. Without JavaScript the passkey button is absent and the code works."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsing
from tests.browser.support import DEMO_PASSWORD, assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.browser

OFFICER = "officer@example.org"


@pytest.fixture
def passkey_browsing(browser, localhost_portal_server) -> Iterator[Browsing]:
    session = Browsing(browser, localhost_portal_server, {})
    try:
        yield session
    finally:
        problems = session.close()
    assert not problems, "the browser met problems:\n" + "\n".join(problems)


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def test_an_officer_adds_a_passkey_and_signs_in_with_it(passkey_browsing):
    page = passkey_browsing.page(js=True)
    _virtual_authenticator(page)
    sign_in(page, OFFICER, js=True)
    page.locator("header").get_by_role("link", name="Second factor").click()
    expect(page.locator("h1")).to_have_text("Second factor")
    expect(page.get_by_role("button", name="Add a passkey")).to_be_visible()
    expect(page.locator("[data-portal-passkey-fallback]")).to_be_hidden()
    assert_accessible(page, js=True)
    page.get_by_label("Name this passkey").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Work laptop")
    expect(page.locator("main")).to_contain_text("Work laptop")
    assert_accessible(page, js=True)

    sign_out(page)
    page.get_by_label("Email address").fill(OFFICER)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/code")
    expect(page.get_by_role("button", name="Use a passkey")).to_be_visible()
    assert_accessible(page, js=True)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/home")
    expect(page.locator("header")).to_contain_text("Sign out")
    assert_accessible(page, js=True)
    # The passkey's use is shown on the account page.
    page.goto("/account/second-factor")
    expect(page.locator("main")).to_contain_text("last used")


def test_without_javascript_there_is_no_passkey_button_and_the_code_works(passkey_browsing):
    page = passkey_browsing.page(js=False)
    sign_in(page, OFFICER, js=False)  # password, then the code from the app
    assert urlsplit(page.url).path == "/home"
    page.goto("/account/second-factor")
    expect(page.get_by_role("button", name="Add a passkey")).to_have_count(0)
    expect(page.locator("[data-portal-passkey-fallback]")).to_be_visible()
    assert_accessible(page, js=False)
    sign_out(page)
