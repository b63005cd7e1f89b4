"""Signing in with a second factor in a real browser, with JavaScript on and off (issue 10):
council staff type the code from their authenticator app after the password; a professional
sets up an app from the QR code page and later signs in with a recovery code. Every page is
checked with axe-core, and `browsing` fails the test on any CSP violation (the QR code is an
inline SVG made by the server)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    KNOWN_SECRETS,
    assert_accessible,
    authenticator_code,
    enter_code,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser

FUNDING_OFFICER = "funding@example.org"
PROFESSIONAL = "health@example.org"


def test_staff_sign_in_needs_the_code_from_their_app(browsing, js):
    """After the right password a member of staff is asked for the code; a wrong one is
    refused with an error summary, and the right one signs them in."""
    page = browsing.page(js=js)
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(FUNDING_OFFICER)
    page.get_by_label("Password", exact=True).fill("browser-tests-demo-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Enter the code from your authenticator app")
    assert_accessible(page, js=js)

    # Nothing else can be reached with the password alone.
    page.goto("/home")
    expect(page.locator("h1")).to_have_text("Enter the code from your authenticator app")

    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6-digit code")
    assert page.title().startswith("Error: ")
    assert_accessible(page, js=js)

    enter_code(page, authenticator_code(FUNDING_OFFICER), js=js)
    expect(page.locator("header")).to_contain_text("Second factor")
    page.locator("header").get_by_role("link", name="Second factor").click()
    expect(page.locator("main")).to_contain_text("Council staff must keep a second factor")
    assert_accessible(page, js=js)


def test_a_professional_sets_up_an_app_and_signs_in_with_a_recovery_code(
    browsing, portal_server, js
):
    """A professional chooses a second factor: scans the QR code (or types the key), confirms
    with a code, saves the recovery codes; the next sign-in asks for a code, and a recovery code
    works."""
    page = browsing.page(js=js)
    sign_in(page, PROFESSIONAL, js=js)
    page.locator("header").get_by_role("link", name="Second factor").click()
    expect(page.locator("h1")).to_have_text("Second factor")
    assert_accessible(page, js=js)
    page.locator("main").get_by_role(
        "link",
        name="Set up an authenticator app"
        if PROFESSIONAL not in KNOWN_SECRETS
        else "Set up a new app",
    ).click()
    expect(page.locator("h1")).to_have_text("Set up an authenticator app")
    assert_accessible(page, js=js)
    page.get_by_role("button", name="Start setting up").click()
    expect(page.locator(".portal-qr-code svg")).to_be_visible()
    assert_accessible(page, js=js)
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(authenticator_code(PROFESSIONAL, secret))
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator("h1")).to_have_text("Save your recovery codes")
    assert_accessible(page, js=js)
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    KNOWN_SECRETS[PROFESSIONAL] = secret
    added = portal_server.mail.wait_for(
        PROFESSIONAL, lambda m: "second factor was added" in m["Subject"]
    )
    assert secret not in added.get_content()
    page.get_by_role("link", name="I have saved my codes: continue").click()
    expect(page.locator("h1")).to_have_text("Second factor")

    sign_out(page)
    page.get_by_label("Email address").fill(PROFESSIONAL)
    page.get_by_label("Password", exact=True).fill("browser-tests-demo-password")
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, codes[0], js=js)
    expect(page.locator("h1")).to_have_text("Second factor")
    expect(page.locator("main")).to_contain_text("9 of 10")
    portal_server.mail.wait_for(PROFESSIONAL, lambda m: "recovery code was used" in m["Subject"])
