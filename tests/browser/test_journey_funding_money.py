"""The money side of banded funding in a real browser, JavaScript on and off, every page checked
with axe: the funding officer reads the dashboard, makes a mistake typing the budget (and loses
nothing), sets it, and sees the dashboard change; the school's coordinator reads their pupils'
top-up.

Each run sets the demo's budget to its own amount, so runs on the shared server check what they
set themselves.
"""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_accessible

pytestmark = pytest.mark.browser

FUNDING = "funding@example.org"
SENCO = "senco@example.org"


def test_journey_funding_officer_sets_the_budget_and_sees_the_dashboard_change(browsing, js):
    budget = random.randrange(100_000, 900_000)
    officer = browsing.page(js=js, user=FUNDING)
    officer.goto("/home")
    officer.locator("header").get_by_role("link", name="Funding dashboard").click()
    expect(officer.locator("h1")).to_contain_text("Funding dashboard, April ")
    expect(officer.locator(".govuk-warning-text")).to_contain_text("Illustrative")
    expect(officer.locator("svg.portal-chart[role=img]").first).to_be_visible()
    assert_accessible(officer, js=js)
    committed = officer.locator("#budget-summary dt", has_text="Committed").locator("..")
    committed_text = committed.locator("dd").first.inner_text()
    amount = re.match(r"£([\d,]+(\.\d\d)?)", committed_text)
    assert amount, committed_text

    officer.get_by_role("link", name="Change the budget").click()
    expect(officer.locator("h1")).to_contain_text("Set the tariff and budget for April ")
    assert_accessible(officer, js=js)
    budget_box = officer.get_by_label("High-needs top-up budget for the year (optional)")
    budget_box.fill("twelve")
    band_3 = officer.locator("#top_up_mainstream_3")
    typed_band_3 = band_3.input_value()
    officer.get_by_role("button", name="Save the tariff and budget").click()
    expect(officer.locator(".govuk-error-summary")).to_contain_text(
        "The budget must be an amount of money, like 6500 or 6,500.50"
    )
    assert officer.title().startswith("Error: ")
    expect(budget_box).to_have_value("twelve")
    expect(band_3).to_have_value(typed_band_3)
    assert_accessible(officer, js=js)

    budget_box.fill(f"{budget:,}")
    officer.get_by_role("button", name="Save the tariff and budget").click()
    expect(officer.locator("#budget")).to_contain_text(f"£{budget:,}")
    assert_accessible(officer, js=js)

    officer.goto("/funding/dashboard")
    summary = officer.locator("#budget-summary")
    expect(summary).to_contain_text(f"Budget £{budget:,}")
    committed_pence = int(amount.group(1).replace(",", "").replace(".", "")) * (
        1 if amount.group(2) else 100
    )
    left = budget * 100 - committed_pence
    whole, part = divmod(left, 100)
    expect(summary).to_contain_text(
        f"Left in the budget £{whole:,}" + (f".{part:02d}" if part else "")
    )


def test_journey_school_reads_its_pupils_top_up(browsing, js):
    senco = browsing.page(js=js, user=SENCO)
    senco.goto("/home")
    senco.locator("header").get_by_role("link", name="Top-up funding").click()
    expect(senco.locator("h1")).to_have_text("Top-up funding for Oakfield Primary School")
    expect(senco.locator("#pupils")).to_contain_text("the school meets")
    assert_accessible(senco, js=js)
