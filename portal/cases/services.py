"""Write operations on cases. Each takes the acting user, checks, changes, records an event.

The case officer's actions (open a case, decide on assessment, ask for advice, send the draft,
issue the plan, run reviews, record exceptions, end the plan) all follow one pattern:

1. check the person may manage the case (`access.can(actor, Action.MANAGE, case)`);
2. check the case is at a stage where this can happen (`pathway.check_move` for a stage move);
3. check the dates are possible (not in the future, not before what came before);
4. change the case, write the event to the timeline in plain words, and commit.

A refusal raises :class:`Refused` (with the form field it is about, if any), or
:class:`NotAllowed` when the person may not manage the case at all. Nothing is saved then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy import func, select

from portal import access, audit, clock, pathway
from portal.accounts.models import Organisation, OrganisationKind, Role, User
from portal.audit import Visibility
from portal.cases.facts import CaseRecord, record_for
from portal.cases.models import (
    AdviceKind,
    AdviceRequest,
    AssessmentOutcome,
    Case,
    CaseMilestones,
    Child,
    DeadlineException,
    RequestedBy,
    Review,
    ReviewDecision,
    SchoolConsultation,
)
from portal.dates import long_date
from portal.extensions import db
from portal.refusals import NotAllowed, Refused

P = ParamSpec("P")
R = TypeVar("R")


def record_view(actor: User, case: Case) -> None:
    """Write to the audit trail that this person looked at this case (the council must be able
    to say who has seen a child's records)."""
    audit.record("case.viewed", actor=actor, case=case, subject=case)
    db.session.commit()


# --------------------------------------------------------------------------------------------------
# Refusals and shared checks
# --------------------------------------------------------------------------------------------------


def _check_manage(actor: User, case: Case) -> None:
    if not access.can(actor, access.Action.MANAGE, case):
        raise NotAllowed("Only the team's case officer can change this case.")


def _check_move(case: Case, target: pathway.Stage) -> None:
    """Refuse a stage move the rules do not allow, with the rules' reason."""
    try:
        pathway.check_move(case.stage, target)
    except pathway.IllegalMove as refused:
        raise Refused(refused.reason) from None


def _move(case: Case, target: pathway.Stage) -> None:
    """Move the case to ``target`` (already checked with `_check_move`)."""
    _check_move(case, target)
    case.stage = target.value
    if pathway.is_closed(target):
        case.closed_at = clock.utcnow()


def _all_or_nothing(service: Callable[P, R]) -> Callable[P, R]:
    """A refused action leaves nothing behind in the session (not even a half-made row)."""

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except (Refused, NotAllowed):
            db.session.rollback()
            raise

    return wrapper


def _require_stage(case: Case, doing: str, *stages: pathway.Stage) -> None:
    """Refuse an action that only makes sense at certain stages."""
    if pathway.Stage(case.stage) not in stages:
        names = " or ".join(f"'{pathway.stage_label(s)}'" for s in stages)
        raise Refused(
            f"You can only {doing} while the case is at {names}. "
            f"This case is at '{pathway.stage_label(case.stage)}'."
        )


def _check_date(
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


def _milestones(case: Case) -> CaseMilestones:
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


def _received(case: Case) -> tuple[date, str]:
    return case.request_received_on, "the day the request was received"


# --------------------------------------------------------------------------------------------------
# Opening a case and the decision on assessment
# --------------------------------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    prefix = f"EHC-{year}-"
    count = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.reference.like(prefix + "%"))
    )
    number = (count or 0) + 1
    while db.session.scalar(select(Case.id).where(Case.reference == f"{prefix}{number:04d}")):
        number += 1
    return f"{prefix}{number:04d}"


