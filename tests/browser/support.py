"""Helpers for the real-browser tests: signing in through the form, axe-core checks, watching a
page for console errors and Content-Security-Policy violations, and crawling links.

Fixtures live in `conftest.py`; these are plain functions so test modules can import them.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pyotp
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect
from playwright.sync_api import Error as PlaywrightError

from portal.config import PROJECT_ROOT

DEMO_PASSWORD = "browser-tests-demo-password"

# Every demo role, by the email the demo data gives it.
ROLE_EMAILS = {
    "parent": "parent@example.org",
    "parent2": "parent2@example.org",
    "young_person": "young.person@example.org",
    "senco": "senco@example.org",
    "psychologist": "psychologist@example.org",
    "officer": "officer@example.org",
    "editor": "editor@example.org",
    "admin": "admin@example.org",
    "quality_lead": "quality@example.org",
    "auditor": "auditor@example.org",
    "funding_officer": "funding@example.org",
}

AXE_SOURCE_PATH = PROJECT_ROOT / "static" / "build" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOT_DIR = PROJECT_ROOT / "test-artifacts" / "screenshots"

# With JavaScript switched off Chromium never fires timers, and axe-core waits on them. For the
# axe run only, timers become microtasks (the page's own scripts never ran, so nothing else
# notices).
_TIMER_SHIM = """() => {
  if (window.__portalTimerShim) { return; }
  window.__portalTimerShim = true;
  let nextId = 1;
  const cancelled = new Set();
  window.setTimeout = (callback, _delay, ...args) => {
    const id = nextId++;
    Promise.resolve().then(() => { if (!cancelled.has(id)) { callback(...args); } });
    return id;
  };
  window.clearTimeout = (id) => { cancelled.add(id); };
  window.requestAnimationFrame = (callback) => window.setTimeout(() => callback(performance.now()));
}"""

_AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                             resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html,
                                summary: n.failureSummary || ""})),
  }));
}"""

_axe_source: str | None = None


def axe_source() -> str:
    """The axe-core script built by `npm run build` (read once)."""
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_SOURCE_PATH.read_text()
    return _axe_source


def path_of(url: str) -> str:
    """The path and query of a URL: how failures name pages."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- Signing in ---------------------------------------------------------------------------------


#: A date written out with how far away it is: "Friday 12 March 2027 (in 5 days)".
DATE_WITH_DISTANCE = re.compile(
    r"\w+day \d{1,2} \w+ \d{4}\s*\((in \d+ days?|\d+ days? late|today|tomorrow|yesterday)\)"
)


#: The authenticator key the demo gives every member of council staff (see README.md).
DEMO_TOTP_SECRET = "EHCPORTALDEMOSECRETSTAFFONLY2345"
#: The last time step whose code each account used: the portal never accepts a code twice.
_last_step: dict[str, int] = {}
#: Accounts whose app a test set up with a new key during this run (the rest use the demo's).
KNOWN_SECRETS: dict[str, str] = {}


def authenticator_code(email: str, secret: str | None = None) -> str:
    """The code an authenticator app shows now, as a person would type it. A code the account
    has already used is never accepted again, so when this run has used the current one, the
    next step's is given (accepted 30 seconds early), or else we wait for a new one."""
    totp = pyotp.TOTP(secret or KNOWN_SECRETS.get(email, DEMO_TOTP_SECRET))
    while True:
        step = int(time.time()) // totp.interval
        for candidate in (step, step + 1):
            if candidate > _last_step.get(email, -1):
                _last_step[email] = candidate
                return totp.generate_otp(candidate)
        time.sleep(1)


def sign_in(
    page: Page, email: str, password: str = DEMO_PASSWORD, *, js: bool | None = None
) -> None:
    """Sign in through the real sign-in form, as a person would, and wait for the home page.
    Council staff then type the code from their authenticator app. With `js` given, each page
    is checked with axe first (as journeys do)."""
    page.goto("/sign-in")
    if js is not None:
        assert_accessible(page, js=js)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/sign-in")
    if urlsplit(page.url).path == "/sign-in/code":
        enter_code(page, authenticator_code(email), js=js)


