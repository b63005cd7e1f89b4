"""Issue 14's banding journey, JavaScript on and off, axe on every page: a new SENCO proposes
bands for a new pupil from the descriptors, with the plan's evidence; the funding officer agrees
one as proposed and changes the other with a reason; the school sees the agreed bands; the
parent reads what the band means for the help, and never the money.

A new child, a newly invited parent and a newly invited SENCO each run, so the demo cases other
tests read never change.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import (
    accept_invitation,
    assess,
    invite_to_case,
    open_new_case,
    open_plan_section,
    send_draft,
    success,
)
from tests.browser.support import ROLE_EMAILS, assert_accessible

pytestmark = pytest.mark.browser

SCHOOL = "Riverside Academy"
FUNDING_OFFICER = "funding@example.org"


def _invite_senco(officer: Page, email: str, name: str) -> None:
    """Invite a new SENCO who works at the child's school."""
    officer.get_by_role("link", name="Add, change or remove people on this case").click()
    officer.get_by_role("link", name="Add someone").click()
    officer.get_by_label("Email address").fill(email)
    officer.get_by_role("button", name="Continue").click()
    officer.get_by_label("Full name").fill(name)
    officer.get_by_label("School or setting", exact=True).check()
    officer.get_by_label("Where do they work?").select_option(label=SCHOOL)
    officer.get_by_role("button", name="Send invitation").click()
    expect(success(officer)).to_contain_text(name)


def _write_plan(officer: Page, case_url: str, first_name: str) -> None:
    """A need in Section B, an outcome in E and help in F meeting it."""
    for letter, fill in (("B", _need), ("E", _outcome), ("F", _help)):
        open_plan_section(officer, case_url, letter)
        fill(officer, first_name)


def _need(officer: Page, first_name: str) -> None:
    officer.get_by_role("link", name="Add a need or strength").click()
    officer.get_by_label("Describe the need").fill(f"{first_name} finds spoken steps hard.")
    officer.get_by_label("Communication and interaction").check()
    officer.get_by_role("button", name="Save", exact=True).click()
    expect(officer.locator("main")).to_contain_text("finds spoken steps hard")


def _outcome(officer: Page, first_name: str) -> None:
    officer.get_by_role("link", name="Add an outcome").click()
    officer.get_by_label("The outcome").fill(f"{first_name} will follow two-step instructions.")
    officer.get_by_label("By when").fill("By July 2028")
    officer.get_by_label(f"{first_name} finds spoken steps hard.").check()
    officer.get_by_role("button", name="Save", exact=True).click()
    expect(officer.locator("main")).to_contain_text("two-step instructions")


def _help(officer: Page, first_name: str) -> None:
    officer.get_by_role("link", name="Add an item of help").click()
    officer.get_by_label("What help is given").fill("Daily small-group language work")
    officer.get_by_label("Who gives it").fill("Teaching assistant")
    officer.get_by_label("How often").fill("20 minutes every day")
    officer.get_by_label("For how long, or until when").fill("Until the annual review")
    officer.get_by_label(f"{first_name} will follow two-step instructions.").check()
    officer.get_by_role("button", name="Save", exact=True).click()
    expect(officer.locator("main")).to_contain_text("Daily small-group language work")


def _propose(
    school: Page, area: str, band: int, statement: str, *, from_plan: bool, js: bool
) -> None:
    """Choose the band and one of its statements, link the plan's need and help (or, with no
    plan items for the area, describe the evidence), and say the setting."""
    school.get_by_role("link", name=f"Propose a band for {area.lower()}").click()
    expect(school.locator("h1")).to_have_text(f"Propose a band for {area.lower()}")
    assert_accessible(school, js=js)
    school.get_by_label(f"Band {band}", exact=True).check()
    school.get_by_text(f"Band {band} statements").click()  # opens the band's details
    school.get_by_label(statement, exact=True).check()
    if from_plan:
        school.get_by_label(re.compile("^Section B: ")).check()
        school.get_by_label(re.compile("^Section F: Daily small-group language work")).check()
        school.get_by_label("This is the child's main area of need").check()
    else:
        school.get_by_label("Other evidence (optional)").fill("Reading test, March: age 5.")
    school.get_by_label("Mainstream school").check()
    school.get_by_role("button", name="Propose band").click()
    expect(success(school)).to_contain_text(f"Band {band} proposed for {area.lower()}")
    assert_accessible(school, js=js)


