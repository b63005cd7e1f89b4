"""Measure the demo case page on a 375 px phone: how tall it is, and how far down the things a
reader looks for sit, for a parent, a young person and a school.

    .venv/bin/python scripts/measure_case_pages.py

It makes a throwaway SQLite database with the demo data, serves the portal on 127.0.0.1 in this
process, and reads the page in Chromium (/usr/bin/chromium) at 375 × 667 with JavaScript on.
Positions are the top of each item in CSS pixels from the top of the page; "screens" divides by
667. Nothing is written outside a temporary folder.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from pathlib import Path

from measuring import free_port

WIDTH, HEIGHT = 375, 667
PASSWORD = "measure-case-pages-password"  # for a throwaway demo database
#: Each reader and the demo child whose case they open (the demo young person is Jordan).
READERS = {
    "parent": ("parent@example.org", "Alfie"),
    "young person": ("young.person@example.org", "Jordan"),
    "school": ("senco@example.org", "Alfie"),
}
#: What the reader looks for: a label and the CSS selector (the first match is measured).
LANDMARKS = {
    "What happens next": "h3:text-is('What happens next')",
    "Who to contact": "h3:text-matches('Who to contact|Who you can talk to')",
    "If you disagree": "h2:text-matches('If you disagree|If you do not agree')",
    "Post an update": "form[action$='/updates/new'], a[href$='/updates/new']",
    "Who can see this case": "#who-can-see",
}
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


def _serve(folder: Path) -> tuple[str, dict[str, str]]:
    """Make the demo database and serve the portal in a thread: (base URL, case path of each
    demo child)."""
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'portal.db'}",
        UPLOAD_DIR=str(folder / "uploads"),
        SECRET_KEY=secrets.token_hex(32),
    )
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.cases.models import Case, Child
    from portal.demo import load_demo_data
    from portal.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        load_demo_data(PASSWORD)
        rows = db.session.execute(
            select(Child.first_name, Case.public_id).join(Case, Case.child_id == Child.id)
        ).all()
        case_paths = {first_name: f"/cases/{public_id}" for first_name, public_id in rows}
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", case_paths


def _measure(browser, base_url: str, case_path: str, email: str) -> dict:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, base_url=base_url)
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    response = page.goto(case_path)
    if response is None or response.status != 200:
        status = response.status if response else "none"
        context.close()
        return {"status": status}
    result = {"height": page.evaluate("document.documentElement.scrollHeight")}
    for label, selector in LANDMARKS.items():
        found = page.locator(selector).first
        if found.count():
            result[label] = round(
                page.evaluate(
                    "(e) => e.getBoundingClientRect().top + scrollY", found.element_handle()
                )
            )
    context.close()
    return result


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        base_url, case_paths = _serve(Path(folder))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            print(f"The case page at {WIDTH} × {HEIGHT} px (top of each item, px)")
            for reader, (email, child) in READERS.items():
                measured = _measure(browser, base_url, case_paths[child], email)
                if "height" not in measured:
                    print(f"- {reader}: the case page answered {measured['status']}")
                    continue
                height = measured.pop("height")
                found = ", ".join(f"{label} {top}" for label, top in measured.items())
                print(f"- {reader} ({child}): {height} px ({height / HEIGHT:.1f} screens); {found}")
            browser.close()


if __name__ == "__main__":
    main()
