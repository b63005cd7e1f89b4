"""The rules of the statutory EHC process, in pure Python (no Flask, no database).

Everything here is a plain function of its arguments: stages and the legal moves between them,
the statutory due dates computed from the facts of a case, the lawful exceptions to those limits,
the status of each deadline relative to a given ``today`` (never the real clock, so the rules can be
tested), and the built-in "what happens next" / "what you need to do" wording for each stage and
audience.

Sources: the SEND Regulations 2014 (SI 2014/1530), the Children and Families Act 2014 and the SEND
Code of Practice 0-25 (2015); DESIGN.md section 2 has the table this module implements.

Date conventions (all pure ``datetime.date`` arithmetic):

* "N weeks from X" is ``X + 7*N days``: a request received on a Tuesday is due on a Tuesday.
* "15 days from sending" counts the day of sending as day 1, so the last day is ``sent + 14 days``
  (sent 1 March, last day 15 March).
* "N months from X" lands on the same day of the month; when that month is shorter it lands on the
  month's last day (31 January + 1 month = 28 or 29 February; 29 February 2028 + 12 months =
  28 February 2029). It never spills into the next month, so the date is always within the period.

Content keys (for the content editors' wording, which overrides the built-in defaults):

* ``pathway/<stage>/<audience>/next`` -- "What happens next"
* ``pathway/<stage>/<audience>/todo`` -- "What you need to do"

where ``<stage>`` is a :class:`Stage` value and ``<audience>`` an :class:`Audience` value, for
example ``pathway/draft/parent/todo``.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from portal.dates import day_count, days_until, relative_phrase
from portal.refusals import Refused

# --------------------------------------------------------------------------------------------------
# Stages and audiences
# --------------------------------------------------------------------------------------------------


class Stage(StrEnum):
    """Where a case is. The values are stored in the database; never rename them."""

    REQUEST = "request"
    ASSESSMENT = "assessment"
    DECISION = "decision"
    DRAFT = "draft"
    FINAL = "final"
    REVIEW = "review"
    CEASED = "ceased"
    # Closed outcomes: a "no" decision ended the case before a plan existed.
    NOT_ASSESSING = "not_assessing"
    NOT_ISSUING = "not_issuing"


class Audience(StrEnum):
    """Who is reading: wording and content keys differ for each."""

    YOUNG_PERSON = "young_person"
    PARENT = "parent"
    SCHOOL = "school"
    PROFESSIONAL = "professional"
    CASE_OFFICER = "case_officer"


#: The seven stages of the visual pathway, in order (the closed outcomes are not steps on the path).
MAIN_STAGES: tuple[Stage, ...] = (
    Stage.REQUEST,
    Stage.ASSESSMENT,
    Stage.DECISION,
    Stage.DRAFT,
    Stage.FINAL,
    Stage.REVIEW,
    Stage.CEASED,
)

#: Outcomes that end a case before a plan is made.
CLOSED_OUTCOMES: frozenset[Stage] = frozenset({Stage.NOT_ASSESSING, Stage.NOT_ISSUING})

#: Stages a case never leaves.
FINAL_STAGES: frozenset[Stage] = CLOSED_OUTCOMES | {Stage.CEASED}

#: Stages reached by a "no" decision, which carries the right to mediation and appeal.
APPEALABLE_STAGES: frozenset[Stage] = FINAL_STAGES

#: The main stage at which each closed outcome is decided.
CLOSING_POINT: Mapping[Stage, Stage] = {
    Stage.NOT_ASSESSING: Stage.REQUEST,
    Stage.NOT_ISSUING: Stage.DECISION,
}

_FAMILY_NAMES: dict[Stage, str] = {
    Stage.REQUEST: "Asking for an assessment",
    Stage.ASSESSMENT: "Finding out about your child",
    Stage.DECISION: "Deciding about a plan",
    Stage.DRAFT: "Checking the draft plan",
    Stage.FINAL: "The plan is ready",
    Stage.REVIEW: "Checking the plan works",
    Stage.CEASED: "Plan ended",
    Stage.NOT_ASSESSING: "We are not assessing",
    Stage.NOT_ISSUING: "We are not making a plan",
}

_YOUNG_PERSON_NAMES: dict[Stage, str] = {
    Stage.REQUEST: "Asking for help",
    Stage.ASSESSMENT: "Finding out about you",
    Stage.DECISION: "Deciding about a plan",
    Stage.DRAFT: "Checking your plan",
    Stage.FINAL: "Your plan is ready",
    Stage.REVIEW: "Checking your plan works",
    Stage.CEASED: "Your plan has ended",
    Stage.NOT_ASSESSING: "No assessment for now",
    Stage.NOT_ISSUING: "No plan for now",
}

_PROFESSIONAL_NAMES: dict[Stage, str] = {
    Stage.REQUEST: "Request for a needs assessment",
    Stage.ASSESSMENT: "Needs assessment",
    Stage.DECISION: "Decision whether to issue a plan",
    Stage.DRAFT: "Draft plan",
    Stage.FINAL: "Final plan issued",
    Stage.REVIEW: "Reviews",
    Stage.CEASED: "Plan ceased",
    Stage.NOT_ASSESSING: "Decided not to assess",
    Stage.NOT_ISSUING: "Decided not to issue a plan",
}


def stage_label(stage: Stage | str, audience: Audience | str = Audience.PARENT) -> str:
    """The name of a stage in the words of the given audience.

    Parents and carers read the family-facing names; young people simpler ones; schools,
    professionals and case officers the professional names.
    """
    stage, audience = Stage(stage), Audience(audience)
    if audience is Audience.YOUNG_PERSON:
        return _YOUNG_PERSON_NAMES[stage]
    if audience is Audience.PARENT:
        return _FAMILY_NAMES[stage]
    return _PROFESSIONAL_NAMES[stage]


def stage_number(stage: Stage | str) -> int | None:
    """The step number (1-7) of a main stage on the pathway; ``None`` for a closed outcome."""
    stage = Stage(stage)
    return MAIN_STAGES.index(stage) + 1 if stage in MAIN_STAGES else None


def is_closed(stage: Stage | str) -> bool:
    """True when the case can no longer move (plan ended, not assessing, not issuing)."""
    return Stage(stage) in FINAL_STAGES


class StepState(StrEnum):
    """The state of one step on the visual pathway, relative to where the case is."""

    DONE = "done"
    NOW = "now"
    TO_COME = "to_come"
    NOT_HAPPENING = "not_happening"


_STEP_STATE_LABELS: dict[StepState, str] = {
    StepState.DONE: "Done",
    StepState.NOW: "Now",
    StepState.TO_COME: "To come",
    StepState.NOT_HAPPENING: "Not happening",
}


def step_state_label(state: StepState | str) -> str:
    """Words for a step's state, so the pathway never relies on colour alone."""
    return _STEP_STATE_LABELS[StepState(state)]


