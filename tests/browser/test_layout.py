"""Small screens and large text, in a real browser: at 320 CSS pixels wide nothing scrolls
sideways (WCAG 1.4.10 Reflow), and with text twice as big nothing is cut off or drawn over
other text (WCAG 1.4.4 Resize text)."""

from __future__ import annotations

import pytest

from tests.browser.support import (
    ROLE_EMAILS,
    first_case_path,
    horizontal_overflow,
    layout_problems,
    too_wide,
)

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/sign-in", "/help", "/the-ehc-pathway", "/pledge", "/help/if-you-disagree"]
CASE_PAGE_ROLES = ["parent", "young_person", "senco", "officer"]
KEY_PAGES = (
    [("anonymous", path) for path in PUBLIC_PAGES]
    + [(who, "/home") for who in ROLE_EMAILS]
    + [(who, "a case page") for who in CASE_PAGE_ROLES]
)


def _open(browsing, who: str, target: str, *, js: bool, width: int, font_size: int | None = None):
    page = browsing.page(
        js=js, user=None if who == "anonymous" else ROLE_EMAILS[who], width=width, height=800
    )
    if font_size:
        # What a person does in the browser's settings to make text bigger ("Font size").
        session = page.context.new_cdp_session(page)
        session.send(
            "Page.setFontSizes", {"fontSizes": {"standard": font_size, "fixed": font_size}}
        )
    if target == "a case page":
        page.goto("/home")
        target = first_case_path(page)
        assert target, f"{who} has no case on their home page"
    response = page.goto(target)
    assert response and response.status == 200, f"{target}: {response and response.status}"
    return page


@pytest.mark.parametrize(("who", "target"), KEY_PAGES, ids=[f"{w}:{t}" for w, t in KEY_PAGES])
def test_nothing_scrolls_sideways_at_320_pixels(browsing, js, who, target):
    """At 320 CSS pixels wide (a small phone, or 1280 zoomed to 400%) the page reflows."""
    page = _open(browsing, who, target, js=js, width=320)
    assert horizontal_overflow(page) == 0, (
        f"{page.url} is {horizontal_overflow(page)}px wider than a 320px screen: {too_wide(page)}"
    )
    problems = layout_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("who", "target"), KEY_PAGES, ids=[f"{w}:{t}" for w, t in KEY_PAGES])
def test_text_at_200_percent_loses_nothing(browsing, js, who, target):
    """With the browser's text size doubled (32px instead of 16px) on a 640px window, all
    text grows, nothing is cut off, nothing overlaps and nothing scrolls sideways."""
    page = _open(browsing, who, target, js=js, width=640, font_size=32)
    body_text = page.evaluate(
        """() => getComputedStyle(
          document.querySelector("main p, main li, main td, main label") || document.body
        ).fontSize"""
    )
    assert float(body_text.removesuffix("px")) >= 30, f"text did not grow: {body_text}"
    assert horizontal_overflow(page) == 0, (
        f"{page.url} is {horizontal_overflow(page)}px wider than the window with large text: "
        f"{too_wide(page)}"
    )
    problems = layout_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["anonymous", "parent"])
def test_the_seven_pathway_stages_sit_in_one_row_on_a_desktop_screen(browsing, who):
    """At 1,200 pixels wide the pathway reads left to right in one row: no stage is left alone
    on a second row (the public pathway page, and a family's case page)."""
    page = _open(
        browsing,
        who,
        "/the-ehc-pathway" if who == "anonymous" else "a case page",
        js=True,
        width=1200,
    )
    tops = (
        page.locator(".portal-pathway")
        .first.locator(".portal-pathway__stage")
        .evaluate_all(
            "stages => stages.map(stage => Math.round(stage.getBoundingClientRect().top))"
        )
    )
    assert len(tops) == 7, tops
    assert len(set(tops)) == 1, f"the stages sit on more than one row: tops {tops}"
