"""Journey 3, in a real browser with JavaScript on and off: a SENCO (a school's special
educational needs coordinator) signs in, filters their caseload to the late cases, opens one,
posts an update and adds the school's advice. Every page on the way, and every htmx swap, is
checked with axe-core; `browsing` fails the test on any console error, CSP violation or failed
request."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    DATE_WITH_DISTANCE,
    ROLE_EMAILS,
    after_htmx_swap,
    assert_accessible,
    filter_caseload_to_late,
    sign_in,
)
from tests.documents.samples import pdf

pytestmark = pytest.mark.browser


def test_journey_3_senco_updates_a_late_case_and_adds_advice(browsing, js):
    """A SENCO filters the caseload to late cases (live with JavaScript, with the button
    without), opens one, posts an update that appears in its history, and uploads the
    school's advice, which is then listed under "Advice: education"."""
    page = browsing.page(js=js)
    sign_in(page, ROLE_EMAILS["senco"], js=js)
    expect(page.locator("h1")).to_have_text("Your caseload")
    rows = page.locator("#caseload-results tbody tr")
    every_case = rows.count()
    assert every_case >= 2, "the SENCO's caseload is too small to filter"
    assert_accessible(page, js=js)

    filter_caseload_to_late(page, js=js)
    late = rows.count()
    assert 1 <= late < every_case, f"{late} late cases of {every_case}"
    for row in rows.all():
        expect(row).to_contain_text(DATE_WITH_DISTANCE)
        expect(row).to_contain_text("late")

    first = rows.first.get_by_role("link")
    child = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(child)
    expect(page.locator(".portal-where-we-are")).to_contain_text(DATE_WITH_DISTANCE)
    assert_accessible(page, js=js)

    # Post an update from the form in the case's history.
    history = page.locator("#case-history")
    words = f"Speech and language sessions moved to Tuesdays ({uuid.uuid4().hex[:8]})."
    history.get_by_label("Your update").fill(words)
    history.get_by_label("Everyone on the case, including the family").check()
    post = history.get_by_role("button", name="Post update")
    if js:
        after_htmx_swap(page, post.click)
        expect(page.locator("#portal-live-region")).to_have_text("Your update was posted")
        # The form is ready for the next update.
        expect(history.get_by_label("Your update")).to_have_value("")
    else:
        post.click()  # a plain POST, then back to the case page
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Your update was posted"
        )
        assert_accessible(page, js=js)
    expect(page.locator("h1")).to_have_text(child)
    newest = history.locator(".portal-timeline__item").first
    expect(newest.locator(".portal-timeline__body")).to_have_text(words)

    # Add the school's advice: a PDF filed under "Advice: education", for everyone on the case.
    page.locator("main").get_by_role("link", name="Add documents").click()
    expect(page.locator("h1")).to_have_text("Add documents")
    expect(page.locator("main")).to_contain_text(child)
    assert_accessible(page, js=js)
    token = uuid.uuid4().hex[:8]
    title = f"School advice, {token}"
    filename = f"school-advice-{token}.pdf"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Advice: education", exact=True).check()
    page.get_by_label("Everyone on this case", exact=True).check()
    page.get_by_label("Upload files").set_input_files(
        files=[
            {
                "name": filename,
                "mimeType": "application/pdf",
                "buffer": pdf(f"Advice from the school {token}"),
            }
        ]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 document added")
    expect(page.locator("h1")).to_have_text(f"Documents for {child}")
    assert_accessible(page, js=js)
    advice = page.locator("h2[data-group=advice_educational]")  # "Advice: education (N)"
    expect(advice).to_contain_text("Advice: education (")
    listed = advice.locator("xpath=following-sibling::ul[1]").locator(
        "li[data-document]", has=page.get_by_text(title, exact=True)
    )
    expect(listed).to_have_count(1)
    expect(listed.get_by_role("link", name=f"Download {filename}")).to_be_visible()
    expect(listed.locator(".portal-tags")).to_contain_text("Everyone on this case")
