"""What the audit write every page view makes costs, and how fast the sealer keeps up, on
PostgreSQL.

    .venv/bin/python scripts/measure_audit_write.py            # 2,000 writes
    .venv/bin/python scripts/measure_audit_write.py --threads 8

Makes a throwaway database on the server of BENCH_POSTGRES_URL (default: the local one), then:

1. times N single-event transactions (`audit.record` + commit, as `record_view` does): the
   median and 95th percentile per write and the statements each write runs (requests insert
   their entries unsealed: sealing is not on the request's path);
2. the total writes per second with several writers at once, with no sealer and then with a
   sealer running beside them as the notifications worker does (median of 3 runs each);
3. how many entries a second `audit.seal_unchained` seals (a backlog of --backlog entries
   inserted at once), and that the chain verifies.

The database is dropped. To compare with the earlier seal-at-commit chain, run this script
from a checkout before that change (it printed "chain off" / "chain on").
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import sqlalchemy as sa
from measuring import make_app, server_database
from sqlalchemy import event, func, select

from portal import audit
from portal.audit import Event
from portal.extensions import db


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


def _concurrent(app, threads: int, each: int, sealer: bool) -> float:
    """Writes per second with `threads` workers writing at once (each its own connection), and
    a sealer beside them if `sealer` (sealing whenever there is something to seal, as the
    notifications worker does)."""
    barrier = threading.Barrier(threads + 1)
    writing = threading.Event()
    writing.set()

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            for _ in range(each):
                audit.record("case.viewed", page="case")
                db.session.commit()
            db.session.remove()

    def seal() -> None:
        with app.app_context():
            while writing.is_set():
                if not audit.seal_unchained():
                    time.sleep(0.05)
            db.session.remove()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    sealing = threading.Thread(target=seal) if sealer else None
    for w in workers:
        w.start()
    if sealing:
        sealing.start()
    barrier.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
    rate = threads * each / (time.perf_counter() - started)
    writing.clear()
    if sealing:
        sealing.join()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--backlog", type=int, default=20000, help="entries to seal at once")
    args = parser.parse_args()
    with server_database(prefix="ehc_audit_write") as url:
        app = make_app(url, TESTING=True)
        with app.app_context():
            db.create_all()
            audit.start_chain(db.session)
            db.session.commit()
            times, statements = _writes(args.writes)
            rates: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(3):
                for sealer in (False, True):
                    rates[sealer].append(_concurrent(app, args.threads, 200, sealer))
            for sealer in (False, True):
                beside = "with a sealer" if sealer else "no sealer    "
                print(
                    f"{args.threads} writers at once, {beside}: "
                    f"{statistics.median(rates[sealer]):,.0f} writes/s in all (median of 3)"
                )
            t = sorted(times)
            print(
                f"one writer: median {statistics.median(t) * 1000:.2f} ms, "
                f"p95 {t[int(len(t) * 0.95)] * 1000:.2f} ms, "
                f"{statements / len(t):.1f} statements a write"
            )
            db.session.execute(
                sa.insert(Event),
                [{"action": "case.viewed", "visibility": "audit", "detail": {"page": "case"}}]
                * args.backlog,
            )
            db.session.commit()
            waiting = db.session.scalar(select(func.count()).where(Event.chain_seq.is_(None)))
            started = time.perf_counter()
            sealed = audit.seal_unchained()
            seconds = time.perf_counter() - started
            print(
                f"sealing a backlog: {waiting:,} waiting, {sealed:,} sealed in {seconds:.2f} s, "
                f"{sealed / seconds:,.0f} entries/s"
            )
            verdict = audit.verify_chain()
            print(f"verify: {'OK' if verdict.ok else verdict.problem}, {verdict.checked:,} checked")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
