"""Journey 4, in a real browser with JavaScript on and off: a case officer finds the team's late
cases; then opens a new case, records the decision to assess, sends an advice request, gives a
school access and sees the dashboard figures change. Every page on the way, and every htmx swap,
is checked with axe-core; `browsing` fails the test on any console error, CSP violation or
failed request.

Each run opens its own case (a child with a unique name), so the two runs, and the tests that
share the demo database, never meet each other's changes and the demo cases stay as they were.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import fill_date
from tests.browser.support import (
    DATE_WITH_DISTANCE,
    ROLE_EMAILS,
    after_htmx_swap,
    assert_accessible,
    filter_caseload_to_late,
)
from tests.browser.test_journeys import _sign_in_from_the_start_page

pytestmark = pytest.mark.browser

# Daniel Okafor, the special educational needs coordinator at Riverside Academy in the demo
# data. No other browser test signs in as him, so his caseload is this journey's to change.
RIVERSIDE_SENCO = "senco2@example.org"
REQUEST_STAGE = "Request for a needs assessment"
ASSESSMENT_STAGE = "Needs assessment"


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

    filter_caseload_to_late(page, js=js)
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


# --- Opening a case and moving it on --------------------------------------------------------------


def _utc_today() -> date:
    """The server's today (it counts days in UTC)."""
    return datetime.now(UTC).date()


def _success(page: Page):
    return page.locator(".govuk-notification-banner--success")


def _dashboard_figures(page: Page) -> dict[str, int]:
    """The dashboard's team total and its count of cases at each stage, as a person reads them."""
    total = re.search(r"(\d+) cases? in the team", page.locator("main").inner_text())
    assert total, "the dashboard does not say how many cases the team has"
    figures = {"total": int(total.group(1))}
    table = page.get_by_role("table", name="How many cases are at each stage")
    for row in table.locator("tbody tr").all():
        count = re.match(r"\d+", row.locator("td").inner_text().strip())
        assert count, f"no number in the row {row.inner_text()!r}"
        figures[row.locator("th").inner_text().strip()] = int(count.group())
    return figures


def _open_dashboard(page: Page, *, js: bool) -> dict[str, int]:
    page.locator("header").get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.locator("h1")).to_have_text("Team dashboard")
    assert_accessible(page, js=js)
    return _dashboard_figures(page)


def _show_requests_in_the_caseload(page: Page, *, js: bool) -> None:
    """Filter the team's cases to those at the request stage: live with JavaScript, with the
    button without."""
    stage = page.get_by_label("Stage")
    if js:
        after_htmx_swap(page, lambda: stage.select_option(label=REQUEST_STAGE))
        page.wait_for_url(re.compile(r"stage=request"))
    else:
        stage.select_option(label=REQUEST_STAGE)
        page.get_by_role("button", name="Show cases").click()
        page.wait_for_url(re.compile(r"stage=request"))
        assert_accessible(page, js=js)


