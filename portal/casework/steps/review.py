"""Reviews, amendments, phase transfer and ending the plan -- SEND Regulations 2014, regs 18, 20
and 22."""

from __future__ import annotations

from datetime import date

from portal import clock, pathway
from portal.accounts.models import User
from portal.cases import step_hooks
from portal.cases.facts import record_for
from portal.cases.models import (
    Case,
    Review,
    ReviewDecision,
)
from portal.casework.steps.shared import (
    Done,
    appeal_sentence,
    check_date,
    check_manage,
    check_move,
    milestones_of,
    move_to,
    require_stage,
    step,
    timeline,
)
from portal.dates import long_date
from portal.extensions import db
from portal.refusals import Refused


@step
def schedule_review(actor: User, case: Case, *, meeting_on: date | None) -> Done[Review]:
    """Arrange a review meeting (the date may be in the future). The case moves to "Checking the
    plan works". A new review needs the decision after the last one first."""
    check_manage(actor, case)
    record = record_for(case)
    latest = record.latest_review()
    if latest is not None and latest.decided_on is None:
        raise Refused(
            f"Record the decision after the review on {long_date(latest.meeting_on)} first."
        )
    move_to(case, pathway.Stage.REVIEW)
    row = milestones_of(case)
    meeting_on = check_date(
        meeting_on,
        what="the date of the review meeting",
        field="meeting_on",
        future_allowed=True,
        after=(
            (row.final_issued_on, "the day the final plan was issued"),
            (latest.meeting_on if latest else None, "the last review meeting"),
        ),
    )
    review = Review(case=case, meeting_on=meeting_on, scheduled_by_id=actor.id)
    db.session.add(review)
    db.session.flush()
    timeline(
        "review.scheduled",
        actor=actor,
        case=case,
        subject=review,
        summary=(
            f"A review meeting is arranged for {long_date(meeting_on)}. Invitations go out at "
            f"least 2 weeks before it."
        ),
        meeting_on=meeting_on.isoformat(),
    )
    invite_by = pathway.review_invitations_due(meeting_on)
    arranged = f"The review meeting on {long_date(meeting_on)} is arranged."
    if invite_by < clock.today():
        # A meeting recorded after the event: the invitations date is history, not a task.
        return Done(review, f"{arranged} The invitations were due by {long_date(invite_by)}.")
    return Done(review, f"{arranged} Send the invitations by {long_date(invite_by)}.")


def _review_dates(review: Review) -> tuple[tuple[date | None, str], ...]:
    return ((review.meeting_on, "the day of the meeting"),)


@step
def record_review_invitations(actor: User, review: Review, *, sent_on: date | None) -> Done[Review]:
    """Record the day invitations (and advice requests) for the review meeting were sent."""
    case = review.case
    check_manage(actor, case)
    require_stage(case, "record review invitations", pathway.Stage.REVIEW)
    sent_on = check_date(sent_on, what="the date the invitations were sent", field="sent_on")
    if sent_on > review.meeting_on:
        raise Refused(
            "The invitations must have been sent before the meeting on "
            f"{long_date(review.meeting_on)}",
            "sent_on",
        )
    review.invitations_sent_on = sent_on
    timeline(
        "review.invitations_sent",
        actor=actor,
        case=case,
        subject=review,
        summary=f"Invitations to the review meeting on {long_date(review.meeting_on)} were sent.",
    )
    return Done(review, "The review invitations are recorded as sent.")


def _require_held(review: Review, doing: str) -> None:
    if review.meeting_on > clock.today():
        raise Refused(
            f"The review meeting is on {long_date(review.meeting_on)}. You can {doing} after it."
        )


@step
def record_review_report(actor: User, review: Review, *, sent_on: date | None) -> Done[Review]:
    """Record the day the report of the review meeting was sent (due within 2 weeks)."""
    case = review.case
    check_manage(actor, case)
    require_stage(case, "record a review report", pathway.Stage.REVIEW)
    _require_held(review, "record the report")
    sent_on = check_date(
        sent_on, what="the date the report was sent", field="sent_on", after=_review_dates(review)
    )
    review.report_sent_on = sent_on
    timeline(
        "review.report_sent",
        actor=actor,
        case=case,
        subject=review,
        summary=f"The report of the review meeting on {long_date(review.meeting_on)} was sent.",
    )
    return Done(review, "The review report is recorded as sent.")