def test_journey_a_school_proposes_bands_and_the_council_changes_one_with_a_reason(
    browsing, portal_server, js
):
    today = datetime.now(UTC).date()
    tag = uuid.uuid4().hex[:8]
    first_name, last_name = "Freya", f"Banding-{tag}"
    reason = f"The help in Section F is an adult for most of the day ({tag})."

    # --- The council opens a case, invites the parent and the school, and writes a draft plan.
    officer = browsing.page(js=js, user=ROLE_EMAILS["officer"])
    open_new_case(officer, first_name, last_name, today=today)
    case_url = officer.url
    parent_email, senco_email = f"freya.parent.{tag}@example.org", f"senco.{tag}@example.org"
    invite_to_case(officer, parent_email, f"Sam Banding-{tag}", "Parent or carer")
    officer.goto(case_url)
    _invite_senco(officer, senco_email, f"Robin Senco-{tag}")
    parent = browsing.page(js=js)
    accept_invitation(
        parent, portal_server.mail, parent_email, portal_server.base_url, f"family pass {tag}!"
    )
    school = browsing.page(js=js)
    accept_invitation(
        school, portal_server.mail, senco_email, portal_server.base_url, f"school pass {tag}!"
    )
    assess(officer, case_url, today=today)
    _write_plan(officer, case_url, first_name)
    send_draft(officer, case_url, today=today)

    # --- The SENCO proposes two bands, each with the descriptor's words and the plan's evidence.
    school.goto(case_url)
    school.get_by_role("link", name="Propose bands, and see the history").click()
    expect(school.locator("h1")).to_have_text(f"{first_name}’s funding bands")
    assert_accessible(school, js=js)
    _propose(
        school,
        "Communication and interaction",
        3,
        "An adult nearby for part of each day.",
        from_plan=True,
        js=js,
    )
    _propose(
        school,
        "Cognition and learning",
        2,
        "A small group for reading and maths most days.",
        from_plan=False,
        js=js,
    )
    waiting = school.locator("main")
    expect(waiting).to_contain_text("Communication and interaction: band 3 proposed")
    expect(waiting).to_contain_text(f"{first_name} finds spoken steps hard.")

    # --- The funding officer agrees one as proposed and changes the other, saying why.
    funder = browsing.page(js=js, user=FUNDING_OFFICER)
    funder.goto("/home")
    funder.locator("header").get_by_role("link", name="Bands to agree").click()
    expect(funder.locator("h1")).to_have_text("Bands to agree")
    assert_accessible(funder, js=js)
    rows = funder.locator("tbody tr", has_text=last_name)
    expect(rows).to_have_count(2)
    agree = re.compile("^Agree or change")
    rows.filter(has_text="Cognition and learning").get_by_role("link", name=agree).click()
    expect(funder.locator("h1")).to_have_text("Agree the band for cognition and learning")
    assert_accessible(funder, js=js)
    funder.get_by_label("Agree band 2 as proposed").check()
    funder.get_by_role("button", name="Record the decision").click()
    expect(success(funder)).to_contain_text("Band 2 agreed for cognition and learning")

    funder.locator("tbody tr", has_text=last_name).get_by_role("link", name=agree).click()
    expect(funder.locator("h1")).to_have_text("Agree the band for communication and interaction")
    funder.get_by_label("Agree a different band").check()
    funder.get_by_role("group", name="A different band").get_by_label("Band 4").check()
    funder.get_by_role("button", name="Record the decision").click()
    expect(funder.locator(".govuk-error-summary")).to_contain_text(
        "Say why the band is 4 and not the proposed band 3"
    )
    assert_accessible(funder, js=js)
    funder.get_by_label("Why this band and not the one proposed").fill(reason)
    funder.get_by_role("button", name="Record the decision").click()
    expect(success(funder)).to_contain_text("Band 4 agreed for communication and interaction")
    expect(funder.locator("main")).not_to_contain_text(last_name)

    # --- The school sees the agreed bands, the change and why.
    school.goto(case_url)
    bands = school.locator("section[aria-labelledby=bands-section-title]")
    expect(bands).to_contain_text("Band 4")
    expect(bands).to_contain_text("Top-up:")
    school.get_by_role("link", name="Propose bands, and see the history").click()
    expect(school.locator("main")).to_contain_text(
        "Communication and interaction: band 4 (main area of need)"
    )
    expect(school.locator("main")).to_contain_text(f"Changed because: {reason}")
    assert_accessible(school, js=js)

    # --- The parent reads what band 4 means for the help, and sees no money.
    parent.goto(case_url)
    parent.get_by_role("link", name="See the bands and what they mean for the help").click()
    main = parent.locator("main")
    expect(main).to_contain_text("Communication and interaction: band 4")
    expect(main).to_contain_text("The kind of help it brings")
    expect(main).to_contain_text("An adult with the child for most of the day.")
    expect(main).not_to_contain_text("£")
    expect(main).not_to_contain_text(reason)
    assert_accessible(parent, js=js)
