"""The event record, and the one way to write to the audit trail and case timeline.

`Event` is both the case timeline and the audit trail; `Visibility` says who may see an event (or
an update, or a document) on a case. Services call `record(...)` inside their own transaction, so
the event is committed with the change it describes, or not at all.

This module is shared ground: every package writes events, so it imports none of them (the
foreign keys name tables by string).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, String, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    visibility: Mapped[Visibility] = mapped_column(String(20), default=Visibility.AUDIT)
    summary: Mapped[str | None] = mapped_column(String(500))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship(lazy="joined")


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
    actor_id = getattr(actor, "id", None) if actor is not None and actor.is_authenticated else None
    event = Event(
        action=action,
        actor_id=actor_id,
        case_id=case.id if case is not None else None,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        visibility=visibility,
        summary=summary,
        detail=detail,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    for observer in current_app.extensions.get(_OBSERVERS, ()):
        observer(event, case)
    return event
