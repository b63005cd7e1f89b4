"""Issue 12 in a real browser, JavaScript on and off: the case officer writes an item of help in
the plan; the vague-word check fires (as they type with JavaScript, with the Check button
without) and clears once the help is specific; saved, it reads on the plan page. Every page and
every htmx swap is checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.support import ROLE_EMAILS, after_htmx_swap, assert_accessible

pytestmark = pytest.mark.browser


def _open_avas_plan_editor(page: Page, *, js: bool) -> None:
    page.goto("/home")
    page.locator("#caseload-results").get_by_role("link", name="Ava Johnson").click()
    expect(page.locator("h1")).to_have_text("Ava Johnson")
    page.get_by_role("link", name="Write or change the plan").click()
    expect(page.locator("h1")).to_have_text("Write the plan")
    assert_accessible(page, js=js)


def _checks(page: Page):
    return page.locator("#item-checks")


def test_the_vague_word_check_fires_then_clears_and_the_help_is_saved(browsing, js):
    """ "Regular" is flagged; specific help with who, how often and how long is not."""
    page = browsing.page(js=js, user=ROLE_EMAILS["officer"])
    _open_avas_plan_editor(page, js=js)
    page.get_by_role("link", name=re.compile(r"^Change\s+Section F$")).click()
    expect(page.locator("h1")).to_contain_text("Section F")
    assert_accessible(page, js=js)
    page.get_by_role("link", name="Add an item of help").click()
    expect(page.get_by_label("What help is given")).to_be_visible()
    assert_accessible(page, js=js)

    what = page.get_by_label("What help is given")
    if js:
        after_htmx_swap(page, lambda: what.fill("Regular reading support"))
    else:
        what.fill("Regular reading support")
        # Without JavaScript "Check" posts the form: axe must wait for the page that answers.
        with page.expect_navigation():
            page.get_by_role("button", name="Check").click()
        assert_accessible(page, js=js)
        expect(page.get_by_label("What help is given")).to_have_value("Regular reading support")
    expect(_checks(page)).to_contain_text("“regular”")

    page.get_by_label("What help is given").fill(
        "Precision teaching of reading with a teaching assistant"
    )
    page.get_by_label("Who gives it").fill("Teaching assistant")
    page.get_by_label("How often").fill("15 minutes every school day")
    if js:
        after_htmx_swap(
            page, lambda: page.get_by_label("For how long, or until when").fill("Until review")
        )
    else:
        page.get_by_label("For how long, or until when").fill("Until review")
        with page.expect_navigation():
            page.get_by_role("button", name="Check").click()
        assert_accessible(page, js=js)
    expect(_checks(page)).not_to_contain_text("“regular”")
    expect(_checks(page)).not_to_contain_text("Say who gives it")

    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Section F")
    expect(page.locator("main")).to_contain_text("15 minutes every school day")
    assert_accessible(page, js=js)


def test_the_parent_downloads_the_draft_plan_as_a_pdf_with_every_section(browsing, js):
    """From the case page to the plan, then "Download this draft as a PDF": a real download
    whose text names every section of the plan and numbers its pages."""
    parent = browsing.page(js=js, user=ROLE_EMAILS["parent2"])
    parent.goto("/home")
    parent.locator("main").get_by_role("link", name=re.compile("^See the case")).first.click()
    parent.get_by_role("link", name=re.compile("plan", re.I)).first.click()
    expect(parent.locator("h1")).to_have_text("The EHC plan")
    assert_accessible(parent, js=js)
    with parent.expect_download() as waiting:
        parent.get_by_role("link", name=re.compile("^Download this draft as a PDF")).click()
    download = waiting.value
    assert re.fullmatch(r"EHC-\d{4}-\d{4,}-draft-\d+\.pdf", download.suggested_filename)
    reader = PdfReader(download.path())
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for letter in ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"):
        assert f"Section {letter}:" in text, f"Section {letter} is not in the PDF"
    assert f"Page 1 of {len(reader.pages)}" in text
