"""Journey 5, in a real browser with JavaScript on and off: a content editor (Parent Carer Forum
staff) edits the pathway text a parent reads on their child's case page, previews it (live as
they type with JavaScript, with the Preview button without), saves it, publishes it, and the
parent then reads the new words. Every page on the way, and every htmx swap, is checked with
axe-core; `browsing` fails the test on any console error, CSP violation or failed request.

Each run adds its own sentence (with a unique code), so the two runs never mistake each other's
words for their own.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import ROLE_EMAILS, after_htmx_swap, assert_accessible

pytestmark = pytest.mark.browser


def _open_the_case(page: Page, *, js: bool) -> None:
    """From the parent's home page to their child's case page."""
    page.goto("/home")
    page.locator("main").get_by_role("link", name=re.compile(r"^See the case of ")).click()
    expect(page.get_by_role("heading", name="Where we are")).to_be_visible()
    assert_accessible(page, js=js)


def _stage_text(page: Page):
    """The case page's section of published words about the case's stage."""
    return page.locator("section", has=page.locator("#stage-text-heading"))


def _success(page: Page):
    return page.locator(".govuk-notification-banner--success")


def test_journey_5_editor_publishes_pathway_words_the_parent_then_reads(browsing, js):
    """The editor finds the families' page for the stage the parent's case is at, adds a
    sentence, previews it, saves it (the parent does not see a saved draft), publishes it, and
    the parent finds the sentence on the case page."""
    sentence = f"Come to our drop-in on Friday and quote the code {uuid.uuid4().hex[:10]}."

    # What the parent reads now about the step their child's case is at.
    parent = browsing.page(js=js, user=ROLE_EMAILS["parent"])
    _open_the_case(parent, js=js)
    stage_title = parent.locator("#stage-text-heading").inner_text().strip()
    assert stage_title, "the case page shows no words about the case's stage"
    expect(_stage_text(parent)).not_to_contain_text(sentence)

    # The editor finds that page among the families' pathway pages.
    editor = browsing.page(js=js, user=ROLE_EMAILS["editor"])
    editor.goto("/home")
    expect(editor.locator("h1")).to_have_text("Content pages")
    assert_accessible(editor, js=js)
    page_link = editor.get_by_role("link", name=stage_title, exact=True)
    row = (
        editor.locator("tbody tr")
        .filter(has_text=re.compile(r"pathway-[a-z-]+-families"))
        .filter(has=page_link)
    )
    expect(row).to_have_count(1)
    row.get_by_role("link", name=stage_title, exact=True).click()
    expect(editor.locator("h1")).to_have_text(stage_title)
    expect(editor.locator("main")).to_contain_text("Shown on case pages at this step")
    assert_accessible(editor, js=js)

    editor.get_by_role("link", name="Edit this page").click()
    expect(editor.locator("h1")).to_have_text(f"Edit: {stage_title}")
    assert_accessible(editor, js=js)
    body = editor.get_by_label("Page text", exact=True)
    words = body.input_value().rstrip() + "\n\n" + sentence
    preview = editor.locator("#content-preview")
    if js:
        # The preview follows the typing, without a page load.
        after_htmx_swap(editor, lambda: body.fill(words))
    else:
        body.fill(words)
        editor.get_by_role("button", name="Preview").click()
        editor.wait_for_url(re.compile(r"/preview$"))
        expect(body).to_have_value(words)  # nothing typed is lost
        assert_accessible(editor, js=js)
    expect(preview).to_contain_text(sentence)
    expect(preview.get_by_role("heading", name="Plain language check")).to_be_visible()

    editor.get_by_role("button", name="Save").click()
    expect(_success(editor)).to_contain_text(re.compile(r"Saved as revision \d+"))
    saved = re.search(r"revision (\d+)", _success(editor).inner_text()).group(1)
    expect(editor.locator("main")).to_contain_text("Changed since publishing")
    assert_accessible(editor, js=js)

    # A saved draft is not public.
    parent.reload()
    expect(_stage_text(parent)).to_contain_text(stage_title)
    expect(_stage_text(parent)).not_to_contain_text(sentence)
    assert_accessible(parent, js=js)

    editor.get_by_role("button", name=f"Publish revision {saved}").click()
    expect(_success(editor)).to_contain_text(f"Revision {saved} is published")
    status = editor.locator(".govuk-summary-list__row", has_text="Status")
    expect(status).to_contain_text("Published")
    assert_accessible(editor, js=js)

    # The parent reads the new words where the case page explains this step.
    _open_the_case(parent, js=js)
    expect(parent.locator("#stage-text-heading")).to_have_text(stage_title)
    expect(_stage_text(parent)).to_contain_text(sentence)
