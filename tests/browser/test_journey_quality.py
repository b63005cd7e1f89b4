"""Plan quality audits in a real browser, JavaScript on and off, every page checked with axe:
the quality lead opens a round and draws its sample; two auditors audit the same plan section by
section (the second blind to the first) and disagree; the lead moderates; the plan's case officer
finds the action on "Feedback on my plans".

Each run opens its own round (a unique name), so the runs never meet each other's audits.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import fill_date
from tests.browser.support import assert_accessible

pytestmark = pytest.mark.browser

LEAD = "quality@example.org"
AUDITORS = {"Tom Fielding": "auditor@example.org", "Grace Mensah": "health@example.org"}
OFFICERS = {"Chris Walker": "officer@example.org", "Aisha Rahman": "officer2@example.org"}


def _audit_the_plan(page: Page, round_name: str, improvement: str, *, js: bool) -> str:
    """Open this round's audit from My audits and answer every section; the first auditor finds
    F3 (a limiting criterion) not met, the blind second auditor meets everything. Returns the
    grade the portal computed."""
    page.goto("/quality/my-audits")
    expect(page.locator("h1")).to_have_text("My audits")
    page.locator("tr", has_text=round_name).get_by_role("link").click()
    # Wait for the audit page before asking it anything: straight after the click the old
    # page would answer.
    expect(page.locator("h1")).to_have_text(re.compile(r"^(Re-a|A)udit of "))
    second = page.get_by_text("You are the second auditor").count() > 0
    assert_accessible(page, js=js)
    page.get_by_role("link", name="Section A").click()
    checked = checked_saving = False
    heading = page.locator("h1")
    expect(heading).to_contain_text("Section A")
    while True:
        if not checked:
            assert_accessible(page, js=js)
            checked = True
        for radio in page.locator("input[type=radio][value=yes]").all():
            radio.check()
        if js and not checked_saving:  # with JavaScript, answers save as they are chosen
            expect(page.locator("#audit-save-status")).to_contain_text("Saved at")
            checked_saving = True
        section = heading.inner_text()
        if not second and "Section F" in section:
            expect(page.locator("main")).to_contain_text("What good looks like")
            page.locator("#F3-no").check()
        more = page.get_by_role("button", name="Save and continue")
        if more.count():
            more.click()
            expect(heading).not_to_have_text(section)  # the next section has opened
            continue
        page.get_by_role("button", name="Save and check your answers").click()
        break
    expect(page.locator(".govuk-task-list")).not_to_contain_text("Not started")
    page.get_by_label("Strengths of the plan").fill("Clear voice of the child.")
    page.get_by_label("What would make it better").fill(improvement)
    page.get_by_role("button", name="Submit the audit").click()
    grade = page.locator(".govuk-panel__title").inner_text()
    assert_accessible(page, js=js)
    if not second:
        assert grade == "Requires improvement"
        expect(page.locator("main")).to_contain_text("a limiting criterion")
    return grade


def test_journey_quality_round_audit_moderation_and_feedback(browsing, js):
    """From opening a round to the case officer reading what to change."""
    round_name = f"Round {uuid.uuid4().hex[:8]}"
    improvement = f"Quantify the help in Section F ({round_name})."
    today = datetime.now(UTC).date()

    lead = browsing.page(js=js, user=LEAD)
    lead.goto("/home")
    expect(lead.locator("h1")).to_have_text("My audits")
    lead.get_by_role("link", name="Audit rounds").click()
    expect(lead.locator("h1")).to_have_text("Audit rounds")
    assert_accessible(lead, js=js)
    lead.get_by_role("link", name="Open a round").click()
    expect(lead.get_by_label("Name of the round")).to_be_visible()
    assert_accessible(lead, js=js)
    lead.get_by_label("Name of the round").fill(round_name)
    fill_date(lead, "Plans issued or amended from", today - timedelta(days=5 * 365))
    # Up to 9 days ago: the demo's issued plans only, not those other journeys issue on the
    # shared server (today, or 8 days back), so the sample is always the same one plan.
    fill_date(lead, "Up to and including", today - timedelta(days=9))
    lead.get_by_label("Percentage of plans to audit").fill("25")
    lead.get_by_label("Percentage of audited plans a second auditor checks").fill("100")
    for name in AUDITORS:
        lead.get_by_label(re.compile(name)).check()
    lead.get_by_role("button", name="Open the round").click()
    expect(lead.locator("h1")).to_have_text(round_name)
    lead.get_by_role("button", name="Draw the sample").click()
    expect(lead.locator("main")).to_contain_text("1 plan.")
    assert_accessible(lead, js=js)
    officer_name = lead.locator("tbody tr td").nth(2).inner_text().strip()
    assert officer_name in OFFICERS

    grades = [
        _audit_the_plan(browsing.page(js=js, user=email), round_name, improvement, js=js)
        for email in AUDITORS.values()
    ]
    assert sorted(grades) == ["Outstanding", "Requires improvement"]

    lead.reload()
    expect(lead.locator("main")).to_contain_text("Grades differ")
    expect(lead.locator("main")).to_contain_text("0% agreement")
    lead.get_by_role("link", name=re.compile("^Moderate")).click()
    expect(lead.get_by_label("Why this grade was agreed")).to_be_visible()
    assert_accessible(lead, js=js)
    lead.get_by_label("Requires improvement").check()
    lead.get_by_label("Why this grade was agreed").fill("F3 is not met: no hours are given.")
    lead.get_by_role("button", name="Record the agreed grade").click()
    expect(lead.locator("main")).to_contain_text("Agreed: Requires improvement")

    officer = browsing.page(js=js, user=OFFICERS[officer_name])
    officer.goto("/home")
    officer.get_by_role("link", name="Feedback on my plans").click()
    expect(officer.locator("main")).to_contain_text(improvement)
    assert_accessible(officer, js=js)
