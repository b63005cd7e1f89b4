"""Journeys people make through the portal, in a real browser, each with JavaScript on and off.
Every page on the way is checked with axe-core; `browsing` fails the test on any console error,
Content-Security-Policy violation or failed request.

Journey 1 (a young person) lives here with the helpers the journeys share; the others have a file
each: test_journey_parent.py (2), test_journey_senco.py (3), test_journey_officer.py (4) and
test_journey_editor.py (5)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    DATE_WITH_DISTANCE,
    DEMO_PASSWORD,
    ROLE_EMAILS,
    assert_accessible,
    authenticator_code,
    enter_code,
)

pytestmark = pytest.mark.browser


def _sign_in_from_the_start_page(page, email: str, *, js: bool) -> None:
    page.goto("/")
    assert_accessible(page, js=js)
    page.get_by_role("button", name="Sign in").click()  # the start button
    page.wait_for_url("**/sign-in")
    assert_accessible(page, js=js)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/sign-in")
    if urlsplit(page.url).path == "/sign-in/code":  # council staff: the code from their app
        enter_code(page, authenticator_code(email), js=js)
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
    assert_accessible(page, js=js)
    # Who promised to follow the pledge is on the People page, a link away.
    page.get_by_role("navigation", name="This case").get_by_role("link", name="People").click()
    expect(page.locator("h1")).to_have_text("People on this case")
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
