"""Issue 10, in a real browser with JavaScript on and off: a parent opens their child's case and
follows the link to "Who has looked at this case", where their own look is listed first. Each
page is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import ROLE_EMAILS, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_a_parent_sees_who_has_looked_at_their_childs_case(browsing, js):
    """The case page links to the list; the parent's own view of the case is its newest row."""
    page = browsing.page(js=js)
    sign_in(page, ROLE_EMAILS["parent"], js=js)
    card = page.locator(".govuk-summary-card").first
    child = card.locator(".govuk-summary-card__title").inner_text().strip()
    card.get_by_role("link", name=f"See the case of {child}").click()
    expect(page.locator("h1")).to_have_text(child)
    page.get_by_role(
        "link", name="See everyone who has opened this case or downloaded its papers"
    ).click()
    expect(page.locator("h1")).to_have_text("Who has looked at this case")
    newest = page.locator("tbody tr").first
    expect(newest).to_contain_text("You")
    expect(newest).to_contain_text("Looked at the case")
    assert_accessible(page, js=js)
