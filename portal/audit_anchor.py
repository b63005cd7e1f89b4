"""An anchor for the audit trail kept outside the database.

The hash chain (`portal.audit`) shows any change to a sealed entry, unless whoever changed it
also recomputed every later hash and the head row, which anyone able to write the database can
do. An anchor is the chain's head (its last place, that entry's event id and hash, how many
entries, when) kept where that person cannot reach: a line appended to `AUDIT_ANCHOR_FILE`
(write-once storage) and/or an email to `AUDIT_ANCHOR_EMAIL` (the data protection officer).
`check_anchors` then shows that each anchored entry still has the hash it had: a rewritten chain
gives it another hash, a cut-off tail loses it. Entries since the last anchor are protected by
the chain alone until the next one, so the worker anchors once a day.

Removing an entry's words under the retention rule keeps its hash, so anchors still match.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from flask import current_app
from sqlalchemy import exists, select

from portal import audit, clock, mail
from portal.audit import Event
from portal.dates import format_long_date
from portal.extensions import db

ACTION = "audit.anchored"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Anchor:
    """The chain's head at a moment: entry `seq` (event `event_id`) had hash `chain_hash`, and
    the chain held `entries` entries."""

    seq: int
    event_id: int | None
    chain_hash: str
    entries: int
    at: datetime

    def line(self) -> str:
        """One line of JSON, the form kept in the anchor file and sent by email."""
        return json.dumps(
            {
                "at": self.at.strftime(_TIME_FORMAT),
                "seq": self.seq,
                "event": self.event_id,
                "hash": self.chain_hash,
                "entries": self.entries,
            }
        )

    @classmethod
    def parse(cls, line: str) -> Anchor:
        """Read a line written by `line` (ValueError if it is not one)."""
        try:
            data = json.loads(line)
            anchor = cls(
                seq=int(data["seq"]),
                event_id=None if data["event"] is None else int(data["event"]),
                chain_hash=str(data["hash"]),
                entries=int(data["entries"]),
                at=datetime.strptime(data["at"], _TIME_FORMAT),
            )
        except (TypeError, KeyError, ValueError, AttributeError) as error:
            raise ValueError("not an audit anchor") from error
        if anchor.seq < 0 or len(anchor.chain_hash) != 64:
            raise ValueError("not an audit anchor")
        return anchor

    @property
    def when(self) -> str:
        """ "Friday 4 December 2026 at 10:00 UTC"."""
        return f"{format_long_date(self.at.date())} at {self.at:%H:%M} UTC"

    def described(self) -> str:
        return f"the anchor of {self.when} (entry {self.seq:,})"


def is_configured() -> bool:
    config = current_app.config
    return bool(config.get("AUDIT_ANCHOR_FILE") or config.get("AUDIT_ANCHOR_EMAIL"))


def anchor(*, only_if_due: bool = False) -> Anchor | None:
    """Seal what is waiting, then record the chain's head outside the database: a line appended
    to `AUDIT_ANCHOR_FILE` and an email to `AUDIT_ANCHOR_EMAIL`, whichever are set, and an
    `audit.anchored` entry in the trail itself. Returns the anchor (None when nothing is set
    up, or, with `only_if_due`, when today's anchor has been made already).

    The head row stays locked until the anchor is recorded, so several workers make one anchor
    a day between them. If the file or the email fails, nothing is recorded in the trail and
    the error is raised (the worker tries again at its next round)."""
    if not is_configured():
        return None
    midnight = datetime.combine(clock.utcnow().date(), time())
    if only_if_due and _anchored_since(midnight):  # a cheap look first, without the lock
        db.session.rollback()
        return None
    audit.seal_unchained()
    seq, chain_hash = audit.lock_head(db.session())
    now = clock.utcnow()
    if only_if_due and _anchored_since(midnight):  # another worker made it while this one waited
        db.session.rollback()
        return None
    event_id = db.session.scalar(select(Event.id).where(Event.chain_seq == seq)) if seq else None
    made = Anchor(seq=seq, event_id=event_id, chain_hash=chain_hash, entries=seq, at=now)
    config = current_app.config
    path, to = config.get("AUDIT_ANCHOR_FILE"), config.get("AUDIT_ANCHOR_EMAIL")
    try:
        if path:
            _append(path, made.line())
        if to:
            mail.send_email(to, *_email(made))
    except Exception:
        db.session.rollback()
        raise
    audit.record(
        ACTION,
        summary=f"The audit trail's head (entry {seq:,}) was recorded outside the database",
        seq=seq,
        hash=chain_hash,
        file=bool(path),
        emailed=bool(to),
    )
    db.session.commit()
    return made


def _anchored_since(since: datetime) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Event.action == ACTION, Event.occurred_at >= since))
        )
    )


def _append(path: str, line: str) -> None:
    """Append the line and make sure it is on the disk before the anchor counts as made."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


def _email(made: Anchor) -> tuple[str, str]:
    service = current_app.config["SERVICE_NAME"]
    subject = f"{service} audit trail anchor: entry {made.seq:,}, {format_long_date(made.at)}"
    body = (
        f"This is the daily record of where the {service} audit trail had got to. Please keep "
        "this email somewhere the portal's administrators cannot change or delete it.\n\n"
        f"On {made.when} the trail held {made.entries:,} entries. "
        f"The last, entry {made.seq:,}, had the fingerprint (SHA-256 hash)\n\n"
        f"{made.chain_hash}\n\n"
        "If anyone later rewrites the trail in the database, that entry's fingerprint will no "
        "longer match this one. To check, save the line below in a text file (one line per "
        "email) and run `flask audit verify --anchor FILE` on the portal's server:\n\n"
        f"{made.line()}\n"
    )
    return subject, body


@dataclass(frozen=True)
class Mismatch:
    """An anchor the chain no longer agrees with, and what is wrong, in plain words."""

    where: str
    problem: str


def read_anchors(lines: Iterable[str], source: str) -> tuple[list[tuple[str, Anchor]], list[str]]:
    """The anchors in a file's lines (blank lines skipped), each with where it was found, and
    the lines that are not anchors."""
    anchors, unreadable = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number} of {source}"
        try:
            anchors.append((where, Anchor.parse(line)))
        except ValueError:
            unreadable.append(f"{where} is not an audit anchor")
    return anchors, unreadable


