"""The records pages: "Who has looked at this case" (the family and the council) and the audit
search (administrators)."""

from __future__ import annotations

from flask import Blueprint, abort, g, request
from flask_login import current_user

from portal import access
from portal.cases.models import Case
from portal.cases.services import record_view
from portal.records import looked
from portal.rendering import render_page

bp = Blueprint("records", __name__)


@bp.get("/cases/<public_id:case_id>/who-has-looked")
@access.load(Case, "case_id", access.Action.VIEW)
def who_has_looked():
    """Everyone who has looked at the case or downloaded its papers, newest first, a page at a
    time. Only the child's family and the council's case officers; anyone else gets 404. The
    look at this page is itself recorded."""
    case = g.case
    if not looked.may_see_who_looked(current_user, case):
        abort(404)
    before = request.args.get("before", type=int)
    response = render_page(
        "records/who_has_looked.html",
        case=case,
        page=looked.looks_at(case, current_user, before=before),
        older=before is not None,
    )
    record_view(current_user, case, page="who has looked")
    return response


def who_looked_section(case: Case, user) -> dict | None:
    """The case page's link to "Who has looked at this case", for those who may see it."""
    if not looked.may_see_who_looked(user, case):
        return None
    return {"case": case}
