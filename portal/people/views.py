"""People on this case: the list everyone on the case can read, and the council's controls to
add, invite, change and remove people. The controls answer 404 to anyone who may not manage the
case, so a school (or anyone else) cannot even learn they exist."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import access
from portal.accounts.models import Organisation, OrganisationKind
from portal.accounts.reauth import fresh_second_factor
from portal.cases.models import Case, CaseGrant
from portal.cases.policy import live_grants
from portal.cases.sections import sections_for
from portal.cases.services import record_view
from portal.extensions import db
from portal.people import (
    policy,  # noqa: F401  (registers the CaseGrant rule)
    services,
)
from portal.people.forms import (
    AddPersonForm,
    ConfirmForm,
    FindPersonForm,
    GrantForm,
    InvitePersonForm,
)
from portal.refusals import Refused, show_on_form

bp = Blueprint("people", __name__)


def _people_url(case: Case) -> str:
    return url_for("people.case_people", case_id=case.public_id)


@bp.get("/cases/<public_id:case_id>/people")
@access.load(Case, "case_id", access.Action.VIEW, options=(joinedload(Case.live_grant_rows),))
def case_people():
    """Who can see the case and what each may do; the case officer also gets the controls."""
    case = g.case
    manager = access.can(current_user, access.Action.MANAGE, case)
    page = render_template(
        "people/people.html",
        case=case,
        grants=live_grants(case),
        ended=services.ended_grants(case) if manager else [],
        can_manage=manager,
        permissions_of=services.Permissions.of,
        sections=sections_for(case, current_user, page="people"),
    )
    record_view(current_user, case, page="people")
    return page


def people_section(case: Case, user) -> dict | None:
    """A link to the people page: to manage it (the council) or to read it (everyone else)."""
    if not access.can(user, access.Action.VIEW, case):
        return None
    return {"case": case, "can_manage": access.can(user, access.Action.MANAGE, case)}


def _organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.kind.not_in(
                    [OrganisationKind.COUNCIL, OrganisationKind.PARENT_CARER_FORUM]
                )
            )
            .order_by(Organisation.name)
        )
    )


@bp.route("/cases/<public_id:case_id>/people/add", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.MANAGE)
@fresh_second_factor
def add_person():
    """Step 1 finds someone by email; step 2 adds them, or invites them if they have no account.
    The email only ever travels in a POST body (step 1's field, then step 2's hidden field), so
    it never reaches browser history, server logs or a Referer header."""
    case = g.case
    if request.method == "GET":
        # An old link's ?email= is ignored: the page must not say whether an account exists.
        return render_template("people/find.html", case=case, form=FindPersonForm(formdata=None))
    if request.form.get("step") == FindPersonForm.STEP:
        find = FindPersonForm()
        if not find.validate():
            return render_template("people/find.html", case=case, form=find)
        return _add_or_invite(case, find.email.data, submitted=False)
    return _add_or_invite(case, request.form.get("email") or "", submitted=True)


def _add_or_invite(case: Case, email: str, *, submitted: bool):
    """Step 2: the "add this person" or "invite someone new" form, and what happens when it is
    sent (`submitted`; otherwise the form is shown fresh, straight after step 1)."""
    formdata = request.form if submitted else None
    person = services.find_person(email)
    if person is not None:
        form = AddPersonForm(formdata, data={"email": email})
        problem = services.problem_adding(case, person)
        if problem:
            return render_template(
                "people/add.html", case=case, form=form, person=person, problem=problem
            )
    else:
        form = InvitePersonForm(formdata, data={"email": email}, organisations=_organisations())

    if submitted and form.validate():
        try:
            added = services.add_person(
                current_user,
                case,
                email=form.email.data,
                relationship=form.relationship.data,
                permissions=form.chosen_permissions,
                name=form.name.data if person is None else None,
                organisation=form.chosen_organisation if person is None else None,
            )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            user = added.grant.user
            if added.invited:
                flash(
                    f"We have sent an invitation to {user.email}. {user.name} can see this case "
                    "once they have chosen a password.",
                    "success",
                )
            else:
                flash(f"{user.name} can now see this case", "success")
            return redirect(_people_url(case), 303)
    template = "people/add.html" if person is not None else "people/invite.html"
    return render_template(template, case=case, form=form, person=person, problem=None, email=email)


@bp.route("/case-access/<public_id:grant_id>/change", methods=["GET", "POST"])
@access.load(CaseGrant, "grant_id", access.Action.MANAGE, g_name="grant")
@fresh_second_factor
def change_person():
    """Change how someone relates to the child and what they may do."""
    grant = g.grant
    form = GrantForm(data=GrantForm.data_for(grant))
    if form.validate_on_submit():
        try:
            services.change_person(
                current_user,
                grant,
                relationship=form.relationship.data,
                permissions=form.chosen_permissions,
            )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash(f"What {grant.user.name} can do was changed", "success")
            return redirect(_people_url(grant.case), 303)
    return render_template("people/change.html", grant=grant, case=grant.case, form=form)


@bp.route("/case-access/<public_id:grant_id>/remove", methods=["GET", "POST"])
@access.load(CaseGrant, "grant_id", access.Action.MANAGE, g_name="grant")
def remove_person():
    """Ask for confirmation (GET), then end the person's access (POST)."""
    grant = g.grant
    form = ConfirmForm()
    if form.validate_on_submit():
        services.remove_person(current_user, grant)
        flash(f"{grant.user.name} can no longer see this case", "success")
        return redirect(_people_url(grant.case), 303)
    return render_template("people/remove.html", grant=grant, case=grant.case, form=form)