@dataclass(frozen=True, slots=True)
class PathwayStep:
    """One step of the visual pathway for a case: which stage, its number, name and state."""

    stage: Stage
    number: int
    label: str
    state: StepState


def pathway_steps(
    current: Stage | str | None, audience: Audience | str = Audience.PARENT
) -> list[PathwayStep]:
    """The seven main stages with each one's state for a case at ``current``.

    Before the current stage: done; the current stage: now; after it: to come. When the case ended
    in a closed outcome, the stage where it was decided and those before it are done and the rest
    are "not happening". A ceased plan shows every stage done and "Plan ended" as now.
    ``current=None`` gives the general pathway (every step "to come") for the public page.
    """
    if current is None:
        states = [StepState.TO_COME] * len(MAIN_STAGES)
    else:
        current = Stage(current)
        if current in CLOSING_POINT:
            closed_at = MAIN_STAGES.index(CLOSING_POINT[current])
            states = [
                StepState.DONE if i <= closed_at else StepState.NOT_HAPPENING
                for i in range(len(MAIN_STAGES))
            ]
        else:
            now = MAIN_STAGES.index(current)
            states = [
                StepState.DONE if i < now else StepState.NOW if i == now else StepState.TO_COME
                for i in range(len(MAIN_STAGES))
            ]
    return [
        PathwayStep(stage=stage, number=i + 1, label=stage_label(stage, audience), state=state)
        for i, (stage, state) in enumerate(zip(MAIN_STAGES, states, strict=True))
    ]


# --------------------------------------------------------------------------------------------------
# Legal moves
# --------------------------------------------------------------------------------------------------


class IllegalMove(Refused):
    """A move between stages the process does not allow; ``reason`` is a sentence for a person."""


# Order matters: allowed_moves() returns targets in this order (the usual next step first).
_MOVES: dict[Stage, tuple[Stage, ...]] = {
    Stage.REQUEST: (Stage.ASSESSMENT, Stage.NOT_ASSESSING),
    Stage.ASSESSMENT: (Stage.DECISION,),
    Stage.DECISION: (Stage.DRAFT, Stage.NOT_ISSUING),
    Stage.DRAFT: (Stage.FINAL,),
    Stage.FINAL: (Stage.REVIEW,),
    # review -> review: an amended plan or the next review keeps the case in the review cycle.
    Stage.REVIEW: (Stage.REVIEW, Stage.CEASED),
    Stage.CEASED: (),
    Stage.NOT_ASSESSING: (),
    Stage.NOT_ISSUING: (),
}

# Position used only to tell "going back" from "skipping ahead" in refusal messages.
_POSITION: dict[Stage, float] = {stage: float(i) for i, stage in enumerate(MAIN_STAGES)}
_POSITION[Stage.NOT_ASSESSING] = _POSITION[Stage.REQUEST] + 0.5
_POSITION[Stage.NOT_ISSUING] = _POSITION[Stage.DECISION] + 0.5


def allowed_moves(stage: Stage | str) -> tuple[Stage, ...]:
    """The stages a case at ``stage`` may move to next (empty for a closed case)."""
    return _MOVES[Stage(stage)]


def _quoted(stage: Stage) -> str:
    return f"'{_FAMILY_NAMES[stage]}'"


def _or_list(stages: tuple[Stage, ...]) -> str:
    names = [_quoted(s) for s in stages]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def check_move(current: Stage | str, target: Stage | str) -> None:
    """Refuse a move the process does not allow, raising :class:`IllegalMove` with the reason.

    The reason names both stages in the family-facing words and, where the case can move on,
    says where it can go next.
    """
    for name in (current, target):
        if name not in _MOVES:  # StrEnum members hash and compare equal to their values
            raise IllegalMove(f"There is no stage called '{name}'.")
    current, target = Stage(current), Stage(target)
    allowed = _MOVES[current]
    if target in allowed:
        return
    here, there = _quoted(current), _quoted(target)
    if current in FINAL_STAGES:
        reason = f"A case at {here} is closed. It cannot move to {there}."
    elif target == current:
        reason = f"The case is already at {here}."
    elif target in CLOSING_POINT:
        reason = (
            f"A case at {here} cannot move to {there}. "
            f"That can only be decided at {_quoted(CLOSING_POINT[target])}."
        )
    elif _POSITION[target] < _POSITION[current]:
        reason = f"A case at {here} cannot go back to {there}."
    else:
        reason = (
            f"A case at {here} cannot go straight to {there}. "
            f"Next it can go to {_or_list(allowed)}."
        )
    raise IllegalMove(reason)


# --------------------------------------------------------------------------------------------------
# Date arithmetic and statutory due dates
# --------------------------------------------------------------------------------------------------

#: A deadline this many days away or fewer (including today) is "due soon".
DUE_SOON_DAYS = 7
#: "15 days" periods count the day of sending as day 1.
FIFTEEN_DAY_PERIOD = 15
#: The council's choice of review interval for children under 5 must lie in this range (months).
UNDER_FIVE_REVIEW_MONTHS = range(3, 7)


def add_weeks(start: date, weeks: int) -> date:
    """``start`` plus a whole number of weeks (same weekday)."""
    return start + timedelta(weeks=weeks)


