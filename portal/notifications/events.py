"""Which recorded events tell people something, and whom.

Every change on a case is recorded as an event (`portal.audit.record`) in the transaction that
makes it, with the visibility the timeline uses. This module is told of each event as it is
recorded and turns the ones people need to hear about into notices, in the same transaction: so
the packages that make changes (cases, documents, casework) need not know notifications exist,
and a notice can never say more than the timeline shows the same person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from portal import access, pathway
from portal.accounts.models import Role, User
from portal.audit import Event
from portal.cases.models import AdviceRequest, Case
from portal.notifications.kinds import Kind
from portal.notifications.services import notify


def _day(event: Event, key: str) -> date | None:
    value = (event.detail or {}).get(key)
    return date.fromisoformat(value) if value else None


def _everyone(kind: Kind, due: Callable[[Event], date | None] | None = None):
    """Tell everyone who may see the event (its own visibility), except whoever did it."""

    def handle(event: Event, case: Case) -> None:
        notify(
            kind,
            case,
            visibility=event.visibility,
            actor_id=event.actor_id,
            due_on=due(event) if due else None,
        )

    return handle


def _document_added(event: Event, case: Case) -> None:
    notify(
        Kind.DOCUMENT_ADDED,
        case,
        visibility=event.visibility,
        action=access.Action.VIEW_DOCUMENTS,
        actor_id=event.actor_id,
    )


def _advice_requested(event: Event, case: Case) -> None:
    """The person asked, if they are on the case (a named service outside the portal is not)."""
    sent_on = _day(event, "sent_on")
    notify(
        Kind.ADVICE_REQUESTED,
        case,
        actor_id=event.actor_id,
        only=select(AdviceRequest.adviser_id).where(AdviceRequest.id == event.subject_id),
        due_on=pathway.advice_due(sent_on) if sent_on else None,
    )


def _person_added(event: Event, case: Case) -> None:
    """A school or professional given access is asked to sign the pledge."""
    notify(
        Kind.PLEDGE_TO_SIGN,
        case,
        actor_id=event.actor_id,
        only=select(User.id).where(
            User.id == (event.detail or {}).get("user"),
            User.role.in_([Role.SCHOOL.value, Role.PROFESSIONAL.value]),
        ),
    )


def _review_meeting(event: Event) -> date | None:
    return _day(event, "meeting_on")


def _comments_due(event: Event) -> date | None:
    sent_on = _day(event, "sent_on")
    return pathway.draft_comments_due(sent_on) if sent_on else None


HANDLERS: dict[str, Callable[[Event, Case], None]] = {
    "document.added": _document_added,
    "update.posted": _everyone(Kind.UPDATE_POSTED),
    "case.person_added": _person_added,
    "advice.requested": _advice_requested,
    "case.assessment_decided": _everyone(Kind.DECISION_MADE),
    "case.assessment_finished": _everyone(Kind.STAGE_CHANGED),
    "case.not_issuing": _everyone(Kind.DECISION_MADE),
    "case.draft_sent": _everyone(Kind.DRAFT_SENT, _comments_due),
    "case.final_issued": _everyone(Kind.PLAN_ISSUED),
    "review.scheduled": _everyone(Kind.REVIEW_ARRANGED, _review_meeting),
    "review.decided": _everyone(Kind.DECISION_MADE),
    "review.amended_plan_issued": _everyone(Kind.PLAN_ISSUED),
    "case.ceased": _everyone(Kind.DECISION_MADE),
}


def on_event(event: Event, case: Case | None) -> None:
    """Called by `audit.record` for every event: notices for the ones people need to hear of."""
    handler = HANDLERS.get(event.action)
    if handler is not None and case is not None:
        handler(event, case)
