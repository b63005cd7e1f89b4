"""The plan pages: reading a version section by section, and the case officer's editor.

Reading: everyone who may see the case's documents reads the versions sent or issued to the
family; the case officers also read the working copy. Writing: the case's team case officers,
section by section, on the working copy only. Views read the request, call one service, render.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import access, clock
from portal.accounts.models import Role
from portal.cases.models import Case
from portal.extensions import db, limiter
from portal.plans import about_me, comments, compare, pdf, services
from portal.plans.checks import Finding, check_plan, provision_findings
from portal.plans.forms import (
    AboutMeForm,
    CommentsForm,
    ConfirmForm,
    NeedForm,
    OutcomeForm,
    PlacementForm,
    ProvisionForm,
    ResponseForm,
    SectionTextForm,
)
from portal.plans.models import (
    MAY_BE_NONE,
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    Section,
)
from portal.plans.policy import READ
from portal.refusals import Refused, show_on_form
from portal.rendering import render_page

bp = Blueprint("plans", __name__)

TEXT_SECTIONS = (Section.A, Section.C, Section.D, Section.J)
TEXT_LABELS = {
    Section.A: "The council's record of the child's and family's views, interests and aspirations",
    Section.C: "Anything to add about health needs",
    Section.D: "Anything to add about social care needs",
    Section.J: "The personal budget: what it pays for and how it is managed",
}
ITEM_SECTIONS = (*NEED_SECTIONS, Section.E, *PROVISION_SECTIONS)


# --- Reading ----------------------------------------------------------------------------------


def _render_version(case: Case, version: PlanVersion | None, versions: list[PlanVersion]):
    plan = services.contents(version) if version is not None else None
    page = render_template(
        "plans/plan.html",
        case=case,
        version=version,
        plan=plan,
        versions=versions,
        sections=list(Section),
        for_young_person=current_user.role == Role.YOUNG_PERSON,
        can_edit=access.can(current_user, access.Action.MANAGE, case),
        family=about_me.may_write(current_user, case),
    )
    if version is not None:
        services.record_read(current_user, version)
    return page


@bp.get("/cases/<public_id:case_id>/plan")
@access.load(Case, "case_id", access.Action.VIEW_DOCUMENTS)
def plan_page():
    """The latest version of the plan this person may read, section by section."""
    versions = services.readable_versions(current_user, g.case)
    return _render_version(g.case, versions[0] if versions else None, versions)


@bp.get("/plans/<public_id:version_id>")
@access.load(PlanVersion, "version_id", READ, g_name="version")
def plan_version():
    """One version of the plan (an earlier draft, the final plan...)."""
    case = g.version.plan.case
    return _render_version(case, g.version, services.readable_versions(current_user, case))


@bp.get("/plans/<public_id:version_id>/pdf")
@limiter.limit("20 per minute")  # about a second of CPU each for a long plan
@access.load(PlanVersion, "version_id", READ, g_name="version")
def plan_pdf():
    """A sent or issued version as a PDF to keep or print (the working copy has none)."""
    try:
        made = pdf.make_pdf(current_user, g.version)
    except ValueError:
        abort(404)
    response = make_response(made.content)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/plans/<public_id:version_id>/compare")
@access.load(PlanVersion, "version_id", READ, g_name="version")
def compare_versions():
    """Two versions side by side, section by section: what changed, by whom, when. The other
    version is chosen with `?with=` (a GET form: nothing changes)."""
    version = g.version
    case = version.plan.case
    readable = services.readable_versions(current_user, case)
    others = [v for v in readable if v.id != version.id]
    other = next((v for v in others if v.public_id == request.args.get("with")), None)
    if other is None and others:
        # By default, the version before this one (or the newest other one).
        other = next((v for v in others if v.number < version.number), others[0])
    changes = None
    if other is not None:
        old, new = sorted((other, version), key=lambda v: v.number)
        changes = compare.compare(services.contents(old), services.contents(new))
    else:
        old = new = version
    page = render_template(
        "plans/compare.html",
        case=case,
        version=version,
        others=others,
        old=old,
        new=new,
        changes=changes,
    )
    services.record_read(current_user, version)
    return page


# --- The draft and its 15 days ----------------------------------------------------------------


@bp.route("/plans/<public_id:version_id>/comments", methods=["GET", "POST"])
@access.load(PlanVersion, "version_id", READ, g_name="version")
def plan_comments():
    """The family's comments on a sent draft, section by section (saved as they go), and the
    council's answers ("you said, we did"). The case officer reads every submitted comment."""
    version = g.version
    case = version.plan.case
    officer = access.can(current_user, access.Action.MANAGE, case)
    family = about_me.may_write(current_user, case)
    if not (officer or family) or version.kind not in ("draft", "proposed"):
        abort(404)
    feedback = comments.feedback_of(current_user, version) if family else None
    may_comment = family and comments.open_for_comments(version)
    form = CommentsForm()
    if request.method == "GET" and feedback is not None:
        form.wants_meeting.data = feedback.wants_meeting
        form.school_preference.data = feedback.school_preference
        for comment in feedback.comments:
            getattr(form, f"section_{comment.section}").data = comment.text
    if may_comment and form.validate_on_submit():
        try:
            comments.save_feedback(
                current_user,
                version,
                comments=form.comments(),
                wants_meeting=bool(form.wants_meeting.data),
                school_preference=form.school_preference.data or "",
            )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash("Your comments are saved. Send them to the council when you are ready", "success")
            return redirect(url_for("plans.plan_comments", version_id=version.public_id), 303)
    return render_template(
        "plans/comments.html",
        case=case,
        version=version,
        form=form,
        feedback=feedback,
        may_comment=may_comment and (feedback is None or feedback.submitted_at is None),
        officer=officer,
        submitted=comments.submitted_feedback(version) if officer else [],
        last_day=comments.last_day(version),
    )


