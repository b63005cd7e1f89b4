"""The benchmark: the key pages of the portal under gunicorn, driven by wrk, beside a bare app.

    make bench                                     # 1,000 cases on PostgreSQL
    make bench BENCH_CASES=10000 BENCH_ARGS="--connections 8 32"
    .venv/bin/python scripts/bench.py --database sqlite --cases 1000

What it does, in one run:

1. Makes (or reuses) a database holding the demo grown to N cases (`flask bench-data N`).
   PostgreSQL databases are named `ehc_bench_<N>` on the server of BENCH_POSTGRES_URL (default:
   the local one); SQLite ones live in `instance/bench-<N>.db`. `--fresh` starts again.
2. Signs in as each person the pages need, and counts the SQL statements and rows each page
   fetches (in this process, with `portal.sqlstats`).
3. Serves the portal with gunicorn (2 sync workers unless `--workers`, production settings)
   beside the notifications worker (which seals the audit entries page views write) and, for
   each page, a bare Flask app answering the same bytes under the same gunicorn; drives each
   with wrk on loopback, portal then bare app, page by page.
   Each page is first loaded for `--warmup` seconds (default 2), unmeasured, so that every
   worker has compiled its templates and SQL before the measurement starts.
4. Prints requests/s, p50/p95/p99 and the ratio to the bare app's requests/s (with `--repeat N`,
   the medians of N runs, portal and bare app in turn), and the CPU each request cost (from
   /proc): the portal's processes, the database server's and the bare app's. The CPU a request
   moves less than latency with other work on the machine, and says where the time goes.

On a shared machine absolute numbers move with the other work on it: compare ratios, and
compare before/after only within one run window.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.bench_app import FLOOR_PATH, create_bench_app  # noqa: E402 (needs the path above)

BIN = Path(sys.executable).parent
PASSWORD = "bench-portal-password"
PORTAL_PORT, BARE_PORT = 8111, 8112

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %f %f %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
"""

BARE_APP = """
import base64, json, os
from flask import Flask, Response
pages = json.load(open(os.environ["BENCH_PAGES"]))
body = base64.b64decode(pages["body"])
app = Flask(__name__)

@app.route("/", defaults={"path": ""})
@app.route("/<path:path>")
def page(path):
    return Response(body, content_type=pages["content_type"])
"""


@dataclass
class Page:
    name: str
    who: str  # demo account email, or "" for someone not signed in
    path: str
    htmx: bool = False
    # Not one of the pages: shown for scale (what the lightest pages cost), no target.
    reference: bool = False


@dataclass
class Ids:
    """The demo's public ids the pages need."""

    family_case: str
    young_case: str
    officer: str  # the family case's officer, by email
    version: str | None  # a document version on the family case


def pages(ids: Ids, floor: bool = True) -> list[Page]:
    chosen = [
        Page("officer caseload", "officer@example.org", "/home"),
        Page("officer caseload page 2", "officer@example.org", "/home?page=2"),
        # The search itself is POSTed (its words stay out of addresses); the stage filter is the
        # same results fragment on a GET.
        Page("caseload filter (htmx)", "officer@example.org", "/home?stage=assessment", htmx=True),
        Page("team dashboard", "officer@example.org", "/dashboard"),
        Page("family case page", "parent@example.org", f"/cases/{ids.family_case}"),
        Page("young person's case page", "young.person@example.org", f"/cases/{ids.young_case}"),
        Page("officer case page", ids.officer, f"/cases/{ids.family_case}"),
        Page("SENCO caseload", "senco@example.org", "/home"),
        # For scale, the lightest pages the portal serves: signed in, the person and one content
        # query (no case, no audit entry); not signed in, the content query alone.
        Page("help page (signed in)", "parent@example.org", "/help", reference=True),
        Page("help page (public)", "", "/help", reference=True),
    ]
    if floor:  # what every case page must do, and no more (see scripts/bench_app.py)
        path = FLOOR_PATH.format(case_id=ids.family_case)
        chosen.append(Page("case page floor", "parent@example.org", path, reference=True))
    if ids.version:
        chosen.append(
            Page(
                "document download",
                "parent@example.org",
                f"/document-versions/{ids.version}/download",
            )
        )
    return chosen


