"""Journey: keeping informed, in a real browser with JavaScript on and off. A parent writes to
the council from the case page; the case officer sees the unread count in the header, finds the
message through What's new and replies; the parent sees the count, finds the reply the same way,
and chooses how they are emailed. Every page is checked with axe-core; `browsing` fails the test
on any console error, CSP violation or failed request.

Each run writes messages of its own (unique words), so the two runs never confuse each other.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import ROLE_EMAILS, assert_accessible

pytestmark = pytest.mark.browser

WHATS_NEW = re.compile(r"^What's new")


def _unread(page: Page) -> int:
    link = page.locator("header").get_by_role("link", name=WHATS_NEW)
    digits = re.findall(r"\d+", link.inner_text())
    return int(digits[0]) if digits else 0


def _open_newest(page: Page, title: str, js: bool) -> None:
    """Open What's new from the header and follow its newest notice of this kind."""
    page.locator("header").get_by_role("link", name=WHATS_NEW).click()
    expect(page.locator("h1")).to_have_text("What's new")
    assert_accessible(page, js=js)
    page.locator(".portal-notices__item").filter(has_text=title).first.get_by_role("link").click()


def test_journey_a_parent_writes_to_the_council_and_reads_the_reply(browsing, js):
    """The message and the reply each reach the other side as a notice, found from the header."""
    question = f"Can we meet next week? ({uuid.uuid4().hex[:8]})"
    answer = f"Yes, on Tuesday. ({uuid.uuid4().hex[:8]})"

    parent = browsing.page(js=js, user=ROLE_EMAILS["parent"])
    parent.goto("/home")
    parent.locator(".govuk-summary-card").first.get_by_role(
        "link", name=re.compile("^See the case")
    ).click()
    parent.get_by_role("link", name="Send a message to the council").click()
    expect(parent.locator("h1")).to_have_text("Messages with the council")
    assert_accessible(parent, js=js)
    parent.get_by_role("button", name="Send message").click()  # nothing typed
    expect(parent.locator(".govuk-error-summary")).to_contain_text("Enter your message")
    assert_accessible(parent, js=js)
    parent.get_by_label("Your message").fill(question)
    parent.get_by_role("button", name="Send message").click()
    expect(parent.locator(".govuk-notification-banner")).to_contain_text(
        "Your message has been sent"
    )
    expect(parent.locator(".portal-messages")).to_contain_text(question)

    officer = browsing.page(js=js, user=ROLE_EMAILS["officer"])
    officer.goto("/home")
    assert _unread(officer) >= 1
    _open_newest(officer, "A new message", js)
    expect(officer.locator("h1")).to_have_text("Messages on this case")
    assert_accessible(officer, js=js)
    officer.get_by_role("link", name=re.compile("Sam Taylor")).click()
    expect(officer.locator(".portal-messages")).to_contain_text(question)
    assert_accessible(officer, js=js)
    officer.get_by_label("Your message").fill(answer)
    officer.get_by_role("button", name="Send message").click()
    expect(officer.locator(".portal-messages")).to_contain_text(answer)

    parent.goto("/home")
    before = _unread(parent)
    assert before >= 1
    _open_newest(parent, "A new message", js)
    expect(parent.locator("h1")).to_have_text("Messages with the council")
    expect(parent.locator(".portal-messages__item").last).to_contain_text(answer)

    # Marking everything read clears the count; the choices page says what cannot be turned off.
    parent.locator("header").get_by_role("link", name=WHATS_NEW).click()
    parent.get_by_role("button", name="Mark everything as read").click()
    expect(parent.locator("header").get_by_role("link", name=WHATS_NEW)).to_have_text("What's new")
    parent.get_by_role("link", name="Choose which emails you get").click()
    expect(parent.locator("h1")).to_have_text("Choose which emails you get")
    expect(parent.locator(".govuk-inset-text")).to_contain_text("the draft plan is sent")
    assert_accessible(parent, js=js)
    parent.get_by_role("group", name="Someone posts an update you can see").get_by_label(
        "Email me once a day with a summary"
    ).check()
    parent.get_by_role("button", name="Save my choices").click()
    expect(parent.locator(".govuk-notification-banner")).to_contain_text("saved")