@_all_or_nothing
def open_case(
    actor: User,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    school: Organisation | None,
    request_received_on: date | None,
    requested_by: RequestedBy | str,
) -> Case:
    """A case officer opens a case for a new request for an assessment, on their own team,
    with themselves as case officer. Records "request received" for everyone on the case."""
    today = clock.today()
    _check_date(date_of_birth, what="the child's date of birth", field="date_of_birth")
    assert date_of_birth is not None  # checked above
    if pathway.add_months(date_of_birth, 12 * 26) <= today:
        raise Refused(
            "The child or young person must be under 26: EHC plans cover ages 0 to 25",
            "date_of_birth",
        )
    _check_date(
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
    assert request_received_on is not None  # checked above
    case.reference = _next_reference(request_received_on.year)
    db.session.add(case)
    db.session.flush()
    audit.record(
        "case.opened",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=(
            "The council received a request for an assessment on "
            f"{long_date(request_received_on)}. It will decide within 6 weeks whether to do one."
        ),
        requested_by=requested_by.value,
    )
    db.session.commit()
    return case


@_all_or_nothing
def decide_assessment(
    actor: User, case: Case, *, outcome: AssessmentOutcome | str, letter_on: date | None
) -> Case:
    """Record the decision on whether to carry out a needs assessment, with the date of the
    letter to the family. Yes: the case moves to assessment. No: it closes as "not assessing",
    and the event tells the family their right to mediation and appeal and its last day."""
    _check_manage(actor, case)
    outcome = AssessmentOutcome(outcome)
    target = (
        pathway.Stage.ASSESSMENT
        if outcome is AssessmentOutcome.YES
        else (pathway.Stage.NOT_ASSESSING)
    )
    _move(case, target)
    _check_date(
        letter_on, what="the date of the letter", field="letter_on", after=(_received(case),)
    )
    assert letter_on is not None
    row = _milestones(case)
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
    audit.record(
        "case.assessment_decided",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=summary,
        outcome=outcome.value,
        letter_on=letter_on.isoformat(),
    )
    db.session.commit()
    return case


# --------------------------------------------------------------------------------------------------
# The assessment: advice requests
# --------------------------------------------------------------------------------------------------


def advisers_on_case(case: Case) -> list[User]:
    """The professionals holding a live grant on the case: the people who can be asked for
    advice through the portal (schools, psychologists, health, social care)."""
    return [
        grant.user
        for grant in case.grants
        if grant.is_active and Role(grant.user.role) in (Role.SCHOOL, Role.PROFESSIONAL)
    ]


@_all_or_nothing
def send_advice_request(
    actor: User,
    case: Case,
    *,
    kind: AdviceKind | str,
    adviser: User | None,
    service_name: str | None,
    sent_on: date | None,
) -> AdviceRequest:
    """Record that advice was requested from a person on the case or a named service. The
    advice is due 6 weeks after the day it was sent."""
    _check_manage(actor, case)
    _require_stage(case, "ask for advice", pathway.Stage.ASSESSMENT)
    if adviser is not None and adviser not in advisers_on_case(case):
        raise Refused("Choose someone from the list of people on this case", "adviser")
    if adviser is None and not service_name:
        raise Refused("Enter the name of the person or service you asked", "service_name")
    decided_on = _milestones(case).assessment_decided_on
    _check_date(
        sent_on,
        what="the date the request was sent",
        field="sent_on",
        after=(_received(case), (decided_on, "the decision to assess")),
    )
    assert sent_on is not None
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
    audit.record(
        "advice.requested",
        actor=actor,
        case=case,
        subject=advice,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council asked {advice.from_whom} for "
            f"{AdviceKind(kind).label.split(' (')[0].lower()}. It is due by {long_date(due)}."
        ),
        sent_on=sent_on.isoformat(),
    )
    db.session.commit()
    return advice


@_all_or_nothing
def record_advice_received(
    actor: User, advice: AdviceRequest, *, received_on: date | None
) -> AdviceRequest:
    """Record the day the advice arrived (on time or late, the timeline says which)."""
    case = advice.case
    _check_manage(actor, case)
    if advice.received_on is not None:
        raise Refused(f"The advice from {advice.from_whom} is already recorded as received.")
    _check_date(
        received_on,
        what="the date the advice was received",
        field="received_on",
        after=((advice.sent_on, "the day it was asked for"),),
    )
    assert received_on is not None
    advice.received_on = received_on
    due = pathway.advice_due(advice.sent_on)
    timing = "on time" if received_on <= due else f"after the due date of {long_date(due)}"
    audit.record(
        "advice.received",
        actor=actor,
        case=case,
        subject=advice,
        visibility=Visibility.EVERYONE,
        summary=f"Advice from {advice.from_whom} arrived {timing}.",
        received_on=received_on.isoformat(),
    )
    db.session.commit()
    return advice