def add_months(start: date, months: int) -> date:
    """``start`` plus calendar months, clamped to the last day of a shorter month.

    31 January + 1 month = 28 February (29 in a leap year); 29 February + 12 months = 28 February
    in a non-leap year. Clamping keeps the date inside the period instead of spilling into the next
    month, so a "within N months" limit is never overstated.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def fifteen_days_from(sent_on: date) -> date:
    """The last of 15 calendar days counted from and including ``sent_on``.

    Sent 1 March: the last day is 15 March.
    """
    return sent_on + timedelta(days=FIFTEEN_DAY_PERIOD - 1)


def assessment_decision_due(request_received_on: date) -> date:
    """Tell the family whether there will be an assessment: 6 weeks from the request (reg 5(1))."""
    return add_weeks(request_received_on, 6)


def advice_due(requested_on: date) -> date:
    """Advice from each person asked: 6 weeks from the day *they* were asked (reg 8(1))."""
    return add_weeks(requested_on, 6)


def not_issuing_notice_due(request_received_on: date) -> date:
    """Tell the family there will be no plan: 16 weeks from the request (reg 10(1))."""
    return add_weeks(request_received_on, 16)


def draft_comments_due(draft_sent_on: date) -> date:
    """Last day for the family's comments, meeting request and school preference on the draft.

    At least 15 days, counting the day the draft was sent (reg 13(1)).
    """
    return fifteen_days_from(draft_sent_on)


def school_consultation_due(consulted_on: date) -> date:
    """A school named by the family replies within 15 days of being consulted (CFA 2014 s39)."""
    return fifteen_days_from(consulted_on)


def final_plan_due(request_received_on: date) -> date:
    """The final plan is issued within 20 weeks of the request (reg 13(2))."""
    return add_weeks(request_received_on, 20)


def validate_under_five_interval(months: int) -> int:
    """Return the council's review interval for under-5s, refusing anything outside 3-6 months."""
    if months not in UNDER_FIVE_REVIEW_MONTHS:
        raise ValueError(
            f"Reviews for children under 5 must be every 3 to 6 months, not every {months} months."
        )
    return months


def review_due(
    plan_or_last_review_on: date, *, under_five: bool = False, under_five_interval_months: int = 6
) -> date:
    """The latest date for the next review meeting.

    Within 12 months of the plan, then of each review (CFA 2014 s44). For a child under 5 the
    council's chosen interval of 3 to 6 months applies (Code of Practice 9.178); the interval is
    validated even when unused, so a bad setting is caught early.
    """
    interval = validate_under_five_interval(under_five_interval_months)
    return add_months(plan_or_last_review_on, interval if under_five else 12)


def review_invitations_due(meeting_on: date) -> date:
    """Invitations to the review meeting go out at least 2 weeks before it (reg 20)."""
    return meeting_on - timedelta(weeks=2)


def review_advice_due(meeting_on: date) -> date:
    """Advice and information for the review are circulated at least 2 weeks before it (reg 20)."""
    return review_invitations_due(meeting_on)


def review_report_due(meeting_on: date) -> date:
    """The review report is sent within 2 weeks of the meeting (reg 20)."""
    return add_weeks(meeting_on, 2)


def review_decision_due(meeting_on: date) -> date:
    """The council decides to keep, amend or cease the plan: 4 weeks after the meeting (reg 20)."""
    return add_weeks(meeting_on, 4)


def amendment_comments_due(proposals_sent_on: date) -> date:
    """Last day of the family's at least 15 days to comment on proposed amendments (reg 22)."""
    return fifteen_days_from(proposals_sent_on)


def amended_plan_due(proposals_sent_on: date) -> date:
    """The final amended plan is issued within 8 weeks of sending the proposals (reg 22)."""
    return add_weeks(proposals_sent_on, 8)


class TransferKind(StrEnum):
    """Which kind of phase transfer: the due date differs (reg 18)."""

    #: Into or between schools: early years to school, infant to junior, primary to secondary...
    SCHOOL = "school"
    #: From secondary school to a post-16 institution (college, sixth form, apprenticeship...).
    POST_16 = "post_16"


def phase_transfer_due(transfer_year: int, kind: TransferKind | str = TransferKind.SCHOOL) -> date:
    """The amended plan naming the new school or college is due by 15 February of the calendar year
    of the transfer, or by 31 March for secondary to post-16 (reg 18)."""
    if TransferKind(kind) is TransferKind.POST_16:
        return date(transfer_year, 3, 31)
    return date(transfer_year, 2, 15)


def appeal_deadline(decision_letter_on: date, mediation_certificate_on: date | None = None) -> date:
    """Last day to appeal a decision: 2 months from the decision letter, or 1 month from a mediation
    certificate, whichever is later."""
    latest = add_months(decision_letter_on, 2)
    if mediation_certificate_on is not None:
        latest = max(latest, add_months(mediation_certificate_on, 1))
    return latest


# --------------------------------------------------------------------------------------------------
# Deadlines, exceptions and statuses
# --------------------------------------------------------------------------------------------------


class DeadlineKind(StrEnum):
    """What a deadline is for. Also the key of single deadlines in :attr:`CaseFacts.exceptions`."""

    ASSESSMENT_DECISION = "assessment_decision"
    ADVICE = "advice"
    NOT_ISSUING_NOTICE = "not_issuing_notice"
    DRAFT_COMMENTS = "draft_comments"
    SCHOOL_CONSULTATION = "school_consultation"
    FINAL_PLAN = "final_plan"
    ANNUAL_REVIEW = "annual_review"
    REVIEW_INVITATIONS = "review_invitations"
    REVIEW_REPORT = "review_report"
    REVIEW_DECISION = "review_decision"
    AMENDMENT_COMMENTS = "amendment_comments"
    AMENDED_PLAN = "amended_plan"
    PHASE_TRANSFER = "phase_transfer"
    APPEAL = "appeal"