@bp.route("/plans/<public_id:version_id>/comments/send", methods=["GET", "POST"])
@access.load(PlanVersion, "version_id", READ, g_name="version")
def send_comments():
    """Check and send the saved comments to the council: a confirmation page, then the act."""
    version = g.version
    if not comments.may_comment(current_user, version):
        abort(404)
    feedback = comments.feedback_of(current_user, version)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            comments.submit_feedback(current_user, version)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash("Your comments are sent to the council. They will answer each one", "success")
            return redirect(url_for("plans.plan_comments", version_id=version.public_id), 303)
    return render_template(
        "plans/send_comments.html",
        case=version.plan.case,
        version=version,
        feedback=feedback,
        form=form,
        last_day=comments.last_day(version),
    )


@bp.route("/plans/<public_id:version_id>/comments/<int:comment_id>", methods=["GET", "POST"])
@access.load(PlanVersion, "version_id", READ, g_name="version")
def answer_comment(comment_id: int):
    """The case officer answers one comment: changed, or not changed with a reason."""
    version = g.version
    if not access.can(current_user, access.Action.MANAGE, version.plan.case):
        abort(404)
    comment = comments.comment_by_id(version, comment_id)
    if comment is None:
        abort(404)
    form = ResponseForm(obj=comment)
    if form.validate_on_submit():
        try:
            comments.respond(
                current_user, version, comment, form.response.data, form.response_text.data or ""
            )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash("Your answer is saved. The family can read it", "success")
            return redirect(url_for("plans.plan_comments", version_id=version.public_id), 303)
    return render_template(
        "plans/answer_comment.html",
        case=version.plan.case,
        version=version,
        comment=comment,
        form=form,
    )


def plan_section(case, user) -> dict | None:
    """The case page's link to the plan, for everyone who may read it (one query)."""
    if not access.can(user, access.Action.VIEW_DOCUMENTS, case):
        return None
    return {
        "case": case,
        "latest": services.newest_readable_version(user, case),
        "can_edit": access.can(user, access.Action.MANAGE, case),
        "may_write_about_me": about_me.may_write(user, case),
        "for_young_person": user.role == Role.YOUNG_PERSON,
    }


# --- "All about me" ------------------------------------------------------------------------------


