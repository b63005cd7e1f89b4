"""Journey 2, in a real browser with JavaScript on and off: a parent signs in, checks the next
step on their child's case and its date, sees who can see the case, uploads a document, finds it
listed and downloads it. Every page on the way, and every htmx swap, is checked with axe-core;
`browsing` fails the test on any console error, CSP violation or failed request."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    DATE_WITH_DISTANCE,
    ROLE_EMAILS,
    after_htmx_swap,
    assert_accessible,
    sign_in,
)
from tests.documents.samples import pdf

pytestmark = pytest.mark.browser


def _names_on_case_page(page: Page) -> set[str]:
    return {name.strip() for name in page.locator("#who-can-see + ul li strong").all_inner_texts()}


def test_journey_2_parent_checks_the_case_and_shares_a_document(browsing, js, tmp_path: Path):
    """A parent signs in, reads the next step and its date on the home page and the case page,
    sees who can see the case, uploads a PDF, finds it listed and downloads the same bytes."""
    page = browsing.page(js=js)
    sign_in(page, ROLE_EMAILS["parent"], js=js)
    expect(page.locator("h1")).to_have_text("Your child’s case")
    card = page.locator(".govuk-summary-card").first
    child = card.locator(".govuk-summary-card__title").inner_text().strip()
    next_date = card.locator(".govuk-summary-list__row", has_text="Next date")
    next_text = " ".join(next_date.locator("dd").inner_text().split())
    when = DATE_WITH_DISTANCE.search(next_text)
    assert when, f"no date with its distance in {next_text!r}"
    next_step = next_text[: when.start()].rstrip(": ")
    assert next_step, f"the home page does not say what the next step is: {next_text!r}"
    assert_accessible(page, js=js)

    # The case page says the same next step and date, in "Where we are".
    card.get_by_role("link", name=f"See the case of {child}").click()
    expect(page.locator("h1")).to_have_text(child)
    where = page.locator(".portal-where-we-are")
    expect(where.get_by_role("heading", name="What happens next")).to_be_visible()
    where_text = " ".join(where.inner_text().split())
    assert f"{next_step}: {when.group(0)}" in where_text, (
        f"the case page does not show the next step {next_step!r} due {when.group(0)!r}: "
        f"{where_text!r}"
    )
    expect(where.get_by_role("heading", name="Who to contact")).to_be_visible()
    expect(where.get_by_role("link", name=re.compile(r"@"))).to_be_visible()
    # Who can see the case: on the case page, and in full on its own page.
    expect(page.get_by_role("heading", name="Who can see this case")).to_be_visible()
    people_here = _names_on_case_page(page)
    assert len(people_here) >= 2, f"the case page lists too few people: {people_here}"
    assert_accessible(page, js=js)

    page.get_by_role("link", name="See who can see this case, and since when").click()
    expect(page.locator("h1")).to_have_text("People on this case")
    cards = page.locator("main .govuk-summary-card")
    names = {name.strip() for name in cards.locator(".govuk-summary-card__title").all_inner_texts()}
    assert names == people_here, "the people page and the case page list different people"
    expect(cards.filter(has_text="Since").first).to_contain_text(re.compile(r"\d{1,2} \w+ \d{4}"))
    # Only the council adds or removes people: a parent gets no such controls.
    expect(page.get_by_role("link", name="Add someone")).to_have_count(0)
    expect(
        page.locator("main").get_by_role("link", name=re.compile("^(Change|Remove)"))
    ).to_have_count(0)
    assert_accessible(page, js=js)

    # Upload a genuine PDF (the portal checks what files contain, not their names).
    page.locator(".govuk-back-link").click()
    expect(page.locator("h1")).to_have_text(child)
    page.get_by_role("navigation", name="This case").get_by_role("link", name="Documents").click()
    expect(page.locator("h1")).to_have_text(f"Documents for {child}")
    assert_accessible(page, js=js)
    token = uuid.uuid4().hex[:8]
    title = f"Our views, {token}"
    filename = f"our-views-{token}.pdf"
    content = pdf(f"What matters to our family {token}")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Views of parents and carers").check()
    page.get_by_label("Upload files").set_input_files(
        files=[{"name": filename, "mimeType": "application/pdf", "buffer": content}]
    )
    upload = page.get_by_role("button", name="Upload", exact=True)
    if js:
        after_htmx_swap(page, upload.click)
        expect(page.locator("#portal-live-region")).to_have_text("1 document added")
    else:
        upload.click()  # a plain POST, then back to the documents page
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("1 document added")
    expect(page.locator("h1")).to_have_text(f"Documents for {child}")
    if not js:
        assert_accessible(page, js=js)

    # Listed under its category, and it downloads as exactly what was uploaded.
    listed = page.locator("li[data-document]", has=page.get_by_text(title, exact=True))
    expect(listed).to_have_count(1)
    heading = page.locator("h2[data-group=parent_carer_views]")  # "Views of ... (N)"
    expect(heading).to_contain_text("Views of parents and carers (")
    expect(heading).to_be_visible()
    expect(
        heading.locator("xpath=following-sibling::ul[1]").locator(
            "li[data-document]", has_text=title
        )
    ).to_have_count(1)
    expect(listed).to_contain_text("PDF")
    with page.expect_download() as started:
        listed.get_by_role("link", name=f"Download {filename}").click()
    download = started.value
    assert download.suggested_filename == filename
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == content, "the downloaded file differs from the one uploaded"