@step
def record_review_decision(
    actor: User, review: Review, *, decision: ReviewDecision | str, decided_on: date | None
) -> Done[Review]:
    """Record the council's decision after a review: keep, amend or cease the plan (due within
    4 weeks of the meeting). A decision to cease tells the family their right to appeal."""
    case = review.case
    check_manage(actor, case)
    require_stage(case, "record a review decision", pathway.Stage.REVIEW)
    _require_held(review, "record the decision")
    if review.decided_on is not None:
        raise Refused("The decision after this review is already recorded.")
    decision = ReviewDecision(decision)
    decided_on = check_date(
        decided_on,
        what="the date of the decision",
        field="decided_on",
        after=_review_dates(review),
    )
    review.decision, review.decided_on = decision.value, decided_on
    if decision is not ReviewDecision.CEASE:
        step_hooks.after_step(step_hooks.REVIEW_DECIDED, actor, case, decided_on)
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
    timeline(
        "review.decided",
        actor=actor,
        case=case,
        subject=review,
        summary=summary,
        decision=decision.value,
        decided_on=decided_on.isoformat(),
    )
    return Done(
        review,
        (
            "The decision to end the plan is recorded. Next, send the letter ending it. "
            f"{appeal_sentence(decided_on, 'The family')}"
            if decision is ReviewDecision.CEASE
            else "The decision after the review is recorded."
        ),
    )


@step
def send_amendments(actor: User, review: Review, *, sent_on: date | None) -> Done[Review]:
    """Record the day the proposed changes to the plan were sent to the family. They have 15
    days to comment; the changed plan is due within 8 weeks."""
    case = review.case
    check_manage(actor, case)
    require_stage(case, "send proposed changes", pathway.Stage.REVIEW)
    if review.decision != ReviewDecision.AMEND:
        raise Refused("Record a decision to change the plan before sending the changes.")
    if review.amendments_sent_on is not None:
        raise Refused("The proposed changes after this review are already recorded.")
    sent_on = check_date(
        sent_on,
        what="the date the proposed changes were sent",
        field="sent_on",
        after=((review.decided_on, "the decision to change the plan"),),
    )
    review.amendments_sent_on = sent_on
    step_hooks.after_step(step_hooks.AMENDMENTS_SENT, actor, case, sent_on)
    timeline(
        "review.amendments_sent",
        actor=actor,
        case=case,
        subject=review,
        summary=(
            f"The council sent the proposed changes to the plan on {long_date(sent_on)}. You can "
            f"comment until {long_date(pathway.amendment_comments_due(sent_on))}."
        ),
    )
    return Done(
        review,
        (
            "The proposed changes are recorded as sent. The family can comment until "
            f"{long_date(pathway.amendment_comments_due(sent_on))}."
        ),
    )


@step
def record_amendment_comments(
    actor: User, review: Review, *, received_on: date | None
) -> Done[Review]:
    """Record the day the family's comments on the proposed changes arrived."""
    case = review.case
    check_manage(actor, case)
    if review.amendments_sent_on is None:
        raise Refused("Send the proposed changes before recording comments on them.")
    received_on = check_date(
        received_on,
        what="the date the comments were received",
        field="received_on",
        after=((review.amendments_sent_on, "the day the changes were sent"),),
    )
    review.amendment_comments_on = received_on
    timeline(
        "review.amendment_comments",
        actor=actor,
        case=case,
        subject=review,
        summary="The council received your comments on the proposed changes.",
    )
    return Done(review, "The family's comments on the changes are recorded.")


