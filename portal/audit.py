"""The event record, and the one way to write to the audit trail and case timeline.

`Event` is both the case timeline and the audit trail; `Visibility` says who may see an event (or
an update, or a document) on a case. Services call `record(...)` inside their own transaction, so
the event is committed with the change it describes, or not at all.

This module is shared ground: every package writes events, so it imports none of them (the
foreign keys name tables by string).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    bindparam,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db

if TYPE_CHECKING:
    from portal.accounts.models import User


class Visibility(StrEnum):
    """Who may see an event or update on the case timeline."""

    EVERYONE = "everyone"  # everyone on the case, the family included
    PROFESSIONALS = "professionals"  # schools, professionals and the council
    COUNCIL = "council"  # council staff only
    AUDIT = "audit"  # the audit trail only, never on a timeline


#: The condition that keeps audit rows off a timeline, written with a literal (not a bound
#: parameter) so both databases can prove a query's condition matches the partial index below.
NOT_AUDIT_SQL = "visibility <> 'audit'"
AUDIT_SQL = "visibility = 'audit'"


class Event(db.Model):
    """Something that happened: the case timeline and the audit trail in one record.

    Audit rows (every view of a case, every download) far outnumber timeline rows on a busy
    case, so the timeline has a partial index of its own that holds no audit rows: a case
    viewed 50,000 times opens as fast as one never viewed.
    """

    __table_args__ = (
        Index(
            "ix_event_case_timeline",
            "case_id",
            "occurred_at",
            "id",
            postgresql_where=text(NOT_AUDIT_SQL),
            sqlite_where=text(NOT_AUDIT_SQL),
        ),
        # "Who has looked at this case": the case's audit rows, newest first, a page at a time.
        Index(
            "ix_event_case_audit",
            "case_id",
            "id",
            postgresql_where=text(AUDIT_SQL),
            sqlite_where=text(AUDIT_SQL),
        ),
        # Everything about a case (search, subject access, redaction). With the visibility in
        # it, a timeline read through it still skips the view records inside the index, should
        # the planner pass over the timeline's own (its statistics lag behind a busy case).
        Index("ix_event_case_id", "case_id", "visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    visibility: Mapped[Visibility] = mapped_column(String(20), default=Visibility.AUDIT)
    summary: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    #: The entry's place in the hash chain (1, 2, 3...) and the SHA-256 of its content chained
    #: to the previous entry's hash: empty until the entry is sealed (see `seal_unchained`).
    chain_seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    #: Set when what the entry said was removed under the retention rule: the chained entry that
    #: vouches for the removal (see `redact_events`).
    redacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"))

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])


class AuditChainHead(db.Model):
    """One row: the last entry's place in the chain and its hash.

    Sealers lock this row to append, so two of them can never both take the same place; it also
    shows when entries at the end of the chain have been deleted.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


def on_timeline() -> ColumnElement[bool]:
    """The condition "not an audit row", as the timeline index is defined (see `Event`)."""
    return Event.visibility != literal_column("'audit'")


_OBSERVERS = "portal.audit_observers"
#: Told of each event as it is recorded: `observer(event, case)`, in the same transaction.
Observer = Callable[[Event, Any], None]


def install_observers(app: Flask, observers: Iterable[Observer]) -> None:
    """Give the app the functions told of every event (`portal.wiring.EVENT_OBSERVERS`: the
    notifications that turn some events into notices), so packages that record events need not
    know who listens."""
    app.extensions[_OBSERVERS] = tuple(observers)


def record(
    action: str,
    *,
    actor: Any = None,
    case: Any = None,
    subject: Any = None,
    visibility: Visibility = Visibility.AUDIT,
    summary: str | None = None,
    **detail: Any,
) -> Event:
    """Add an event (who, what, when, to which object) to the current transaction.

    `case` is the case it happened on (any object with an `id`), or None for events outside a case.
    """
    event = Event(**_columns(action, actor, case, subject, visibility, summary, detail))
    db.session.add(event)
    for observer in current_app.extensions.get(_OBSERVERS, ()):
        observer(event, case)
    return event


#: Built once (see `portal/extensions.py`): every case view and download writes it.
_INSERT = Event.__table__.insert()