def test_journey_4_case_officer_opens_a_new_case_and_moves_it_on(browsing, js):
    """A case officer reads the team dashboard, opens a case for a new request, finds it among
    the requests in the team's cases, records the decision to assess, asks for advice, gives
    the child's school access (which the school then sees), and finds the dashboard's figures
    moved by exactly that case."""
    today = _utc_today()
    child = f"Robin Hale-{uuid.uuid4().hex[:8]}"
    first_name, last_name = child.split(" ", 1)
    page = browsing.page(js=js, user=ROLE_EMAILS["officer"])
    page.goto("/home")
    expect(page.locator("h1")).to_have_text("Team cases")
    assert_accessible(page, js=js)
    before = _open_dashboard(page, js=js)

    # Open the case: a request that reached the council a week ago.
    page.locator("header").get_by_role("link", name="Open a new case").click()
    expect(page.locator("h1")).to_have_text("Open a new case")
    assert_accessible(page, js=js)
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    fill_date(page, "Date of birth", today.replace(year=today.year - 9, day=1))
    page.get_by_label("School or setting", exact=True).select_option(label="Riverside Academy")
    fill_date(page, "When did the council receive the request?", today - timedelta(days=7))
    page.get_by_label("A parent or carer").check()
    page.get_by_role("button", name="Open the case").click()
    expect(_success(page)).to_contain_text(f"is open for {child}")
    expect(_success(page)).to_contain_text("The decision on assessment is due by")
    expect(page.locator("h1")).to_have_text(child)
    reference = re.search(r"EHC-\d{4}-\d{4}", _success(page).inner_text())
    assert reference, "the new case's number is not given"
    assert_accessible(page, js=js)

    # The new case waits among the team's requests, with its first time limit.
    page.locator("header").get_by_role("link", name="Team cases").click()
    _show_requests_in_the_caseload(page, js=js)
    row = page.locator("#caseload-results tbody tr", has_text=child)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(reference.group())
    expect(row).to_contain_text(REQUEST_STAGE)
    expect(row).to_contain_text("Decision on whether to do an assessment")
    for other in page.locator("#caseload-results tbody tr").all():
        expect(other).to_contain_text(REQUEST_STAGE)
    row.get_by_role("link", name=child).click()
    expect(page.locator("h1")).to_have_text(child)
    # The stage, in bold under "Where we are".
    where = page.locator(".portal-where-we-are .govuk-body-l")
    expect(where).to_have_text(REQUEST_STAGE)
    assert_accessible(page, js=js)

    # The decision to assess.
    next_steps = page.locator("section", has=page.get_by_role("heading", name="Your next steps"))
    next_steps.get_by_role("link", name="Record the decision on assessment").click()
    expect(page.locator("h1")).to_have_text("Record the decision on assessment")
    assert_accessible(page, js=js)
    page.get_by_label("Yes, carry out a needs assessment").check()
    fill_date(page, "Date of the letter to the family", today - timedelta(days=2))
    page.get_by_role("button", name="Record the decision").click()
    expect(_success(page)).to_contain_text(
        "The decision to carry out a needs assessment is recorded."
    )
    expect(where).to_have_text(ASSESSMENT_STAGE)
    assert_accessible(page, js=js)

    # A request for advice to a service that is not on the case.
    service = "Northfield Educational Psychology Service"
    next_steps.get_by_role("link", name="Ask for advice").click()
    expect(page.locator("h1")).to_have_text("Ask for advice")
    assert_accessible(page, js=js)
    page.get_by_label("Psychological advice").check()
    page.get_by_label("Or, the person or service not on this case").fill(service)
    fill_date(page, "When was the request sent?", today - timedelta(days=1))
    page.get_by_role("button", name="Record the request").click()
    expect(_success(page)).to_contain_text(f"The request to {service} is recorded.")
    expect(_success(page)).to_contain_text(re.compile(r"The advice is due by \w+day \d{1,2} \w+"))
    expect(
        next_steps.get_by_role("link", name=f"Record advice from {service} as received")
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Advice from {service}")
    assert_accessible(page, js=js)

    # The child's school gets access, through "People on this case".
    page.get_by_role("link", name="Add, change or remove people on this case").click()
    expect(page.locator("h1")).to_have_text("People on this case")
    assert_accessible(page, js=js)
    page.get_by_role("link", name="Add someone").click()
    expect(page.locator("h1")).to_have_text("Add someone to this case")
    assert_accessible(page, js=js)
    page.get_by_label("Email address").fill(RIVERSIDE_SENCO)
    page.get_by_role("button", name="Continue").click()
    heading = page.locator("h1")
    expect(heading).to_have_text(re.compile(r"^Add .+ to this case$"))
    senco = heading.inner_text().removeprefix("Add ").removesuffix(" to this case")
    expect(page.locator("main")).to_contain_text("Riverside Academy")
    assert_accessible(page, js=js)
    page.get_by_label("School or setting", exact=True).check()
    page.get_by_label("Add documents").check()
    page.get_by_role("button", name="Add to this case").click()
    expect(page.locator("h1")).to_have_text("People on this case")
    expect(_success(page)).to_contain_text(f"{senco} can now see this case")
    card = page.locator(".govuk-summary-card", has=page.get_by_role("heading", name=senco))
    expect(card).to_contain_text("School or setting, Riverside Academy")
    expect(card).to_contain_text("can see documents, can add documents")
    assert_accessible(page, js=js)

    # The school now finds the case among its own.
    school = browsing.page(js=js, user=RIVERSIDE_SENCO)
    school.goto("/home")
    school.locator("main").get_by_role("link", name=child).click()
    expect(school.locator("h1")).to_have_text(child)
    assert_accessible(school, js=js)

    # The dashboard counts the new case, now in the assessment; the requests are as they were.
    after = _open_dashboard(page, js=js)
    assert after["total"] == before["total"] + 1, (before, after)
    assert after[ASSESSMENT_STAGE] == before[ASSESSMENT_STAGE] + 1, (before, after)
    assert after[REQUEST_STAGE] == before[REQUEST_STAGE], (before, after)
    page.get_by_role("link", name=re.compile(rf"^\d+ cases at {ASSESSMENT_STAGE}$")).click()
    page.wait_for_url(re.compile(r"stage=assessment"))
    expect(page.locator("#caseload-results tbody tr")).to_have_count(after[ASSESSMENT_STAGE])
    expect(page.locator("#caseload-results")).to_contain_text(child)
    assert_accessible(page, js=js)
