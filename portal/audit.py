"""The one way to write to the audit trail and case timeline.

Services call `record(...)` inside their own transaction, so the event is committed with the change
it describes, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import has_request_context, request

from portal.cases.models import Case, Event, Visibility
from portal.extensions import db

#: Called with each event as it is recorded (notifications turn some into notices, in the same
#: transaction). Set up by `create_app`; one list, so the packages that record events need not
#: know who listens.
Observer = Callable[[Event, "Case | None"], None]
_observers: list[Observer] = []


def observe(observer: Observer) -> None:
    """Call `observer(event, case)` for every event recorded from now on (once per observer)."""
    if observer not in _observers:
        _observers.append(observer)


def record(
    action: str,
    *,
    actor: Any = None,
    case: Case | None = None,
    subject: Any = None,
    visibility: Visibility = Visibility.AUDIT,
    summary: str | None = None,
    **detail: Any,
) -> Event:
    """Add an event (who, what, when, to which object) to the current transaction."""
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
    for observer in _observers:
        observer(event, case)
    return event