@bp.route("/cases/<public_id:case_id>/all-about-me", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.VIEW)
def about_me_page():
    """The young person or a parent writes their part; the case officer reads every part."""
    case = g.case
    writer = about_me.may_write(current_user, case)
    officer = access.can(current_user, access.Action.MANAGE, case)
    if not writer and not officer:
        abort(404)
    own = about_me.own_part(current_user, case) if writer else None
    form = AboutMeForm(obj=own)
    if writer and form.validate_on_submit():
        about_me.save_own_part(current_user, case, form.answers())
        flash(
            "Thank you. What you wrote is saved, and the council will put it in the plan", "success"
        )
        return redirect(url_for("plans.about_me_page", case_id=case.public_id), 303)
    return render_template(
        "plans/about_me.html",
        case=case,
        form=form,
        own=own,
        writer=writer,
        officer=officer,
        parts=[p for p in about_me.parts_for(case) if own is None or p.id != own.id],
        for_young_person=current_user.role == Role.YOUNG_PERSON,
    )


@bp.route("/cases/<public_id:case_id>/all-about-me/<int:part_id>", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.MANAGE)
def change_about_me(part_id: int):
    """The case officer changes a family member's part (the family sees who changed it)."""
    case = g.case
    part = about_me.part_by_id(case, part_id)
    if part is None:
        abort(404)
    form = AboutMeForm(obj=part)
    if form.validate_on_submit():
        about_me.council_change(current_user, case, part, form.answers())
        flash(f"{part.author.name}’s part is changed. They can see that you changed it", "success")
        return redirect(url_for("plans.about_me_page", case_id=case.public_id), 303)
    return render_template("plans/change_about_me.html", case=case, part=part, form=form)


# --- The case officer's editor --------------------------------------------------------------------


def _latest(case: Case) -> PlanVersion | None:
    versions = services.readable_versions(current_user, case)
    return versions[0] if versions else None


@bp.get("/cases/<public_id:case_id>/plan/edit")
@access.load(Case, "case_id", access.Action.MANAGE)
def edit_plan():
    """Every section with what it holds, and the checks to act on."""
    case = g.case
    version = _latest(case)
    plan = services.contents(version) if version is not None else None
    return render_template(
        "plans/edit.html",
        case=case,
        version=version,
        plan=plan,
        findings=check_plan(plan, clock.today()) if plan else [],
        sections=list(Section),
        form=ConfirmForm(),
    )


@bp.post("/cases/<public_id:case_id>/plan/working-copy")
@access.load(Case, "case_id", access.Action.MANAGE)
def start_working_copy():
    """Start writing: the first working copy, or a new one from the latest frozen version."""
    form = ConfirmForm()
    if form.validate_on_submit():
        services.start_working_copy(current_user, g.case)
        flash("You can now change the plan. The family sees nothing until you send it", "success")
    return redirect(url_for("plans.edit_plan", case_id=g.case.public_id), 303)


def _working(case: Case) -> PlanVersion:
    """The working copy, for the editor's pages; those pages need one (404 otherwise)."""
    version = _latest(case)
    if version is None or version.is_frozen:
        abort(404)
    return version


def _section_findings(plan, section: Section) -> list[Finding]:
    return [f for f in check_plan(plan, clock.today()) if f.section is section]


@bp.route("/cases/<public_id:case_id>/plan/edit/<plan_section:section>", methods=["GET", "POST"])
@access.load(Case, "case_id", access.Action.MANAGE)
def edit_section(section: str):
    """One section: its written part (A, C, D, J), its "none identified" box, its items, or
    Section I's school or setting; with the checks on this section beside it."""
    case = g.case
    sec = Section(section)
    version = _working(case)
    plan = services.contents(version)
    text_form = SectionTextForm(obj=None) if sec in (*TEXT_SECTIONS, *MAY_BE_NONE) else None
    placement_form = PlacementForm() if sec is Section.I else None
    form = text_form or placement_form or ConfirmForm()
    if text_form is not None:
        text_form.text.label.text = TEXT_LABELS.get(sec, "")
    if request.method == "GET":
        if text_form is not None:
            text_form.text.data = {
                Section.A: version.views_text,
                Section.C: version.health_text,
                Section.D: version.social_care_text,
                Section.J: version.personal_budget_text,
            }.get(sec, "")
            text_form.my_plan_text.data = version.my_plan_text
            text_form.none_identified.data = version.says_none(sec)
        if placement_form is not None:
            placement_form.placement_name.data = version.placement_name
            placement_form.placement_type.data = version.placement_type
    elif form.validate_on_submit():
        try:
            if placement_form is not None:
                services.save_placement(
                    current_user,
                    case,
                    name=placement_form.placement_name.data or None,
                    placement_type=placement_form.placement_type.data or None,
                )
            elif text_form is not None:
                services.save_section_text(
                    current_user,
                    case,
                    sec,
                    text=text_form.text.data or "",
                    none_identified=bool(text_form.none_identified.data) and sec in MAY_BE_NONE,
                    my_plan_text=text_form.my_plan_text.data if sec is Section.A else None,
                )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            flash(f"Section {sec.letter} saved", "success")
            return redirect(
                url_for("plans.edit_section", case_id=case.public_id, section=section), 303
            )
    return render_template(
        "plans/edit_section.html",
        case=case,
        version=version,
        plan=plan,
        section=sec,
        form=form,
        text_form=text_form,
        placement_form=placement_form,
        findings=_section_findings(plan, sec),
        item_sections=ITEM_SECTIONS,
        may_be_none=sec in MAY_BE_NONE,
        # Section A is "All about me": what the young person told us, in their own words.
        told_us=about_me.told_us(case, current_user) if sec is Section.A else [],
    )