def enter_code(page: Page, code: str, *, js: bool | None = None) -> None:
    """The second step of signing in: type the code and continue."""
    expect(page.locator("h1")).to_have_text("Enter the code from your authenticator app")
    if js is not None:
        assert_accessible(page, js=js)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/sign-in/code")


def filter_caseload_to_late(page: Page, *, js: bool) -> None:
    """Choose "Late" in the caseload's Due filter: live with htmx (the count is announced), or
    with the "Show cases" button without JavaScript. Either way the list gets its own address."""
    due = page.get_by_label("Due")
    if js:
        after_htmx_swap(page, lambda: due.select_option(label="Late"))
        found = page.locator("#caseload-results strong").first.inner_text()
        expect(page.locator("#portal-live-region")).to_have_text(found)
    else:
        due.select_option(label="Late")
        page.get_by_role("button", name="Show cases").click()
        page.wait_for_url(re.compile(r"due=late"))
        assert_accessible(page, js=js)
    assert "due=late" in page.url, "the filtered list has no address of its own to share"


def sign_out(page: Page) -> None:
    """Sign out with the button in the page header."""
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")


# --- Watching a page for problems -----------------------------------------------------------------


@dataclass
class PageWatcher:
    """Collects what a person would not see but should never happen: console errors, CSP
    violations, uncaught script errors, failed requests and error responses."""

    problems: list[str] = field(default_factory=list)
    allowed_statuses: set[tuple[str, int]] = field(default_factory=set)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def allow(self, path: str, status: int) -> None:
        """A test that means to meet an error response says so here."""
        self.allowed_statuses.add((path, status))

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.problems.append(f"CSP violation on {path_of(message.page.url)}: {text}")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            # Failed loads are reported with their URL by _response/_request_failed instead.
            self.problems.append(f"console error on {path_of(message.page.url)}: {text}")

    def _request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # Leaving a page while it loads aborts its requests: that is not a fault.
        if "ERR_ABORTED" in failure:
            return
        self.problems.append(f"request failed: {request.method} {path_of(request.url)}: {failure}")

    def _response(self, response: Response) -> None:
        if response.status < 400:
            return
        path = path_of(response.url)
        if (path, response.status) in self.allowed_statuses:
            return
        self.problems.append(f"HTTP {response.status}: {response.request.method} {path}")

    def take(self) -> list[str]:
        """The problems seen so far, and forget them."""
        problems, self.problems = self.problems, []
        return problems


# --- axe-core -----------------------------------------------------------------------------------


#: What the browser says when the page axe runs in is replaced by another while it runs.
_LEFT_THE_PAGE = re.compile(r"Execution context was destroyed|reading 'documentElement'")


def axe_violations(page: Page, *, js: bool = True) -> list[dict]:
    """Run axe-core on the page as it is now and return its WCAG 2.2 A/AA violations.

    If the page is still being left for another (a click that posts a form returns before the
    answer arrives), axe runs again, on the page that loaded: every check is of a whole page."""
    attempts = 0
    while True:
        attempts += 1
        page.wait_for_load_state("load")
        try:
            return _run_axe(page, js=js)
        except PlaywrightError as error:
            if attempts == 3 or not _LEFT_THE_PAGE.search(str(error)):
                raise


def _run_axe(page: Page, *, js: bool) -> list[dict]:
    if not js:
        page.evaluate(_TIMER_SHIM)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # add_script_tag would be blocked by our Content-Security-Policy; evaluate is not.
        page.evaluate(axe_source())
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(violations: list[dict], where: str) -> str:
    """A readable list: rule, impact, the elements (CSS selectors) and what to do."""
    lines = [f"axe found {len(violations)} accessibility problem(s) on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            summary = " ".join(node["summary"].split())
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page: Page, *, js: bool = True) -> None:
    """Fail, listing each problem, unless axe finds no WCAG 2.2 A/AA violation on the page."""
    violations = axe_violations(page, js=js)
    assert not violations, format_violations(violations, path_of(page.url))


