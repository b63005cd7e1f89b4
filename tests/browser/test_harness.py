"""The browser checks themselves: a page that breaks the rules is caught, with JavaScript on and
off, so a green run means the portal's pages passed, not that nothing was looked at."""

from __future__ import annotations

import pytest

from tests.browser.support import axe_violations

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Broken on purpose</title></head>
<body><main><h1>Broken on purpose</h1>
<p style="color: red">Inline styles are refused by the policy.</p>
<img src="/static/images/favicon.svg">
<input type="text" name="unlabelled">
</main></body></html>"""


@pytest.fixture
def broken_page(browsing, js):
    """A page served with the portal's policy that uses an inline style, an image without a text
    alternative and a field without a label."""
    page = browsing.page(js=js)
    policy = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self'"
    page.route(
        "**/broken-on-purpose",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=BROKEN_PAGE,
        ),
    )
    page.goto("/broken-on-purpose")
    return page


def test_a_csp_violation_is_caught(broken_page, browsing):
    """An inline style refused by the Content-Security-Policy is reported as a problem."""
    problems = browsing.watcher(broken_page).take()
    assert any("CSP violation" in problem for problem in problems), problems


def test_axe_finds_accessibility_problems(broken_page, browsing, js):
    """axe-core runs (also with JavaScript off) and reports a missing alt text and label."""
    found = {violation["id"] for violation in axe_violations(broken_page, js=js)}
    browsing.watcher(broken_page).take()  # the CSP violation is expected here
    assert {"image-alt", "label"} <= found, found


OVERLAP_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Overlap</title><style>
  .pad { padding: 7px 15px; margin: 0; }
  .tucked { margin-top: -5px; }
  .over { margin-top: -20px; }
</style></head>
<body><main>
<p class="pad" id="label">A label with padding</p>
<p class="tucked" id="hint">A hint tucked into its padding</p>
<p id="first">Some words</p>
<p class="over" id="second">Words drawn over them</p>
</main></body></html>"""


def test_the_layout_check_finds_text_drawn_over_text_but_not_padding(browsing):
    """Two paragraphs drawn over each other are reported; a hint that only sits in the padding
    under its label (as GOV.UK's radio hints do) is not."""
    from tests.browser.support import layout_problems

    page = browsing.page(js=True)
    page.route(
        "**/overlap-on-purpose",
        lambda route: route.fulfill(status=200, content_type="text/html", body=OVERLAP_PAGE),
    )
    page.goto("/overlap-on-purpose")
    problems = layout_problems(page)
    assert any("#first" in p and "#second" in p for p in problems), problems
    assert not any("#label" in p for p in problems), problems
