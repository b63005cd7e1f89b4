"""Issue 15's journey, following real emails, JavaScript on and off: a case officer opens a case
and invites a parent, who accepts from the invitation email; the officer sends the draft plan;
the notifications worker emails the parent, who follows the link from the email to the case,
finds the draft in What's new and writes to the council; the officer, emailed in turn, replies;
the parent sees the reply. Every page is checked with axe-core; no email names the child.

The portal's emails go by SMTP to a real server on 127.0.0.1 (`portal_server.mail`); the worker
runs once where `make run` would keep it running. Each run opens a case for a new child and
invites a new parent, so it never changes what other tests read.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import (
    accept_invitation,
    assess,
    invite_to_case,
    link_in,
    open_new_case,
    says_nothing_private,
    send_draft,
)
from tests.browser.support import ROLE_EMAILS, assert_accessible

pytestmark = pytest.mark.browser

WHATS_NEW = re.compile(r"^What's new")


def test_journey_the_parent_follows_the_draft_plan_email_and_writes_to_the_council(
    browsing, portal_server, js
):
    today = datetime.now(UTC).date()  # the server counts days in UTC
    tag = uuid.uuid4().hex[:8]
    first_name, last_name = "Rosa", f"Quinn-{uuid.uuid4().hex[:8]}"
    child = f"{first_name} {last_name}"
    parent_email = f"rosa.parent.{tag}@example.org"
    parent_name = f"Dana Ellery-{tag}"
    question = f"When can we talk about the draft? ({tag})"
    answer = f"On Thursday at 10am. ({tag})"
    mail = portal_server.mail
    base_url = portal_server.base_url

    # --- The officer opens the case and invites the parent, who has no account yet.
    officer = browsing.page(js=js, user=ROLE_EMAILS["officer"])
    reference = open_new_case(officer, first_name, last_name, today=today)
    case_url = officer.url
    invite_to_case(officer, parent_email, parent_name, "Parent or carer")

    # --- The invitation arrives by email; its link lets the parent choose a password.
    parent = browsing.page(js=js)
    invitation = accept_invitation(
        parent, mail, parent_email, base_url, f"a long family password {tag}"
    )
    says_nothing_private(invitation, first_name, last_name)
    expect(parent.locator("main")).to_contain_text(child)
    assert_accessible(parent, js=js)

    # --- The council decides to assess, finishes the assessment and sends the draft plan.
    assess(officer, case_url, today=today)
    send_draft(officer, case_url, today=today)

    # --- The worker emails the parent: what changed, the last day, the case number, a link.
    portal_server.send_notice_emails()
    draft = mail.wait_for(parent_email, lambda m: "draft plan" in m["Subject"])
    assert reference in draft["Subject"]
    last_day = today + timedelta(days=14)
    assert (
        f"{last_day:%A} {last_day.day} {last_day:%B} {last_day.year}"
        in draft.get_body(preferencelist=("plain",)).get_content()
    )
    says_nothing_private(draft, first_name, last_name, parent_name)

    parent.goto(link_in(draft, base_url))
    expect(parent.locator("h1")).to_have_text(child)
    assert_accessible(parent, js=js)
    unread = parent.locator("header").get_by_role("link", name=WHATS_NEW)
    expect(unread).to_contain_text(re.compile(r"\d"))
    unread.click()
    expect(parent.locator("h1")).to_have_text("What's new")
    notice = parent.locator(".portal-notices__item").filter(has_text="The draft plan is ready")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(reference)
    assert_accessible(parent, js=js)

    # --- The parent writes to the council from the case page.
    notice.get_by_role("link").first.click()
    expect(parent.locator("h1")).to_have_text(child)
    parent.get_by_role("link", name="Send a message to the council").click()
    parent.get_by_label("Your message").fill(question)
    parent.get_by_role("button", name="Send message").click()
    expect(parent.locator(".portal-messages")).to_contain_text(question)

    # --- The officer is emailed (without the message's words), follows the link and replies.
    portal_server.send_notice_emails()
    officer_email = ROLE_EMAILS["officer"]
    told = mail.wait_for(
        officer_email, lambda m: "message" in m["Subject"].lower() and reference in m["Subject"]
    )
    says_nothing_private(told, first_name, last_name, question)
    officer.goto(link_in(told, base_url))
    expect(officer.locator("h1")).to_have_text("Messages on this case")
    officer.get_by_role("link", name=re.compile(re.escape(parent_name))).click()
    expect(officer.locator(".portal-messages")).to_contain_text(question)
    officer.get_by_label("Your message").fill(answer)
    officer.get_by_role("button", name="Send message").click()
    expect(officer.locator(".portal-messages")).to_contain_text(answer)

    # --- The reply reaches the parent the same way.
    portal_server.send_notice_emails()
    reply = mail.wait_for(parent_email, lambda m: "message" in m["Subject"].lower())
    says_nothing_private(reply, first_name, last_name, answer)
    parent.goto(link_in(reply, base_url))
    expect(parent.locator("h1")).to_have_text("Messages with the council")
    expect(parent.locator(".portal-messages__item").last).to_contain_text(answer)
    assert_accessible(parent, js=js)