def record_read(
    action: str, *, actor: Any, case: Any, subject: Any, summary: str | None = None, **detail: Any
) -> None:
    """Add to the current transaction that someone read a child's records (a case viewed, a
    file downloaded): an audit-trail entry like `record`'s, written with one plain INSERT.

    Every page view writes one, and the ORM's way (the object tracked, a flush, its new id read
    back) cost more than any other write the page makes. Nothing needs the entry back, and the
    observers are not told: they react to changes, and a read changes nothing (a test checks
    that none of them listens for a read)."""
    values = _columns(action, actor, case, subject, Visibility.AUDIT, summary, detail)
    db.session.execute(_INSERT, {**values, "occurred_at": utcnow()})


def _columns(
    action: str,
    actor: Any,
    case: Any,
    subject: Any,
    visibility: Visibility,
    summary: str | None,
    detail: dict,
) -> dict[str, Any]:
    """An event's columns: who (the signed-in person, if any), what, on which case and object,
    and from which address."""
    actor_id = getattr(actor, "id", None) if actor is not None and actor.is_authenticated else None
    return {
        "action": action,
        "actor_id": actor_id,
        "case_id": case.id if case is not None else None,
        "subject_type": type(subject).__name__ if subject is not None else None,
        "subject_id": getattr(subject, "id", None),
        "visibility": visibility,
        "summary": summary,
        "detail": detail,
        "ip_address": request.remote_addr if has_request_context() else None,
    }


# --- The hash chain ----------------------------------------------------------------------------
#
# Requests only INSERT their events, unsealed (no place in the chain yet): a page view costs one
# statement and never waits for another writer. A sealer (the notifications worker every few
# seconds, `flask audit seal`, `flask audit verify`) gives the unsealed entries their places and
# hashes in batches, in id order, holding the chain's head row locked while it does, so two
# sealers take turns and an entry is sealed once. An entry is changeable (by someone with
# database access) only in the seconds before it is sealed; after that any change, deletion or
# reordering breaks the chain. Verifying treats unsealed entries as waiting, never as tampering.

GENESIS = "0" * 64
_HEAD_ID = 1


def entry_hash(previous: str, seq: int, row: Any) -> str:
    """SHA-256 of an entry's content (everything that says who did what, when, to what) and the
    previous entry's hash. `row` is an `Event` or a row with the same attribute names."""
    occurred = row.occurred_at
    content = [
        seq,
        occurred.strftime("%Y-%m-%dT%H:%M:%S.%f") if occurred is not None else None,
        row.actor_id,
        row.action,
        row.case_id,
        row.subject_type,
        row.subject_id,
        str(row.visibility) if row.visibility is not None else None,
        row.summary,
        row.detail if row.detail is not None else {},
        row.ip_address,
    ]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}|{canonical}".encode()).hexdigest()


def start_chain(session: Any) -> None:
    """Put the chain's head row in a database made without the migration (`db.create_all`), as
    the migration does."""
    session.execute(AuditChainHead.__table__.insert().values(id=_HEAD_ID, seq=0, last_hash=GENESIS))


def lock_head(session: Session) -> tuple[int, str]:
    """Lock the chain's head row until this transaction ends and return the last place and its
    hash. The lock is taken with an UPDATE that changes nothing: on PostgreSQL a row lock (a
    second sealer waits, then reads the head afresh), on SQLite the database's write lock, so
    whatever this transaction reads next is what the previous sealer left."""
    lock = (
        update(AuditChainHead)
        .where(AuditChainHead.id == _HEAD_ID)
        .values(seq=AuditChainHead.seq)
        .returning(AuditChainHead.seq, AuditChainHead.last_hash)
    )
    head = session.execute(lock).one_or_none()
    if head is None:  # a database made without the migration (tests, `db.create_all`)
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(AuditChainHead)
            .values(id=_HEAD_ID, seq=0, last_hash=GENESIS)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        head = session.execute(lock).one()
    return head.seq, head.last_hash


_COLUMNS = (
    Event.id,
    Event.chain_seq,
    Event.chain_hash,
    Event.occurred_at,
    Event.actor_id,
    Event.action,
    Event.case_id,
    Event.subject_type,
    Event.subject_id,
    Event.visibility,
    Event.summary,
    Event.detail,
    Event.ip_address,
    Event.redacted_by_id,
)


