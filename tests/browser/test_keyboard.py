"""Keyboard use in a real browser: the skip link, a visible focus on everything that takes it,
signing in without a mouse, and journey 2 (a parent checks their case, uploads a document and
downloads it) with the keyboard alone, with JavaScript on and off. With JavaScript, every htmx
swap must move focus to what changed (or to the error summary) and announce it."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import FileChooser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.support import (
    DATE_WITH_DISTANCE,
    DEMO_PASSWORD,
    ROLE_EMAILS,
    after_htmx_swap,
    assert_accessible,
)
from tests.documents import samples

pytestmark = pytest.mark.browser

TABS_TO_CHECK = 20

# Records how each focusable element looks before anything has focus, so a focused element can
# be compared with itself: a focus indicator is a visible change, not a style that is always on.
# Run again after an htmx swap, it adds the new elements and leaves the focused one alone.
REMEMBER_UNFOCUSED = """() => {
  const styles = window.__portalUnfocused || new WeakMap();
  const focusable = "a[href], button, input, select, textarea, summary, [tabindex]";
  for (const el of document.querySelectorAll(focusable)) {
    if (el === document.activeElement || styles.has(el)) { continue; }
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
  // GOV.UK radios and checkboxes hide the real input and draw the focus ring on its label.
  let labelShows = false;
  if (el.matches(".govuk-radios__input, .govuk-checkboxes__input") && el.labels.length) {
    const ring = getComputedStyle(el.labels[0], "::before").boxShadow;
    labelShows = ring !== "none" && !/rgba\\(.*, 0\\)/.test(ring);
  }
  const box = el.getBoundingClientRect();
  const label = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
    .trim().replace(/\\s+/g, " ").slice(0, 40);
  return {
    element: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label}"`,
    indicated: outlineShows || shadowShows || backgroundShows || labelShows,
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
        # Following an in-page link is asynchronous: wait for the address to change.
        expect(page).to_have_url(re.compile(r"#main-content$"))
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


# --- Journey 2 with the keyboard alone ------------------------------------------------------------

# Enough for the longest page a parent Tabs through (the documents page lists every document).
MOST_TABS = 150
CASE_LINK = re.compile(r"^See the case of ")


def _is_focused(target: Locator) -> bool:
    return target.evaluate("(el) => el === document.activeElement")


def _assert_focus_seen(page: Page, where: str) -> dict:
    """The focused element, which must be on screen with a visible focus indicator."""
    focused = _focused(page)
    assert focused, f"{where}: nothing has focus"
    assert focused["onScreen"], f"{where}: the focused {focused['element']} is off screen"
    assert focused["indicated"], f"{where}: {focused['element']} shows no focus indicator"
    return focused


def _tab_to(page: Page, target: Locator, what: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has focus, checking focus is visible at every
    stop on the way; fail, naming the last stops, if it never gets there."""
    expect(target).to_have_count(1)
    key = "Shift+Tab" if backwards else "Tab"
    stops: list[str] = []
    for _ in range(MOST_TABS):
        page.keyboard.press(key)
        stops.append(_assert_focus_seen(page, f"on the way to {what}")["element"])
        if _is_focused(target):
            return
    pytest.fail(f"{MOST_TABS} presses of {key} never reached {what}; the last stops: {stops[-8:]}")


def _open_file_chooser_with_space(page: Page, files: Locator) -> FileChooser:
    """Space on the focused file input opens the system's file chooser. On a busy machine
    headless Chromium has let a press go without one (the same code passed before and after,
    and once waiting 30 s did not help), so a second press is allowed, with the input still
    focused: a keyboard that cannot open the chooser fails both."""
    try:
        with page.expect_file_chooser(timeout=15_000) as chooser:
            page.keyboard.press("Space")
    except PlaywrightTimeoutError:
        expect(files).to_be_focused()
        with page.expect_file_chooser(timeout=15_000) as chooser:
            page.keyboard.press("Space")
    return chooser.value


def _arrive(page: Page, h1: str | re.Pattern, *, js: bool) -> None:
    """On a newly loaded page: check it, then follow the skip link to its main content."""
    expect(page.locator("h1")).to_have_text(h1)
    assert_accessible(page, js=js)
    page.evaluate(REMEMBER_UNFOCUSED)
    page.keyboard.press("Tab")
    focused = _assert_focus_seen(page, "the first Tab")
    assert focused["isSkipLink"], f"the first Tab went to {focused['element']}, not the skip link"
    page.keyboard.press("Enter")
    if js:
        expect(page.locator("#main-content")).to_be_focused()
    else:
        page.wait_for_url(re.compile(r"#main-content$"))


def _press_and_wait_for_page(page: Page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_journey_2_with_the_keyboard_alone(browsing, js):
    """A parent signs in, checks the next step and who can see the case, uploads a document,
    finds it listed and downloads it, with Tab, Shift+Tab, Enter, Space and typing only."""
    page = browsing.page(js=js)
    title = f"Keyboard report {uuid.uuid4().hex[:8]}"
    filename = f"keyboard-{uuid.uuid4().hex[:8]}.pdf"
    content = samples.pdf("Written with the keyboard")

    page.goto("/sign-in")
    _arrive(page, "Sign in", js=js)
    _tab_to(page, page.locator("#email"), "the email address field")
    page.keyboard.type(ROLE_EMAILS["parent"])
    _tab_to(page, page.locator("#password"), "the password field")
    page.keyboard.type(DEMO_PASSWORD)
    _tab_to(page, page.locator("main").get_by_role("button", name="Sign in"), "Sign in")
    _press_and_wait_for_page(page)
    page.wait_for_url("**/home")

    _arrive(page, re.compile("case"), js=js)
    case_link = page.locator("main").get_by_role("link", name=CASE_LINK).first
    child = case_link.inner_text().removeprefix("See the case of").strip()
    _tab_to(page, case_link, "the link to the case")
    _press_and_wait_for_page(page)

    # The next step and its date, in the box that starts the case page.
    _arrive(page, child, js=js)
    where = page.locator(".portal-where-we-are")
    _tab_to(page, where.locator("a").first, "the contact link beside the next step")
    expect(where).to_contain_text("What happens next")
    expect(where).to_contain_text(DATE_WITH_DISTANCE)

    # Who can see the case: a short list near the top, and a link to what each may do.
    people = page.locator("#who-can-see + ul")
    more = page.get_by_role("link", name="What each person can do, and since when")
    _tab_to(page, more, "what each person on the case can do")
    assert people.locator("li").count() >= 2, "the parent cannot see who else is on the case"
    expect(people).to_contain_text("case officer", ignore_case=True)

    # Back up the page to the case's own navigation, and its Documents page.
    nav = page.get_by_role("navigation", name="This case")
    documents_link = nav.get_by_role("link", name="Documents")
    _tab_to(page, documents_link, "the link to the documents page", backwards=True)
    _press_and_wait_for_page(page)

    _arrive(page, f"Documents for {child}", js=js)
    _tab_to(page, page.locator("#title"), "the title field")
    page.keyboard.type(title)
    first_kind = page.locator("input[name=category]").first
    _tab_to(page, first_kind, "the first kind of document")
    page.keyboard.press("Space")
    expect(first_kind).to_be_checked()
    files = page.locator("#files")
    _tab_to(page, files, "the file input")
    _open_file_chooser_with_space(page, files).set_files(
        files=[{"name": filename, "mimeType": "application/pdf", "buffer": content}]
    )
    upload = page.locator("#documents-area").get_by_role("button", name="Upload", exact=True)
    _tab_to(page, upload, "the Upload button")

    if js:
        after_htmx_swap(page, lambda: page.keyboard.press("Enter"))
        banner = page.locator("#documents-area .govuk-notification-banner--success")
        expect(banner).to_be_focused()
        _assert_focus_seen(page, "after the upload")
        expect(banner).to_contain_text(title)
        expect(page.locator("#portal-live-region")).to_have_text("1 document added")
        page.evaluate(REMEMBER_UNFOCUSED)  # the swapped-in elements
    else:
        _press_and_wait_for_page(page)
        _arrive(page, f"Documents for {child}", js=js)
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "1 document added"
        )

    listed = page.locator("#documents-area li[data-document]", has_text=title)
    expect(listed).to_have_count(1)
    download_link = listed.get_by_role("link", name=f"Download {filename}")
    _tab_to(page, download_link, "the new document's download link")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == filename
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == content, "the file downloaded is not the one uploaded"


def test_an_empty_upload_moves_focus_to_the_error_summary(browsing):
    """With JavaScript, sending the upload form empty puts focus on the error summary (which
    says what is wrong, as an alert), and its links lead to the fields."""
    page = browsing.page(js=True, user=ROLE_EMAILS["parent"])
    page.goto("/home")
    case_link = page.locator("main").get_by_role("link", name=CASE_LINK).first
    page.goto(f"{case_link.get_attribute('href')}/documents")
    expect(page.locator("h1")).to_contain_text("Documents for")
    page.evaluate(REMEMBER_UNFOCUSED)
    upload = page.locator("#documents-area").get_by_role("button", name="Upload", exact=True)
    _tab_to(page, upload, "the Upload button")

    after_htmx_swap(page, lambda: page.keyboard.press("Enter"))
    summary = page.locator("#documents-area .govuk-error-summary")
    expect(summary).to_be_focused()
    _assert_focus_seen(page, "after the empty upload")
    # The summary is an alert: screen readers say it as it arrives, as well as on focus.
    alert = summary.get_by_role("alert")
    expect(alert).to_contain_text("There is a problem")
    expect(alert).to_contain_text("Enter a title for the document")

    page.evaluate(REMEMBER_UNFOCUSED)
    _tab_to(page, summary.get_by_role("link", name="Enter a title"), "the first error")
    page.keyboard.press("Enter")
    expect(page.locator("#title")).to_be_focused()


def test_a_refused_htmx_request_shows_the_error_page_with_focus(browsing):
    """With JavaScript, when the server refuses an htmx request (here: the form's security
    token is no longer valid), its error page takes the main content, as it would without
    JavaScript, with focus on it and its title announced; what was typed is kept to copy."""
    page = browsing.page(js=True, user=ROLE_EMAILS["parent"])
    page.goto("/home")
    case_link = page.locator("main").get_by_role("link", name=CASE_LINK).first
    documents = f"{case_link.get_attribute('href')}/documents"
    page.goto(documents)
    browsing.watcher(page).allow(f"{documents}/add", 400)
    page.evaluate(
        """() => {
          document.querySelector('meta[name="csrf-token"]').content = "expired";
          for (const field of document.querySelectorAll('input[name="csrf_token"]')) {
            field.value = "expired";
          }
        }"""
    )
    typed = f"Typed before the error {uuid.uuid4().hex[:8]}"
    page.evaluate(REMEMBER_UNFOCUSED)
    _tab_to(page, page.locator("#title"), "the title field")
    page.keyboard.type(typed)
    upload = page.locator("#documents-area").get_by_role("button", name="Upload", exact=True)
    _tab_to(page, upload, "the Upload button")

    after_htmx_swap(page, lambda: page.keyboard.press("Enter"))
    heading = "Sorry, there is a problem with the request"
    main = page.locator("#main-content")
    expect(main.locator("h1")).to_have_text(heading)
    expect(main.locator("#documents-area")).to_have_count(0)
    focused = page.locator(":focus")
    expect(focused).to_contain_text(heading)
    assert focused.evaluate("(el) => el.closest('#main-content') !== null")
    expect(page.locator("#portal-live-region")).to_have_text(heading)
    expect(main.locator(".portal-typed")).to_contain_text(typed)
