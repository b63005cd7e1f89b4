"""Recording a lawful reason a time limit cannot be met."""

from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from portal import access
from portal.cases.facts import record_for
from portal.cases.models import Case
from portal.casework import forms
from portal.casework.steps import lawful_delays as steps
from portal.casework.views.shared import (
    MANAGE,
    action_page,
)
from portal.dates import long_date


@access.load(Case, "case_id", MANAGE)
def record_lawful_delay(deadline: str):
    """Record a lawful reason a time limit cannot be met."""
    found = steps.find_deadline(record_for(g.case), deadline)
    if found is None:
        abort(404)
    form = forms.LawfulDelayForm(kind=found.kind)

    def run() -> str:
        return steps.record_lawful_delay(
            current_user,
            g.case,
            deadline_key=found.key,
            reason=form.reason.data,
            applies_from=form.applies_from.data,
            explanation=form.explanation.data,
        ).message

    return action_page(
        form,
        run,
        title="Record an allowed reason for a delay",
        button="Record the reason",
        intro=(
            f"Time limit: {found.label}, due by {long_date(found.due)}.",
            "Only the reasons the law allows can be recorded. Staff shortages are not one of them.",
        ),
    )
