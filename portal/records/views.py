"""The records pages: "Who has looked at this case" (the family and the council) and the audit
search (administrators)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from portal import access, clock
from portal.accounts.models import Role
from portal.accounts.reauth import fresh_second_factor
from portal.cases.models import Case
from portal.cases.services import record_view
from portal.records import looked, search, subject_access
from portal.records.forms import AuditSearchForm, SubjectAccessForm
from portal.rendering import render_page

#: The session key of the administrator's audit search (kept out of the URL).
AUDIT_SEARCH = "audit_search"

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
    return {"case": case, "can_export": access.can(user, access.Action.MANAGE, case)}


@bp.route("/audit", methods=["GET", "POST"])
@access.role_required(Role.ADMIN)
def audit_search():
    """Search the whole audit trail by case reference, person, action and dates, newest first, a
    page at a time. The search is posted and kept in the session (no email address in URLs)."""
    if request.method == "POST":
        form = AuditSearchForm()
        if form.validate():
            filters = search.AuditFilters(
                case_reference=form.case_reference.data or "",
                person=form.person.data or "",
                action=form.action.data or "",
                from_date=form.from_date.data,
                to_date=form.to_date.data,
            )
            session[AUDIT_SEARCH] = filters.to_session()
            return redirect(url_for("records.audit_search"), 303)
        return render_template("records/audit_search.html", form=form, page=None, filters=None)
    filters = search.AuditFilters.from_session(session.get(AUDIT_SEARCH))
    form = AuditSearchForm(
        formdata=None,
        data=filters.to_session()
        | {
            "from_date": filters.from_date,
            "to_date": filters.to_date,
        },
    )
    before = request.args.get("before", type=int)
    return render_template(
        "records/audit_search.html",
        form=form,
        filters=filters,
        page=search.search(filters, before=before),
    )


@bp.post("/audit/export")
@access.role_required(Role.ADMIN)
@fresh_second_factor
def export_audit():
    """The entries matching the current search as a CSV file. The export is recorded in the
    audit trail (who, when, with which filters) before the first row is sent."""
    if not AuditSearchForm().validate():  # only the CSRF token is checked here
        abort(400)
    filters = search.AuditFilters.from_session(session.get(AUDIT_SEARCH))
    search.record_export(current_user, filters)
    name = f"audit-trail-{clock.today().isoformat()}.csv"
    return Response(
        stream_with_context(search.export_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/cases/<public_id:case_id>/subject-access", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.MANAGE)
@fresh_second_factor
def subject_access_export():
    """The council's case officer makes a zip of everything the portal holds about the child
    (the case, its timeline, the plan, every document version, the audit entries) with an
    index. GET explains it; POST makes it, records it, and sends it."""
    case = g.case
    form = SubjectAccessForm()
    if form.validate_on_submit():
        archive = subject_access.make_export(current_user, case)
        return send_file(
            archive,
            mimetype="application/zip",
            as_attachment=True,
            download_name=f"{case.reference} subject access {clock.today().isoformat()}.zip",
        )
    return render_template("records/subject_access.html", case=case, form=form)
