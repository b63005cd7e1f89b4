"""The case overview on a 375 × 667 phone: what a reader looks for first is near the top, for a
parent, a young person and a school (issue 11). `scripts/measure_case_pages.py` prints the full
figures; this test holds the bounds."""

from __future__ import annotations

import pytest

from tests.browser.support import ROLE_EMAILS, first_case_path

pytestmark = pytest.mark.browser

WIDTH, SCREEN = 375, 667
#: For each reader, what must start within about two screens (the young person's pathway comes
#: first, by design, so theirs is two and a half).
WITHIN = {
    "parent": (2 * SCREEN, ["What happens next", "Who to contact", "If you disagree"]),
    "young_person": (2.5 * SCREEN, ["What happens next", "Who you can talk to"]),
    "senco": (2 * SCREEN, ["What happens next", "Who to contact", "Your update"]),
}


def _top(page, text: str) -> float:
    found = page.get_by_text(text, exact=True).first
    box = found.bounding_box()
    assert box is not None, f"{text!r} is not on the page"
    return box["y"] + page.evaluate("scrollY")


@pytest.mark.parametrize("who", list(WITHIN))
def test_the_overview_puts_next_step_contact_and_own_task_near_the_top(browsing, who):
    """At 375 px wide, "What happens next", who to contact, how to disagree (families) and the
    school's update form start within about two screens of the top."""
    page = browsing.page(js=True, user=ROLE_EMAILS[who], width=WIDTH, height=SCREEN)
    page.goto("/home")
    path = first_case_path(page)
    assert path, f"{who} has no case on their home page"
    page.goto(path)
    bound, items = WITHIN[who]
    tops = {text: _top(page, text) for text in items}
    late = {text: top for text, top in tops.items() if top > bound}
    assert not late, f"{who}: below {bound:.0f}px: {late}"
