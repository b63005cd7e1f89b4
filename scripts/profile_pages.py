"""Profile the CPU each key page costs per request, in this process (issue 16).

    .venv/bin/python scripts/profile_pages.py              # the demo on SQLite, 200 requests a page
    .venv/bin/python scripts/profile_pages.py --requests 500 --only case
    .venv/bin/python scripts/profile_pages.py --cases 1000 --database postgresql
    .venv/bin/python scripts/profile_pages.py --html /tmp/profiles   # pyinstrument HTML, one a page
    .venv/bin/python scripts/profile_pages.py --text          # pyinstrument's call tree, printed
    .venv/bin/python scripts/profile_pages.py --statements    # each page's SQL and rows fetched
    .venv/bin/python scripts/profile_pages.py --packages      # cProfile: time by package
    .venv/bin/python scripts/profile_pages.py --calls         # Python calls a request (steady)

What it does:

1. Makes a throwaway database (SQLite in a temporary folder, or a new PostgreSQL database on the
   server of BENCH_POSTGRES_URL, dropped afterwards), migrates it and loads the demo
   (`flask db upgrade`, `flask demo`, and `flask bench-data N` when --cases is given).
2. Builds the portal with production settings (as `scripts/bench.py` serves it) and signs in,
   through the test client, as the parent, the young person, the SENCO and the case officer.
3. For each page: a few requests to warm up, then N requests timed with `time.process_time()`
   (CPU used by this process: the portal's Python, and SQLite's own work, but not PostgreSQL's
   server); one more request counts its SQL statements and rows (`portal.sqlstats`).
4. Prints CPU ms per request (median of the rounds, and the best round) and queries and rows
   per request; with --html or --text, profiles the N requests again with pyinstrument.

CPU time, not wall-clock time, because the machine is shared: other work on it slows the wall
clock but barely changes the CPU a request needs. Compare before and after in the same run
window all the same (`--tree` is not offered: check out each commit and run this in turn).
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PASSWORD = "profile-portal-password"


@dataclass
class Page:
    name: str
    who: str  # demo account email
    path: str
    htmx: bool = False


def _flask(env: dict, *args: str, quiet: bool = False) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if quiet else None,
    )


def _postgres_database() -> tuple[str, object]:
    import sqlalchemy as sa

    server = sa.make_url(
        os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    ).set(drivername="postgresql+psycopg")
    name = f"ehc_profile_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def _pages(app) -> tuple[list[Page], dict[str, str]]:
    """The pages to profile (the demo's ids filled in), and a session cookie for each person."""
    from sqlalchemy import select

    from portal.accounts import second_factor
    from portal.accounts.models import User
    from portal.cases.models import Case, CaseGrant
    from portal.documents.models import Document, DocumentVersion
    from portal.extensions import db

    with app.app_context():

        def user(email: str) -> User:
            found = db.session.scalar(select(User).where(User.email == email))
            assert found is not None, email
            return found

        def first_case(person: User) -> Case:
            case = db.session.scalar(
                select(Case)
                .join(CaseGrant, CaseGrant.case_id == Case.id)
                .where(CaseGrant.user_id == person.id, CaseGrant.revoked_at.is_(None))
                .order_by(Case.id)
            )
            assert case is not None, person.email
            return case

        parent, young = user("parent@example.org"), user("young.person@example.org")
        family_case, young_case = first_case(parent), first_case(young)
        officer = family_case.case_officer
        version = db.session.scalar(
            select(DocumentVersion)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(Document.case_id == family_case.id)
            .order_by(DocumentVersion.id)
        )
        pages = [
            Page("family case page", parent.email, f"/cases/{family_case.public_id}"),
            Page("young person's case page", young.email, f"/cases/{young_case.public_id}"),
            Page("SENCO caseload", "senco@example.org", "/home"),
            Page("officer caseload", officer.email, "/home"),
            Page("officer caseload (htmx)", officer.email, "/home?stage=assessment", htmx=True),
            Page("officer case page", officer.email, f"/cases/{family_case.public_id}"),
            # What every signed-in page costs before its own work: a content page from files.
            Page("help page (signed in)", parent.email, "/help"),
        ]
        if version is not None:
            pages.append(
                Page(
                    "document download",
                    parent.email,
                    f"/document-versions/{version.public_id}/download",
                )
            )
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = {}
        for email in {page.who for page in pages}:
            with app.test_request_context():
                token = second_factor.start_session_as_if_given(user(email))
                db.session.commit()
            cookies[email] = serializer.dumps({"_user_id": token, "_fresh": True})
    return pages, cookies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cases", type=int, help="grow the demo to this many cases first")
    parser.add_argument("--requests", type=int, default=200, help="timed requests a page")
    parser.add_argument("--rounds", type=int, default=10, help="the requests are split in rounds")
    parser.add_argument("--only", help="only pages whose name contains this")
    parser.add_argument("--html", type=Path, help="write a pyinstrument HTML profile a page here")
    parser.add_argument("--text", action="store_true", help="print pyinstrument's call tree")
    parser.add_argument(
        "--packages", action="store_true", help="cProfile: time in each package, top functions"
    )
    parser.add_argument(
        "--statements", action="store_true", help="print each page's SQL statements and rows"
    )
    parser.add_argument(
        "--calls",
        action="store_true",
        help="also count the Python function calls a request makes (cProfile): unlike time, the "
        "count hardly moves with other work on the machine, so it shows small changes",
    )
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="profile-pages-"))
    drop = None
    if options.database == "postgresql":
        url, drop = _postgres_database()
    else:
        url = f"sqlite:///{folder / 'portal.db'}"
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_URL": "https://localhost",
        "TRUSTED_HOSTS": "localhost",
        "ALLOW_EMAIL_TO_LOG": "true",
        "ALLOW_UNSCANNED_UPLOADS": "true",
        "ALLOW_MEMORY_RATE_LIMITS": "true",
        "DATABASE_URL": url,
        "UPLOAD_DIR": str(folder / "uploads"),
    }
    try:
        started = time.monotonic()
        setup = {**env, "PORTAL_ENV": "development"}
        _flask(setup, "db", "upgrade", quiet=True)
        _flask(setup, "demo", "--password", PASSWORD)
        if options.cases:
            _flask(setup, "bench-data", str(options.cases))
        print(f"database ready in {time.monotonic() - started:.0f} s ({options.database})")
        run(env, options)
    finally:
        if drop is not None:
            drop()