def _item_model(sec: Section) -> type:
    if sec in NEED_SECTIONS:
        return PlanNeed
    if sec is Section.E:
        return PlanOutcome
    if sec in PROVISION_SECTIONS:
        return PlanProvision
    abort(404)


def _item_form(sec: Section, plan, item=None):
    """The form for an item of this section, with its choices from the working copy."""
    if sec in NEED_SECTIONS:
        form = NeedForm(obj=item)
        if sec is not Section.B:
            del form.area
        return form
    need_choices = [(n.id, _choice_label(n)) for n in plan.all_needs() if not n.is_strength]
    if sec is Section.E:
        form = OutcomeForm(obj=item)
        form.needs.choices = need_choices
        if item is not None and request.method == "GET":
            form.needs.data = [n.id for n in item.needs]
        return form
    form = ProvisionForm(obj=item)
    form.outcomes.choices = [(o.id, _short(o.text)) for o in plan.outcomes]
    form.needs.choices = need_choices
    if item is not None and request.method == "GET":
        form.outcomes.data = [o.id for o in item.outcomes]
        form.needs.data = [n.id for n in item.needs]
        form.item_id.data = str(item.id)
    return form


def _choice_label(need: PlanNeed) -> str:
    prefix = f"Section {need.section.upper()}"
    if need.area:
        prefix += f", {need.area_label.lower()}"
    return f"{prefix}: {_short(need.text)}"


def _short(text: str, words: int = 14) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _save_item(sec: Section, form, item_id: int | None):
    case = g.case
    if sec in NEED_SECTIONS:
        return services.save_need(
            current_user,
            case,
            sec,
            item_id=item_id,
            text=form.text.data,
            area=form.area.data if sec is Section.B else None,
            is_strength=bool(form.is_strength.data),
        )
    if sec is Section.E:
        return services.save_outcome(
            current_user,
            case,
            item_id=item_id,
            text=form.text.data,
            by_when=form.by_when.data or "",
            steps=form.steps.data or "",
            preparing_for_adulthood=bool(form.preparing_for_adulthood.data),
            need_ids=form.needs.data or [],
        )
    return services.save_provision(
        current_user,
        case,
        sec,
        item_id=item_id,
        what=form.what.data,
        who=form.who.data or "",
        how_often=form.how_often.data or "",
        how_long=form.how_long.data or "",
        group_size=form.group_size.data or "",
        outcome_ids=form.outcomes.data or [],
        need_ids=form.needs.data or [],
    )


def _live_findings(sec: Section, form, item_id: int | None) -> list[Finding]:
    """The checks on an item of help as typed (nothing saved)."""
    if sec not in PROVISION_SECTIONS:
        return []
    return provision_findings(
        sec,
        what=form.what.data or "",
        who=form.who.data or "",
        how_often=form.how_often.data or "",
        how_long=form.how_long.data or "",
        linked=bool(form.outcomes.data or form.needs.data),
        item_id=item_id,
    )


