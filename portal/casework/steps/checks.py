"""The checks every step shares: the person may manage the case, the stage allows the step, the
dates are possible; and the rule that a refused step leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy import select

from portal import access, clock, pathway
from portal.accounts.models import User
from portal.cases.models import (
    Case,
    CaseMilestones,
)
from portal.dates import long_date
from portal.extensions import db
from portal.refusals import NotAllowed, Refused

P = ParamSpec("P")
R = TypeVar("R")


def check_manage(actor: User, case: Case) -> None:
    if not access.can(actor, access.Action.MANAGE, case):
        raise NotAllowed("Only the team's case officer can change this case.")


def check_move(case: Case, target: pathway.Stage) -> None:
    """Refuse a stage move the rules do not allow, with the rules' reason."""
    try:
        pathway.check_move(case.stage, target)
    except pathway.IllegalMove as refused:
        raise Refused(refused.reason) from None


def move_to(case: Case, target: pathway.Stage) -> None:
    """Move the case to ``target`` (already checked with `check_move`)."""
    check_move(case, target)
    case.stage = target.value
    if pathway.is_closed(target):
        case.closed_at = clock.utcnow()


def all_or_nothing(service: Callable[P, R]) -> Callable[P, R]:
    """A refused action leaves nothing behind in the session (not even a half-made row)."""

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except (Refused, NotAllowed):
            db.session.rollback()
            raise

    return wrapper


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


def appeal_sentence(letter_on: date) -> str:
    """The family's right to mediation and appeal after a "no", with its last day."""
    last_day = pathway.appeal_deadline(letter_on)
    return f"You can ask for mediation or appeal until {long_date(last_day)}."


def request_received(case: Case) -> tuple[date, str]:
    return case.request_received_on, "the day the request was received"