def after_htmx_swap(page: Page, action: Callable[[], object], *, timeout: float = 10_000) -> None:
    """Do `action` (a click, a key press), wait until htmx has swapped and settled the answer,
    then check the page again with axe. Needs JavaScript on."""
    page.evaluate(
        """() => {
          window.__portalSettled = false;
          document.addEventListener("htmx:afterSettle", () => { window.__portalSettled = true; },
                                    {once: true});
        }"""
    )
    action()
    page.wait_for_function("() => window.__portalSettled === true", timeout=timeout)
    assert_accessible(page)


# --- Crawling -----------------------------------------------------------------------------------

# GET never changes anything in the portal, but these links leave the page's purpose.
SKIP_PATHS = {"/sign-out"}
DOWNLOAD_PATH = re.compile(
    r"/download(s|-all)?(/|$)|\.(pdf|docx?|xlsx?|odt|zip|png|jpe?g|csv)$", re.I
)


@dataclass
class CrawledPage:
    path: str
    kind: str
    status: int
    title: str


@dataclass
class CrawlResult:
    pages: list[CrawledPage]
    problems: list[str]

    def describe_problems(self) -> str:
        return "\n".join(self.problems)


def crawl(
    page: Page,
    start: str,
    *,
    js: bool,
    signed_in: bool,
    watcher: PageWatcher,
    kind_of: Callable[[str], str],
    per_kind: int = 2,
    limit: int = 40,
    skip_kind: Callable[[str], bool] = lambda kind: False,
) -> CrawlResult:
    """Visit the same-origin links reachable from `start`, breadth first, checking each page with
    axe, the watcher and its status.

    `kind_of(path)` names the kind of page (its endpoint): at most `per_kind` pages of each kind
    are visited (a second case page finds data-dependent problems; the twelfth rarely does), and
    at most `limit` pages in all. Kinds for which `skip_kind(kind)` is true, downloads and
    signing out are not followed.
    """
    queue: deque[str] = deque([start])
    seen: set[str] = {start}
    kinds: Counter[str] = Counter([kind_of(start)])
    pages: list[CrawledPage] = []
    problems: list[str] = []
    while queue and len(pages) < limit:
        target = queue.popleft()
        response = page.goto(target)
        status = response.status if response else 0
        here = path_of(page.url)
        if here != target:  # a redirect: do not visit where it led a second time
            if here in seen:
                problems.extend(f"{target}: {problem}" for problem in watcher.take())
                continue
            seen.add(here)
        origin = urlsplit(page.url)
        if status >= 400:
            problems.append(f"{target}: HTTP {status}")
        if signed_in and origin.path == "/sign-in":
            problems.append(f"{target}: the signed-in person was sent to sign in again")
        violations = axe_violations(page, js=js)
        if violations:
            problems.append(format_violations(violations, here))
        problems.extend(f"{target}: {problem}" for problem in watcher.take())
        pages.append(CrawledPage(here, kind_of(here), status, page.title()))
        for href, is_download in page.eval_on_selector_all(
            "a[href]", "links => links.map((a) => [a.href, a.hasAttribute('download')])"
        ):
            url, _fragment = urldefrag(href)
            parts = urlsplit(url)
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                continue
            if is_download or parts.path in SKIP_PATHS or parts.path.startswith("/static/"):
                continue
            if DOWNLOAD_PATH.search(parts.path):
                continue
            link = path_of(url)
            kind = kind_of(link)
            if link in seen or kinds[kind] >= per_kind or skip_kind(kind):
                continue
            seen.add(link)
            kinds[kind] += 1
            queue.append(link)
    return CrawlResult(pages, problems)


# --- Layout ---------------------------------------------------------------------------------------