@step
def issue_amended_plan(
    actor: User, review: Review, *, issued_on: date | None, names_new_school: bool = False
) -> Done[Review]:
    """Record the day the changed (amended) plan was issued. Refused before the family's 15 days
    to comment have ended unless their comments arrived. ``names_new_school`` marks it as the
    plan naming the school or college for a phase transfer."""
    case = review.case
    check_manage(actor, case)
    check_move(case, pathway.Stage.REVIEW)  # review -> review: the plan is still in force
    if review.amendments_sent_on is None:
        raise Refused("Send the proposed changes before issuing the changed plan.")
    if review.amended_plan_issued_on is not None:
        raise Refused("The changed plan after this review is already recorded.")
    issued_on = check_date(
        issued_on,
        what="the date the changed plan was issued",
        field="issued_on",
        after=((review.amendments_sent_on, "the day the changes were sent"),),
    )
    last_day = pathway.amendment_comments_due(review.amendments_sent_on)
    if review.amendment_comments_on is None and issued_on <= last_day:
        raise Refused(
            f"The family has until {long_date(last_day)} to comment on the changes. Record their "
            "comments first, or issue the changed plan after that day.",
            "issued_on",
        )
    review.amended_plan_issued_on = issued_on
    step_hooks.after_step(step_hooks.AMENDED_PLAN_ISSUED, actor, case, issued_on)
    if names_new_school:
        milestones_of(case).phase_transfer_named_on = issued_on
    timeline(
        "review.amended_plan_issued",
        actor=actor,
        case=case,
        subject=review,
        summary=(
            f"The council issued the changed plan on {long_date(issued_on)}."
            + (" It names the new school or college." if names_new_school else "")
        ),
        issued_on=issued_on.isoformat(),
    )
    return Done(review, "The changed plan is recorded as issued.")


@step
def set_phase_transfer(
    actor: User, case: Case, *, year: int | None, kind: pathway.TransferKind | str
) -> Done[Case]:
    """Record that the child moves school phase in ``year``: the plan naming the new school is
    then due by 15 February of that year (31 March for a move from secondary to post-16)."""
    check_manage(actor, case)
    require_stage(case, "set a move to a new school", pathway.Stage.FINAL, pathway.Stage.REVIEW)
    this_year = clock.today().year
    if year is None:
        raise Refused("Enter the year of the move", "year")
    if not this_year <= year <= this_year + 10:
        raise Refused(
            f"The year of the move must be between {this_year} and {this_year + 10}", "year"
        )
    kind = pathway.TransferKind(kind)
    row = milestones_of(case)
    row.phase_transfer_year, row.phase_transfer_kind = year, kind.value
    row.phase_transfer_named_on = None
    due = pathway.phase_transfer_due(year, kind)
    timeline(
        "case.phase_transfer_set",
        actor=actor,
        case=case,
        subject=case,
        summary=(
            f"{case.child.first_name} moves to a new school or college in {year}. "
            f"The plan naming it is due "
            f"by {long_date(due)}."
        ),
        year=year,
        kind=kind.value,
    )
    return Done(
        case,
        (
            "The move is recorded. The plan naming the new school or college is due by "
            f"{long_date(due)}."
        ),
    )


@step
def cease_plan(actor: User, case: Case, *, letter_on: date | None) -> Done[Case]:
    """End the plan (the date on the letter). The case closes; the event tells the family their
    right to mediation and appeal and its last day."""
    check_manage(actor, case)
    move_to(case, pathway.Stage.CEASED)
    row = milestones_of(case)
    latest = record_for(case).latest_review()
    letter_on = check_date(
        letter_on,
        what="the date of the letter",
        field="letter_on",
        after=(
            (row.final_issued_on, "the day the final plan was issued"),
            (latest.decided_on if latest else None, "the decision after the last review"),
        ),
    )
    row.ceased_on = letter_on
    timeline(
        "case.ceased",
        actor=actor,
        case=case,
        subject=case,
        summary=(
            f"The council ended the plan (letter dated {long_date(letter_on)}). "
            f"{appeal_sentence(letter_on)}"
        ),
        letter_on=letter_on.isoformat(),
    )
    return Done(case, f"The plan has ended. {appeal_sentence(letter_on, 'The family')}")
