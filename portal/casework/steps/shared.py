"""What every step shares: the checks (the person may manage the case, the stage allows the
step, the dates are possible), the timeline record, and `step`, which makes each step all or
nothing and hands back what it did with the message for the case officer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, Generic, ParamSpec, TypeVar

from sqlalchemy import select

from portal import access, audit, clock, pathway
from portal.accounts.models import User
from portal.audit import Visibility
from portal.cases.models import (
    Case,
    CaseMilestones,
)
from portal.dates import long_date
from portal.extensions import db
from portal.refusals import NotAllowed, Refused

P = ParamSpec("P")
T = TypeVar("T")


def check_manage(actor: User, case: Case) -> None:
    if not access.can(actor, access.Action.MANAGE, case):
        raise NotAllowed("Only the team's case officer can change this case.")


def check_move(case: Case, target: pathway.Stage) -> None:
    """Refuse a stage move the rules do not allow, with the rules' reason (`IllegalMove` is a
    `Refused`)."""
    pathway.check_move(case.stage, target)


def move_to(case: Case, target: pathway.Stage) -> None:
    """Move the case to ``target`` (already checked with `check_move`)."""
    check_move(case, target)
    case.stage = target.value
    if pathway.is_closed(target):
        case.closed_at = clock.utcnow()


@dataclass(frozen=True)
class Done(Generic[T]):
    """A step that was done: the row it made or changed, and the message for the case officer."""

    subject: T
    message: str


def step(service: Callable[P, Done[T]]) -> Callable[P, Done[T]]:
    """All or nothing: a step that is done is committed with its events; a refused one leaves
    nothing behind in the session (not even a half-made row)."""

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Done[T]:
        try:
            done = service(*args, **kwargs)
        except (Refused, NotAllowed):
            db.session.rollback()
            raise
        db.session.commit()
        return done

    return wrapper


def timeline(
    action: str, *, actor: User, case: Case, subject: object, summary: str, **detail: Any
) -> None:
    """Record a step on the case timeline, for everyone on the case (the family included)."""
    audit.record(
        action,
        actor=actor,
        case=case,
        subject=subject,
        visibility=Visibility.EVERYONE,
        summary=summary,
        **detail,
    )


def require_stage(case: Case, doing: str, *stages: pathway.Stage) -> None:
    """Refuse an action that only makes sense at certain stages."""
    if pathway.Stage(case.stage) not in stages:
        names = " or ".join(f"'{pathway.stage_label(s)}'" for s in stages)
        raise Refused(
            f"You can only {doing} while the case is at {names}. "
            f"This case is at '{pathway.stage_label(case.stage)}'."
        )


def check_date(
    value: date | None,
    *,
    what: str,
    field: str,
    after: tuple[tuple[date | None, str], ...] = (),
    future_allowed: bool = False,
) -> date:
    """Refuse a missing date, a date in the future (unless allowed), or one before an earlier
    milestone. ``what`` names the date ("the date the draft was sent"); each ``after`` pair is
    (earlier date, what it was: "the day the request was received")."""
    if value is None:
        raise Refused(f"Enter {what}", field)
    what_capital = what[0].upper() + what[1:]
    if not future_allowed and value > clock.today():
        raise Refused(f"{what_capital} must be today or in the past", field)
    for earlier, earlier_what in after:
        if earlier is not None and value < earlier:
            raise Refused(
                f"{what_capital} must be on or after {earlier_what}, {long_date(earlier)}",
                field,
            )
    return value


def milestones_of(case: Case) -> CaseMilestones:
    """The case's milestone row, made on first use."""
    row = db.session.scalar(select(CaseMilestones).where(CaseMilestones.case_id == case.id))
    if row is None:
        row = CaseMilestones(case=case)
        db.session.add(row)
    return row


def appeal_sentence(letter_on: date, who: str = "You") -> str:
    """The family's right to mediation and appeal after a "no", with its last day: "You can ask
    ..." on the family's timeline, "The family can ask ..." in the case officer's message."""
    last_day = pathway.appeal_deadline(letter_on)
    return f"{who} can ask for mediation or appeal until {long_date(last_day)}."


def request_received(case: Case) -> tuple[date, str]:
    return case.request_received_on, "the day the request was received"