@_all_or_nothing
def finish_assessment(actor: User, case: Case, *, finished_on: date | None) -> Case:
    """The advice is gathered: the case moves on to deciding about a plan."""
    _check_manage(actor, case)
    _move(case, pathway.Stage.DECISION)
    row = _milestones(case)
    _check_date(
        finished_on,
        what="the date the assessment finished",
        field="finished_on",
        after=(_received(case), (row.assessment_decided_on, "the decision to assess")),
    )
    row.assessment_finished_on = finished_on
    audit.record(
        "case.assessment_finished",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=(
            "The council has the advice it needs. It is now deciding whether to make a plan. "
            f"If it will not, it must tell you by "
            f"{long_date(pathway.not_issuing_notice_due(case.request_received_on))}."
        ),
    )
    db.session.commit()
    return case


# --------------------------------------------------------------------------------------------------
# The decision on a plan, the draft and the final plan
# --------------------------------------------------------------------------------------------------


def _assessed_after(case: Case, row: CaseMilestones) -> tuple[tuple[date | None, str], ...]:
    return (
        _received(case),
        (row.assessment_decided_on, "the decision to assess"),
        (row.assessment_finished_on, "the day the assessment finished"),
    )


@_all_or_nothing
def notify_not_issuing(actor: User, case: Case, *, letter_on: date | None) -> Case:
    """Record the decision not to make a plan (the letter date). The case closes as "not
    issuing"; the event tells the family their right to mediation and appeal."""
    _check_manage(actor, case)
    _move(case, pathway.Stage.NOT_ISSUING)
    row = _milestones(case)
    _check_date(
        letter_on,
        what="the date of the letter",
        field="letter_on",
        after=_assessed_after(case, row),
    )
    assert letter_on is not None
    row.not_issuing_notified_on = letter_on
    audit.record(
        "case.not_issuing",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=(
            "The council decided not to make a plan "
            f"(letter dated {long_date(letter_on)}). {appeal_sentence(letter_on)}"
        ),
        letter_on=letter_on.isoformat(),
    )
    db.session.commit()
    return case


@_all_or_nothing
def send_draft(actor: User, case: Case, *, sent_on: date | None) -> Case:
    """Record the day the draft plan was sent to the family. Their 15 days to comment and name
    a school start that day."""
    _check_manage(actor, case)
    _move(case, pathway.Stage.DRAFT)
    row = _milestones(case)
    _check_date(
        sent_on,
        what="the date the draft was sent",
        field="sent_on",
        after=_assessed_after(case, row),
    )
    assert sent_on is not None
    row.draft_sent_on = sent_on
    audit.record(
        "case.draft_sent",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council sent the draft plan on {long_date(sent_on)}. You can comment, ask for a "
            "meeting and say which school or college you want until "
            f"{long_date(pathway.draft_comments_due(sent_on))}."
        ),
        sent_on=sent_on.isoformat(),
    )
    db.session.commit()
    return case


@_all_or_nothing
def record_family_comments(
    actor: User, case: Case, *, received_on: date | None, school_preference: str | None
) -> Case:
    """Record the day the family's comments on the draft arrived, and the school or college
    they asked for (if any)."""
    _check_manage(actor, case)
    _require_stage(case, "record the family's comments on the draft", pathway.Stage.DRAFT)
    row = _milestones(case)
    _check_date(
        received_on,
        what="the date the comments were received",
        field="received_on",
        after=((row.draft_sent_on, "the day the draft was sent"),),
    )
    row.family_comments_on = received_on
    row.school_preference = school_preference or None
    summary = "The council received your comments on the draft plan."
    if school_preference:
        summary += f" You asked for {school_preference}."
    audit.record(
        "case.family_comments",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=summary,
    )
    db.session.commit()
    return case


@_all_or_nothing
def consult_school(
    actor: User,
    case: Case,
    *,
    school: Organisation | None,
    school_name: str | None,
    consulted_on: date | None,
) -> SchoolConsultation:
    """Record that a school or college was asked whether it can meet the child's needs. It has
    15 days to reply, counting the day it was asked."""
    _check_manage(actor, case)
    _require_stage(case, "consult a school", pathway.Stage.DRAFT)
    if school is not None and school.kind != OrganisationKind.SCHOOL:
        raise Refused("Choose a school or setting from the list", "school")
    name = school.name if school is not None else (school_name or "")
    if not name:
        raise Refused("Choose a school from the list or enter its name", "school_name")
    row = _milestones(case)
    _check_date(
        consulted_on,
        what="the date the school was asked",
        field="consulted_on",
        after=((row.draft_sent_on, "the day the draft was sent"),),
    )
    assert consulted_on is not None
    consultation = SchoolConsultation(
        case=case,
        school_id=school.id if school else None,
        school_name=name,
        consulted_on=consulted_on,
    )
    db.session.add(consultation)
    db.session.flush()
    audit.record(
        "school.consulted",
        actor=actor,
        case=case,
        subject=consultation,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council asked {name} if it can meet {case.child.first_name}'s needs. "
            f"It should reply by "
            f"{long_date(pathway.school_consultation_due(consulted_on))}."
        ),
    )
    db.session.commit()
    return consultation