def unsealed_count() -> int:
    """How many entries are waiting to be sealed."""
    return db.session.scalar(select(func.count()).where(Event.chain_seq.is_(None))) or 0


class SealConflict(RuntimeError):
    """An entry this sealer was sealing had been sealed by someone else (never expected: the
    head row's lock makes sealers take turns). Nothing of the batch is kept."""


def seal_unchained(batch: int = 5000) -> int:
    """Seal every entry that has no place in the chain yet: in id order, after the current end
    of the chain, `batch` at a time, each batch in a transaction that holds the head row locked.
    Returns how many were sealed. Called by the notifications worker, `flask audit seal` and
    `flask audit verify`; safe to run in several processes at once.

    Not a repair tool: it never touches an entry that is already sealed.
    """
    session = db.session()
    sealed = 0
    while True:
        # A cheap look first, without the lock: an idle worker does not queue other sealers.
        if db.session.scalar(select(Event.id).where(Event.chain_seq.is_(None)).limit(1)) is None:
            db.session.rollback()
            break
        seq, previous = lock_head(session)
        rows = db.session.execute(
            select(*_COLUMNS).where(Event.chain_seq.is_(None)).order_by(Event.id).limit(batch)
        ).all()
        if not rows:  # another sealer took them while this one waited for the lock
            db.session.rollback()
            break
        values = []
        for row in rows:
            seq += 1
            previous = entry_hash(previous, seq, row)
            values.append({"event_id": row.id, "seq": seq, "hash": previous})
        table = Event.__table__
        updated = session.connection().execute(
            table.update()
            .where(table.c.id == bindparam("event_id"), table.c.chain_seq.is_(None))
            .values(chain_seq=bindparam("seq"), chain_hash=bindparam("hash")),
            values,
        )
        if updated.rowcount != len(values):
            db.session.rollback()
            raise SealConflict(f"{len(values) - updated.rowcount} entries were sealed elsewhere")
        db.session.execute(
            update(AuditChainHead)
            .where(AuditChainHead.id == _HEAD_ID)
            .values(seq=seq, last_hash=previous)
        )
        db.session.commit()
        sealed += len(rows)
        if len(rows) < batch:
            break
    return sealed


def chain_head() -> tuple[int, str]:
    """The chain's last place and its hash, as the head row says (without locking it)."""
    head = db.session.get(AuditChainHead, _HEAD_ID)
    return (head.seq, head.last_hash) if head else (0, GENESIS)


