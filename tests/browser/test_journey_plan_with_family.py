"""Issue 12's journey, JavaScript on and off, axe on the way: the case officer writes a plan
section by section and sends the draft; the parent comments on Section F and names a school;
the officer answers, and the parent reads "you said, we did"; the officer changes the plan as
promised, names the school in Section I and issues the final plan; the parent reads it and
downloads it as a PDF whose text holds every section, the change and the school; the young
person reads "My plan".

A new child and a newly invited parent each run, so the demo cases other tests read never
change.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.journeys import (
    accept_invitation,
    assess,
    fill_date,
    invite_to_case,
    open_new_case,
    open_plan_section,
    send_draft,
    success,
)
from tests.browser.support import ROLE_EMAILS, assert_accessible

pytestmark = pytest.mark.browser

SCHOOL = "Riverside Academy"


def test_journey_the_family_comments_on_the_draft_and_reads_the_final_plan(
    browsing, portal_server, js
):
    today = datetime.now(UTC).date()
    tag = uuid.uuid4().hex[:8]
    first_name, last_name = "Theo", f"Marsh-{uuid.uuid4().hex[:8]}"
    parent_email = f"theo.parent.{tag}@example.org"
    parent_name = f"Jo Baines-{tag}"
    comment = f"Please make the speech therapy weekly, not every two weeks ({tag})."

    officer = browsing.page(js=js, user=ROLE_EMAILS["officer"])
    open_new_case(officer, first_name, last_name, today=today)
    case_url = officer.url
    invite_to_case(officer, parent_email, parent_name, "Parent or carer")
    parent = browsing.page(js=js)
    accept_invitation(
        parent, portal_server.mail, parent_email, portal_server.base_url, f"family pass {tag}!"
    )
    young_email = f"theo.{tag}@example.org"
    officer.goto(case_url)
    invite_to_case(officer, young_email, f"{first_name} {last_name}", "The young person")
    young = browsing.page(js=js)
    accept_invitation(
        young, portal_server.mail, young_email, portal_server.base_url, f"theo pass {tag}!"
    )
    assess(officer, case_url, today=today)

    # --- The officer writes the plan: A, a need in B, an outcome in E, help in F.
    officer.goto(case_url)
    officer.get_by_role("link", name="Write or change the plan").click()
    expect(officer.locator("h1")).to_have_text("Write the plan")
    assert_accessible(officer, js=js)
    open_plan_section(officer, case_url, "A")
    officer.locator("textarea[name=text]").fill(f"{first_name} loves trains and drawing.")
    officer.get_by_label(re.compile("^“My plan”")).fill(
        "I want to talk so people understand me. I see a speech therapist at school."
    )
    officer.get_by_role("button", name="Save Section A").click()
    expect(success(officer)).to_be_visible()

    open_plan_section(officer, case_url, "B")
    officer.get_by_role("link", name="Add a need or strength").click()
    officer.get_by_label("Describe the need").fill("Theo finds it hard to be understood.")
    officer.get_by_label("Communication and interaction").check()
    officer.get_by_role("button", name="Save", exact=True).click()
    expect(officer.locator("main")).to_contain_text("Theo finds it hard to be understood.")

    open_plan_section(officer, case_url, "E")
    officer.get_by_role("link", name="Add an outcome").click()
    officer.get_by_label("The outcome").fill("Theo will ask for help in class in short sentences.")
    officer.get_by_label("By when").fill("By July 2028")
    officer.get_by_label("Theo finds it hard to be understood.").check()
    officer.get_by_role("button", name="Save", exact=True).click()
    expect(officer.locator("main")).to_contain_text("Theo will ask for help")

    open_plan_section(officer, case_url, "F")
    officer.get_by_role("link", name="Add an item of help").click()
    officer.get_by_label("What help is given").fill("Speech and language therapy in school")
    officer.get_by_label("Who gives it").fill("Speech and language therapist")
    officer.get_by_label("How often").fill("30 minutes every two weeks")
    officer.get_by_label("For how long, or until when").fill("Until the annual review")
    officer.get_by_label("Theo will ask for help in class in short sentences.").check()
    officer.get_by_role("button", name="Save", exact=True).click()
    expect(officer.locator("main")).to_contain_text("Speech and language therapy in school")
    assert_accessible(officer, js=js)

    send_draft(officer, case_url, today=today)

    # --- The parent reads the draft and comments on Section F, naming a school.
    parent.goto(case_url)
    parent.get_by_role("link", name="Read the plan, section by section").click()
    expect(parent.locator("h1")).to_have_text("The EHC plan")
    expect(parent.locator("main")).to_contain_text("30 minutes every two weeks")
    assert_accessible(parent, js=js)
    parent.get_by_role(
        "link", name="Comment on this draft, ask for a meeting or name a school"
    ).click()
    expect(parent.get_by_label(re.compile(r"^Section F:"))).to_be_visible()
    assert_accessible(parent, js=js)
    parent.get_by_label(re.compile(r"^Section F:")).fill(comment)
    parent.get_by_label(re.compile("^The school or college you would like")).fill(SCHOOL)
    parent.get_by_role("button", name="Save my comments").click()
    expect(success(parent)).to_contain_text("Your comments are saved")
    parent.get_by_role("link", name="Check and send to the council").click()
    expect(parent.get_by_role("button", name="Send my comments")).to_be_visible()
    assert_accessible(parent, js=js)
    parent.get_by_role("button", name="Send my comments").click()
    expect(success(parent)).to_contain_text("Your comments are sent to the council")

    # --- The officer answers the comment: changed.
    officer.goto(case_url)
    officer.get_by_role("link", name="Read the plan, section by section").click()
    officer.get_by_role("link", name="Read the family’s comments").click()
    expect(officer.locator("main")).to_contain_text(comment)
    assert_accessible(officer, js=js)
    officer.get_by_role("link", name=re.compile("^Answer")).first.click()
    officer.get_by_label("We changed the plan").check()
    officer.get_by_label("What changed, or why the plan was not changed").fill(
        "Speech and language therapy is now 30 minutes every week."
    )
    officer.get_by_role("button", name=re.compile("^Save")).click()
    expect(success(officer)).to_contain_text("Your answer is saved")

    # --- The parent reads the answer beside what they said.
    parent.reload()
    answered = parent.locator("main")
    expect(answered).to_contain_text("You said, we did")
    expect(answered).to_contain_text(comment)
    expect(answered).to_contain_text("Speech and language therapy is now 30 minutes every week.")
    assert_accessible(parent, js=js)

    # --- The plan changes as promised, names the school, and is issued.
    open_plan_section(officer, case_url, "F")
    officer.get_by_role("link", name=re.compile(r"^Change\s+item 1$")).click()
    officer.get_by_label("How often").fill("30 minutes every week")
    officer.get_by_role("button", name="Save", exact=True).click()
    open_plan_section(officer, case_url, "I")
    officer.get_by_label("Name of the school or setting").fill(SCHOOL)
    officer.get_by_label("Mainstream school", exact=True).check()
    officer.get_by_role("button", name="Save Section I").click()
    expect(success(officer)).to_be_visible()
    officer.goto(case_url)
    officer.get_by_role("link", name="Issue the final plan").first.click()
    fill_date(officer, "When was the final plan issued?", today)
    officer.get_by_role("button", name="Record the final plan as issued").click()
    expect(success(officer)).to_contain_text("The final plan is recorded as issued.")

    # --- The parent reads "you said, we did", then keeps the final plan as a PDF.
    parent.goto(case_url)
    parent.get_by_role("link", name="Read the plan, section by section").click()
    expect(parent.locator("main")).to_contain_text("30 minutes every week")
    expect(parent.locator("main")).to_contain_text(SCHOOL)
    assert_accessible(parent, js=js)
    with parent.expect_download() as waiting:
        parent.get_by_role("link", name=re.compile("^Download this plan as a PDF")).click()
    reader = PdfReader(waiting.value.path())
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for letter in ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"):
        assert f"Section {letter}:" in text, f"Section {letter} is not in the PDF"
    assert SCHOOL in text and "30 minutes every week" in text

    # --- The young person reads "My plan", in their own simple words.
    young.goto(case_url)
    young.get_by_role("link", name="Read the plan, section by section").click()
    expect(young.locator("h1")).to_have_text("My plan")
    expect(young.locator("#my-plan-title")).to_have_text("My plan in a few words")
    expect(young.locator("main")).to_contain_text("I want to talk so people understand me.")
    assert_accessible(young, js=js)