@_all_or_nothing
def record_school_reply(
    actor: User, consultation: SchoolConsultation, *, replied_on: date | None
) -> SchoolConsultation:
    """Record the day a consulted school replied."""
    case = consultation.case
    _check_manage(actor, case)
    if consultation.replied_on is not None:
        raise Refused(f"The reply from {consultation.school_name} is already recorded.")
    _check_date(
        replied_on,
        what="the date the school replied",
        field="replied_on",
        after=((consultation.consulted_on, "the day the school was asked"),),
    )
    consultation.replied_on = replied_on
    audit.record(
        "school.replied",
        actor=actor,
        case=case,
        subject=consultation,
        visibility=Visibility.EVERYONE,
        summary=f"{consultation.school_name} replied to the council.",
    )
    db.session.commit()
    return consultation


@_all_or_nothing
def issue_final_plan(
    actor: User, case: Case, *, issued_on: date | None, under_five_interval_months: int = 6
) -> Case:
    """Record the day the final plan was issued. Refused before the family's 15 days to comment
    have ended, unless their comments have arrived."""
    _check_manage(actor, case)
    _move(case, pathway.Stage.FINAL)
    row = _milestones(case)
    _check_date(
        issued_on,
        what="the date the final plan was issued",
        field="issued_on",
        after=((row.draft_sent_on, "the day the draft was sent"),),
    )
    assert issued_on is not None
    if row.draft_sent_on is not None and row.family_comments_on is None:
        last_day = pathway.draft_comments_due(row.draft_sent_on)
        if issued_on <= last_day:
            raise Refused(
                f"The family has until {long_date(last_day)} to comment on the draft. Record their "
                "comments first, or issue the final plan after that day.",
                "issued_on",
            )
    try:
        pathway.validate_under_five_interval(under_five_interval_months)
    except ValueError as error:
        raise Refused(str(error), "under_five_interval_months") from None
    row.final_issued_on = issued_on
    row.under_five_interval_months = under_five_interval_months
    due = pathway.final_plan_due(case.request_received_on)
    timing = "within the 20 weeks" if issued_on <= due else "after the 20 weeks"
    audit.record(
        "case.final_issued",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council issued the final plan on {long_date(issued_on)}, {timing}. "
            "The help in it must now be given."
        ),
        issued_on=issued_on.isoformat(),
        on_time=issued_on <= due,
    )
    db.session.commit()
    return case


# --------------------------------------------------------------------------------------------------
# Reviews, amendments, phase transfer and ending the plan
# --------------------------------------------------------------------------------------------------


@_all_or_nothing
def schedule_review(actor: User, case: Case, *, meeting_on: date | None) -> Review:
    """Arrange a review meeting (the date may be in the future). The case moves to "Checking the
    plan works". A new review needs the decision after the last one first."""
    _check_manage(actor, case)
    record = record_for(case)
    latest = record.latest_review()
    if latest is not None and latest.decided_on is None:
        raise Refused(
            f"Record the decision after the review on {long_date(latest.meeting_on)} first."
        )
    _move(case, pathway.Stage.REVIEW)
    row = _milestones(case)
    _check_date(
        meeting_on,
        what="the date of the review meeting",
        field="meeting_on",
        future_allowed=True,
        after=(
            (row.final_issued_on, "the day the final plan was issued"),
            (latest.meeting_on if latest else None, "the last review meeting"),
        ),
    )
    assert meeting_on is not None
    review = Review(case=case, meeting_on=meeting_on, scheduled_by_id=actor.id)
    db.session.add(review)
    db.session.flush()
    audit.record(
        "review.scheduled",
        actor=actor,
        case=case,
        subject=review,
        visibility=Visibility.EVERYONE,
        summary=(
            f"A review meeting is arranged for {long_date(meeting_on)}. Invitations go out at "
            f"least 2 weeks before it."
        ),
        meeting_on=meeting_on.isoformat(),
    )
    db.session.commit()
    return review