def _item_page(sec: Section, form, item, findings, *, checked: bool = False):
    case = g.case
    if item is None:
        action = url_for("plans.add_item", case_id=case.public_id, section=sec.value)
    else:
        action = url_for(
            "plans.change_item", case_id=case.public_id, section=sec.value, item_id=item.id
        )
    return render_page(
        "plans/item.html",
        fragment="plans/partials/item_checks.html",
        case=case,
        section=sec,
        form=form,
        item=item,
        action=action,
        check_url=url_for("plans.check_item", case_id=case.public_id, section=sec.value),
        findings=findings,
        checked=checked,
    )


def _item_or_404(sec: Section, version: PlanVersion, item_id: int):
    model = _item_model(sec)
    item = db.session.get(model, item_id)
    if item is None or item.version_id != version.id or getattr(item, "section", "e") != sec:
        abort(404)
    return item


@bp.route(
    "/cases/<public_id:case_id>/plan/edit/<plan_section:section>/new", methods=["GET", "POST"]
)
@access.load(Case, "case_id", access.Action.MANAGE)
def add_item(section: str):
    """Add a need (B, C, D), an outcome (E) or an item of help (F, G, H1, H2)."""
    sec = Section(section)
    _item_model(sec)
    plan = services.contents(_working(g.case))
    form = _item_form(sec, plan)
    if form.validate_on_submit():
        if sec is Section.B and not form.area.data:
            form.area.errors = ["Select the area of need"]
        else:
            _save_item(sec, form, None)
            flash(f"Added to Section {sec.letter}", "success")
            return redirect(
                url_for("plans.edit_section", case_id=g.case.public_id, section=section), 303
            )
    return _item_page(sec, form, None, _live_findings(sec, form, None) if form.errors else [])


@bp.route(
    "/cases/<public_id:case_id>/plan/edit/<plan_section:section>/<int:item_id>",
    methods=["GET", "POST"],
)
@access.load(Case, "case_id", access.Action.MANAGE)
def change_item(section: str, item_id: int):
    """Change a need, outcome or item of help in the working copy."""
    sec = Section(section)
    version = _working(g.case)
    item = _item_or_404(sec, version, item_id)
    plan = services.contents(version)
    form = _item_form(sec, plan, item)
    if form.validate_on_submit():
        if sec is Section.B and not form.area.data:
            form.area.errors = ["Select the area of need"]
        else:
            _save_item(sec, form, item.id)
            flash(f"Section {sec.letter} saved", "success")
            return redirect(
                url_for("plans.edit_section", case_id=g.case.public_id, section=section), 303
            )
    return _item_page(sec, form, item, _live_findings(sec, form, item.id))


@bp.post("/cases/<public_id:case_id>/plan/edit/<plan_section:section>/check")
@access.load(Case, "case_id", access.Action.MANAGE)
def check_item(section: str):
    """The checks on an item of help as typed, without saving it: the findings for htmx as the
    officer types, or the whole form again (the "Check" button without JavaScript)."""
    sec = Section(section)
    if sec not in PROVISION_SECTIONS:
        abort(404)
    version = _working(g.case)
    plan = services.contents(version)
    item = None
    form = _item_form(sec, plan)
    if form.item_id.data:
        try:
            item = _item_or_404(sec, version, int(form.item_id.data))
        except ValueError:
            abort(404)
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    findings = _live_findings(sec, form, item.id if item else None)
    for field in form:
        field.errors = []  # a check is not a save: nothing typed is wrong yet
    return _item_page(sec, form, item, findings, checked=True)


@bp.route(
    "/cases/<public_id:case_id>/plan/edit/<plan_section:section>/<int:item_id>/remove",
    methods=["GET", "POST"],
)
@access.load(Case, "case_id", access.Action.MANAGE)
def remove_item(section: str, item_id: int):
    """Take an item out of the working copy: a confirmation page, then the act."""
    sec = Section(section)
    version = _working(g.case)
    item = _item_or_404(sec, version, item_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.remove_item(current_user, g.case, sec, item.id)
        flash(f"Removed from Section {sec.letter}", "success")
        return redirect(
            url_for("plans.edit_section", case_id=g.case.public_id, section=section), 303
        )
    return render_template("plans/remove.html", case=g.case, section=sec, item=item, form=form)