#: The family's own time windows. Nobody is "late" when one ends: it has simply passed, and the
#: council's exceptions do not apply to it.
FAMILY_WINDOWS: frozenset[DeadlineKind] = frozenset(
    {DeadlineKind.DRAFT_COMMENTS, DeadlineKind.AMENDMENT_COMMENTS, DeadlineKind.APPEAL}
)

_DEADLINE_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.ASSESSMENT_DECISION: "Decision on whether to do an assessment",
    DeadlineKind.ADVICE: "Advice from {who}",
    DeadlineKind.NOT_ISSUING_NOTICE: "Decision on whether to make a plan",
    DeadlineKind.DRAFT_COMMENTS: "Family's comments on the draft plan",
    DeadlineKind.SCHOOL_CONSULTATION: "Reply from {who}",
    DeadlineKind.FINAL_PLAN: "Final plan",
    DeadlineKind.ANNUAL_REVIEW: "Next review meeting",
    DeadlineKind.REVIEW_INVITATIONS: "Invitations and advice for the review meeting",
    DeadlineKind.REVIEW_REPORT: "Review report",
    DeadlineKind.REVIEW_DECISION: "Decision after the review",
    DeadlineKind.AMENDMENT_COMMENTS: "Family's comments on the proposed changes",
    DeadlineKind.AMENDED_PLAN: "Changed plan",
    DeadlineKind.PHASE_TRANSFER: "Plan naming the new school or college",
    DeadlineKind.APPEAL: "Last day to ask for mediation or appeal",
}


def deadline_label(kind: DeadlineKind | str, who: str = "") -> str:
    """Plain words for a deadline; ``who`` names the adviser or school for advice and replies."""
    return _DEADLINE_LABELS[DeadlineKind(kind)].format(who=who or "someone asked")


class DelayReason(StrEnum):
    """The lawful reasons a time limit need not be met. Staff shortages are deliberately absent."""

    SETTING_CLOSURE = "setting_closure"
    PERSONAL_CIRCUMSTANCES = "personal_circumstances"
    AWAY_FROM_AREA = "away_from_area"
    MISSED_APPOINTMENT = "missed_appointment"


_DELAY_LABELS: dict[DelayReason, str] = {
    DelayReason.SETTING_CLOSURE: (
        "The school or setting was closed for 4 weeks or more when it was asked"
    ),
    DelayReason.PERSONAL_CIRCUMSTANCES: (
        "Exceptional personal circumstances of the child or family"
    ),
    DelayReason.AWAY_FROM_AREA: ("The child or family was away from the area for 4 weeks or more"),
    DelayReason.MISSED_APPOINTMENT: "The child missed an appointment",
}


def delay_label(reason: DelayReason | str) -> str:
    """Plain words for a lawful reason for a delay."""
    return _DELAY_LABELS[DelayReason(reason)]


def delay_reasons_for(kind: DeadlineKind | str) -> tuple[DelayReason, ...]:
    """The lawful reasons a case officer may choose for this kind of deadline (for form choices).

    A missed appointment only excuses advice; the family's own windows take no exception.
    """
    kind = DeadlineKind(kind)
    if kind in FAMILY_WINDOWS:
        return ()
    return tuple(
        r
        for r in DelayReason
        if r is not DelayReason.MISSED_APPOINTMENT or kind is DeadlineKind.ADVICE
    )


def check_delay_reason(kind: DeadlineKind | str, reason: DelayReason | str) -> DelayReason:
    """Return ``reason`` as a :class:`DelayReason` if it may excuse this kind of deadline.

    Raises :class:`~portal.refusals.Refused` with a readable message otherwise: an unknown reason
    (staff shortages are not a lawful reason), a missed appointment for anything but advice, or
    any reason for a time window that belongs to the family.
    """
    kind = DeadlineKind(kind)
    try:
        reason = DelayReason(reason)
    except ValueError:
        raise Refused(
            "That is not a lawful reason to miss a time limit. The lawful reasons are: "
            + "; ".join(label.lower() for label in _DELAY_LABELS.values())
            + ". Staff shortages are not a lawful reason."
        ) from None
    if kind in FAMILY_WINDOWS:
        raise Refused(
            f"'{deadline_label(kind)}' is the family's own time limit. "
            "The council's exceptions do not apply to it."
        )
    if reason is DelayReason.MISSED_APPOINTMENT and kind is not DeadlineKind.ADVICE:
        raise Refused(
            "A missed appointment only excuses late advice. "
            f"It cannot excuse '{deadline_label(kind, 'the school')}'."
        )
    return reason


class Status(StrEnum):
    """Where a deadline stands on a given day."""

    DUE = "due"  # more than DUE_SOON_DAYS away
    DUE_SOON = "due_soon"  # within DUE_SOON_DAYS days, including today
    LATE = "late"  # past the due date, not met, no exception
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    DELAY_ALLOWED = "exception_applies"  # not met, or met late, and a lawful exception applies
    PASSED = "passed"  # a family window that ended without the family using it: nobody is late


_STATUS_LABELS: dict[Status, str] = {
    Status.DUE: "Due",
    Status.DUE_SOON: "Due soon",
    Status.LATE: "Late",
    Status.MET_ON_TIME: "Done on time",
    Status.MET_LATE: "Done late",
    Status.DELAY_ALLOWED: "Delayed for an allowed reason",
    Status.PASSED: "Time has ended",
}


def status_label(status: Status | str) -> str:
    """Plain words for a status (shown next to any colour, never instead of it)."""
    return _STATUS_LABELS[Status(status)]


@dataclass(frozen=True, slots=True)
class Deadline:
    """One time limit on a case.

    ``key`` is unique within a case: the kind's value for single deadlines (``"final_plan"``) and
    ``"<kind>:<ref>"`` for repeated ones (``"advice:17"``). Exceptions are recorded against it.
    """

    key: str
    kind: DeadlineKind
    label: str
    due: date
    met_on: date | None = None
    delay: DelayReason | None = None

    @property
    def is_family_window(self) -> bool:
        """True for the family's own time windows (comments, appeal)."""
        return self.kind in FAMILY_WINDOWS


