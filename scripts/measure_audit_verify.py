"""How long `flask audit verify` takes over a long audit trail, on PostgreSQL.

    .venv/bin/python scripts/measure_audit_verify.py                 # 1,000,000 entries
    .venv/bin/python scripts/measure_audit_verify.py --entries 100000

Makes a throwaway database on the server of BENCH_POSTGRES_URL (default: the local one), builds
the schema, loads N chained audit entries with COPY (hashed here with the portal's own
`entry_hash`, so they are a valid chain), then runs the verify walk and prints the time and the
peak memory of this process, then times checking --anchors anchors spread along the chain
(`verify --anchor`: a daily anchor for a year is 365). The database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from measuring import make_app, server_database

from portal import audit
from portal.audit import AuditChainHead, Event
from portal.audit_anchor import Anchor, check_anchors
from portal.extensions import db


def _load(entries: int) -> None:
    """COPY `entries` chained rows into `event`, like a busy council's page views."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        previous, start = audit.GENESIS, datetime(2026, 1, 5, 9)
        columns = (
            "occurred_at, action, subject_type, visibility, summary, detail, ip_address, "
            "chain_seq, chain_hash"
        )
        chunk = 100_000
        for first in range(1, entries + 1, chunk):
            buffer = io.StringIO()
            for seq in range(first, min(first + chunk, entries + 1)):
                row = SimpleNamespace(
                    occurred_at=start + timedelta(seconds=seq * 7, microseconds=seq % 999_983),
                    actor_id=None,
                    action="case.viewed",
                    case_id=None,
                    subject_type="Case",
                    subject_id=None,
                    visibility="audit",
                    summary=None,
                    detail={"page": "case"},
                    ip_address="10.0.0.1",
                )
                previous = audit.entry_hash(previous, seq, row)
                buffer.write(
                    f"{row.occurred_at.isoformat(sep=' ')}\t{row.action}\tCase\taudit\t\\N\t"
                    f"{json.dumps(row.detail)}\t{row.ip_address}\t{seq}\t{previous}\n"
                )
            buffer.seek(0)
            with cursor.copy(f"COPY event ({columns}) FROM STDIN") as copy:
                copy.write(buffer.read())
        raw.commit()
    finally:
        raw.close()
    db.session.add(AuditChainHead(id=1, seq=entries, last_hash=previous))
    db.session.commit()


def _check_anchors(entries: int, count: int) -> None:
    """Anchors at `count` places spread along the chain, as the file would hold them, checked."""
    step = max(entries // count, 1)
    places = list(range(step, entries + 1, step))[:count]
    rows = db.session.execute(
        sa.select(Event.chain_seq, Event.id, Event.chain_hash).where(Event.chain_seq.in_(places))
    ).all()
    at = datetime(2026, 12, 4, 2)
    anchors = [
        (f"line {n}", Anchor(row.chain_seq, row.id, row.chain_hash, row.chain_seq, at))
        for n, row in enumerate(rows, start=1)
    ]
    db.session.rollback()
    started = time.perf_counter()
    mismatches = check_anchors(anchors)
    seconds = time.perf_counter() - started
    print(
        f"anchors: {len(anchors):,} checked in {seconds * 1000:.0f} ms, "
        f"{len(mismatches)} no longer match"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--anchors", type=int, default=365)
    args = parser.parse_args()

    with server_database(prefix="ehc_audit_bench") as url:
        app = make_app(url, TESTING=True)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            _load(args.entries)
            loaded = time.perf_counter() - started
            print(f"Loaded {args.entries:,} chained entries in {loaded:.1f} s")
            db.session.execute(sa.text("ANALYZE event"))
            db.session.commit()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            verdict = audit.verify_chain(batch=args.batch)
            seconds = time.perf_counter() - started
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(
                f"verify: {'OK' if verdict.ok else verdict.problem}; {verdict.checked:,} entries "
                f"in {seconds:.1f} s ({verdict.checked / seconds:,.0f} entries/s); "
                f"peak memory {rss_before / 1024:.0f} MB before, {rss_after / 1024:.0f} MB after"
            )
            _check_anchors(args.entries, args.anchors)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
