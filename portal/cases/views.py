"""Home pages for each role, the case page, its timeline and updates, and the team dashboard.

Views are thin: they read the request, ask the read modules (`tracker`, `caseload`, `timeline`,
`dashboard`) or call one service, and render. Who may use each view is declared by its access
decorator; nothing here checks permissions itself.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import access, clock
from portal.accounts.models import Role
from portal.cases import services, tracker
from portal.cases.caseload import CaseloadFilterForm, caseload_for, my_tasks
from portal.cases.dashboard import team_dashboard
from portal.cases.facts import facts_for_cases, page_record
from portal.cases.forms import UpdateForm
from portal.cases.models import Case
from portal.cases.policy import is_team_case_officer, live_grants, visible_cases
from portal.cases.sections import sections_for
from portal.cases.timeline import timeline_for
from portal.extensions import db
from portal.refusals import Refused
from portal.rendering import render_page, wants_fragment

bp = Blueprint("cases", __name__)
# How every page writes a deadline (see `tracker.due_when`).
bp.add_app_template_global(tracker.due_when, "due_when")
bp.add_app_template_global(tracker.deadline_tag, "deadline_tag")


#: Where the caseload search is kept between pages: in the session, never in the address, so a
#: child's name does not reach browser history, bookmarks or server logs. Signing in or out
#: clears the session, and the search with it.
CASELOAD_SEARCH = "caseload_search"


#: Staff whose home is not a caseload, so a caseload search posted by them goes nowhere.
SIGNED_IN_WITHOUT_CASELOAD = (
    Role.ADMIN,
    Role.CONTENT_EDITOR,
    Role.QUALITY_LEAD,
    Role.AUDITOR,
    Role.FUNDING_OFFICER,
)


@bp.route("/home", methods=["GET", "POST"])
@access.signed_in
def home():
    """Each role lands on its own home page: families their case(s), everyone else a caseload.
    The caseload's filter form is POSTed here (so the search is not in the address)."""
    role = Role(current_user.role)
    if request.method == "POST" and (role.is_family or role in SIGNED_IN_WITHOUT_CASELOAD):
        return redirect(url_for("cases.home"), 303)
    if role is Role.ADMIN:
        return redirect(url_for("accounts.people"))
    if role is Role.CONTENT_EDITOR:
        return redirect(url_for("content.page_list"))
    if role in (Role.QUALITY_LEAD, Role.AUDITOR):
        return redirect(url_for("quality.my_audits"))
    if role is Role.FUNDING_OFFICER:
        return redirect(url_for("funding.committed_spend"))
    if role.is_family:
        return _family_home()
    return _caseload()


def _family_home():
    today = clock.today()
    cases = db.session.scalars(
        visible_cases(current_user).order_by(Case.request_received_on.desc())
    ).all()
    facts = facts_for_cases(cases, today)
    summaries = [tracker.summarise(case, facts[case.id], today) for case in cases]
    return render_template(
        "cases/family_home.html",
        summaries=summaries,
        audience=Role(current_user.role).audience,
    )


def _caseload_url(form: CaseloadFilterForm, **changes) -> str:
    """The caseload's URL with the current filters (empty ones left out) and `changes`. Never the
    search words: they stay in the session (see CASELOAD_SEARCH)."""
    values: dict[str, Any] = {name: form.value(name) for name in ("stage", "due", "final")}
    if form.value("sort") != form.sort.default:
        values["sort"] = form.value("sort")
    values.update(changes)
    return url_for("cases.home", **{k: v for k, v in values.items() if v not in ("", None, 1)})


def _caseload():
    audience = Role(current_user.role).audience
    posted = request.method == "POST"
    form = CaseloadFilterForm(formdata=request.form if posted else request.args, audience=audience)
    if posted:
        session[CASELOAD_SEARCH] = form.value("q")
        if not wants_fragment():
            return redirect(_caseload_url(form), 303)
    else:
        # A `q` in an old bookmark is ignored: only the remembered search counts.
        form.q.data = session.get(CASELOAD_SEARCH, "")
    today = clock.today()
    page = 1 if posted else request.args.get("page", 1, type=int)
    result = caseload_for(current_user, form, today, page)
    # The htmx answer is only the results: the tasks are not part of it.
    tasks = [] if wants_fragment() else my_tasks(current_user, today)
    response = render_page(
        "cases/caseload.html",
        fragment="cases/partials/caseload_results.html",
        form=form,
        result=result,
        tasks=tasks,
        audience=audience,
        page_url=lambda number: _caseload_url(form, page=number),
        clear_url=url_for("cases.home"),
    )
    if posted:
        # htmx keeps the address in step with the filters (without the search words).
        response.headers["HX-Push-Url"] = _caseload_url(form)
    return response