def deadline_status(deadline: Deadline, today: date) -> Status:
    """The status of a deadline on ``today``.

    Met on or before the due date: met on time (an exception is then irrelevant). Met after it:
    exception applies if one is recorded, else met late. Not met: exception applies whenever one is
    recorded (the family should not be told to expect it by the date); else late once past the due
    date (or "passed" for a family window); else due soon within 7 days including today; else due.
    """
    # The council's exceptions never apply to the family's own windows.
    excused = deadline.delay is not None and not deadline.is_family_window
    if deadline.met_on is not None:
        if deadline.met_on <= deadline.due:
            return Status.MET_ON_TIME
        return Status.DELAY_ALLOWED if excused else Status.MET_LATE
    if excused:
        return Status.DELAY_ALLOWED
    days = days_until(deadline.due, today)
    if days < 0:
        return Status.PASSED if deadline.is_family_window else Status.LATE
    return Status.DUE_SOON if days <= DUE_SOON_DAYS else Status.DUE


def deadline_phrase(deadline: Deadline, today: date) -> str:
    """A short phrase to show beside a deadline's date, matching its status.

    "in 5 days", "today", "3 days late", "done on time", "done 2 days late", "ended 4 days ago"
    (a family window), "delayed for an allowed reason".
    """
    status = deadline_status(deadline, today)
    if status is Status.MET_ON_TIME:
        return "done on time"
    if status is Status.MET_LATE:
        assert deadline.met_on is not None  # guaranteed by the status
        return f"done {day_count((deadline.met_on - deadline.due).days)} late"
    if status is Status.DELAY_ALLOWED:
        return "delayed for an allowed reason"
    if status is Status.PASSED:
        return f"ended {day_count(-days_until(deadline.due, today))} ago"
    return relative_phrase(deadline.due, today)


# --------------------------------------------------------------------------------------------------
# A case's deadlines from its facts
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdviceRequest:
    """A request for advice sent to one person (school, psychologist, health, social care...)."""

    ref: str  # unique within the case (the database id), used in the deadline key "advice:<ref>"
    from_whom: str  # plain words for the label, e.g. "the school" or "a health visitor"
    sent_on: date
    received_on: date | None = None
    delay: DelayReason | None = None


@dataclass(frozen=True, slots=True)
class SchoolConsultation:
    """A school or college named by the family, consulted about the draft plan."""

    ref: str  # unique within the case, used in the deadline key "school_consultation:<ref>"
    school: str  # the school's name, for the label
    consulted_on: date
    replied_on: date | None = None


@dataclass(frozen=True)
class CaseFacts:
    """A snapshot of the dated facts of one case, from which its deadlines follow.

    Only ``stage`` and ``request_received_on`` are required; a deadline whose starting fact is
    missing is simply not listed. Review fields describe the current review cycle only.
    ``exceptions`` maps a deadline key (see :class:`Deadline`) to the lawful reason recorded for it;
    an :class:`AdviceRequest` may carry its own exception instead.
    """

    stage: Stage
    request_received_on: date
    assessment_decided_on: date | None = None  # the letter saying yes or no to an assessment
    advice_requests: tuple[AdviceRequest, ...] = ()
    not_issuing_notified_on: date | None = None  # the letter saying there will be no plan
    draft_sent_on: date | None = None
    family_comments_on: date | None = None  # the family's comments on the draft arrived
    school_consultations: tuple[SchoolConsultation, ...] = ()
    final_issued_on: date | None = None
    under_five: bool = False
    under_five_interval_months: int = 6
    last_review_on: date | None = None  # the date of the latest review meeting held
    next_review_meeting_on: date | None = None  # the next meeting, once arranged
    review_invitations_sent_on: date | None = None  # invitations for the next meeting
    review_report_sent_on: date | None = None  # report of the latest meeting
    review_decided_on: date | None = None  # keep / amend / cease, after the latest meeting
    amendments_sent_on: date | None = None  # proposed amendments sent to the family
    amendment_comments_on: date | None = None
    amended_plan_issued_on: date | None = None
    phase_transfer_year: int | None = None
    phase_transfer_kind: TransferKind = TransferKind.SCHOOL
    phase_transfer_named_on: date | None = None  # amended plan naming the new school issued
    ceased_on: date | None = None  # the letter saying the plan will end
    mediation_certificate_on: date | None = None
    delays: Mapping[str, DelayReason] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Accept the plain strings the database holds, and catch a bad review setting early.
        object.__setattr__(self, "stage", Stage(self.stage))
        object.__setattr__(self, "phase_transfer_kind", TransferKind(self.phase_transfer_kind))
        object.__setattr__(self, "delays", {k: DelayReason(v) for k, v in self.delays.items()})
        validate_under_five_interval(self.under_five_interval_months)


def _single(
    facts: CaseFacts, kind: DeadlineKind, due: date, met_on: date | None, who: str = ""
) -> Deadline:
    return Deadline(
        key=kind.value,
        kind=kind,
        label=deadline_label(kind, who),
        due=due,
        met_on=met_on,
        delay=facts.delays.get(kind.value),
    )


def _appeal(facts: CaseFacts, letter_on: date | None) -> list[Deadline]:
    if letter_on is None:
        return []
    due = appeal_deadline(letter_on, facts.mediation_certificate_on)
    return [_single(facts, DeadlineKind.APPEAL, due, None)]


def _advice(facts: CaseFacts) -> list[Deadline]:
    deadlines = []
    for request in facts.advice_requests:
        key = f"{DeadlineKind.ADVICE.value}:{request.ref}"
        deadlines.append(
            Deadline(
                key=key,
                kind=DeadlineKind.ADVICE,
                label=deadline_label(DeadlineKind.ADVICE, request.from_whom),
                due=advice_due(request.sent_on),
                met_on=request.received_on,
                delay=request.delay or facts.delays.get(key),
            )
        )
    return deadlines


