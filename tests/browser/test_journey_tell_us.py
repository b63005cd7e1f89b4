"""Issue 11, in a real browser on a 375 × 667 phone with JavaScript on and off: a young person
uses "Tell us something" on their case page. A first try without choosing who sees it shows the
GOV.UK error summary with their words kept; then they choose "Just my case officer", send, and
read their words under "What you told us". Each page is checked with axe-core and for sideways
scrolling. The words are only for the case officer, so the family and school pages of the shared
demo do not change."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    ROLE_EMAILS,
    assert_accessible,
    first_case_path,
    horizontal_overflow,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_a_young_person_tells_us_something_on_a_phone(browsing, js):
    """The form is on the young person's case page; an error keeps their words; once sent, the
    words are listed with who can see them, and a success message says thank you."""
    page = browsing.page(js=js, width=375, height=667)
    sign_in(page, ROLE_EMAILS["young_person"], js=js)
    path = first_case_path(page)
    assert path, "the young person has no case on their home page"
    page.goto(path)
    section = page.locator("#tell-us")
    expect(section.get_by_role("heading", name="Tell us something")).to_be_visible()
    assert_accessible(page, js=js)
    assert horizontal_overflow(page) == 0

    words = f"I like the quiet room at lunch ({uuid.uuid4().hex[:8]})"
    section.get_by_label("What do you want to tell us?").fill(words)
    section.get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_have_text("Tell us something")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who can see it")
    expect(page.get_by_label("What do you want to tell us?")).to_have_value(words)
    assert page.title().startswith("Error: ")
    assert_accessible(page, js=js)
    assert horizontal_overflow(page) == 0

    page.get_by_label("Just my case officer").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Thank you. We have your message."
    )
    told = page.locator("#tell-us")
    expect(told).to_contain_text(words)
    expect(told).to_contain_text("Who can see it: just my case officer.")
    assert_accessible(page, js=js)
    assert horizontal_overflow(page) == 0
