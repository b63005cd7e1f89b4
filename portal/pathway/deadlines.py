"""Deadlines: their kinds, the lawful reasons for a delay, their status on a given ``today``,
and every deadline of a case worked out from its facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from portal.dates import day_count, days_until, relative_phrase
from portal.pathway.due_dates import (
    DUE_SOON_DAYS,
    TransferKind,
    advice_due,
    amended_plan_due,
    amendment_comments_due,
    appeal_deadline,
    assessment_decision_due,
    draft_comments_due,
    final_plan_due,
    not_issuing_notice_due,
    phase_transfer_due,
    review_decision_due,
    review_due,
    review_invitations_due,
    review_report_due,
    school_consultation_due,
    validate_under_five_interval,
)
from portal.pathway.stages import Stage
from portal.refusals import Refused

# --------------------------------------------------------------------------------------------------
# Deadlines, lawful delays and statuses
# --------------------------------------------------------------------------------------------------


class DeadlineKind(StrEnum):
    """What a deadline is for. Also the key of single deadlines in :attr:`CaseFacts.delays`."""

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
#: council's lawful delays do not apply to it.
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

    A missed appointment only excuses advice; the family's own windows take no delay.
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
    LATE = "late"  # past the due date, not met, no lawful delay
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    DELAY_ALLOWED = "exception_applies"  # not met, or met late, and a lawful delay applies
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
    ``"<kind>:<ref>"`` for repeated ones (``"advice:17"``). Lawful delays are recorded against it.
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

    Met on or before the due date: met on time (a delay is then irrelevant). Met after it:
    delay allowed if one is recorded, else met late. Not met: delay allowed whenever one is
    recorded (the family should not be told to expect it by the date); else late once past the due
    date (or "passed" for a family window); else due soon within 7 days including today; else due.
    """
    # The council's lawful delays never apply to the family's own windows.
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
    ``delays`` maps a deadline key (see :class:`Deadline`) to the lawful reason recorded for it;
    an :class:`AdviceRequest` may carry its own delay instead.
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