def database_url(kind: str, cases: int, fresh: bool) -> str:
    if kind == "sqlite":
        path = ROOT / "instance" / f"bench-{cases}.db"
        path.parent.mkdir(exist_ok=True)
        if fresh and path.exists():
            path.unlink()
        return f"sqlite:///{path}"
    import sqlalchemy as sa

    server = sa.make_url(
        os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    )
    name = f"ehc_bench_{cases}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists and fresh:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = False
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict, cases: int) -> None:
    """Schema, demo, and growth to `cases` cases (each step skipped if already done)."""
    from sqlalchemy import create_engine, text

    flask(env, "db", "upgrade")
    engine = create_engine(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        have = conn.scalar(text('SELECT count(*) FROM "case"'))
    engine.dispose()
    if have == 0:
        flask(env, "demo", "--password", PASSWORD)
    if have < cases:
        started = time.monotonic()
        flask(env, "bench-data", str(cases))
        print(f"bench-data {cases}: {time.monotonic() - started:.0f} s", flush=True)


def sign_in_cookies(env: dict) -> tuple[dict[str, str], Ids, dict]:
    """A session cookie for each demo account the pages use, the demo's ids the pages need, and
    the statements and rows each page fetches."""
    os.environ.update(env)
    from sqlalchemy import select

    from portal import sqlstats
    from portal.accounts import second_factor
    from portal.accounts.models import User
    from portal.cases.models import Case, CaseGrant
    from portal.documents.models import Document, DocumentVersion
    from portal.extensions import db

    app = create_bench_app()
    cookies: dict[str, str] = {}
    with app.app_context():

        def first_case(email: str) -> Case:
            return db.session.scalar(
                select(Case)
                .join(CaseGrant, CaseGrant.case_id == Case.id)
                .join(User, User.id == CaseGrant.user_id)
                .where(User.email == email, CaseGrant.revoked_at.is_(None))
                .order_by(Case.id)
            )

        family = first_case("parent@example.org")
        version = db.session.scalar(
            select(DocumentVersion.public_id)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(Document.case_id == family.id)
            .order_by(DocumentVersion.id)
        )
        ids = Ids(
            family.public_id,
            first_case("young.person@example.org").public_id,
            family.case_officer.email,
            version,
        )
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        for email in {page.who for page in pages(ids) if page.who}:
            user = db.session.scalar(select(User).where(User.email == email))
            with app.test_request_context():
                token = second_factor.start_session_as_if_given(user)
                db.session.commit()
            cookies[email] = serializer.dumps({"_user_id": token, "_fresh": True})
    counts = {}
    name = app.config["SESSION_COOKIE_NAME"]
    for page in pages(ids):
        client = app.test_client()
        if page.who:
            client.set_cookie(name, cookies[page.who], domain="localhost")
        headers = {"HX-Request": "true"} if page.htmx else {}
        client.get(page.path, headers=headers, base_url="https://localhost")
        # Each request in its own application context, as under gunicorn (nothing on `g` is
        # shared between requests, the signed-in person included).
        with app.app_context(), sqlstats.counting() as stats:
            response = client.get(page.path, headers=headers, base_url="https://localhost")
        assert response.status_code == 200, (page.path, response.status_code)
        counts[page.name] = (stats.queries, stats.rows)
    return cookies, ids, counts


def wait_for(port: int) -> None:
    for _ in range(200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def gunicorn(
    app: str, port: int, env: dict, tree: Path = ROOT, workers: int = 2
) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
         "--chdir", str(tree), "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=tree, env={**env, "PYTHONPATH": str(tree)}, start_new_session=True,
    )  # fmt: skip
    wait_for(port)
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def wrk(url: str, headers: dict, connections: int, seconds: int, script: str) -> list[float]:
    args = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "60s"]
    args += ["-s", script]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^BENCH (.*)$", out, re.M)
    assert match, out
    return [float(x) for x in match.group(1).split()]


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, name, CPU seconds used, user and system) of every process, from
    /proc/<pid>/stat. A process that ends while they are read is left out."""
    tick = os.sysconf("SC_CLK_TCK")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()  # from the state on: parent is 2nd, utime and stime 12th and 13th
        cpu = (int(fields[11]) + int(fields[12])) / tick
        found.append((int(entry.name), int(fields[1]), head.split("(", 1)[1], cpu))
    return found


class CpuMeter:
    """CPU time used by some processes and their children (a gunicorn's master and workers; the
    notifications worker, which seals the audit entries page views write) and by the PostgreSQL
    server, over a measured run: per request, unlike latency, it does not depend on how
    requests queue. It counts every PostgreSQL process, so nothing else should use the server
    meanwhile. Linux only (/proc); elsewhere the figures are left out."""

    def __init__(self, roots: list[subprocess.Popen], database: bool) -> None:
        self.roots, self.database = {root.pid for root in roots}, database
        self.available = Path("/proc/self/stat").exists()

    def snapshot(self) -> dict[tuple[str, int], float]:
        """Each process's CPU seconds so far, keyed by ("app" or "database", pid)."""
        if not self.available:
            return {}
        used = {}
        for pid, parent, name, cpu in _processes():
            if pid in self.roots or parent in self.roots:
                used[("app", pid)] = cpu
            elif self.database and name == "postgres":
                used[("database", pid)] = cpu
        return used

    def per_request(
        self, before: dict[tuple[str, int], float], requests: int
    ) -> tuple[float, float] | None:
        """Milliseconds of CPU per request since `before`: the app's, then the database's. A
        process that started since counts from nought."""
        if not self.available or not requests:
            return None
        used = {"app": 0.0, "database": 0.0}
        for key, seconds in self.snapshot().items():
            used[key[0]] += max(0.0, seconds - before.get(key, 0.0))
        return 1000 * used["app"] / requests, 1000 * used["database"] / requests


