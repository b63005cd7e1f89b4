"""Screenshots of each role's home page and a case page, at desktop and 320px widths, written
to test-artifacts/screenshots/ (not committed) so a person can look at them."""

from __future__ import annotations

import pytest

from tests.browser.support import ROLE_EMAILS, first_case_path, screenshot

pytestmark = pytest.mark.browser

WIDTHS = [1280, 320]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("who", list(ROLE_EMAILS))
def test_screenshots_of_home_and_a_case_page(browsing, who):
    """Each role's home page (and first case page, if it has one) is saved as a picture at
    1280 and 320 pixels wide."""
    written = []
    for width in WIDTHS:
        page = browsing.page(user=ROLE_EMAILS[who], width=width, height=900)
        page.goto("/home")
        written.append(screenshot(page, f"{who}-home-{width}"))
        case_path = first_case_path(page)
        if case_path:
            page.goto(case_path)
            written.append(screenshot(page, f"{who}-case-{width}"))
    for path in written:
        assert path.read_bytes().startswith(PNG_SIGNATURE), f"{path} is not a PNG picture"
