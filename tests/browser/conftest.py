"""Real-browser test fixtures: the portal served by gunicorn on a fresh SQLite database with demo
data, Debian's Chromium driven by Playwright, and a clean browser context for every test.

Without Chromium the browser tests are skipped and the run ends with a loud message (see
reporting.py); with PORTAL_REQUIRE_BROWSER=1 (CI) a missing browser fails them instead.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT
from tests.browser.reporting import CHROMIUM_PATH, MISSING_BROWSER
from tests.browser.support import (
    AXE_SOURCE_PATH,
    DEMO_PASSWORD,
    PageWatcher,
    sign_in,
)
from tests.mailsink import SmtpSink

BROWSER_REQUIRED = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
COMPILED_ASSETS = [PROJECT_ROOT / "static" / "build" / "portal.css", AXE_SOURCE_PATH]
SERVER_START_TIMEOUT = 30.0
DEFAULT_TIMEOUT_MS = 10_000

# --- The browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium. Missing: skip loudly, or fail when PORTAL_REQUIRE_BROWSER=1."""
    if not (CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)):
        if BROWSER_REQUIRED:
            pytest.fail(f"{MISSING_BROWSER} (PORTAL_REQUIRE_BROWSER=1 makes this a failure)")
        pytest.skip(MISSING_BROWSER)
    return str(CHROMIUM_PATH)


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """One Chromium for the whole run (launching takes a few seconds)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request) -> bool:
    """Run the test twice: with JavaScript on, and with it switched off."""
    return request.param


# --- The server ----------------------------------------------------------------------------------


def _free_port() -> int:
    """A free port in 8000–8999 (Chromium refuses some lower ones, such as 6000)."""
    for _ in range(100):
        port = 8000 + secrets.randbelow(1000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 8000 and 8999")


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode:
        pytest.fail(
            f"{' '.join(args[:6])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


CREATE_SCHEMA = (
    "from portal import create_app\n"
    "from portal.extensions import db\n"
    "app = create_app()\n"
    "with app.app_context():\n"
    "    db.create_all()\n"
)


def _wait_until_serving(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the portal server stopped while starting:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"the portal server did not answer within {SERVER_START_TIMEOUT:.0f} s")


@dataclass(frozen=True)
class PortalServer:
    base_url: str
    log: Path
    #: Where the portal's emails arrive: a real SMTP server on 127.0.0.1.
    mail: SmtpSink
    env: dict[str, str]

    def send_notice_emails(self) -> None:
        """Run the notifications worker once, as `make run`'s worker would in the background:
        journeys then read the emails it sent from `mail`."""
        _run(
            [sys.executable, "-m", "flask", "--app", "app", "notifications", "worker", "--once"],
            self.env,
        )

    def last_error(self) -> str:
        """The end of the last traceback the server logged, to explain an error response."""
        text = self.log.read_text(errors="replace")
        start = text.rfind("Traceback")
        return text[start:][-3000:] if start >= 0 else ""


@pytest.fixture(scope="session")
def portal_server(tmp_path_factory, chromium_executable) -> Iterator[PortalServer]:
    """The portal, served by gunicorn on 127.0.0.1, on a fresh database with demo data.

    The compiled assets must exist (`make install` builds them).
    """
    yield from _serve_portal(tmp_path_factory, "127.0.0.1")


@pytest.fixture(scope="session")
def localhost_portal_server(tmp_path_factory, chromium_executable) -> Iterator[PortalServer]:
    """Another portal whose configured address is http://localhost:<port>: WebAuthn refuses IP
    addresses as relying party ids, so the passkey tests need a host name."""
    yield from _serve_portal(tmp_path_factory, "localhost")


def _serve_portal(tmp_path_factory, host: str) -> Iterator[PortalServer]:
    missing = [str(path.relative_to(PROJECT_ROOT)) for path in COMPILED_ASSETS if not path.exists()]
    if missing:
        pytest.fail(f"compiled assets are missing ({', '.join(missing)}): run `make install`")
    folder = tmp_path_factory.mktemp("browser-server")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "MAIL_", "PORTAL_", "CLAMD_"))
    }
    port = _free_port()
    base_url = f"http://{host}:{port}"
    mail = SmtpSink()
    mail.start()
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'portal.db'}",
        UPLOAD_DIR=str(folder / "uploads"),
        SECRET_KEY=secrets.token_hex(32),
        PYTHONUNBUFFERED="1",
        # Emails go by SMTP to a server the journeys can read, with links to this server.
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mail.port),
        PORTAL_URL=base_url,
        # The run signs each person in once and keeps their session; a sensitive action would
        # otherwise ask an officer for a fresh code part way through (test_second_factor.py
        # checks that question itself).
        SECOND_FACTOR_FRESH_MINUTES="120",
    )
    # The schema comes from the models (the lead regenerates the migration from them at the end;
    # tests/test_migrations.py checks the migration matches).
    _run([sys.executable, "-c", CREATE_SCHEMA], env)
    _run([sys.executable, "-m", "flask", "--app", "app", "demo", "--password", DEMO_PASSWORD], env)

    log = folder / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--graceful-timeout",
                "2",
                # Undefined template variables fail, as in the unit tests.
                "portal:create_app({'TEMPLATES_STRICT': True})",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(process, f"{base_url}/sign-in", log)
        yield PortalServer(base_url, log, mail, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        mail.stop()


class PageKinds:
    """Names the kind of page a path shows: its Flask endpoint plus the names of its query
    parameters (`cases.home?stage`), so a crawl can visit a few pages of each kind, not all."""

    def __init__(self) -> None:
        from portal import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32})
        self._adapter = app.url_map.bind("localhost")
        self._public = {
            endpoint
            for endpoint, view in app.view_functions.items()
            if getattr(view, "access_rule", None) == "public"
        }

    def __call__(self, path: str) -> str:
        from urllib.parse import parse_qsl, urlsplit

        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RequestRedirect

        parts = urlsplit(path)
        try:
            endpoint, _values = self._adapter.match(parts.path, method="GET")
        except (HTTPException, RequestRedirect):
            endpoint = parts.path
        keys = sorted({key for key, _value in parse_qsl(parts.query)})
        return endpoint + (f"?{'&'.join(keys)}" if keys else "")

    def is_public(self, kind: str) -> bool:
        """Pages anyone may read (declared with `@access.public`)."""
        return kind.split("?")[0] in self._public


@pytest.fixture(scope="session")
def page_kinds() -> PageKinds:
    return PageKinds()


# --- Pages ---------------------------------------------------------------------------------------


class Browsing:
    """Opens pages in fresh browser contexts and checks, after the test, that none of them met a
    console error, a CSP violation, a failed request or an error response."""

    def __init__(self, browser, server: PortalServer, signed_in_states: dict) -> None:
        self.browser = browser
        self.server = server
        self.base_url = server.base_url
        self._states = signed_in_states
        self._contexts: list = []
        self._watchers: list[tuple[object, PageWatcher]] = []

    def page(
        self,
        *,
        js: bool = True,
        user: str | None = None,
        width: int = 1280,
        height: int = 900,
    ):
        """A new page in its own context (no shared cookies), signed in as `user` if given."""
        context = self.browser.new_context(
            base_url=self.base_url,
            java_script_enabled=js,
            viewport={"width": width, "height": height},
            storage_state=self.state_for(user) if user else None,
        )
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(DEFAULT_TIMEOUT_MS)
        watcher = PageWatcher()
        watcher.attach(page)
        self._watchers.append((page, watcher))
        return page

    def watcher(self, page) -> PageWatcher:
        return next(watcher for known, watcher in self._watchers if known is page)

    def state_for(self, email: str) -> dict:
        """Cookies of a session started through the real sign-in form, once per person per
        run (the form is rate limited, and Argon2 is slow on purpose)."""
        if email not in self._states:
            context = self.browser.new_context(base_url=self.base_url)
            try:
                page = context.new_page()
                page.set_default_timeout(DEFAULT_TIMEOUT_MS)
                watcher = PageWatcher()
                watcher.attach(page)
                sign_in(page, email)
                problems = watcher.take()
                assert not problems, "\n".join(problems)
                self._states[email] = context.storage_state()
            finally:
                context.close()
        return self._states[email]

    def close(self) -> list[str]:
        problems = [problem for _page, watcher in self._watchers for problem in watcher.take()]
        for context in self._contexts:
            context.close()
        if any(problem.startswith("HTTP 5") for problem in problems):
            problems.append(f"the server logged:\n{self.server.last_error()}")
        return problems


@pytest.fixture(scope="session")
def signed_in_states() -> dict:
    return {}


@pytest.fixture
def browsing(browser, portal_server, signed_in_states) -> Iterator[Browsing]:
    """Pages for this test; after it, none may have logged an error or a CSP violation."""
    session = Browsing(browser, portal_server, signed_in_states)
    try:
        yield session
    finally:
        problems = session.close()
    assert not problems, "the browser met problems:\n" + "\n".join(problems)