def _cpu_columns(
    cpu: list[tuple[float, float] | None], bare_cpu: list[tuple[float, float] | None]
) -> str:
    """The CPU columns: medians of the runs' milliseconds a request, blank without /proc."""
    if any(run is None for run in (*cpu, *bare_cpu)):
        return ""
    app = statistics.median(run[0] for run in cpu if run)
    database = statistics.median(run[1] for run in cpu if run)
    bare = statistics.median(run[0] for run in bare_cpu if run)
    return f"{app:>9.2f}{database:>8.2f}{bare:>10.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--connections", type=int, nargs="+", default=[8])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="seconds of load on each page, not measured, before it is measured (0: none)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn sync workers for the portal and the bare app alike (the issue measured "
        "with 2; the README's production example runs 4)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure each page (and its bare app) this many times, in turn, and print the "
        "medians: on a shared machine one run can be 20%% off the next",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark database")
    parser.add_argument("--only", help="only pages whose name contains this")
    parser.add_argument("--prepare-only", action="store_true", help="make the database and stop")
    parser.add_argument(
        "--tree",
        type=Path,
        help="serve the portal from another checkout (e.g. `git archive` of an older commit) "
        "beside this one, to compare before and after in the same run",
    )
    options = parser.parse_args()

    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_URL": "https://localhost",
        "TRUSTED_HOSTS": "localhost,127.0.0.1",
        # Production refuses to start without these services unless told; no page measured
        # here sends mail, scans a file or is rate limited.
        "ALLOW_EMAIL_TO_LOG": "true",
        "ALLOW_UNSCANNED_UPLOADS": "true",
        "ALLOW_MEMORY_RATE_LIMITS": "true",
        "DATABASE_URL": database_url(options.database, options.cases, options.fresh),
        # Kept beside the database it belongs to: the demo's documents are stored when it is made.
        "UPLOAD_DIR": str(ROOT / "instance" / f"bench-uploads-{options.database}-{options.cases}"),
    }
    if options.fresh:
        shutil.rmtree(env["UPLOAD_DIR"], ignore_errors=True)
    prepare({**env, "PORTAL_ENV": "development"}, options.cases)
    if options.prepare_only:
        return
    cookies, ids, counts = sign_in_cookies(env)
    cookie_name = "__Host-portal"
    script = Path(tempfile.mkdtemp()) / "report.lua"
    script.write_text(WRK_SCRIPT)
    tree = (options.tree or ROOT).resolve()
    # An older checkout served with `--tree` may not have the floor page: it is then left out.
    floor = (tree / "scripts" / "bench_app.py").exists()
    chosen = [p for p in pages(ids, floor) if not options.only or options.only in p.name]
    served = "scripts.bench_app:create_bench_app()" if floor else "app:app"
    portal = gunicorn(served, PORTAL_PORT, env, tree, options.workers)
    # The notifications worker runs beside the portal, as in production: it seals the audit
    # entries the page views write.
    worker = subprocess.Popen(
        [str(BIN / "flask"), "--app", "app", "notifications", "worker"],
        cwd=tree, env={**env, "PYTHONPATH": str(tree)}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    print(
        f"\n{options.cases:,} cases on {options.database}, "
        f"gunicorn {options.workers} sync workers, wrk {options.seconds} s per page, "
        f"portal from {tree}"
        + (" (queries and rows: this checkout's code)" if options.tree else "")
        + "\n"
    )
    header = (
        f"{'page':<26}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'bare req/s':>12}{'ratio':>8}{'queries':>9}{'rows':>7}"
        f"{'app CPU':>9}{'db CPU':>8}{'bare CPU':>10}"
    )
    print(header)
    print(
        "(CPU: milliseconds of CPU a request, from /proc: the portal's gunicorn and notifications "
        "worker, the database server, the bare app's gunicorn; * the lightest pages, for scale: "
        "not the issue's)\n"
    )
    portal_meter = CpuMeter([portal, worker], database=options.database == "postgresql")
    try:
        for page in chosen:
            headers = {"Cookie": f"{cookie_name}={cookies[page.who]}"} if page.who else {}
            if page.htmx:
                headers["HX-Request"] = "true"
            url = f"http://127.0.0.1:{PORTAL_PORT}{page.path}"
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
                body, content_type = response.read(), response.headers["Content-Type"]
            pages_file = Path(tempfile.mkdtemp()) / "page.json"
            pages_file.write_text(
                json.dumps({"body": base64.b64encode(body).decode(), "content_type": content_type})
            )
            bare_file = pages_file.parent / "bare.py"
            bare_file.write_text(BARE_APP)
            bare = gunicorn(
                "bare:app",
                BARE_PORT,
                {**env, "BENCH_PAGES": str(pages_file)},
                pages_file.parent,
                options.workers,
            )
            try:
                # Each worker's first requests compile templates and SQL and fill caches: a
                # one-off per worker, not what a page costs, so they are not measured.
                if options.warmup:
                    wrk(url, headers, 2, options.warmup, str(script))
                    wrk(f"http://127.0.0.1:{BARE_PORT}{page.path}", headers, 2,
                        options.warmup, str(script))  # fmt: skip
                for connections in options.connections:
                    # Portal and bare app in turn, `--repeat` times: each figure is the median.
                    runs, bare_runs, cpu, bare_cpu = [], [], [], []
                    bare_meter = CpuMeter([bare], database=False)
                    for _ in range(options.repeat):
                        before = portal_meter.snapshot()
                        runs.append(wrk(url, headers, connections, options.seconds, str(script)))
                        cpu.append(portal_meter.per_request(before, int(runs[-1][5])))
                        before = bare_meter.snapshot()
                        bare_runs.append(wrk(
                            f"http://127.0.0.1:{BARE_PORT}{page.path}", headers, connections,
                            options.seconds, str(script),
                        ))  # fmt: skip
                        bare_cpu.append(bare_meter.per_request(before, int(bare_runs[-1][5])))
                    rps, p50, p95, p99 = (
                        statistics.median(run[i] for run in runs) for i in range(4)
                    )
                    errors = sum(run[4] for run in runs)
                    bare_rps = statistics.median(run[0] for run in bare_runs)
                    queries, rows = counts[page.name]
                    label = page.name + ("*" if page.reference else "")
                    print(
                        f"{label:<26}{connections:>6}{rps:>9.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
                        f"{bare_rps:>12.0f}{rps / bare_rps:>8.1%}{queries:>9}{rows:>7}"
                        f"{_cpu_columns(cpu, bare_cpu)}"
                        + (f"  ({int(errors)} error responses)" if errors else ""),
                        flush=True,
                    )
            finally:
                stop(bare)
    finally:
        stop(portal)
        stop(worker)


if __name__ == "__main__":
    main()
