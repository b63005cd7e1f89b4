"""Every page each demo role can reach by following links, checked in a real browser: axe-core
finds no WCAG 2.2 A/AA problem, nothing breaks the Content-Security-Policy, nothing is missing."""

from __future__ import annotations

import pytest

from tests.browser.support import ROLE_EMAILS, crawl

pytestmark = pytest.mark.browser

CRAWL_LIMIT = 40
# Pages of one kind share a template: two of each with JavaScript (data can change what a page
# shows), one without (what changes without JavaScript is the template's enhancements).
PAGES_PER_KIND = {True: 2, False: 1}
WHO = ["anonymous", *ROLE_EMAILS]


@pytest.mark.parametrize("who", WHO)
def test_every_page_reachable_from_home_is_accessible(browsing, js, who, page_kinds, request):
    """Each role's pages (and the public ones) pass axe, load fully and break no CSP rule."""
    signed_in = who != "anonymous"
    page = browsing.page(js=js, user=ROLE_EMAILS[who] if signed_in else None)
    result = crawl(
        page,
        "/home" if signed_in else "/",
        js=js,
        signed_in=signed_in,
        watcher=browsing.watcher(page),
        kind_of=page_kinds,
        per_kind=PAGES_PER_KIND[js],
        limit=CRAWL_LIMIT,
        # The anonymous crawl checks the public pages; signed-in crawls check the header and
        # menu signed-in people see on every one of their own pages.
        skip_kind=page_kinds.is_public if signed_in else lambda kind: False,
    )
    request.node.user_properties.append(
        ("pages_checked", (who, "js" if js else "nojs", len(result.pages)))
    )
    report = result.describe_problems()
    if "HTTP 5" in report:
        report += f"\nthe server logged:\n{browsing.server.last_error()}"
    assert not result.problems, report
    # A crawl that found nothing to follow would prove nothing.
    assert len(result.pages) >= 2, [crawled.path for crawled in result.pages]
