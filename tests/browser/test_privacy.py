"""Privacy in the browser: nothing about a child is kept in the browser's storage, and signing
out ends the session for good, even for a copy of the cookie (a shared family computer)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    CASE_PAGE,
    ROLE_EMAILS,
    after_htmx_swap,
    sign_in,
    sign_out,
    storage_contents,
)

pytestmark = pytest.mark.browser


def _case_links(page) -> list[tuple[str, str]]:
    """(path, child's name) for every case linked from the main content."""
    links = page.eval_on_selector_all(
        "main a[href]", "ls => ls.map((a) => [a.getAttribute('href'), a.innerText.trim()])"
    )
    return [(href, text) for href, text in links if CASE_PAGE.match(href)]


@pytest.mark.parametrize("who", ["parent", "officer"])
def test_no_case_details_stay_in_browser_storage_and_signing_out_ends_the_session(
    browsing, js, who
):
    """After reading cases (and, for a case officer, filtering the caseload, which htmx would
    otherwise keep copies of), localStorage and sessionStorage hold nothing about any child;
    after signing out, Back, the home page and the old cookie all lead to the sign-in page."""
    page = browsing.page(js=js)
    sign_in(page, ROLE_EMAILS[who])
    cases = _case_links(page)
    assert cases, f"the {who}'s home page links to no case"
    names = {name for _path, name in cases}
    if page.locator("#caseload-results").count():
        due = page.get_by_label("Due")
        if js:
            after_htmx_swap(page, lambda: due.select_option(label="Late"))
        else:
            due.select_option(label="Late")
            page.get_by_role("button", name="Show cases").click()
        page.wait_for_url(re.compile(r"due=late"))
    case_path = cases[0][0]
    page.goto(case_path)
    child = page.locator("h1").inner_text().strip()
    names.add(child)
    references = set(re.findall(r"EHC-\d{4}-\d{4}", page.locator("main").inner_text()))
    # Follow the case's own pages too (documents, people, history), but add nothing.
    sub_pages = page.eval_on_selector_all(
        "main a[href]", "ls => ls.map((a) => a.getAttribute('href'))"
    )
    for path in sorted({p for p in sub_pages if p.startswith(case_path + "/")})[:6]:
        if not re.search(r"/download|/add|/new", path):
            page.goto(path)
    page.go_back()
    page.goto("/home")

    stored = storage_contents(page)
    secrets = names | references | {part for name in names for part in name.split()}
    leaked = sorted(secret for secret in secrets if len(secret) > 2 and secret in stored)
    assert not leaked, f"browser storage keeps {leaked}: {stored[:500]}"

    cookies = page.context.cookies()
    assert cookies, "no session cookie to test with"
    sign_out(page)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")

    page.go_back()
    expect(page.locator("main")).not_to_contain_text(child)

    page.goto(case_path)
    assert urlsplit(page.url).path == "/sign-in", "the case page still opens after signing out"
    page.goto("/home")
    assert urlsplit(page.url).path == "/sign-in"

    # Someone who copied the cookie before the sign-out gets nothing with it.
    thief = browsing.page(js=js)
    thief.context.add_cookies(cookies)
    thief.goto(case_path)
    assert urlsplit(thief.url).path == "/sign-in", "the old session cookie still works"
    expect(thief.locator("main")).not_to_contain_text(child)