def _by_package(get, count: int) -> None:
    """Where the time goes by package (cProfile's own time of each function, summed), then the
    functions that take most. cProfile slows calls down, so compare shares, not totals."""
    import cProfile
    import pstats
    from collections import Counter

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        get()
    profile.disable()
    totals: Counter = Counter()
    stats = pstats.Stats(profile)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        totals[_package(filename)] += tottime
    for key, seconds in totals.most_common(15):
        print(f"    {key:<40}{seconds / count * 1000:>8.2f} ms")
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(r"/(portal|templates)/", 40)


def _calls_per_request(get, count: int) -> float:
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        get()
    profile.disable()
    return pstats.Stats(profile).total_calls / count


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if "/portal/" in filename:
        return "portal"
    if "/templates/" in filename:
        return "templates"
    return "python" if "/lib/python3" in filename else filename[:40]


def run(env: dict, options: argparse.Namespace) -> None:
    os.environ.update(env)
    import logging

    from portal import create_app, sqlstats
    from portal.extensions import db

    logging.getLogger("portal").setLevel(logging.WARNING)
    app = create_app()
    pages, cookies = _pages(app)
    with app.app_context():
        engine = db.engine
    chosen = [p for p in pages if not options.only or options.only in p.name]
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    rounds = max(1, options.rounds)
    each = max(1, options.requests // rounds)
    print(
        f"\n{each * rounds} requests a page in {rounds} rounds; CPU ms per request "
        "(median of rounds, best round)\n"
    )
    print(
        f"{'page':<28}{'CPU ms':>8}{'best':>8}{'wall ms':>9}{'queries':>9}{'rows':>7}{'bytes':>8}"
    )
    if options.html:
        options.html.mkdir(parents=True, exist_ok=True)
    for page in chosen:
        client = app.test_client()
        client.set_cookie(cookie_name, cookies[page.who], domain="localhost")
        headers = {"HX-Request": "true"} if page.htmx else {}

        def get(page=page, client=client, headers=headers):
            response = client.get(page.path, headers=headers, base_url="https://localhost")
            body = response.get_data()
            assert response.status_code == 200, (page.path, response.status_code)
            return body

        for _ in range(5):
            get()
        with sqlstats.counting(engine) as stats:
            size = len(get())
        cpu_rounds, wall = [], 0.0
        gc.collect()
        for _ in range(rounds):
            wall_started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(each):
                get()
            cpu_rounds.append((time.process_time() - cpu_started) / each * 1000)
            wall += time.perf_counter() - wall_started
        print(
            f"{page.name:<28}{statistics.median(cpu_rounds):>8.2f}{min(cpu_rounds):>8.2f}"
            f"{wall / (each * rounds) * 1000:>9.2f}{stats.queries:>9}{stats.rows:>7}{size:>8}",
            flush=True,
        )
        if options.calls:
            print(f"    {_calls_per_request(get, min(each * rounds, 100)):,.0f} calls a request")
        if options.statements:
            for statement, rows in zip(stats.statements, stats.rows_by_statement, strict=True):
                print(f"    {rows:>4} rows  {' '.join(statement.split())[:160]}")
        if options.packages:
            _by_package(get, each * rounds)
        if options.html or options.text:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(each * rounds):
                get()
            profiler.stop()
            if options.html:
                name = (
                    page.name.replace(" ", "-").replace("'", "").replace("(", "").replace(")", "")
                )
                (options.html / f"{name}.html").write_text(profiler.output_html())
            if options.text:
                print(profiler.output_text(unicode=True, show_all=False), flush=True)


if __name__ == "__main__":
    main()