# Text that is cut off by a box that hides what overflows it, and readable things drawn on top of
# each other. Elements hidden on purpose (visually hidden, transparent inputs) are left out.
LAYOUT_PROBLEMS = """() => {
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
    const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
  };
  const shown = (el) => {
    // checkVisibility is false inside a closed <details>, whose content is laid out but not drawn.
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) { return false; }
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || style.opacity === "0") {
      return false;
    }
    if (el.closest(".govuk-visually-hidden, .govuk-skip-link, [hidden]")) { return false; }
    const box = el.getBoundingClientRect();
    return box.width > 2 && box.height > 2;
  };
  const problems = [];
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    const hides = ["hidden", "clip"].includes(style.overflowX);
    if (hides && shown(el) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`cut off: ${describe(el)} needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
    }
  }
  const readable = "h1,h2,h3,h4,p,li,dt,dd,th,td,label,legend,input,select,textarea,button,a," +
    ".govuk-tag,.govuk-hint,.govuk-caption-l,.govuk-caption-m,.govuk-error-message";
  const items = [...document.body.querySelectorAll(readable)].filter(shown);
  // Text is drawn inside an element's padding: a block's padding may sit under its neighbour
  // (GOV.UK's radio hints tuck 5px up into the label's padding) without any text overlapping.
  const contentRects = (el) => {
    const style = getComputedStyle(el);
    const rects = [...el.getClientRects()];
    if (style.display.startsWith("inline") && style.display !== "inline-block") { return rects; }
    const px = (name) => parseFloat(style[name]) || 0;
    return rects.map((r) => ({
      left: r.left + px("paddingLeft"), right: r.right - px("paddingRight"),
      top: r.top + px("paddingTop"), bottom: r.bottom - px("paddingBottom"),
      width: r.width - px("paddingLeft") - px("paddingRight"),
      height: r.height - px("paddingTop") - px("paddingBottom"),
    }));
  };
  const rects = items.map((el) => contentRects(el).filter((r) => r.width > 2 && r.height > 2));
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (items[i].contains(items[j]) || items[j].contains(items[i])) { continue; }
      const overlap = rects[i].some((a) => rects[j].some((b) =>
        Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 &&
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2));
      if (overlap) { problems.push(`overlap: ${describe(items[i])} and ${describe(items[j])}`); }
    }
  }
  return problems;
}"""


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def too_wide(page: Page) -> list[str]:
    """The outermost elements that stick out past the right edge of the window, to say which
    part of a page makes it scroll sideways."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const beyond = (el) => el && el.getBoundingClientRect().right > width + 1;
          return [...document.body.querySelectorAll("*")]
            .filter((el) => beyond(el) && !beyond(el.parentElement))
            .slice(0, 5)
            .map((el) => {
              const classes = [...el.classList].map((name) => "." + name).join("");
              const text = (el.innerText || "").trim().replace(/\\s+/g, " ").slice(0, 50);
              const right = Math.round(el.getBoundingClientRect().right);
              return `${el.tagName.toLowerCase()}${classes} "${text}" reaches ${right}px`;
            });
        }"""
    )


def layout_problems(page: Page) -> list[str]:
    """Text that is cut off or overlaps other text, as described in LAYOUT_PROBLEMS."""
    return page.evaluate(LAYOUT_PROBLEMS)


CASE_PAGE = re.compile(r"^/cases/[^/?#]+$")


def first_case_path(page: Page) -> str | None:
    """The first link to a case page in the main content of the current page, as a path."""
    for href in page.eval_on_selector_all(
        "main a[href]", "links => links.map((a) => a.getAttribute('href'))"
    ):
        if CASE_PAGE.match(href):
            return href
    return None


def storage_contents(page: Page) -> str:
    """Everything the page's origin keeps in localStorage and sessionStorage, as JSON text."""
    return json.dumps(
        page.evaluate(
            """() => ({local: Object.entries(localStorage),
                        session: Object.entries(sessionStorage)})"""
        )
    )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for a person to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
