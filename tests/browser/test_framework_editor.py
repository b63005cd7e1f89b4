"""The quality lead changes a section of the framework in a real browser, JavaScript on and
off, every page checked with axe: adds a criterion, is told what is missing, removes it, saves,
reviews the changes and (so the shared demo framework stays as it is) discards them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_accessible

pytestmark = pytest.mark.browser

LEAD = "quality@example.org"


def test_journey_quality_lead_changes_a_framework_section(browsing, js):
    page = browsing.page(js=js, user=LEAD)
    page.goto("/quality/framework")
    page.get_by_role("link", name="Change the framework and publish a new version").click()
    expect(page.locator("h1")).to_have_text("Change the quality framework")
    assert_accessible(page, js=js)

    page.get_by_role("link", name="Change the name and grades").click()
    expect(page.locator("h1")).to_have_text("Name and grades")
    page.get_by_label("Good").fill("101")
    page.get_by_role("button", name="Save the name and grades").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the share of criteria met for Good, a whole number from 0 to 100"
    )
    assert_accessible(page, js=js)
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Change section G").click()
    expect(page.locator("h1")).to_have_text("Section G of the framework")
    assert_accessible(page, js=js)
    count = page.locator("textarea[name$='-text']").count()
    page.get_by_role("button", name="Add a criterion").click()
    expect(page.locator("textarea[name$='-text']")).to_have_count(count + 1)
    page.get_by_role("button", name="Save this section").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"Enter the wording of criterion {count + 1}"
    )
    assert page.title().startswith("Error: ")
    assert_accessible(page, js=js)
    page.get_by_role("button", name=f"Remove criterion {count + 1}").click()
    expect(page.locator("textarea[name$='-text']")).to_have_count(count)
    page.get_by_label("What good looks like").fill("Good looks like: a browser test wrote this.")
    page.get_by_role("button", name="Save this section").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Section G is saved")

    page.get_by_role("link", name="Review and publish").click()
    expect(page.locator("main")).to_contain_text("a browser test wrote this")
    assert_accessible(page, js=js)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("button", name="Discard my changes").click()
    expect(page.locator("main")).not_to_contain_text("a browser test wrote this")
