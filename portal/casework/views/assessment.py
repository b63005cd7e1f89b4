"""The request and the assessment: the decision on assessment, asking for advice, recording it."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from portal import access, pathway
from portal.cases.facts import record_for
from portal.cases.models import AdviceRequest, Case
from portal.casework import forms
from portal.casework.steps import assessment as steps
from portal.casework.views.shared import (
    MANAGE,
    action_page,
)
from portal.dates import long_date


@access.load(Case, "case_id", MANAGE)
def decide_assessment():
    """Record yes or no to a needs assessment, with the date of the letter."""
    form = forms.AssessmentDecisionForm()

    def run() -> str:
        return steps.decide_assessment(
            current_user, g.case, outcome=form.outcome.data, letter_on=form.letter_on.data
        ).message

    due = pathway.assessment_decision_due(g.case.request_received_on)
    return action_page(
        form,
        run,
        title="Record the decision on assessment",
        button="Record the decision",
        intro=(f"The family must hear within 6 weeks of the request: by {long_date(due)}.",),
        appeal=True,
    )


@access.load(Case, "case_id", MANAGE)
def request_advice():
    """Record a request for advice to someone on the case or a named service."""
    form = forms.AdviceRequestForm(advisers=steps.advisers_on_case(g.case))

    def run() -> str:
        return steps.send_advice_request(
            current_user,
            g.case,
            kind=form.kind.data,
            adviser=form.chosen_adviser,
            service_name=form.service_name.data,
            sent_on=form.sent_on.data,
        ).message

    return action_page(
        form,
        run,
        title="Ask for advice",
        button="Record the request",
        intro=(
            "Each person asked has 6 weeks from the day you asked them. To ask someone through "
            "the portal, give them access to the case first.",
        ),
    )


@access.load(Case, "case_id", MANAGE)
@access.load(AdviceRequest, "advice_id", MANAGE, g_name="advice", part_of="case")
def advice_received():
    """Record the day advice arrived."""
    form = forms.AdviceReceivedForm()

    def run() -> str:
        return steps.record_advice_received(
            current_user, g.advice, received_on=form.received_on.data
        ).message

    due = pathway.advice_due(g.advice.sent_on)
    return action_page(
        form,
        run,
        title=f"Record advice from {g.advice.from_whom}",
        button="Record the advice",
        intro=(f"Asked on {long_date(g.advice.sent_on)}. Due by {long_date(due)}.",),
    )


@access.load(Case, "case_id", MANAGE)
@access.load(AdviceRequest, "advice_id", MANAGE, g_name="advice", part_of="case")
def correct_advice():
    """Correct advice recorded as received (by the adviser's upload or by hand): another day,
    or not arrived after all."""
    advice = g.advice
    form = forms.CorrectAdviceForm()
    if advice.received_on is not None and not form.is_submitted():
        form.arrived.data = "yes"
        form.received_on.process(None, advice.received_on)

    def run() -> str:
        return steps.correct_advice_received(
            current_user,
            advice,
            arrived=form.arrived.data == "yes",
            received_on=form.received_on.data,
        ).message

    due = pathway.advice_due(advice.sent_on)
    intro = [f"Asked on {long_date(advice.sent_on)}. Due by {long_date(due)}."]
    if advice.received_on is not None:
        by = advice.received_by.name if advice.received_by is not None else "the council"
        intro.append(f"Recorded as received on {long_date(advice.received_on)} by {by}.")
    return action_page(
        form,
        run,
        title=f"Correct the advice from {advice.from_whom}",
        button="Save the correction",
        intro=tuple(intro),
    )


@access.load(Case, "case_id", MANAGE)
def finish_assessment():
    """Move the case on to deciding about a plan once the advice is in."""
    form = forms.FinishAssessmentForm()
    record = record_for(g.case)
    outstanding = [a.from_whom for a in record.advice_requests if a.received_on is None]

    def run() -> str:
        return steps.finish_assessment(
            current_user, g.case, finished_on=form.finished_on.data
        ).message

    intro = ["The case moves on to deciding whether to make a plan."]
    if outstanding:
        intro.append("Advice has not arrived yet from: " + ", ".join(outstanding) + ".")
    return action_page(
        form, run, title="Finish the assessment", button="Finish the assessment", intro=tuple(intro)
    )
