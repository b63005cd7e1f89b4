"""Lawful delays: the reasons the SEND Regulations 2014 allow a time limit to be missed,
recorded against one deadline of a case. Staff shortages are not one of them."""

from __future__ import annotations

from datetime import date

from portal import audit, clock, pathway
from portal.accounts.models import User
from portal.audit import Visibility
from portal.cases.facts import CaseRecord, record_for
from portal.cases.models import (
    Case,
    LawfulDelay,
)
from portal.casework.steps.shared import (
    Done,
    check_date,
    check_manage,
    request_received,
    step,
    timeline,
)
from portal.extensions import db
from portal.refusals import Refused


def deadline_slug(key: str) -> str:
    """A deadline key as a URL part: "final_plan" -> "final-plan", "advice:17" -> "advice-17"."""
    return key.replace("_", "-").replace(":", "-")


def delayable_deadlines(record: CaseRecord, today: date | None = None) -> list[pathway.Deadline]:
    """The case's current deadlines a lawful exception could still apply to: the council's own
    (not the family's windows), not met on time, and with no exception recorded yet."""
    today = today or clock.today()
    return [
        deadline
        for deadline in pathway.case_deadlines(record.facts(today))
        if not deadline.is_family_window
        and deadline.delay is None
        and pathway.deadline_status(deadline, today) is not pathway.Status.MET_ON_TIME
        and pathway.delay_reasons_for(deadline.kind)
    ]


def find_deadline(record: CaseRecord, slug: str) -> pathway.Deadline | None:
    """The deadline of this case whose URL part is ``slug``, if an exception may be recorded."""
    return next((d for d in delayable_deadlines(record) if deadline_slug(d.key) == slug), None)


@step
def record_lawful_delay(
    actor: User,
    case: Case,
    *,
    deadline_key: str,
    reason: pathway.DelayReason | str | None,
    applies_from: date | None,
    explanation: str,
) -> Done[LawfulDelay]:
    """Record a lawful reason a time limit need not be met: which reason, from when, and why.
    The deadline then shows "delayed for an allowed reason" instead of counting as late.
    Staff shortages are not a lawful reason and cannot be recorded."""
    check_manage(actor, case)
    if pathway.is_closed(case.stage):
        raise Refused("This case is closed: there are no time limits left to excuse.")
    record = record_for(case)
    deadline = next((d for d in delayable_deadlines(record) if d.key == deadline_key), None)
    if deadline is None:
        raise Refused("An exception cannot be recorded for that time limit now.")
    if not reason:
        raise Refused("Choose the lawful reason for the delay", "reason")
    try:
        lawful = pathway.check_delay_reason(deadline.kind, reason)
    except Refused as refused:
        raise Refused(refused.reason, "reason") from None
    applies_from = check_date(
        applies_from,
        what="the date the reason applies from",
        field="applies_from",
        after=(request_received(case),),
    )
    if not explanation:
        raise Refused("Explain why the time limit cannot be met", "explanation")
    delay = LawfulDelay(
        case=case,
        deadline_key=deadline.key,
        reason=lawful.value,
        applies_from=applies_from,
        explanation=explanation,
        recorded_by=actor,
    )
    db.session.add(delay)
    db.session.flush()
    timeline(
        "deadline.exception_recorded",
        actor=actor,
        case=case,
        subject=delay,
        summary=(
            f"'{deadline.label}' may take longer for an allowed reason: "
            f"{pathway.delay_label(lawful).lower()}."
        ),
        deadline_key=deadline.key,
        reason=lawful.value,
    )
    # The explanation may hold personal details: it stays in the audit record for the council.
    audit.record(
        "deadline.exception_explained",
        actor=actor,
        case=case,
        subject=delay,
        visibility=Visibility.COUNCIL,
        summary=f"Why '{deadline.label}' may take longer: {explanation}",
    )
    return Done(delay, f"The reason for the delay to '{deadline.label}' is recorded.")