def _review_dates(review: Review) -> tuple[tuple[date | None, str], ...]:
    return ((review.meeting_on, "the day of the meeting"),)


@_all_or_nothing
def record_review_invitations(actor: User, review: Review, *, sent_on: date | None) -> Review:
    """Record the day invitations (and advice requests) for the review meeting were sent."""
    case = review.case
    _check_manage(actor, case)
    _require_stage(case, "record review invitations", pathway.Stage.REVIEW)
    _check_date(sent_on, what="the date the invitations were sent", field="sent_on")
    assert sent_on is not None
    if sent_on > review.meeting_on:
        raise Refused(
            "The invitations must have been sent before the meeting on "
            f"{long_date(review.meeting_on)}",
            "sent_on",
        )
    review.invitations_sent_on = sent_on
    audit.record(
        "review.invitations_sent",
        actor=actor,
        case=case,
        subject=review,
        visibility=Visibility.EVERYONE,
        summary=f"Invitations to the review meeting on {long_date(review.meeting_on)} were sent.",
    )
    db.session.commit()
    return review


def _require_held(review: Review, doing: str) -> None:
    if review.meeting_on > clock.today():
        raise Refused(
            f"The review meeting is on {long_date(review.meeting_on)}. You can {doing} after it."
        )


@_all_or_nothing
def record_review_report(actor: User, review: Review, *, sent_on: date | None) -> Review:
    """Record the day the report of the review meeting was sent (due within 2 weeks)."""
    case = review.case
    _check_manage(actor, case)
    _require_stage(case, "record a review report", pathway.Stage.REVIEW)
    _require_held(review, "record the report")
    _check_date(
        sent_on, what="the date the report was sent", field="sent_on", after=_review_dates(review)
    )
    review.report_sent_on = sent_on
    audit.record(
        "review.report_sent",
        actor=actor,
        case=case,
        subject=review,
        visibility=Visibility.EVERYONE,
        summary=f"The report of the review meeting on {long_date(review.meeting_on)} was sent.",
    )
    db.session.commit()
    return review


@_all_or_nothing
def record_review_decision(
    actor: User, review: Review, *, decision: ReviewDecision | str, decided_on: date | None
) -> Review:
    """Record the council's decision after a review: keep, amend or cease the plan (due within
    4 weeks of the meeting). A decision to cease tells the family their right to appeal."""
    case = review.case
    _check_manage(actor, case)
    _require_stage(case, "record a review decision", pathway.Stage.REVIEW)
    _require_held(review, "record the decision")
    if review.decided_on is not None:
        raise Refused("The decision after this review is already recorded.")
    decision = ReviewDecision(decision)
    _check_date(
        decided_on,
        what="the date of the decision",
        field="decided_on",
        after=_review_dates(review),
    )
    assert decided_on is not None
    review.decision, review.decided_on = decision.value, decided_on
    summary = {
        ReviewDecision.KEEP: "After the review, the council decided to keep the plan as it is.",
        ReviewDecision.AMEND: (
            "After the review, the council decided to change the plan. It will send you the "
            "proposed changes to comment on."
        ),
        ReviewDecision.CEASE: (
            f"After the review, the council decided to end the plan. {appeal_sentence(decided_on)}"
        ),
    }[decision]
    audit.record(
        "review.decided",
        actor=actor,
        case=case,
        subject=review,
        visibility=Visibility.EVERYONE,
        summary=summary,
        decision=decision.value,
        decided_on=decided_on.isoformat(),
    )
    db.session.commit()
    return review


@_all_or_nothing
def send_amendments(actor: User, review: Review, *, sent_on: date | None) -> Review:
    """Record the day the proposed changes to the plan were sent to the family. They have 15
    days to comment; the changed plan is due within 8 weeks."""
    case = review.case
    _check_manage(actor, case)
    _require_stage(case, "send proposed changes", pathway.Stage.REVIEW)
    if review.decision != ReviewDecision.AMEND:
        raise Refused("Record a decision to change the plan before sending the changes.")
    if review.amendments_sent_on is not None:
        raise Refused("The proposed changes after this review are already recorded.")
    _check_date(
        sent_on,
        what="the date the proposed changes were sent",
        field="sent_on",
        after=((review.decided_on, "the decision to change the plan"),),
    )
    assert sent_on is not None
    review.amendments_sent_on = sent_on
    audit.record(
        "review.amendments_sent",
        actor=actor,
        case=case,
        subject=review,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council sent the proposed changes to the plan on {long_date(sent_on)}. You can "
            f"comment until {long_date(pathway.amendment_comments_due(sent_on))}."
        ),
    )
    db.session.commit()
    return review


