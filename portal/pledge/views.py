"""Reading and signing the pledge on a case, and the pledge's two sections of the case page.

The public pledge page itself is `pages.pledge`; this blueprint is only the signing.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from portal import access
from portal.accounts.models import Role
from portal.cases.models import Case
from portal.pledge import services
from portal.pledge.forms import SignPledgeForm
from portal.pledge.policy import SIGNING_ROLES
from portal.refusals import NotAllowed

bp = Blueprint("pledge", __name__)


@bp.route("/cases/<public_id:case_id>/pledge", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.VIEW)
def sign_pledge():
    """The pledge to read, and the "I promise to follow the pledge" button (schools and
    professionals on the case only; the family sees who signed on the case page)."""
    case = g.case
    form = SignPledgeForm()
    try:
        if form.validate_on_submit():
            try:
                services.sign_pledge(current_user, case)
            except services.PledgeNotPublished:
                flash("The pledge cannot be signed at the moment. Please try again later", "info")
            else:
                flash("Thank you. You have promised to follow the pledge", "success")
            return redirect(url_for("cases.case_page", case_id=case.public_id), 303)
        pledge, signature = services.pledge_to_sign(current_user, case)
    except NotAllowed:
        abort(403)
    return render_template(
        "pledge/sign.html", case=case, pledge=pledge, signature=signature, form=form
    )


def pledge_prompt_section(case, user) -> dict | None:
    """Asks a school, professional or the case's officer to sign, until they have (one small
    query, for those asked)."""
    if user.role not in SIGNING_ROLES or not services.may_sign(user, case):
        return None
    if services.has_signed(user, case):
        return None
    return {"case": case}


def pledge_signers_section(case, user) -> dict | None:
    """Who has promised to follow the pledge on this case, and who has not yet (one query)."""
    lines = services.pledge_lines(case)
    if not lines:
        return None
    return {
        "signed": [line for line in lines if line.signature is not None],
        "not_signed": [line for line in lines if line.signature is None],
        "for_young_person": user.role == Role.YOUNG_PERSON,
        "for_family": Role(user.role).is_family,
    }
