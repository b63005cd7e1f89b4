"""Keyboard use in a real browser: the skip link, a visible focus on everything that takes it,
and signing in without a mouse, with JavaScript on and off."""

from __future__ import annotations

import pytest

from tests.browser.support import DEMO_PASSWORD, ROLE_EMAILS, assert_accessible

pytestmark = pytest.mark.browser

TABS_TO_CHECK = 20

# Records how each focusable element looks before anything has focus, so a focused element can
# be compared with itself: a focus indicator is a visible change, not a style that is always on.
REMEMBER_UNFOCUSED = """() => {
  const styles = new WeakMap();
  const focusable = "a[href], button, input, select, textarea, summary, [tabindex]";
  for (const el of document.querySelectorAll(focusable)) {
    const s = getComputedStyle(el);
    styles.set(el, {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
                    shadow: s.boxShadow, background: s.backgroundColor});
  }
  window.__portalUnfocused = styles;
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const s = getComputedStyle(el);
  const before = (window.__portalUnfocused && window.__portalUnfocused.get(el)) ||
    {outline: "none", shadow: "none", background: "rgba(0, 0, 0, 0)"};
  const transparent = (colour) => colour === "transparent" || /rgba\\(.*, 0\\)$/.test(colour);
  const outline = `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
  const outlineShows = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 &&
    !transparent(s.outlineColor) && outline !== before.outline;
  const shadowShows = s.boxShadow !== "none" && s.boxShadow !== before.shadow;
  const backgroundShows = !transparent(s.backgroundColor) &&
    s.backgroundColor !== before.background;
  const box = el.getBoundingClientRect();
  const label = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
    .trim().replace(/\\s+/g, " ").slice(0, 40);
  return {
    element: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label}"`,
    indicated: outlineShows || shadowShows || backgroundShows,
    onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight,
    inMain: Boolean(el.closest("#main-content")) && el.id !== "main-content",
    id: el.id,
    isSkipLink: el.classList.contains("govuk-skip-link"),
  };
}"""


def _focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def _skip_link_box(page) -> dict:
    return page.locator("a.govuk-skip-link").bounding_box() or {"width": 0, "height": 0}


@pytest.fixture(params=["sign-in", "home"])
def keyboard_page(request, browsing, js):
    """The sign-in page (signed out) and a parent's home page (signed in), at their top."""
    if request.param == "sign-in":
        page = browsing.page(js=js)
        page.goto("/sign-in")
    else:
        page = browsing.page(js=js, user=ROLE_EMAILS["parent"])
        page.goto("/home")
    page.evaluate(REMEMBER_UNFOCUSED)
    return page


def test_the_first_tab_reaches_a_skip_link_that_goes_to_the_main_content(keyboard_page, js):
    """Tab from the top shows the skip link; Enter on it takes the keyboard to the main content."""
    page = keyboard_page
    hidden = _skip_link_box(page)
    assert hidden["width"] <= 1 and hidden["height"] <= 1, "the skip link shows before it is needed"

    page.keyboard.press("Tab")
    focused = _focused(page)
    assert focused and focused["isSkipLink"], f"the first Tab went to {focused}"
    shown = _skip_link_box(page)
    assert shown["width"] > 50 and shown["height"] > 10, "the focused skip link cannot be seen"
    assert focused["indicated"], "the focused skip link has no visible focus style"

    page.keyboard.press("Enter")
    if js:
        # GOV.UK Frontend moves focus to the main content itself.
        assert (_focused(page) or {}).get("id") == "main-content"
    else:
        assert page.url.endswith("#main-content")
    page.keyboard.press("Tab")
    after = _focused(page)
    assert after and after["inMain"], f"after the skip link, Tab went to {after}, not the content"


def test_focus_is_always_visible(keyboard_page):
    """Every element Tab reaches shows a visible focus indicator and is on screen."""
    page = keyboard_page
    seen = []
    for _ in range(TABS_TO_CHECK):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused is None or (seen and focused["isSkipLink"]):
            break  # past the end of the page
        seen.append(focused)
    assert len(seen) >= 5, f"Tab reached only {[f['element'] for f in seen]}"
    unseen = [f["element"] for f in seen if not (f["indicated"] and f["onScreen"])]
    assert not unseen, f"focus cannot be seen on: {unseen}"


def test_signing_in_with_the_keyboard_alone(browsing, js):
    """A person who cannot use a mouse signs in with Tab, typing and Enter."""
    page = browsing.page(js=js)
    page.goto("/sign-in")
    for _ in range(TABS_TO_CHECK):
        page.keyboard.press("Tab")
        if (_focused(page) or {}).get("id") == "email":
            break
    else:
        pytest.fail("Tab never reached the email address field")
    page.keyboard.type(ROLE_EMAILS["parent"])
    page.keyboard.press("Tab")
    assert (_focused(page) or {}).get("id") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    assert '"Sign in"' in (_focused(page) or {}).get("element", "")
    page.keyboard.press("Enter")
    page.wait_for_url("**/home")
    assert page.locator("h1").inner_text() == "Your child’s case"
    assert_accessible(page, js=js)