@_all_or_nothing
def record_amendment_comments(actor: User, review: Review, *, received_on: date | None) -> Review:
    """Record the day the family's comments on the proposed changes arrived."""
    case = review.case
    _check_manage(actor, case)
    if review.amendments_sent_on is None:
        raise Refused("Send the proposed changes before recording comments on them.")
    _check_date(
        received_on,
        what="the date the comments were received",
        field="received_on",
        after=((review.amendments_sent_on, "the day the changes were sent"),),
    )
    review.amendment_comments_on = received_on
    audit.record(
        "review.amendment_comments",
        actor=actor,
        case=case,
        subject=review,
        visibility=Visibility.EVERYONE,
        summary="The council received your comments on the proposed changes.",
    )
    db.session.commit()
    return review


@_all_or_nothing
def issue_amended_plan(
    actor: User, review: Review, *, issued_on: date | None, names_new_school: bool = False
) -> Review:
    """Record the day the changed (amended) plan was issued. Refused before the family's 15 days
    to comment have ended unless their comments arrived. ``names_new_school`` marks it as the
    plan naming the school or college for a phase transfer."""
    case = review.case
    _check_manage(actor, case)
    try:
        pathway.check_move(case.stage, pathway.Stage.REVIEW)  # review -> review: still in force
    except pathway.IllegalMove as refused:
        raise Refused(refused.reason) from None
    if review.amendments_sent_on is None:
        raise Refused("Send the proposed changes before issuing the changed plan.")
    if review.amended_plan_issued_on is not None:
        raise Refused("The changed plan after this review is already recorded.")
    _check_date(
        issued_on,
        what="the date the changed plan was issued",
        field="issued_on",
        after=((review.amendments_sent_on, "the day the changes were sent"),),
    )
    assert issued_on is not None
    last_day = pathway.amendment_comments_due(review.amendments_sent_on)
    if review.amendment_comments_on is None and issued_on <= last_day:
        raise Refused(
            f"The family has until {long_date(last_day)} to comment on the changes. Record their "
            "comments first, or issue the changed plan after that day.",
            "issued_on",
        )
    review.amended_plan_issued_on = issued_on
    if names_new_school:
        _milestones(case).phase_transfer_named_on = issued_on
    audit.record(
        "review.amended_plan_issued",
        actor=actor,
        case=case,
        subject=review,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council issued the changed plan on {long_date(issued_on)}."
            + (" It names the new school or college." if names_new_school else "")
        ),
        issued_on=issued_on.isoformat(),
    )
    db.session.commit()
    return review


@_all_or_nothing
def set_phase_transfer(
    actor: User, case: Case, *, year: int | None, kind: pathway.TransferKind | str
) -> Case:
    """Record that the child moves school phase in ``year``: the plan naming the new school is
    then due by 15 February of that year (31 March for a move from secondary to post-16)."""
    _check_manage(actor, case)
    _require_stage(case, "set a move to a new school", pathway.Stage.FINAL, pathway.Stage.REVIEW)
    this_year = clock.today().year
    if year is None:
        raise Refused("Enter the year of the move", "year")
    if not this_year <= year <= this_year + 10:
        raise Refused(
            f"The year of the move must be between {this_year} and {this_year + 10}", "year"
        )
    kind = pathway.TransferKind(kind)
    row = _milestones(case)
    row.phase_transfer_year, row.phase_transfer_kind = year, kind.value
    row.phase_transfer_named_on = None
    due = pathway.phase_transfer_due(year, kind)
    audit.record(
        "case.phase_transfer_set",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=(
            f"{case.child.first_name} moves to a new school or college in {year}. "
            f"The plan naming it is due "
            f"by {long_date(due)}."
        ),
        year=year,
        kind=kind.value,
    )
    db.session.commit()
    return case


