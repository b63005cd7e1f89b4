"""A session that ends while the page is open: the next htmx action (here the caseload's live
search) takes the person to the sign-in page as a whole page, never inside the part of the page
htmx was about to replace, and signing in again brings them back where they were."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import DEMO_PASSWORD, ROLE_EMAILS, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_live_search_after_the_session_ended_leads_to_the_sign_in_page(browsing):
    """With JavaScript on: a SENCO's session ends (the cookie is gone, as on a shared computer
    after 30 minutes), they type in the live search, and the browser shows the sign-in page as
    the whole page; after signing in they are back on their caseload."""
    page = browsing.page(js=True)
    sign_in(page, ROLE_EMAILS["senco"])  # a session of its own: the shared ones stay live
    expect(page.locator("h1")).to_have_text("Your caseload")
    expect(page.locator("#caseload-results")).to_be_visible()

    page.context.clear_cookies()
    page.get_by_label("Search by child’s name or case number").fill("Zz")

    page.wait_for_url(lambda url: urlsplit(url).path == "/sign-in")
    assert urlsplit(page.url).query == "next=/home", page.url
    expect(page.locator("h1")).to_have_text("Sign in")
    # A whole page, not the sign-in page inside the caseload: one header, no caseload left.
    expect(page.locator("header")).to_have_count(1)
    expect(page.locator("#caseload-results")).to_have_count(0)
    assert page.title().startswith("Sign in")
    assert_accessible(page)

    page.get_by_label("Email address").fill(ROLE_EMAILS["senco"])
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/home")
    expect(page.locator("h1")).to_have_text("Your caseload")
