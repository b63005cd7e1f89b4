"""The audit search for administrators: filter the whole trail by case, person, action and dates,
page through it in SQL, and export what matched as CSV (the export is itself recorded)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from portal import audit
from portal.accounts.models import User
from portal.audit import Event
from portal.cases.models import Case
from portal.extensions import db

PAGE_SIZE = 50
EXPORT_BATCH = 2000


@dataclass(frozen=True)
class AuditFilters:
    """What the administrator searched for (kept in their session, never in the URL: a person's
    email address would otherwise go into server logs and browser history)."""

    case_reference: str = ""
    person: str = ""  # an email address
    action: str = ""  # an action, or the start of one ("document." for every document action)
    from_date: date | None = None
    to_date: date | None = None

    def to_session(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("from_date", "to_date"):
            data[key] = data[key].isoformat() if data[key] else None
        return data

    @classmethod
    def from_session(cls, data: dict[str, Any] | None) -> AuditFilters:
        data = dict(data or {})
        for key in ("from_date", "to_date"):
            data[key] = date.fromisoformat(data[key]) if data.get(key) else None
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def any(self) -> bool:
        return any(asdict(self).values())


@dataclass(frozen=True)
class AuditRow:
    event: Event
    case_reference: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    older_than: int | None
    unknown: str | None = None  # a filter that matched nothing (an unknown case or person)


def _query(filters: AuditFilters) -> tuple[Select, str | None]:
    query = select(Event, Case.reference).outerjoin(Case, Case.id == Event.case_id)
    if filters.case_reference:
        case_id = db.session.scalar(
            select(Case.id).where(func.upper(Case.reference) == filters.case_reference.upper())
        )
        if case_id is None:
            return query.where(Event.id.is_(None)), "No case has that reference"
        query = query.where(Event.case_id == case_id)
    if filters.person:
        user_id = db.session.scalar(
            select(User.id).where(func.lower(User.email) == filters.person.lower())
        )
        if user_id is None:
            return query.where(Event.id.is_(None)), "Nobody on the portal has that email address"
        query = query.where(Event.actor_id == user_id)
    if filters.action:
        query = query.where(Event.action.startswith(filters.action, autoescape=True))
    if filters.from_date:
        query = query.where(Event.occurred_at >= datetime.combine(filters.from_date, time()))
    if filters.to_date:
        end = datetime.combine(filters.to_date + timedelta(days=1), time())
        query = query.where(Event.occurred_at < end)
    return query, None


def search(filters: AuditFilters, before: int | None = None) -> AuditPage:
    """A page of matching entries, newest first (keyset paging on the event id)."""
    query, unknown = _query(filters)
    if before is not None:
        query = query.where(Event.id < before)
    rows = db.session.execute(query.order_by(Event.id.desc()).limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return AuditPage(
        [AuditRow(event, reference) for event, reference in rows],
        rows[-1][0].id if more else None,
        unknown,
    )


CSV_COLUMNS = (
    "event id",
    "chain place",
    "when (UTC)",
    "who",
    "email",
    "role",
    "action",
    "case reference",
    "summary",
    "detail",
    "IP address",
)


def record_export(admin: User, filters: AuditFilters) -> None:
    """Write to the audit trail that this administrator exported the trail, and with what
    filters, before any row leaves the building."""
    audit.record(
        "audit.exported",
        actor=admin,
        summary=f"{admin.name} exported the audit trail as CSV",
        filters=filters.to_session(),
    )
    db.session.commit()


def export_csv(filters: AuditFilters) -> Iterator[str]:
    """The matching entries as CSV, oldest first, read `EXPORT_BATCH` at a time (the response
    streams, so memory stays flat however many rows match)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    query, _unknown = _query(filters)
    after = 0
    while True:
        rows = db.session.execute(
            query.where(Event.id > after).order_by(Event.id).limit(EXPORT_BATCH)
        ).all()
        for event, reference in rows:
            actor = event.actor
            writer.writerow(
                [
                    event.id,
                    event.chain_seq,
                    event.occurred_at.isoformat(sep=" ", timespec="seconds"),
                    actor.name if actor else "",
                    actor.email if actor else "",
                    actor.role if actor else "",
                    event.action,
                    reference or "",
                    _cell(event.summary or ""),
                    _cell(str(event.detail or {})),
                    event.ip_address or "",
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < EXPORT_BATCH:
            return
        after = rows[-1][0].id
        db.session.expunge_all()


def _cell(value: str) -> str:
    """Stop a spreadsheet treating a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
