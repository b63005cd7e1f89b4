"""Steps several browser journeys share: typing a date into GOV.UK date boxes, opening a case
for a new child, inviting a new person to it and accepting from the invitation email, and the
links and privacy of the emails the portal sends."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email.message import EmailMessage

from playwright.sync_api import Page, expect

from tests.mailsink import SmtpSink


def fill_date(page: Page, legend: str, day: date) -> None:
    """Type a date into the GOV.UK day, month and year boxes under `legend`."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def success(page: Page):
    return page.locator(".govuk-notification-banner--success")


def open_new_case(officer: Page, first_name: str, last_name: str, *, today: date) -> str:
    """Open a case for a new child (asked for by a parent 40 days ago); returns its number."""
    officer.goto("/home")
    officer.locator("header").get_by_role("link", name="Open a new case").click()
    officer.get_by_label("First name").fill(first_name)
    officer.get_by_label("Last name").fill(last_name)
    fill_date(officer, "Date of birth", date(today.year - 7, today.month, 1))
    officer.get_by_label("School or setting", exact=True).select_option(label="Riverside Academy")
    fill_date(officer, "When did the council receive the request?", today - timedelta(days=40))
    officer.get_by_label("A parent or carer").check()
    officer.get_by_role("button", name="Open the case").click()
    expect(officer.locator("h1")).to_have_text(f"{first_name} {last_name}")
    found = re.search(r"EHC-\d{4}-\d{4,}", success(officer).inner_text())
    assert found, "the new case's number is not given"
    return found.group()


def invite_to_case(officer: Page, email: str, name: str, relationship: str) -> None:
    """From the case page, invite someone with no account yet ("Parent or carer", ...)."""
    officer.get_by_role("link", name="Add, change or remove people on this case").click()
    officer.get_by_role("link", name="Add someone").click()
    officer.get_by_label("Email address").fill(email)
    officer.get_by_role("button", name="Continue").click()
    officer.get_by_label("Full name").fill(name)
    officer.get_by_label(relationship, exact=True).check()
    officer.get_by_role("button", name="Send invitation").click()
    expect(success(officer)).to_contain_text(name)


def link_in(message: EmailMessage, base_url: str) -> str:
    """The one link into the portal an email asks its reader to follow (not the preferences)."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = [
        link
        for link in re.findall(rf"{re.escape(base_url)}/\S+", text)
        if not link.rstrip("/").endswith("preferences")
    ]
    assert links, f"no link in the email:\n{text}"
    return links[0]


def accept_invitation(
    page: Page, mail: SmtpSink, email: str, base_url: str, password: str
) -> EmailMessage:
    """Follow the invitation email's link and choose a password; returns the email."""
    invitation = mail.wait_for(email, lambda m: "invit" in m["Subject"].lower())
    page.goto(link_in(invitation, base_url))
    expect(page.locator("h1")).to_have_text("Choose your password")
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("button", name="Save password and sign in").click()
    page.wait_for_url(lambda url: "/accept-invitation" not in url)
    return invitation


def says_nothing_private(message: EmailMessage, *private: str) -> None:
    """No word of `private` in the email's subject or any text part."""
    everything = message["Subject"] + "".join(
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    )
    for word in private:
        assert word not in everything, f"the email {message['Subject']!r} contains {word!r}"


def assess(officer: Page, case_url: str, *, today: date) -> None:
    """The council decides to assess (letter 35 days ago) and finishes the assessment (5 days
    ago): the case waits for the plan."""
    officer.goto(case_url)
    officer.get_by_role("link", name="Record the decision on assessment").first.click()
    officer.get_by_label("Yes, carry out a needs assessment").check()
    fill_date(officer, "Date of the letter to the family", today - timedelta(days=35))
    officer.get_by_role("button", name="Record the decision").click()
    expect(success(officer)).to_be_visible()
    officer.get_by_role("link", name="Finish the assessment").first.click()
    fill_date(officer, "When did the assessment finish?", today - timedelta(days=5))
    officer.get_by_role("button", name="Finish the assessment").click()
    expect(success(officer)).to_be_visible()


def open_plan_section(officer: Page, case_url: str, letter: str) -> None:
    """From the case page, open Section `letter` of the plan for writing. A sent or issued
    version cannot change, so the officer first starts a working copy from it."""
    officer.goto(case_url)
    officer.get_by_role("link", name="Write or change the plan").click()
    # Wait for the editor itself: asked straight after the click, the old page would answer.
    expect(officer.locator("h1")).to_have_text("Write the plan")
    start = officer.get_by_role("button", name=re.compile("^Start (a new working copy|writing)"))
    if start.count():
        start.click()
    officer.get_by_role("link", name=re.compile(rf"^Change\s+Section {letter}$")).click()
    expect(officer.locator("h1")).to_contain_text(f"Section {letter}:")


def send_draft(officer: Page, case_url: str, *, today: date) -> None:
    """Record the draft plan as sent today (the plan's working copy becomes draft 1)."""
    officer.goto(case_url)
    officer.get_by_role("link", name="Send the draft plan").first.click()
    fill_date(officer, "When was the draft plan sent to the family?", today)
    officer.get_by_role("button", name="Record the draft as sent").click()
    expect(success(officer)).to_contain_text("The draft plan is recorded as sent.")