#: How many of the newest history entries the overview shows (the History page has the rest).
OVERVIEW_ENTRIES = 3


#: Fetched with the case for its overview: the case officer (who to contact, people on the
#: case), the single milestones (the facts every part of the overview reads), the live grants
#: (the access checks and the people on the case) and the stored schedule (which lists of facts
#: to read). The benchmark's floor page loads the case the same way.
CASE_PAGE_LOADS = (
    joinedload(Case.case_officer),
    joinedload(Case.milestones),
    joinedload(Case.live_grant_rows),
    joinedload(Case.schedule),
)


@bp.get("/cases/<public_id:case_id>")
@access.load(Case, "case_id", access.Action.VIEW, options=CASE_PAGE_LOADS)
def case_page():
    """The case overview: where it is, what happens next and by when, who to contact, the
    reader's own task, how to disagree, who can see it, the pathway and the latest history.
    Every view is recorded."""
    case = g.case
    # The person, not the proxy: every section reads them, and each read through
    # `current_user` looks them up again.
    user = current_user._get_current_object()
    today = clock.today()
    record = page_record(case)
    facts = record.facts(today)
    audience = Role(user.role).audience
    grants = live_grants(case)
    can_post = access.can(user, access.Action.POST_UPDATES, case)
    page = render_template(
        "cases/case.html",
        case=case,
        audience=audience,
        where=tracker.where_we_are(record, facts, user, today),
        disagree=tracker.disagree_text(case.stage, audience),
        steps=tracker.pathway_for(record, facts, audience),
        deadlines=(
            tracker.case_deadline_table(facts, today) if is_team_case_officer(user, case) else []
        ),
        people=tracker.people_on_case(case, grants),
        timeline=timeline_for(user, case, limit=OVERVIEW_ENTRIES),
        update_form=UpdateForm(poster=user) if can_post else None,
        sections=sections_for(case, user),
    )
    # Recorded once the page is ready: the commit would otherwise make every object loaded so
    # far stale, and reading them again costs a query each.
    services.record_view(user, case)
    return page


@bp.get("/cases/<public_id:case_id>/timeline")
@access.load(Case, "case_id", access.Action.VIEW)
def case_timeline():
    """The case's History page (everything that has happened, newest first, a page at a time),
    or older entries of it (the "Show older entries" link): a page of its own, or just the
    entries for htmx to add below the ones already shown."""
    case = g.case
    before = request.args.get("before", type=int)
    timeline = timeline_for(current_user, case, before=before)
    response = render_page(
        "cases/timeline.html",
        fragment="cases/partials/timeline_entries.html",
        case=case,
        timeline=timeline,
        focus_first=before is not None,
        older=before is not None,
    )
    services.record_view(current_user, case)
    return response


@bp.route("/cases/<public_id:case_id>/updates/new", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.POST_UPDATES)
def post_update():
    """Post a short update on the case. Without JavaScript: a form page, then back to the case.
    With htmx: the case history region comes back with the new update at the top (or with the
    form's errors)."""
    case = g.case
    form = UpdateForm(poster=current_user)
    posted = False
    if form.validate_on_submit():
        visibility = form.visibility.data if form.visibility is not None else "everyone"
        try:
            services.post_update(current_user, case, form.body.data, visibility)
        except Refused as refused:
            form.body.errors = [*form.body.errors, refused.reason]
        else:
            if not wants_fragment():
                flash("Your update was posted", "success")
                return redirect(
                    url_for("cases.case_page", case_id=case.public_id, _anchor="case-history"), 303
                )
            posted = True
            form = UpdateForm(formdata=None, poster=current_user)
    if wants_fragment():
        return render_page(
            "cases/partials/timeline.html",
            case=case,
            timeline=timeline_for(current_user, case, limit=OVERVIEW_ENTRIES),
            update_form=form,
            posted=posted,
        )
    return render_template("cases/new_update.html", case=case, form=form, update_form=form)


@bp.get("/dashboard")
@access.role_required(Role.CASE_OFFICER)
def dashboard():
    """The team's numbers: by stage, late, due this week, final plans within 20 weeks."""
    return render_template(
        "cases/dashboard.html", dashboard=team_dashboard(current_user, clock.today())
    )
