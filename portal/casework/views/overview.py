"""Opening a case, and the page of everything the case officer can do on it."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template
from flask_login import current_user

from portal import access, clock, pathway
from portal.accounts.models import Role
from portal.cases.facts import record_for
from portal.cases.models import Case
from portal.cases.services import record_view
from portal.casework import forms
from portal.casework.next_steps import available_actions
from portal.casework.steps import assessment as steps
from portal.casework.views.shared import (
    MANAGE,
    case_url,
    schools,
)
from portal.refusals import NotAllowed, Refused, show_on_form


@access.role_required(Role.CASE_OFFICER)
def open_case():
    """Open a case for a new request for an assessment."""
    form = forms.OpenCaseForm(schools=schools())
    if form.validate_on_submit():
        try:
            done = steps.open_case(
                current_user,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                date_of_birth=form.date_of_birth.data,
                school=form.chosen_school,
                request_received_on=form.request_received_on.data,
                requested_by=form.requested_by.data,
            )
        except NotAllowed:
            abort(403)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash(done.message, "success")
            return redirect(case_url(done.subject), 303)
    return render_template("casework/open_case.html", form=form)


@access.load(Case, "case_id", MANAGE)
def manage_case():
    """Everything the case officer can do at this stage, with the case's time limits."""
    case = g.case
    today = clock.today()
    record = record_for(case)
    deadlines = [
        (
            deadline,
            pathway.deadline_status(deadline, today),
            pathway.deadline_phrase(deadline, today),
        )
        for deadline in pathway.case_deadlines(record.facts(today))
    ]
    page = render_template(
        "casework/manage_case.html",
        case=case,
        record=record,
        actions=available_actions(record, today),
        deadlines=deadlines,
        stage_label=pathway.stage_label(case.stage, pathway.Audience.CASE_OFFICER),
        status_label=pathway.status_label,
        delay_label=pathway.delay_label,
        case_url=case_url(case),
    )
    record_view(current_user, case, page="manage")  # after rendering: see cases.views
    return page