def _consultations(facts: CaseFacts) -> list[Deadline]:
    deadlines = []
    for consultation in facts.school_consultations:
        key = f"{DeadlineKind.SCHOOL_CONSULTATION.value}:{consultation.ref}"
        deadlines.append(
            Deadline(
                key=key,
                kind=DeadlineKind.SCHOOL_CONSULTATION,
                label=deadline_label(DeadlineKind.SCHOOL_CONSULTATION, consultation.school),
                due=school_consultation_due(consultation.consulted_on),
                met_on=consultation.replied_on,
                delay=facts.delays.get(key),
            )
        )
    return deadlines


def _plan_in_force(facts: CaseFacts) -> list[Deadline]:
    """Deadlines while a plan is in force (stages final and review)."""
    deadlines = []
    since = facts.last_review_on or facts.final_issued_on
    if since is not None:
        due = review_due(
            since,
            under_five=facts.under_five,
            under_five_interval_months=facts.under_five_interval_months,
        )
        deadlines.append(_single(facts, DeadlineKind.ANNUAL_REVIEW, due, None))
    if facts.next_review_meeting_on is not None:
        due = review_invitations_due(facts.next_review_meeting_on)
        met = facts.review_invitations_sent_on
        deadlines.append(_single(facts, DeadlineKind.REVIEW_INVITATIONS, due, met))
    if facts.phase_transfer_year is not None:
        due = phase_transfer_due(facts.phase_transfer_year, facts.phase_transfer_kind)
        met = facts.phase_transfer_named_on
        deadlines.append(_single(facts, DeadlineKind.PHASE_TRANSFER, due, met))
    return deadlines


def _review_cycle(facts: CaseFacts) -> list[Deadline]:
    """Deadlines that follow a review meeting and proposed amendments."""
    deadlines = []
    if facts.last_review_on is not None:
        meeting = facts.last_review_on
        deadlines += [
            _single(
                facts,
                DeadlineKind.REVIEW_REPORT,
                review_report_due(meeting),
                facts.review_report_sent_on,
            ),
            _single(
                facts,
                DeadlineKind.REVIEW_DECISION,
                review_decision_due(meeting),
                facts.review_decided_on,
            ),
        ]
    if facts.amendments_sent_on is not None:
        sent = facts.amendments_sent_on
        deadlines += [
            _single(
                facts,
                DeadlineKind.AMENDMENT_COMMENTS,
                amendment_comments_due(sent),
                facts.amendment_comments_on,
            ),
            _single(
                facts,
                DeadlineKind.AMENDED_PLAN,
                amended_plan_due(sent),
                facts.amended_plan_issued_on,
            ),
        ]
    return deadlines


def case_deadlines(facts: CaseFacts) -> list[Deadline]:
    """The deadlines that matter at the case's current stage, earliest due first.

    - request: the decision on assessment (6 weeks).
    - assessment: each advice request (6 weeks from sending), the decision on a plan (16 weeks) and
      the final plan (20 weeks).
    - decision: the decision on a plan (met by the "no plan" letter or by sending the draft) and the
      final plan.
    - draft: the family's 15 days, each consulted school's 15 days, the final plan.
    - final and review: the final plan (met), the next review, its invitations, any phase transfer;
      in review also the report and decision after the latest meeting and any amendments.
    - not assessing, not issuing, ceased: the last day to ask for mediation or appeal.
    """
    stage, request = facts.stage, facts.request_received_on
    decision_by = not_issuing_notice_due(request)
    final_by = final_plan_due(request)
    plan_decided_on = facts.not_issuing_notified_on or facts.draft_sent_on
    deadlines: list[Deadline] = []

    if stage is Stage.REQUEST:
        due = assessment_decision_due(request)
        deadlines.append(
            _single(facts, DeadlineKind.ASSESSMENT_DECISION, due, facts.assessment_decided_on)
        )
    elif stage is Stage.ASSESSMENT:
        deadlines += _advice(facts)
        deadlines.append(_single(facts, DeadlineKind.NOT_ISSUING_NOTICE, decision_by, None))
        deadlines.append(_single(facts, DeadlineKind.FINAL_PLAN, final_by, None))
    elif stage is Stage.DECISION:
        deadlines.append(
            _single(facts, DeadlineKind.NOT_ISSUING_NOTICE, decision_by, plan_decided_on)
        )
        deadlines.append(_single(facts, DeadlineKind.FINAL_PLAN, final_by, None))
    elif stage is Stage.DRAFT:
        if facts.draft_sent_on is not None:
            due = draft_comments_due(facts.draft_sent_on)
            met = facts.family_comments_on
            deadlines.append(_single(facts, DeadlineKind.DRAFT_COMMENTS, due, met))
        deadlines += _consultations(facts)
        deadlines.append(_single(facts, DeadlineKind.FINAL_PLAN, final_by, facts.final_issued_on))
    elif stage in (Stage.FINAL, Stage.REVIEW):
        deadlines.append(_single(facts, DeadlineKind.FINAL_PLAN, final_by, facts.final_issued_on))
        deadlines += _plan_in_force(facts)
        if stage is Stage.REVIEW:
            deadlines += _review_cycle(facts)
    elif stage is Stage.NOT_ASSESSING:
        deadlines += _appeal(facts, facts.assessment_decided_on)
    elif stage is Stage.NOT_ISSUING:
        deadlines += _appeal(facts, facts.not_issuing_notified_on)
    elif stage is Stage.CEASED:
        deadlines += _appeal(facts, facts.ceased_on)

    # sorted() is stable: deadlines due on the same day keep the order above (most urgent first).
    return sorted(deadlines, key=lambda d: d.due)


def next_deadline(facts: CaseFacts, today: date) -> Deadline | None:
    """The single deadline the tracker shows for the current stage: the earliest one not yet met.

    A family window that has already ended is skipped (nothing more can happen in it), so a closed
    case shows its appeal deadline only while it is open. ``None`` when nothing is outstanding.
    """
    for deadline in case_deadlines(facts):
        if deadline.met_on is not None:
            continue
        if deadline.is_family_window and days_until(deadline.due, today) < 0:
            continue
        return deadline
    return None


