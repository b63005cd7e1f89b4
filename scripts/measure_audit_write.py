"""What the hash chain adds to the audit write every page view makes, on PostgreSQL.

    .venv/bin/python scripts/measure_audit_write.py            # 2,000 writes each way
    .venv/bin/python scripts/measure_audit_write.py --threads 8

Makes a throwaway database on the server of BENCH_POSTGRES_URL (default: the local one), then
times N single-event transactions (`audit.record` + commit, as `record_view` does) with the chain
switched off and on, alternating in rounds so both see the same machine load. Prints the median
and 95th percentile per write and the statements each write runs; then the total writes per
second with several writers at once (the chain makes them take turns). The database is dropped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import uuid

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import audit, create_app
from portal.extensions import db

SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _writes(n: int) -> tuple[list[float], int]:
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine, "before_cursor_execute", count)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        audit.record("case.viewed", page="case")
        db.session.commit()
        times.append(time.perf_counter() - started)
    event.remove(db.engine, "before_cursor_execute", count)
    return times, statements


def _concurrent(app, threads: int, each: int) -> float:
    """Writes per second with `threads` workers writing at once (each its own connection)."""
    barrier = threading.Barrier(threads + 1)

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            for _ in range(each):
                audit.record("case.viewed", page="case")
                db.session.commit()
            db.session.remove()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
    return threads * each / (time.perf_counter() - started)


def _chain(on: bool) -> None:
    if on:
        audit.install_chain()
    elif event.contains(Session, "before_commit", audit._chain_on_commit):
        event.remove(Session, "before_flush", audit._remember_new_events)
        event.remove(Session, "before_commit", audit._chain_on_commit)
        event.remove(Session, "after_transaction_end", audit._forget_unchained)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    server = sa.make_url(SERVER)
    name = f"ehc_audit_write_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "measure-" + "x" * 32, "TESTING": True}
        )
        with app.app_context():
            db.create_all()
            results: dict[bool, list[float]] = {False: [], True: []}
            counts: dict[bool, int] = {False: 0, True: 0}
            rounds = 10
            for _ in range(rounds):
                for on in (False, True):
                    _chain(on)
                    times, statements = _writes(args.writes // rounds)
                    results[on] += times
                    counts[on] += statements
            rates: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(3):
                for on in (False, True):
                    _chain(on)
                    rates[on].append(_concurrent(app, args.threads, 200))
            _chain(True)
            for on in (False, True):
                print(
                    f"chain {'on ' if on else 'off'}: {args.threads} writers at once, "
                    f"{statistics.median(rates[on]):,.0f} writes/s in all (median of 3)"
                )
            for on in (False, True):
                t = sorted(results[on])
                print(
                    f"chain {'on ' if on else 'off'}: median {statistics.median(t) * 1000:.2f} ms, "
                    f"p95 {t[int(len(t) * 0.95)] * 1000:.2f} ms, "
                    f"{counts[on] / len(t):.1f} statements a write"
                )
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
