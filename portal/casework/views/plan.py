"""The decision on a plan, the draft, the family's comments, school consultations and the final
plan."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from portal import access, pathway
from portal.cases.models import Case, SchoolConsultation
from portal.casework import forms
from portal.casework.steps import plan as steps
from portal.casework.views.shared import (
    MANAGE,
    action_page,
    schools,
)
from portal.dates import long_date


@access.load(Case, "case_id", MANAGE)
def not_issuing():
    """Record the decision not to make a plan; the case closes with the right to appeal."""
    form = forms.LetterForm()

    def run() -> str:
        return steps.notify_not_issuing(current_user, g.case, letter_on=form.letter_on.data).message

    due = pathway.not_issuing_notice_due(g.case.request_received_on)
    return action_page(
        form,
        run,
        title="Record a decision not to make a plan",
        button="Record the decision",
        intro=(f"The family must hear within 16 weeks of the request: by {long_date(due)}.",),
        appeal=True,
    )


@access.load(Case, "case_id", MANAGE)
def send_draft():
    """Record the day the draft plan was sent to the family."""
    form = forms.DraftSentForm()

    def run() -> str:
        return steps.send_draft(current_user, g.case, sent_on=form.sent_on.data).message

    due = pathway.final_plan_due(g.case.request_received_on)
    return action_page(
        form,
        run,
        title="Send the draft plan",
        button="Record the draft as sent",
        intro=(f"The final plan is due by {long_date(due)}.",),
    )


@access.load(Case, "case_id", MANAGE)
def family_comments():
    """Record the family's comments on the draft and the school they asked for."""
    form = forms.FamilyCommentsForm()

    def run() -> str:
        return steps.record_family_comments(
            current_user,
            g.case,
            received_on=form.received_on.data,
            school_preference=form.school_preference.data,
        ).message

    return action_page(
        form, run, title="Record the family's comments", button="Record the comments"
    )


@access.load(Case, "case_id", MANAGE)
def consult_school():
    """Record that a school or college was asked if it can meet the child's needs."""
    form = forms.ConsultSchoolForm(schools=schools())

    def run() -> str:
        return steps.consult_school(
            current_user,
            g.case,
            school=form.chosen_school,
            school_name=form.school_name.data,
            consulted_on=form.consulted_on.data,
        ).message

    return action_page(form, run, title="Ask a school about a place", button="Record the request")


@access.load(Case, "case_id", MANAGE)
@access.load(SchoolConsultation, "consultation_id", MANAGE, g_name="consultation", part_of="case")
def school_reply():
    """Record the day a consulted school replied."""
    form = forms.SchoolReplyForm()

    def run() -> str:
        return steps.record_school_reply(
            current_user, g.consultation, replied_on=form.replied_on.data
        ).message

    return action_page(
        form,
        run,
        title=f"Record the reply from {g.consultation.school_name}",
        button="Record the reply",
    )


@access.load(Case, "case_id", MANAGE)
def issue_final_plan():
    """Record the day the final plan was issued."""
    form = forms.FinalPlanForm()

    def run() -> str:
        return steps.issue_final_plan(
            current_user,
            g.case,
            issued_on=form.issued_on.data,
            under_five_interval_months=int(form.under_five_interval_months.data),
        ).message

    due = pathway.final_plan_due(g.case.request_received_on)
    return action_page(
        form,
        run,
        title="Issue the final plan",
        button="Record the final plan as issued",
        intro=(f"The final plan is due within 20 weeks of the request: by {long_date(due)}.",),
    )