# --------------------------------------------------------------------------------------------------
# "What happens next" and "What you need to do"
# --------------------------------------------------------------------------------------------------


class ContentText(NamedTuple):
    """A content key and the built-in wording used until an editor publishes content for it."""

    key: str
    default: str


def content_key(stage: Stage | str, audience: Audience | str, part: str) -> str:
    """The content key ``pathway/<stage>/<audience>/<part>``; ``part`` is "next" or "todo"."""
    if part not in ("next", "todo"):
        raise ValueError(f"Unknown pathway text part '{part}': use 'next' or 'todo'.")
    return f"pathway/{Stage(stage).value}/{Audience(audience).value}/{part}"


_YP, _PA, _SC, _PR, _CO = (
    Audience.YOUNG_PERSON,
    Audience.PARENT,
    Audience.SCHOOL,
    Audience.PROFESSIONAL,
    Audience.CASE_OFFICER,
)

_APPEAL_PARENT = (
    "If you disagree, you can ask for mediation. That is a meeting with someone independent who "
    "helps you and the council agree. You can also appeal to a tribunal, a special court. "
    "You have 2 months from the date on the letter."
)

_NEXT: dict[Stage, dict[Audience, str]] = {
    Stage.REQUEST: {
        _YP: "Someone asked the council to find out more about you. "
        "The council will say yes or no soon.",
        _PA: "The council is looking at the request. Within 6 weeks it will tell you if it will do "
        "an assessment. An assessment means finding out what help your child needs.",
        _SC: "The council will decide within 6 weeks of the request whether to carry out a needs "
        "assessment. It may ask you what support the child has now.",
        _PR: "The council will decide within 6 weeks of the request whether to carry out a needs "
        "assessment. You may be asked for information.",
        _CO: "Decide whether to carry out a needs assessment. Write to the family with the "
        "decision within 6 weeks of the request.",
    },
    Stage.ASSESSMENT: {
        _YP: "People are finding out what you are good at. They want to know what help you need. "
        "They will ask what you think.",
        _PA: "The council is asking people who know your child for advice. This might be the "
        "school, doctors and others. Each person has 6 weeks to reply. Then the council decides "
        "if your child needs a plan.",
        _SC: "The council is gathering advice about the child. Each person asked has 6 weeks from "
        "the day they were asked to reply.",
        _PR: "The council is gathering advice about the child. Each person asked has 6 weeks from "
        "the day they were asked to reply.",
        _CO: "Gather advice from everyone needed. Each request is due 6 weeks after it was sent. "
        "If there will be no plan, the family must hear by week 16.",
    },
    Stage.DECISION: {
        _YP: "The council is reading what people said about you. They will decide if you need a "
        "plan.",
        _PA: "The council is reading all the advice. It will decide if your child needs a plan. If "
        "it decides not to make one, it must tell you within 16 weeks of the request.",
        _SC: "The council is deciding whether to issue a plan. If it will not, it must tell the "
        "family within 16 weeks of the request.",
        _PR: "The council is deciding whether to issue a plan. If it will not, it must tell the "
        "family within 16 weeks of the request.",
        _CO: "Decide whether to issue a plan. If not, tell the family by week 16. If so, send them "
        "the draft plan.",
    },
    Stage.DRAFT: {
        _YP: "There is a first version of your plan. It says what help you will get. You can say "
        "what you think.",
        _PA: "The council has sent you a draft plan. You have 15 days to comment, counting the day "
        "it was sent. You can also ask for a meeting and say which school you want.",
        _SC: "The family has the draft plan. If they name your school, the council will ask if you "
        "can meet the child's needs. You then have 15 days to reply.",
        _PR: "The family has the draft plan to comment on. The final plan is due within 20 weeks "
        "of the request.",
        _CO: "Wait for the family's comments: they have 15 days, counting the day the draft was "
        "sent. Consult any school they name; it has 15 days to reply.",
    },
    Stage.FINAL: {
        _YP: "Your plan is ready. It says what help you will get. People will check it is working "
        "at least once a year.",
        _PA: "The final plan is ready. The help in it must now be given. The plan will be checked "
        "within 12 months. For a child under 5 it is checked every 3 to 6 months.",
        _SC: "The final plan has been issued. The school named in it must admit the child and give "
        "the help the plan describes.",
        _PR: "The final plan has been issued. It will be reviewed within 12 months, or every 3 to "
        "6 months for a child under 5.",
        _CO: "The plan is issued. Hold the first review within 12 months of the plan date, or "
        "within the set 3 to 6 months for a child under 5.",
    },
    Stage.REVIEW: {
        _YP: "People are checking how your plan is going. There will be a meeting. You can go and "
        "say what you think.",
        _PA: "Your child's plan is being checked. You will be invited to a meeting at least 2 "
        "weeks before it. Within 4 weeks after the meeting, the council decides to keep, change "
        "or end the plan.",
        _SC: "The plan is being reviewed. Invitations and advice go out at least 2 weeks before "
        "the meeting. The report is due within 2 weeks after it.",
        _PR: "The plan is being reviewed. You may be asked for advice at least 2 weeks before the "
        "meeting.",
        _CO: "Hold each review within 12 months of the last one. Within 4 weeks of the meeting, "
        "decide to keep, amend or cease the plan.",
    },
    Stage.CEASED: {
        _YP: "Your plan has ended. You can still get help at school or college.",
        _PA: "The council has decided to end your child's plan. " + _APPEAL_PARENT,
        _SC: "The plan has ended. The child may still need support from the school.",
        _PR: "The plan has ended. The child may still need support from your service.",
        _CO: "The plan has ended. The family can ask for mediation or appeal within 2 months of "
        "the letter.",
    },
    Stage.NOT_ASSESSING: {
        _YP: "The council decided not to find out more for now. You can still get help at school.",
        _PA: "The council has decided not to do an assessment. " + _APPEAL_PARENT,
        _SC: "The council decided not to carry out a needs assessment. The child may still need "
        "support from the school.",
        _PR: "The council decided not to carry out a needs assessment.",
        _CO: "The family can ask for mediation or appeal within 2 months of the letter.",
    },
    Stage.NOT_ISSUING: {
        _YP: "The council decided you do not need a plan for now. You can still get help at "
        "school.",
        _PA: "The council has decided not to make a plan for your child. " + _APPEAL_PARENT,
        _SC: "The council decided not to issue a plan. The child may still need support from the "
        "school.",
        _PR: "The council decided not to issue a plan after the assessment.",
        _CO: "The family can ask for mediation or appeal within 2 months of the letter.",
    },
}

