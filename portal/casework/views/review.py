"""Reviews and amendments, phase transfer, and ending the plan."""

from __future__ import annotations

from collections.abc import Callable

from flask import g
from flask_login import current_user

from portal import access, pathway
from portal.cases.models import Case, Review
from portal.casework import forms
from portal.casework.steps import review as steps
from portal.casework.views.shared import (
    MANAGE,
    action_page,
)
from portal.dates import long_date


@access.load(Case, "case_id", MANAGE)
def schedule_review():
    """Arrange a review meeting."""
    form = forms.ScheduleReviewForm()

    def run() -> str:
        return steps.schedule_review(current_user, g.case, meeting_on=form.meeting_on.data).message

    return action_page(form, run, title="Arrange a review", button="Arrange the review")


def review_action(view):
    """A review's action page: the case and its review, both for the team's case officer."""
    view = access.load(Review, "review_id", MANAGE, g_name="review", part_of="case")(view)
    return access.load(Case, "case_id", MANAGE)(view)


def review_page(form, run: Callable[[], str], *, title: str, button: str, intro=(), **kw):
    """The review actions share one shape: the meeting date first, then the form."""
    meeting = f"Review meeting: {long_date(g.review.meeting_on)}."
    return action_page(form, run, title=title, button=button, intro=(meeting, *intro), **kw)


@review_action
def review_invitations():
    """Record the day the review invitations were sent."""
    form = forms.InvitationsForm()

    def run() -> str:
        return steps.record_review_invitations(
            current_user, g.review, sent_on=form.sent_on.data
        ).message

    due = pathway.review_invitations_due(g.review.meeting_on)
    return review_page(
        form,
        run,
        title="Record the review invitations",
        button="Record the invitations",
        intro=(
            "Invitations and requests for advice go out at least 2 weeks before the meeting: "
            f"by {long_date(due)}.",
        ),
    )


@review_action
def review_report():
    """Record the day the review report was sent."""
    form = forms.ReviewReportForm()

    def run() -> str:
        return steps.record_review_report(current_user, g.review, sent_on=form.sent_on.data).message

    due = pathway.review_report_due(g.review.meeting_on)
    return review_page(
        form,
        run,
        title="Record the review report",
        button="Record the report",
        intro=(f"The report is due within 2 weeks of the meeting: by {long_date(due)}.",),
    )


@review_action
def review_decision():
    """Record the decision after a review: keep, amend or cease the plan."""
    form = forms.ReviewDecisionForm()

    def run() -> str:
        return steps.record_review_decision(
            current_user, g.review, decision=form.decision.data, decided_on=form.decided_on.data
        ).message

    due = pathway.review_decision_due(g.review.meeting_on)
    return review_page(
        form,
        run,
        title="Record the decision after the review",
        button="Record the decision",
        intro=(f"The decision is due within 4 weeks of the meeting: by {long_date(due)}.",),
        appeal=True,
    )


@review_action
def send_amendments():
    """Record the day the proposed changes were sent to the family."""
    form = forms.AmendmentsForm()

    def run() -> str:
        return steps.send_amendments(current_user, g.review, sent_on=form.sent_on.data).message

    return review_page(
        form, run, title="Send the proposed changes", button="Record the changes as sent"
    )


@review_action
def amendment_comments():
    """Record the day the family's comments on the proposed changes arrived."""
    form = forms.AmendmentCommentsForm()

    def run() -> str:
        return steps.record_amendment_comments(
            current_user, g.review, received_on=form.received_on.data
        ).message

    return review_page(
        form,
        run,
        title="Record the family's comments on the changes",
        button="Record the comments",
    )


@review_action
def amended_plan():
    """Record the day the changed plan was issued."""
    form = forms.AmendedPlanForm()

    def run() -> str:
        return steps.issue_amended_plan(
            current_user,
            g.review,
            issued_on=form.issued_on.data,
            names_new_school=form.names_new_school.data,
        ).message

    sent = g.review.amendments_sent_on
    intro: tuple[str, ...] = ()
    if sent is not None:
        due = pathway.amended_plan_due(sent)
        intro = (f"It is due within 8 weeks of the proposed changes: by {long_date(due)}.",)
    return review_page(
        form,
        run,
        title="Issue the changed plan",
        button="Record the changed plan as issued",
        intro=intro,
    )


@access.load(Case, "case_id", MANAGE)
def phase_transfer():
    """Record the year the child moves to a new school or college."""
    form = forms.PhaseTransferForm()

    def run() -> str:
        return steps.set_phase_transfer(
            current_user, g.case, year=form.year_number, kind=form.kind.data
        ).message

    return action_page(
        form,
        run,
        title="Set a move to a new school or college",
        button="Record the move",
        intro=(
            "The changed plan naming the new place is due by 15 February of the year of the "
            "move, or 31 March for a move from secondary school to a college or other place "
            "after 16.",
        ),
    )


@access.load(Case, "case_id", MANAGE)
def end_plan():
    """End (cease) the plan, with the date of the letter; the case closes."""
    form = forms.LetterForm()

    def run() -> str:
        return steps.cease_plan(current_user, g.case, letter_on=form.letter_on.data).message

    return action_page(
        form,
        run,
        title="End the plan",
        button="End the plan",
        intro=("The case closes. Check the letter gives the reasons.",),
        appeal=True,
    )