@_all_or_nothing
def cease_plan(actor: User, case: Case, *, letter_on: date | None) -> Case:
    """End the plan (the date on the letter). The case closes; the event tells the family their
    right to mediation and appeal and its last day."""
    _check_manage(actor, case)
    _move(case, pathway.Stage.CEASED)
    row = _milestones(case)
    latest = record_for(case).latest_review()
    _check_date(
        letter_on,
        what="the date of the letter",
        field="letter_on",
        after=(
            (row.final_issued_on, "the day the final plan was issued"),
            (latest.decided_on if latest else None, "the decision after the last review"),
        ),
    )
    assert letter_on is not None
    row.ceased_on = letter_on
    audit.record(
        "case.ceased",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.EVERYONE,
        summary=(
            f"The council ended the plan (letter dated {long_date(letter_on)}). "
            f"{appeal_sentence(letter_on)}"
        ),
        letter_on=letter_on.isoformat(),
    )
    db.session.commit()
    return case


# --------------------------------------------------------------------------------------------------
# Exceptions to time limits
# --------------------------------------------------------------------------------------------------


def deadline_slug(key: str) -> str:
    """A deadline key as a URL part: "final_plan" -> "final-plan", "advice:17" -> "advice-17"."""
    return key.replace("_", "-").replace(":", "-")


def exceptable_deadlines(record: CaseRecord, today: date | None = None) -> list[pathway.Deadline]:
    """The case's current deadlines a lawful exception could still apply to: the council's own
    (not the family's windows), not met on time, and with no exception recorded yet."""
    today = today or clock.today()
    return [
        deadline
        for deadline in pathway.case_deadlines(record.facts(today))
        if not deadline.is_family_window
        and deadline.exception is None
        and pathway.deadline_status(deadline, today) is not pathway.Status.MET_ON_TIME
        and pathway.exception_reasons_for(deadline.kind)
    ]


def find_deadline(record: CaseRecord, slug: str) -> pathway.Deadline | None:
    """The deadline of this case whose URL part is ``slug``, if an exception may be recorded."""
    return next((d for d in exceptable_deadlines(record) if deadline_slug(d.key) == slug), None)


@_all_or_nothing
def record_exception(
    actor: User,
    case: Case,
    *,
    deadline_key: str,
    reason: pathway.ExceptionReason | str | None,
    applies_from: date | None,
    explanation: str,
) -> DeadlineException:
    """Record a lawful reason a time limit need not be met: which reason, from when, and why.
    The deadline then shows "delayed for an allowed reason" instead of counting as late.
    Staff shortages are not a lawful reason and cannot be recorded."""
    _check_manage(actor, case)
    if pathway.is_closed(case.stage):
        raise Refused("This case is closed: there are no time limits left to excuse.")
    record = record_for(case)
    deadline = next((d for d in exceptable_deadlines(record) if d.key == deadline_key), None)
    if deadline is None:
        raise Refused("An exception cannot be recorded for that time limit now.")
    if not reason:
        raise Refused("Choose the lawful reason for the delay", "reason")
    try:
        lawful = pathway.check_exception(deadline.kind, reason)
    except pathway.ExceptionRefused as refused:
        raise Refused(refused.reason, "reason") from None
    _check_date(
        applies_from,
        what="the date the reason applies from",
        field="applies_from",
        after=(_received(case),),
    )
    if not explanation:
        raise Refused("Explain why the time limit cannot be met", "explanation")
    exception = DeadlineException(
        case=case,
        deadline_key=deadline.key,
        reason=lawful.value,
        applies_from=applies_from,
        explanation=explanation,
        recorded_by=actor,
    )
    db.session.add(exception)
    db.session.flush()
    audit.record(
        "deadline.exception_recorded",
        actor=actor,
        case=case,
        subject=exception,
        visibility=Visibility.EVERYONE,
        summary=(
            f"'{deadline.label}' may take longer for an allowed reason: "
            f"{pathway.exception_label(lawful).lower()}."
        ),
        deadline_key=deadline.key,
        reason=lawful.value,
    )
    # The explanation may hold personal details: it stays in the audit record for the council.
    audit.record(
        "deadline.exception_explained",
        actor=actor,
        case=case,
        subject=exception,
        visibility=Visibility.COUNCIL,
        summary=f"Why '{deadline.label}' may take longer: {explanation}",
    )
    db.session.commit()
    return exception
