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
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import ROLE_EMAILS, assert_accessible

pytestmark = pytest.mark.browser

WHATS_NEW = re.compile(r"^What's new")


def _fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _success(page: Page):
    return page.locator(".govuk-notification-banner--success")


def _link_in(message: EmailMessage, base_url: str) -> str:
    """The one link into the portal an email asks the reader to follow (not the preferences)."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = [
        link
        for link in re.findall(rf"{re.escape(base_url)}/\S+", text)
        if "/notifications/preferences" not in link and not link.endswith("/preferences")
    ]
    assert links, f"no link in the email:\n{text}"
    return links[0]


def _says_nothing_private(message: EmailMessage, *private: str) -> None:
    everything = message["Subject"] + "".join(
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    )
    for word in private:
        assert word not in everything, f"the email {message['Subject']!r} contains {word!r}"


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
    officer.goto("/home")
    officer.locator("header").get_by_role("link", name="Open a new case").click()
    officer.get_by_label("First name").fill(first_name)
    officer.get_by_label("Last name").fill(last_name)
    _fill_date(officer, "Date of birth", date(today.year - 7, today.month, 1))
    officer.get_by_label("School or setting", exact=True).select_option(label="Riverside Academy")
    _fill_date(officer, "When did the council receive the request?", today - timedelta(days=40))
    officer.get_by_label("A parent or carer").check()
    officer.get_by_role("button", name="Open the case").click()
    expect(officer.locator("h1")).to_have_text(child)
    found = re.search(r"EHC-\d{4}-\d{4,}", _success(officer).inner_text())
    assert found, "the new case's number is not given"
    reference = found.group()
    case_url = officer.url

    officer.get_by_role("link", name="Add, change or remove people on this case").click()
    officer.get_by_role("link", name="Add someone").click()
    officer.get_by_label("Email address").fill(parent_email)
    officer.get_by_role("button", name="Continue").click()
    assert_accessible(officer, js=js)
    officer.get_by_label("Full name").fill(parent_name)
    officer.get_by_label("Parent or carer", exact=True).check()
    officer.get_by_role("button", name="Send invitation").click()
    expect(_success(officer)).to_contain_text(parent_name)

    # --- The invitation arrives by email; its link lets the parent choose a password.
    invitation = mail.wait_for(parent_email, lambda m: "invit" in m["Subject"].lower())
    _says_nothing_private(invitation, first_name, last_name)
    parent = browsing.page(js=js)
    parent.goto(_link_in(invitation, base_url))
    expect(parent.locator("h1")).to_have_text("Choose your password")
    assert_accessible(parent, js=js)
    password = f"a long family password {tag}"
    parent.get_by_label("Choose a password").fill(password)
    parent.get_by_label("Type the password again").fill(password)
    parent.get_by_role("button", name="Save password and sign in").click()
    expect(parent.locator("main")).to_contain_text(child)

    # --- The council decides to assess, finishes the assessment and sends the draft plan.
    officer.goto(case_url)
    officer.get_by_role("link", name="Record the decision on assessment").first.click()
    officer.get_by_label("Yes, carry out a needs assessment").check()
    _fill_date(officer, "Date of the letter to the family", today - timedelta(days=35))
    officer.get_by_role("button", name="Record the decision").click()
    expect(_success(officer)).to_be_visible()
    officer.get_by_role("link", name="Finish the assessment").first.click()
    _fill_date(officer, "When did the assessment finish?", today - timedelta(days=5))
    officer.get_by_role("button", name="Finish the assessment").click()
    expect(_success(officer)).to_be_visible()
    officer.get_by_role("link", name="Send the draft plan").first.click()
    _fill_date(officer, "When was the draft plan sent to the family?", today)
    officer.get_by_role("button", name="Record the draft as sent").click()
    expect(_success(officer)).to_contain_text("The draft plan is recorded as sent.")

    # --- The worker emails the parent: what changed, the last day, the case number, a link.
    portal_server.send_notice_emails()
    draft = mail.wait_for(parent_email, lambda m: "draft plan" in m["Subject"])
    assert reference in draft["Subject"]
    last_day = today + timedelta(days=14)
    assert (
        f"{last_day:%A} {last_day.day} {last_day:%B} {last_day.year}"
        in draft.get_body(preferencelist=("plain",)).get_content()
    )
    _says_nothing_private(draft, first_name, last_name, parent_name)

    parent.goto(_link_in(draft, base_url))
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
    _says_nothing_private(told, first_name, last_name, question)
    officer.goto(_link_in(told, base_url))
    expect(officer.locator("h1")).to_have_text("Messages on this case")
    officer.get_by_role("link", name=re.compile(re.escape(parent_name))).click()
    expect(officer.locator(".portal-messages")).to_contain_text(question)
    officer.get_by_label("Your message").fill(answer)
    officer.get_by_role("button", name="Send message").click()
    expect(officer.locator(".portal-messages")).to_contain_text(answer)

    # --- The reply reaches the parent the same way.
    portal_server.send_notice_emails()
    reply = mail.wait_for(parent_email, lambda m: "message" in m["Subject"].lower())
    _says_nothing_private(reply, first_name, last_name, answer)
    parent.goto(_link_in(reply, base_url))
    expect(parent.locator("h1")).to_have_text("Messages with the council")
    expect(parent.locator(".portal-messages__item").last).to_contain_text(answer)
    assert_accessible(parent, js=js)
