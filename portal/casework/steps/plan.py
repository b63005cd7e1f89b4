"""The decision on a plan, the draft, the family's comments, school consultations and the final
plan -- SEND Regulations 2014, regs 10 and 13."""

from __future__ import annotations

from datetime import date

from portal import pathway
from portal.accounts.models import Organisation, OrganisationKind, User
from portal.cases import step_hooks
from portal.cases.models import (
    Case,
    CaseMilestones,
    SchoolConsultation,
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
from portal.refusals import Refused


def _assessed_after(case: Case, row: CaseMilestones) -> tuple[tuple[date | None, str], ...]:
    return (
        request_received(case),
        (row.assessment_decided_on, "the decision to assess"),
        (row.assessment_finished_on, "the day the assessment finished"),
    )


@step
def notify_not_issuing(actor: User, case: Case, *, letter_on: date | None) -> Done[Case]:
    """Record the decision not to make a plan (the letter date). The case closes as "not
    issuing"; the event tells the family their right to mediation and appeal."""
    check_manage(actor, case)
    move_to(case, pathway.Stage.NOT_ISSUING)
    row = milestones_of(case)
    letter_on = check_date(
        letter_on,
        what="the date of the letter",
        field="letter_on",
        after=_assessed_after(case, row),
    )
    row.not_issuing_notified_on = letter_on
    timeline(
        "case.not_issuing",
        actor=actor,
        case=case,
        subject=case,
        summary=(
            "The council decided not to make a plan "
            f"(letter dated {long_date(letter_on)}). {appeal_sentence(letter_on)}"
        ),
        letter_on=letter_on.isoformat(),
    )
    return Done(
        case,
        (
            "The decision not to make a plan is recorded. "
            f"{appeal_sentence(letter_on, 'The family')}"
        ),
    )


@step
def send_draft(actor: User, case: Case, *, sent_on: date | None) -> Done[Case]:
    """Record the day the draft plan was sent to the family. Their 15 days to comment and name
    a school start that day."""
    check_manage(actor, case)
    move_to(case, pathway.Stage.DRAFT)
    row = milestones_of(case)
    sent_on = check_date(
        sent_on,
        what="the date the draft was sent",
        field="sent_on",
        after=_assessed_after(case, row),
    )
    row.draft_sent_on = sent_on
    step_hooks.after_step(step_hooks.DRAFT_SENT, actor, case, sent_on)
    timeline(
        "case.draft_sent",
        actor=actor,
        case=case,
        subject=case,
        summary=(
            f"The council sent the draft plan on {long_date(sent_on)}. You can comment, ask for a "
            "meeting and say which school or college you want until "
            f"{long_date(pathway.draft_comments_due(sent_on))}."
        ),
        sent_on=sent_on.isoformat(),
    )
    return Done(
        case,
        (
            "The draft plan is recorded as sent. "
            f"The family can comment until {long_date(pathway.draft_comments_due(sent_on))}."
        ),
    )


@step
def record_family_comments(
    actor: User, case: Case, *, received_on: date | None, school_preference: str | None
) -> Done[Case]:
    """Record the day the family's comments on the draft arrived, and the school or college
    they asked for (if any)."""
    check_manage(actor, case)
    require_stage(case, "record the family's comments on the draft", pathway.Stage.DRAFT)
    row = milestones_of(case)
    received_on = check_date(
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
    timeline(
        "case.family_comments",
        actor=actor,
        case=case,
        subject=case,
        summary=summary,
    )
    return Done(case, "The family's comments are recorded.")


@step
def consult_school(
    actor: User,
    case: Case,
    *,
    school: Organisation | None,
    school_name: str | None,
    consulted_on: date | None,
) -> Done[SchoolConsultation]:
    """Record that a school or college was asked whether it can meet the child's needs. It has
    15 days to reply, counting the day it was asked."""
    check_manage(actor, case)
    require_stage(case, "consult a school", pathway.Stage.DRAFT)
    if school is not None and school.kind != OrganisationKind.SCHOOL:
        raise Refused("Choose a school or setting from the list", "school")
    name = school.name if school is not None else (school_name or "")
    if not name:
        raise Refused("Choose a school from the list or enter its name", "school_name")
    row = milestones_of(case)
    consulted_on = check_date(
        consulted_on,
        what="the date the school was asked",
        field="consulted_on",
        after=((row.draft_sent_on, "the day the draft was sent"),),
    )
    consultation = SchoolConsultation(
        case=case,
        school_id=school.id if school else None,
        school_name=name,
        consulted_on=consulted_on,
    )
    db.session.add(consultation)
    db.session.flush()
    timeline(
        "school.consulted",
        actor=actor,
        case=case,
        subject=consultation,
        summary=(
            f"The council asked {name} if it can meet {case.child.first_name}'s needs. "
            f"It should reply by "
            f"{long_date(pathway.school_consultation_due(consulted_on))}."
        ),
    )
    return Done(
        consultation,
        (
            f"{consultation.school_name} is recorded as asked. It should reply by "
            f"{long_date(pathway.school_consultation_due(consulted_on))}."
        ),
    )


@step
def record_school_reply(
    actor: User, consultation: SchoolConsultation, *, replied_on: date | None
) -> Done[SchoolConsultation]:
    """Record the day a consulted school replied."""
    case = consultation.case
    check_manage(actor, case)
    if consultation.replied_on is not None:
        raise Refused(f"The reply from {consultation.school_name} is already recorded.")
    replied_on = check_date(
        replied_on,
        what="the date the school replied",
        field="replied_on",
        after=((consultation.consulted_on, "the day the school was asked"),),
    )
    consultation.replied_on = replied_on
    timeline(
        "school.replied",
        actor=actor,
        case=case,
        subject=consultation,
        summary=f"{consultation.school_name} replied to the council.",
    )
    return Done(consultation, f"The reply from {consultation.school_name} is recorded.")


@step
def issue_final_plan(
    actor: User, case: Case, *, issued_on: date | None, under_five_interval_months: int = 6
) -> Done[Case]:
    """Record the day the final plan was issued. Refused before the family's 15 days to comment
    have ended, unless their comments have arrived."""
    check_manage(actor, case)
    move_to(case, pathway.Stage.FINAL)
    row = milestones_of(case)
    issued_on = check_date(
        issued_on,
        what="the date the final plan was issued",
        field="issued_on",
        after=((row.draft_sent_on, "the day the draft was sent"),),
    )
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
    step_hooks.after_step(step_hooks.FINAL_ISSUED, actor, case, issued_on)
    due = pathway.final_plan_due(case.request_received_on)
    timing = "within the 20 weeks" if issued_on <= due else "after the 20 weeks"
    timeline(
        "case.final_issued",
        actor=actor,
        case=case,
        subject=case,
        summary=(
            f"The council issued the final plan on {long_date(issued_on)}, {timing}. "
            "The help in it must now be given."
        ),
        issued_on=issued_on.isoformat(),
        on_time=issued_on <= due,
    )
    return Done(case, "The final plan is recorded as issued.")
