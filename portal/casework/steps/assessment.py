"""Opening a case, the decision on assessment, and the assessment itself (asking for advice and
recording it as received) -- SEND Regulations 2014, regs 4 to 8."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal import access, clock, pathway
from portal.accounts.models import Organisation, OrganisationKind, Role, User
from portal.cases.document_hooks import AddedDocument
from portal.cases.models import (
    AdviceKind,
    AdviceRequest,
    AssessmentOutcome,
    Case,
    Child,
    RequestedBy,
)
from portal.casework.steps.shared import (
    Done,
    appeal_sentence,
    check_date,
    check_manage,
    milestones_of,
    move_to,
    request_received,
    require_stage,
    step,
    timeline,
)
from portal.dates import long_date
from portal.extensions import db
from portal.refusals import NotAllowed, Refused


def _next_reference(year: int) -> str:
    prefix = f"EHC-{year}-"
    count = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.reference.like(prefix + "%"))
    )
    number = (count or 0) + 1
    while db.session.scalar(select(Case.id).where(Case.reference == f"{prefix}{number:04d}")):
        number += 1
    return f"{prefix}{number:04d}"


@step
def open_case(
    actor: User,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    school: Organisation | None,
    request_received_on: date | None,
    requested_by: RequestedBy | str,
) -> Done[Case]:
    """A case officer opens a case for a new request for an assessment, on their own team,
    with themselves as case officer. Records "request received" for everyone on the case."""
    today = clock.today()
    date_of_birth = check_date(
        date_of_birth, what="the child's date of birth", field="date_of_birth"
    )
    if pathway.add_months(date_of_birth, 12 * 26) <= today:
        raise Refused(
            "The child or young person must be under 26: EHC plans cover ages 0 to 25",
            "date_of_birth",
        )
    request_received_on = check_date(
        request_received_on,
        what="the date the request was received",
        field="request_received_on",
        after=((date_of_birth, "the child's date of birth"),),
    )
    requested_by = RequestedBy(requested_by)
    if school is not None and school.kind != OrganisationKind.SCHOOL:
        raise Refused("Choose a school or setting from the list", "school")
    child = Child(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, school=school
    )
    case = Case(
        child=child,
        team_id=actor.organisation_id,
        case_officer=actor,
        request_received_on=request_received_on,
        requested_by=requested_by.value,
        stage=pathway.Stage.REQUEST.value,
    )
    if actor.role != Role.CASE_OFFICER or not access.can(actor, access.Action.MANAGE, case):
        raise NotAllowed("Only council case officers can open a case.")
    case.reference = _next_reference(request_received_on.year)
    db.session.add(case)
    db.session.flush()
    timeline(
        "case.opened",
        actor=actor,
        case=case,
        subject=case,
        summary=(
            "The council received a request for an assessment on "
            f"{long_date(request_received_on)}. It will decide within 6 weeks whether to do one."
        ),
        requested_by=requested_by.value,
    )
    return Done(
        case,
        (
            f"Case {case.reference} is open for {case.child.full_name}. The decision on assessment "
            f"is due by {long_date(pathway.assessment_decision_due(request_received_on))}."
        ),
    )


@step
def decide_assessment(
    actor: User, case: Case, *, outcome: AssessmentOutcome | str, letter_on: date | None
) -> Done[Case]:
    """Record the decision on whether to carry out a needs assessment, with the date of the
    letter to the family. Yes: the case moves to assessment. No: it closes as "not assessing",
    and the event tells the family their right to mediation and appeal and its last day."""
    check_manage(actor, case)
    outcome = AssessmentOutcome(outcome)
    target = (
        pathway.Stage.ASSESSMENT
        if outcome is AssessmentOutcome.YES
        else (pathway.Stage.NOT_ASSESSING)
    )
    move_to(case, target)
    letter_on = check_date(
        letter_on, what="the date of the letter", field="letter_on", after=(request_received(case),)
    )
    row = milestones_of(case)
    row.assessment_decided_on, row.assessment_outcome = letter_on, outcome.value
    if outcome is AssessmentOutcome.YES:
        summary = (
            "The council decided to carry out a needs assessment "
            f"(letter dated {long_date(letter_on)}). It will now ask people for advice."
        )
    else:
        summary = (
            "The council decided not to carry out a needs assessment "
            f"(letter dated {long_date(letter_on)}). {appeal_sentence(letter_on)}"
        )
    timeline(
        "case.assessment_decided",
        actor=actor,
        case=case,
        subject=case,
        summary=summary,
        outcome=outcome.value,
        letter_on=letter_on.isoformat(),
    )
    return Done(
        case,
        (
            "The decision to carry out a needs assessment is recorded."
            if outcome is AssessmentOutcome.YES
            else "The decision not to assess is recorded. "
            + appeal_sentence(letter_on, "The family")
        ),
    )


def advisers_on_case(case: Case) -> list[User]:
    """The professionals holding a live grant on the case: the people who can be asked for
    advice through the portal (schools, psychologists, health, social care)."""
    return [
        grant.user
        for grant in case.grants
        if grant.is_active and Role(grant.user.role) in (Role.SCHOOL, Role.PROFESSIONAL)
    ]


@step
def send_advice_request(
    actor: User,
    case: Case,
    *,
    kind: AdviceKind | str,
    adviser: User | None,
    service_name: str | None,
    sent_on: date | None,
) -> Done[AdviceRequest]:
    """Record that advice was requested from a person on the case or a named service. The
    advice is due 6 weeks after the day it was sent."""
    check_manage(actor, case)
    require_stage(case, "ask for advice", pathway.Stage.ASSESSMENT)
    if adviser is not None and adviser not in advisers_on_case(case):
        raise Refused("Choose someone from the list of people on this case", "adviser")
    if adviser is None and not service_name:
        raise Refused("Enter the name of the person or service you asked", "service_name")
    decided_on = milestones_of(case).assessment_decided_on
    sent_on = check_date(
        sent_on,
        what="the date the request was sent",
        field="sent_on",
        after=(request_received(case), (decided_on, "the decision to assess")),
    )
    advice = AdviceRequest(
        case=case,
        kind=AdviceKind(kind).value,
        adviser=adviser,
        service_name=None if adviser else service_name,
        sent_on=sent_on,
        requested_by_id=actor.id,
    )
    db.session.add(advice)
    db.session.flush()
    due = pathway.advice_due(sent_on)
    timeline(
        "advice.requested",
        actor=actor,
        case=case,
        subject=advice,
        summary=(
            f"The council asked {advice.from_whom} for "
            f"{AdviceKind(kind).label.split(' (')[0].lower()}. It is due by {long_date(due)}."
        ),
        sent_on=sent_on.isoformat(),
    )
    return Done(
        advice,
        (f"The request to {advice.from_whom} is recorded. The advice is due by {long_date(due)}."),
    )


@step
def record_advice_received(
    actor: User, advice: AdviceRequest, *, received_on: date | None
) -> Done[AdviceRequest]:
    """Record the day the advice arrived (on time or late, the timeline says which)."""
    case = advice.case
    check_manage(actor, case)
    if advice.received_on is not None:
        raise Refused(f"The advice from {advice.from_whom} is already recorded as received.")
    received_on = check_date(
        received_on,
        what="the date the advice was received",
        field="received_on",
        after=((advice.sent_on, "the day it was asked for"),),
    )
    _mark_received(actor, advice, received_on)
    return Done(advice, f"The advice from {advice.from_whom} is recorded as received.")


def _mark_received(actor: User, advice: AdviceRequest, received_on: date, **detail: str) -> None:
    advice.received_on = received_on
    advice.received_by_id = actor.id
    due = pathway.advice_due(advice.sent_on)
    timing = "on time" if received_on <= due else f"after the due date of {long_date(due)}"
    timeline(
        "advice.received",
        actor=actor,
        case=advice.case,
        subject=advice,
        summary=f"Advice from {advice.from_whom} arrived {timing}.",
        received_on=received_on.isoformat(),
        **detail,
    )


def advice_sent_with_document(actor: User, case: Case, added: AddedDocument) -> None:
    """A document hook (`portal.wiring.DOCUMENT_HOOKS`): advice uploaded by the person asked
    for it is their reply. If `actor` has an open advice request on `case` and the document is
    filed as advice, the request is recorded as received today, by them (the kind asked for
    first; else their only open request). Anything else is left alone. Runs in the upload's
    transaction, so the advice is received if, and only if, the document is kept; the case's
    stored deadlines follow through the schedule's session hook.
    """
    if not added.category.startswith("advice_"):
        return
    kind = added.category.removeprefix("advice_")
    open_requests = list(
        db.session.scalars(
            select(AdviceRequest)
            .where(
                AdviceRequest.case_id == case.id,
                AdviceRequest.adviser_id == actor.id,
                AdviceRequest.received_on.is_(None),
            )
            .order_by(AdviceRequest.sent_on, AdviceRequest.id)
        )
    )
    same_kind = [a for a in open_requests if a.kind == kind]
    if same_kind:
        advice = same_kind[0]
    elif len(open_requests) == 1:
        advice = open_requests[0]
    else:
        return
    today = clock.today()
    _mark_received(actor, advice, max(today, advice.sent_on), document=added.public_id)


@step
def correct_advice_received(
    actor: User, advice: AdviceRequest, *, arrived: bool, received_on: date | None
) -> Done[AdviceRequest]:
    """The case officer corrects advice recorded as received (by an upload or by hand): a
    different day, or "it has not arrived" (an upload that was not really the advice). The
    request's deadline comes back for everyone, and the timeline says what was corrected."""
    case = advice.case
    check_manage(actor, case)
    if advice.received_on is None:
        raise Refused(f"The advice from {advice.from_whom} is not recorded as received yet.")
    before = advice.received_on
    if arrived:
        received_on = check_date(
            received_on,
            what="the date the advice was received",
            field="received_on",
            after=((advice.sent_on, "the day it was asked for"),),
        )
        advice.received_on = received_on
        advice.received_by_id = actor.id
        summary = (
            f"The council corrected the day advice from {advice.from_whom} arrived: "
            f"{long_date(received_on)}."
        )
        message = f"The advice from {advice.from_whom} is now recorded as received on " + (
            f"{long_date(received_on)}."
        )
    else:
        advice.received_on = None
        advice.received_by_id = None
        due = pathway.advice_due(advice.sent_on)
        summary = (
            f"The council is still waiting for advice from {advice.from_whom}. "
            f"It is due by {long_date(due)}."
        )
        message = f"The advice from {advice.from_whom} is recorded as not received yet."
    timeline(
        "advice.corrected",
        actor=actor,
        case=case,
        subject=advice,
        summary=summary,
        was_received_on=before.isoformat(),
        received_on=advice.received_on.isoformat() if advice.received_on else None,
    )
    return Done(advice, message)


@step
def finish_assessment(actor: User, case: Case, *, finished_on: date | None) -> Done[Case]:
    """The advice is gathered: the case moves on to deciding about a plan."""
    check_manage(actor, case)
    move_to(case, pathway.Stage.DECISION)
    row = milestones_of(case)
    finished_on = check_date(
        finished_on,
        what="the date the assessment finished",
        field="finished_on",
        after=(request_received(case), (row.assessment_decided_on, "the decision to assess")),
    )
    row.assessment_finished_on = finished_on
    timeline(
        "case.assessment_finished",
        actor=actor,
        case=case,
        subject=case,
        summary=(
            "The council has the advice it needs. It is now deciding whether to make a plan. "
            f"If it will not, it must tell you by "
            f"{long_date(pathway.not_issuing_notice_due(case.request_received_on))}."
        ),
    )
    return Done(case, "The assessment is finished. Next, decide whether to make a plan.")