def _chained_rows(batch: int, last: int) -> Iterator[Any]:
    """The sealed entries in chain order up to place `last`, `batch` rows at a time (keyset
    paging on the unique `chain_seq`, so memory stays flat however long the trail)."""
    after = 0
    while after < last:
        rows = db.session.execute(
            select(*_COLUMNS)
            .where(Event.chain_seq > after, Event.chain_seq <= last)
            .order_by(Event.chain_seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].chain_seq
        db.session.rollback()  # end the read transaction between batches: no long snapshot


@dataclass(frozen=True)
class Verdict:
    """What `verify_chain` found: how many sealed entries it checked, the first problem if any,
    and how many entries were still waiting to be sealed (not a problem)."""

    checked: int
    problem: str | None = None
    broken_seq: int | None = None
    broken_event_id: int | None = None
    unsealed: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def _redaction_digest() -> Any:
    return hashlib.sha256()


def _add_to_digest(digest: Any, event_id: int, chain_hash: str) -> None:
    digest.update(f"{event_id}:{chain_hash}\n".encode())


def verify_chain(batch: int = 5000) -> Verdict:
    """Walk the sealed audit trail and recompute each entry's hash from its content and the
    previous hash, up to the end of the chain as the head row said when the walk began (entries
    sealed during the walk are left for the next one). The first entry whose place is missing
    (deleted) or whose hash does not match (changed or moved) is reported, as is an end of the
    chain that falls short of the head (entries at the end deleted). Entries not yet sealed are
    counted, not judged.

    An entry whose words were removed under the retention rule cannot be recomputed: it keeps its
    place and hash, and the sealed entry that removed them vouches for exactly which entries
    (their number and a digest of their ids and hashes), so marking any other entry as removed,
    or unmarking one, is found too."""
    head_seq, head_hash = chain_head()
    db.session.rollback()
    previous, expected, checked = GENESIS, 1, 0
    vouched: dict[int, tuple[int, Any]] = {}  # vouching entry id -> (count, digest) seen so far
    for row in _chained_rows(batch, head_seq):
        if row.chain_seq != expected:
            return Verdict(
                checked,
                f"entry {expected} is missing (deleted); the next entry is {row.chain_seq}",
                expected,
                row.id,
            )
        if row.redacted_by_id is not None:
            count, digest = vouched.setdefault(row.redacted_by_id, (0, _redaction_digest()))
            _add_to_digest(digest, row.id, row.chain_hash)
            vouched[row.redacted_by_id] = (count + 1, digest)
        elif entry_hash(previous, row.chain_seq, row) != row.chain_hash:
            return Verdict(
                checked,
                f"entry {row.chain_seq} (event {row.id}) has been changed or moved",
                row.chain_seq,
                row.id,
            )
        elif isinstance(row.detail, dict) and "redacted_digest" in row.detail:
            count, digest = vouched.pop(row.id, (0, _redaction_digest()))
            if (count, digest.hexdigest()) != (
                row.detail.get("redacted_entries"),
                row.detail["redacted_digest"],
            ):
                return Verdict(
                    checked,
                    f"the entries whose words entry {row.chain_seq} removed have been changed",
                    row.chain_seq,
                    row.id,
                )
        previous, expected, checked = row.chain_hash, expected + 1, checked + 1
    if checked != head_seq or previous != head_hash:
        return Verdict(
            checked,
            f"the chain should end at entry {head_seq} but ends at entry {checked}: "
            "entries at the end have been deleted",
            checked + 1,
        )
    if vouched and _vouched_by_sealed_entries(vouched, head_seq):
        stray = min(vouched)
        return Verdict(
            checked, f"entries are marked as removed by event {stray}, which did not remove them"
        )
    unsealed = unsealed_count()
    db.session.rollback()
    return Verdict(checked, unsealed=unsealed)


def _vouched_by_sealed_entries(vouched: dict[int, Any], head_seq: int) -> bool:
    """Whether any entry named as having removed others' words was within the walk (then it
    should have vouched on the way) or is missing; one sealed since, or not yet sealed, will
    vouch on a later walk."""
    pending = db.session.scalar(
        select(func.count()).where(
            Event.id.in_(list(vouched)),
            (Event.chain_seq.is_(None)) | (Event.chain_seq > head_seq),
        )
    )
    return pending != len(vouched)


def redact_case_events(case_id: int, by_entry: Event) -> int:
    """Remove what a case's audit entries said (summary, detail, subject and case), keeping each
    entry's place, hash, time, action and actor, so the chain still verifies. `by_entry`, an
    entry of this transaction not chained yet, records how many were removed and a digest of
    their ids and hashes, and is chained with them: `verify_chain` holds the two together."""
    rows = db.session.execute(
        select(Event.id, Event.chain_hash, Event.chain_seq)
        .where(Event.case_id == case_id, Event.id != by_entry.id)
        .order_by(Event.chain_seq)
    ).all()
    if any(row.chain_seq is None for row in rows):
        raise RuntimeError("Seal the audit trail before removing entries from it")
    digest = _redaction_digest()
    for row in rows:
        _add_to_digest(digest, row.id, row.chain_hash)
    db.session.execute(
        update(Event)
        .where(Event.case_id == case_id, Event.id != by_entry.id)
        .values(
            summary=None,
            detail={},
            case_id=None,
            subject_type=None,
            subject_id=None,
            redacted_by_id=by_entry.id,
        )
        .execution_options(synchronize_session=False)
    )
    by_entry.detail = {
        **(by_entry.detail or {}),
        "redacted_entries": len(rows),
        "redacted_digest": digest.hexdigest(),
    }
    return len(rows)


def rechain_for_demo() -> None:
    """Recompute the whole chain from its content (the demo back-dates the events its stories
    write). Only for demo and benchmark data: on real data this would hide tampering."""
    db.session.execute(update(Event).values(chain_seq=None, chain_hash=None))
    db.session.execute(
        update(AuditChainHead).where(AuditChainHead.id == _HEAD_ID).values(seq=0, last_hash=GENESIS)
    )
    db.session.commit()
    seal_unchained()
