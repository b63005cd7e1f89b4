"""Journeys people make through the portal, in a real browser, each with JavaScript on and off.
Every page on the way is checked with axe-core; `browsing` fails the test on any console error,
Content-Security-Policy violation or failed request.

Journeys 2, 3 and 5 and the rest of journey 4 come as the documents, tracker actions and
content editor land (issue 6)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    DEMO_PASSWORD,
    ROLE_EMAILS,
    after_htmx_swap,
    assert_accessible,
)

pytestmark = pytest.mark.browser

DATE_WITH_DISTANCE = re.compile(
    r"\w+day \d{1,2} \w+ \d{4}\s*\((in \d+ days?|\d+ days? late|today|tomorrow|yesterday)\)"
)


def _sign_in_from_the_start_page(page, email: str, *, js: bool) -> None:
    page.goto("/")
    assert_accessible(page, js=js)
    page.get_by_role("button", name="Sign in").click()  # the start button
    page.wait_for_url("**/sign-in")
    assert_accessible(page, js=js)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")


def test_journey_1_young_person_sees_their_pathway_and_the_pledge(browsing, js):
    """A young person signs in, sees where they are and the next date, opens their pathway,
    reads what happens next and who promised to follow the pledge, then reads the pledge."""
    page = browsing.page(js=js)
    _sign_in_from_the_start_page(page, ROLE_EMAILS["young_person"], js=js)
    expect(page.locator("h1")).to_have_text("Hello Jordan")
    summary = page.locator(".govuk-summary-list")
    where = summary.locator(".govuk-summary-list__row", has_text="Where you are")
    stage_here = where.locator("dd").inner_text().strip()
    assert stage_here, "the home page does not say where the young person is"
    next_date = summary.locator(".govuk-summary-list__row", has_text="Next date").inner_text()
    assert DATE_WITH_DISTANCE.search(next_date), f"no date with its distance in {next_date!r}"
    assert_accessible(page, js=js)

    page.get_by_role("link", name="See your pathway").click()
    expect(page.locator("h1")).to_have_text("Your pathway")
    now = page.locator("ol.portal-pathway li[aria-current=step]")
    expect(now).to_have_count(1)
    expect(now.locator(".portal-pathway__name")).to_have_text(stage_here)
    assert page.locator("ol.portal-pathway .portal-pathway__stage--done").count() >= 1
    expect(page.get_by_role("heading", name="What happens next").first).to_be_visible()
    pledge_heading = page.get_by_role("heading", name="These people have promised")
    expect(pledge_heading).to_be_visible()
    signers = page.locator("table", has_text="promised").locator("tbody tr")
    assert signers.count() >= 1, "nobody is shown as having promised to follow the pledge"
    expect(signers.first).to_contain_text(re.compile(r"\w+ \w+"))
    assert_accessible(page, js=js)

    page.get_by_role("link", name="Read the pledge").first.click()
    page.wait_for_url("**/pledge")
    expect(page.locator("h1")).to_contain_text("pledge")
    assert_accessible(page, js=js)


def test_journey_4_case_officer_finds_late_team_cases(browsing, js):
    """A case officer signs in to the team's cases, including a colleague's, filters them to
    the late ones (live with JavaScript, with the button without), and opens one."""
    page = browsing.page(js=js)
    _sign_in_from_the_start_page(page, ROLE_EMAILS["officer"], js=js)
    expect(page.locator("h1")).to_have_text("Team cases")
    results = page.locator("#caseload-results")
    rows = results.locator("tbody tr")
    every_case = rows.count()
    assert every_case >= 2
    # Ava Johnson's case belongs to the other case officer in the same team.
    expect(results).to_contain_text("Ava Johnson")
    assert_accessible(page, js=js)

    due = page.get_by_label("Due")
    if js:
        after_htmx_swap(page, lambda: due.select_option(label="Late"))
        found = page.locator("#caseload-results strong").first.inner_text()
        expect(page.locator("#portal-live-region")).to_have_text(found)
    else:
        due.select_option(label="Late")
        page.get_by_role("button", name="Show cases").click()
        page.wait_for_url(re.compile(r"due=late"))
        assert_accessible(page, js=js)
    assert "due=late" in page.url, "the filtered list has no address of its own to share"
    late = rows.count()
    assert 1 <= late < every_case
    for row in rows.all():
        expect(row).to_contain_text("late")

    first = rows.first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.get_by_role("heading", name="Where we are")).to_be_visible()
    expect(page.locator("main")).to_contain_text(DATE_WITH_DISTANCE)
    assert_accessible(page, js=js)