_TODO: dict[Stage, dict[Audience, str]] = {
    Stage.REQUEST: {
        _YP: "You do not need to do anything now. You can tell an adult you trust how things "
        "feel for you.",
        _PA: "You do not need to do anything yet. If you have reports or letters about your child, "
        "you can add them here. They help the council decide.",
        _SC: "If the council asks, send what you know: the support the child has now and how they "
        "are doing.",
        _PR: "Nothing yet, unless the council asks you for information about the child.",
        _CO: "Gather the family's views and the school's evidence. Record the decision and the "
        "date of the letter.",
    },
    Stage.ASSESSMENT: {
        _YP: "Tell people what you like and what is hard. Say what you hope for. You can write, "
        "draw or tell someone.",
        _PA: "Tell the council about your child: what they enjoy, what is hard, and what help "
        "works. You can add your views and documents here.",
        _SC: "If you have been asked for advice, send it by the date shown. Say what the child "
        "needs and what would help.",
        _PR: "If you have been asked for advice, add it here by the date shown. If the child "
        "missed an appointment, tell the case officer straight away.",
        _CO: "Send advice requests and chase any that are due soon. Record advice when it arrives. "
        "Record an exception if a lawful reason applies.",
    },
    Stage.DECISION: {
        _YP: "You do not need to do anything now.",
        _PA: "You do not need to do anything now. You can read the advice about your child here "
        "once it is shared with you.",
        _SC: "Nothing, unless the council contacts you.",
        _PR: "Nothing, unless the council contacts you.",
        _CO: "Record the decision. Send the draft plan, or the letter saying no with the family's "
        "right to mediation and appeal.",
    },
    Stage.DRAFT: {
        _YP: "Read your plan with someone you trust. Tell them if something is wrong or missing.",
        _PA: "Read the draft plan. Tell the council what is right and what should change. Say "
        "which school or college you would like. Do this within 15 days.",
        _SC: "If the council asks you about a place for the child, reply within 15 days.",
        _PR: "Nothing, unless the council asks you to check the part of the plan that uses your "
        "advice.",
        _CO: "Record the family's comments and school preference. Consult the schools named. "
        "Issue the final plan within 20 weeks of the request.",
    },
    Stage.FINAL: {
        _YP: "Tell someone if the help is not working for you.",
        _PA: "Read the final plan. Tell the council or the school if help is not being given. "
        + _APPEAL_PARENT,
        _SC: "Put the help in the plan in place. Keep notes of progress for the first review.",
        _PR: "Give any help the plan says your service provides.",
        _CO: "Send the plan to everyone who needs it. Set the date of the first review.",
    },
    Stage.REVIEW: {
        _YP: "Think about what is going well and what is hard. Tell someone before the meeting.",
        _PA: "Come to the review meeting. Say what is working and what is not. If changes are "
        "suggested, you have 15 days to comment.",
        _SC: "Arrange the review meeting and invite everyone at least 2 weeks before it. Send the "
        "report within 2 weeks after it.",
        _PR: "If asked, send your advice at least 2 weeks before the meeting. Go to it if you can.",
        _CO: "Record the report, your decision and any proposed changes. A changed plan is due 8 "
        "weeks after the proposals were sent. For a move to a new school, name it by 15 February "
        "(31 March for a move to college after 16).",
    },
    Stage.CEASED: {
        _YP: "If you do not agree, tell an adult you trust. They can help you ask for it to be "
        "looked at again.",
        _PA: "Read the letter. It says why the plan is ending. If you disagree, contact a "
        "mediation service before the date shown.",
        _SC: "Keep supporting the child with the school's own help.",
        _PR: "Keep supporting the child as your service usually would.",
        _CO: "Check the letter gives the reasons and the family's right to mediation and appeal.",
    },
    Stage.NOT_ASSESSING: {
        _YP: "If you or your family do not agree, an adult can help you ask again.",
        _PA: "Read the letter. It says why. If you disagree, contact a mediation service before "
        "the date shown. You can also ask again later if things change.",
        _SC: "Keep supporting the child and keep notes of what you try and how it works.",
        _PR: "Nothing, unless the council or the family contacts you.",
        _CO: "Check the letter gives the reasons and the family's right to mediation and appeal.",
    },
    Stage.NOT_ISSUING: {
        _YP: "If you or your family do not agree, an adult can help you ask again.",
        _PA: "Read the letter. It says why. If you disagree, contact a mediation service before "
        "the date shown.",
        _SC: "Keep supporting the child. The advice gathered can help you plan their support.",
        _PR: "Nothing, unless the council or the family contacts you.",
        _CO: "Check the letter gives the reasons and the family's right to mediation and appeal. "
        "Share the advice gathered with the family and the school.",
    },
}


def next_step_text(stage: Stage | str, audience: Audience | str) -> ContentText:
    """The "What happens next" text for a stage and audience: its content key and default."""
    stage, audience = Stage(stage), Audience(audience)
    return ContentText(content_key(stage, audience, "next"), _NEXT[stage][audience])


def todo_text(stage: Stage | str, audience: Audience | str) -> ContentText:
    """The "What you need to do" text for a stage and audience: its content key and default."""
    stage, audience = Stage(stage), Audience(audience)
    return ContentText(content_key(stage, audience, "todo"), _TODO[stage][audience])


def all_content_texts() -> list[ContentText]:
    """Every pathway text with its default, e.g. to seed the content store or list missing keys."""
    return [
        part(stage, audience)
        for stage in Stage
        for audience in Audience
        for part in (next_step_text, todo_text)
    ]
