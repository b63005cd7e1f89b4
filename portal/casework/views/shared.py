"""The shape every case officer's action page shares: GET the form, POST it to one step, then
redirect to the case page with the step's message, or show the form again with its errors."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import select

from portal import access, clock, pathway
from portal.accounts.models import Organisation, OrganisationKind
from portal.cases.models import Case
from portal.extensions import db
from portal.refusals import NotAllowed, Refused, show_on_form

MANAGE = access.Action.MANAGE


def case_url(case: Case) -> str:
    return url_for("cases.case_page", case_id=case.public_id)


def action_page(
    form,
    run: Callable[[], str],
    *,
    title: str,
    button: str,
    intro: tuple[str, ...] = (),
    appeal: bool = False,
    template: str = "casework/action.html",
    **context,
):
    """GET: the form. POST: validate, call the service through ``run`` (which returns the success
    message), then redirect 303 to the case page; or show the form again with its errors."""
    case = g.case
    if form.validate_on_submit():
        try:
            message = run()
        except NotAllowed:
            abort(404)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash(message, "success")
            return redirect(case_url(case), 303)
    today = clock.today()
    return render_template(
        template,
        case=case,
        form=form,
        page_title=title,
        button=button,
        intro=intro,
        appeal_until=pathway.appeal_deadline(today) if appeal else None,
        case_url=case_url(case),
        **context,
    )


def schools() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.SCHOOL)
            .order_by(Organisation.name)
        )
    )