def check_anchors(anchors: list[tuple[str, Anchor]], batch: int = 500) -> list[Mismatch]:
    """Every anchor whose entry is no longer in the chain with the same hash and event."""
    found: dict[int, tuple[int, str | None]] = {}
    seqs = sorted({a.seq for _, a in anchors if a.seq > 0})
    for start in range(0, len(seqs), batch):
        for row in db.session.execute(
            select(Event.chain_seq, Event.id, Event.chain_hash).where(
                Event.chain_seq.in_(seqs[start : start + batch])
            )
        ):
            found[row.chain_seq] = (row.id, row.chain_hash)
    head_seq, _ = audit.chain_head()
    db.session.rollback()
    mismatches = []
    for where, anchored in anchors:
        if anchored.seq == 0:
            continue
        label = f"{anchored.described()}, {where}"
        entry = found.get(anchored.seq)
        if entry is None:
            mismatches.append(
                Mismatch(
                    label,
                    f"entry {anchored.seq:,} is no longer in the trail (the chain now ends at "
                    f"entry {head_seq:,}): entries have been deleted",
                )
            )
        elif entry[1] != anchored.chain_hash:
            mismatches.append(
                Mismatch(
                    label,
                    f"entry {anchored.seq:,} no longer has the anchored hash: the trail has "
                    "been rewritten at or before that entry",
                )
            )
        elif anchored.event_id is not None and entry[0] != anchored.event_id:
            mismatches.append(
                Mismatch(
                    label,
                    f"entry {anchored.seq:,} is now event {entry[0]}, not event "
                    f"{anchored.event_id}: the trail has been rewritten",
                )
            )
    return mismatches
