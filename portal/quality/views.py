"""Plan quality audits: rounds, the audit section by section, moderation, feedback, dashboard."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from portal import access, audit, clock
from portal.accounts.models import Role, User
from portal.accounts.reauth import fresh_second_factor
from portal.extensions import db
from portal.quality import dashboard as figures
from portal.quality import grading, policy, services
from portal.quality.forms import (
    ActionForm,
    AuditSectionForm,
    DashboardFilterForm,
    FrameworkGradesForm,
    ModerationForm,
    RoundForm,
    SubmitAuditForm,
)
from portal.quality.framework import LIMITING_SECTIONS, Answer, FrameworkError, parse_framework
from portal.quality.models import (
    Audit,
    AuditKind,
    AuditRound,
    AuditStatus,
    QualityAction,
    SampledPlan,
)
from portal.quality.plan_source import plan_source
from portal.quality.sampling import KEY_STAGES, PRIMARY_NEEDS, SETTING_TYPES
from portal.refusals import Refused, show_on_form
from portal.rendering import wants_fragment

LONG_GUIDANCE = 2_000

bp = Blueprint("quality", __name__, url_prefix="/quality")

LABELS = {"key_stage": KEY_STAGES, "primary_need": PRIMARY_NEEDS, "setting_type": SETTING_TYPES}


@bp.app_context_processor
def _labels():
    return {"quality_labels": LABELS}


# --- Rounds ----------------------------------------------------------------------------------


@bp.get("/rounds")
@policy.quality_lead
def rounds():
    """The quality lead's rounds, newest first, with how many audits are done."""
    done = func.count(Audit.id).filter(Audit.status == AuditStatus.SUBMITTED.value)
    rows = db.session.execute(
        select(AuditRound, func.count(Audit.id), done)
        .outerjoin(Audit, Audit.round_id == AuditRound.id)
        .where(AuditRound.team_id == current_user.organisation_id)
        .group_by(AuditRound.id)
        .order_by(AuditRound.starts_on.desc(), AuditRound.id.desc())
    ).all()
    framework = services.current_framework_version(current_user)
    db.session.commit()
    return render_template("quality/rounds.html", rows=rows, framework=framework, form=ActionForm())


def _round_form() -> RoundForm:
    form = RoundForm()
    officers = db.session.scalars(
        select(User)
        .where(User.role == Role.CASE_OFFICER, User.organisation_id == current_user.organisation_id)
        .order_by(User.name)
    )
    form.case_officer.choices = [SelectChoice("", "Any case officer")] + [
        SelectChoice(str(o.id), o.name) for o in officers
    ]
    form.auditors.choices = [
        SelectChoice(u.id, f"{u.name} ({Role(u.role).label})")
        for u in services.eligible_auditors(current_user)
    ]
    return form


@bp.route("/rounds/new", methods=["GET", "POST"])
@policy.quality_lead
def open_round():
    """Open a round: its date range, percentage, filters and auditors."""
    form = _round_form()
    if form.validate_on_submit() and form.starts_on.data and form.ends_on.data:
        rule = services.RoundRule(
            name=form.name.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            percentage=form.percentage.data,
            moderation_percentage=form.moderation_percentage.data,
            key_stage=form.key_stage.data or None,
            primary_need=form.primary_need.data or None,
            setting_type=form.setting_type.data or None,
            case_officer_id=int(form.case_officer.data) if form.case_officer.data else None,
        )
        try:
            round_ = services.open_round(current_user, rule, form.auditors.data or [])
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("quality.round_page", round_id=round_.public_id), 303)
    return render_template("quality/open_round.html", form=form)


@bp.get("/rounds/<public_id:round_id>")
@access.load(AuditRound, "round_id", policy.VIEW, g_name="round")
def round_page():
    """The round: its rule and seed, the sample with each plan's auditors and grades, and the
    plans whose two auditors differ."""
    round_ = g.round
    audits = db.session.scalars(
        select(Audit).where(Audit.round_id == round_.id).order_by(Audit.sample_id, Audit.id)
    ).all()
    samples = db.session.scalars(
        select(SampledPlan)
        .where(SampledPlan.round_id == round_.id)
        .options(selectinload(SampledPlan.case_officer))
        .order_by(SampledPlan.id)
    ).all()
    by_sample: dict[int, list[Audit]] = {}
    for item in audits:
        by_sample.setdefault(item.sample_id, []).append(item)
    pairs = services.moderation_pairs(round_)
    from portal.quality.agreement import agreement

    agreed = agreement([(p.first.grade or "", p.second.grade or "") for p in pairs])
    return render_template(
        "quality/round.html",
        round=round_,
        samples=samples,
        by_sample=by_sample,
        auditors=services.round_auditors(round_),
        pairs=pairs,
        agreement=agreed,
        form=ActionForm(),
    )


@bp.post("/rounds/<public_id:round_id>/draw")
@access.load(AuditRound, "round_id", policy.RUN, g_name="round")
def draw_sample():
    """Draw the sample from the round's seed and assign the auditors."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with contextlib.suppress(Refused):  # drawn already: the round page shows the sample
        services.draw_sample(current_user, g.round)
    db.session.commit()
    return redirect(url_for("quality.round_page", round_id=g.round.public_id), 303)


@bp.post("/framework/publish")
@policy.quality_lead
def publish_framework():
    """Publish the framework in the content folder as a new version."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.publish_shipped_framework(current_user)
    except Refused:
        db.session.rollback()
        return redirect(url_for("quality.rounds", published="no"), 303)
    db.session.commit()
    return redirect(url_for("quality.rounds"), 303)


@bp.get("/framework")
@policy.quality_staff
def framework_page():
    """The framework audits use now: criteria per section, limiting ones, weights, bands."""
    row = services.current_framework_version(current_user)
    db.session.commit()
    return render_template("quality/framework.html", row=row, framework=services.framework_of(row))


@bp.get("/framework/download")
@policy.quality_lead
def download_framework():
    """The framework published now, in its JSON form, as a file (read only)."""
    row = services.current_framework_version(current_user)
    audit.record(
        "quality.framework_downloaded", actor=current_user, subject=row, version=row.version
    )
    db.session.commit()
    return Response(
        json.dumps(row.body, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="quality-framework-v{row.version}.json"'
        },
    )


def _draft_context() -> dict:
    draft = services.framework_draft(current_user)
    row = services.current_framework_version(current_user)
    body = services.draft_body(current_user)
    return {"draft": draft, "row": row, "body": body}


@bp.get("/framework/edit")
@policy.quality_lead
def edit_framework():
    """The lead's changes to the framework: each section with a link to change it, the grades,
    and the way to review and publish."""
    context = _draft_context()
    db.session.commit()
    published = services.framework_of(context["row"])
    changed = _changed_sections(published, context["body"])
    return render_template(
        "quality/edit_framework.html", form=ActionForm(), changed=changed, **context
    )


def _changed_sections(published, body: dict) -> set[str]:
    before = {s.letter: s for s in published.sections}
    changed = set()
    for section in body["sections"]:
        old = before.get(section["letter"])
        criteria = tuple(
            (c["code"], c["text"], bool(c.get("limiting", False))) for c in section["criteria"]
        )
        if old is None or (
            old.weight,
            old.guidance,
            tuple((c.code, c.text, c.limiting) for c in old.criteria),
        ) != (section["weight"], section["guidance"], criteria):
            changed.add(section["letter"])
    if body["name"] != published.name or [b["minimum"] for b in body["bands"]] != [
        b.minimum for b in published.bands
    ]:
        changed.add("grades")
    return changed


_CRITERION_FIELD = re.compile(r"^criteria-(\d{1,3})-(code|text|limiting)$")


def _typed_criteria(letter: str) -> list[services.CriterionEdit]:
    """The criteria rows as typed, in their order on the page."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in request.form.items():
        match = _CRITERION_FIELD.match(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = value.strip()
    return [
        services.CriterionEdit(
            code=rows[i].get("code", "").upper()[:20],
            text=rows[i].get("text", "")[:2000],
            limiting=rows[i].get("limiting") == "yes",
        )
        for i in sorted(rows)
    ]


def _next_code(letter: str, criteria: list[services.CriterionEdit]) -> str:
    numbers = [
        int(c.code[len(letter) :])
        for c in criteria
        if c.code.startswith(letter) and c.code[len(letter) :].isdigit()
    ]
    return f"{letter}{max(numbers, default=0) + 1}"


@bp.route("/framework/edit/sections/<plan_section:letter>", methods=["GET", "POST"])
@policy.quality_lead
def edit_framework_section(letter: str):
    """One section of the framework: its weight, what good looks like and its criteria (code,
    wording, limiting). Adding and removing a criterion are buttons, so it works without
    JavaScript; nothing is saved until "Save this section", and nothing typed is lost."""
    letter = letter.upper()
    body = services.draft_body(current_user)
    section = next((s for s in body["sections"] if s["letter"] == letter), None)
    if section is None:
        abort(404)
    form = ActionForm()
    errors: list[tuple[str, str]] = []
    if request.method == "GET":
        db.session.commit()
        weight = str(section["weight"])
        guidance = section["guidance"]
        criteria = [
            services.CriterionEdit(c["code"], c["text"], bool(c.get("limiting", False)))
            for c in section["criteria"]
        ]
    else:
        weight = request.form.get("weight", "").strip()[:10]
        guidance = request.form.get("guidance", "").strip()[:LONG_GUIDANCE]
        criteria = _typed_criteria(letter)
        action = request.form.get("action", "save")
        if action == "add":
            criteria.append(services.CriterionEdit(_next_code(letter, criteria), ""))
        elif action.startswith("remove-"):
            index = int(action.removeprefix("remove-")) if action[7:].isdigit() else -1
            if len(criteria) <= 1:
                errors.append(
                    (
                        "criteria-0-text",
                        f"Section {letter} must have at least one criterion: add another "
                        "before you remove this one",
                    )
                )
            elif 0 <= index < len(criteria):
                del criteria[index]
        else:
            number = int(weight) if weight.isdigit() else None
            errors = services.section_problems(letter, number, guidance, criteria)
            if not errors and number is not None:
                try:
                    services.save_draft_section(current_user, letter, number, guidance, criteria)
                except Refused as refused:
                    errors = [(refused.field or "weight", refused.reason)]
                else:
                    db.session.commit()
                    return redirect(url_for("quality.edit_framework", saved=letter), 303)
        db.session.rollback()
    return render_template(
        "quality/edit_framework_section.html",
        form=form,
        letter=letter,
        weight=weight,
        guidance=guidance,
        criteria=criteria,
        errors=errors,
        error_for=dict(reversed(errors)),
        may_limit=letter in LIMITING_SECTIONS,
    )


@bp.route("/framework/edit/grades", methods=["GET", "POST"])
@policy.quality_lead
def edit_framework_grades():
    """The framework's name and the share of criteria met each grade needs."""
    body = services.draft_body(current_user)
    form = FrameworkGradesForm()
    if request.method == "GET":
        db.session.commit()
        form.name.data = body["name"]
        for field, band in zip(form.minimum_fields(), body["bands"], strict=False):
            field.data = round(float(band["minimum"]) * 100)
    elif form.validate_on_submit():
        try:
            services.save_draft_bands(
                current_user, form.name.data, [f.data / 100 for f in form.minimum_fields()]
            )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("quality.edit_framework", saved="grades"), 303)
    db.session.rollback()
    return render_template("quality/edit_framework_grades.html", form=form)


@bp.get("/framework/edit/review")
@policy.quality_lead
def review_framework():
    """The whole changed framework as auditors will see it, before publishing."""
    context = _draft_context()
    db.session.commit()
    if context["draft"] is None:
        return redirect(url_for("quality.edit_framework"), 303)
    problem = None
    try:
        framework = parse_framework(context["body"])
    except FrameworkError as error:
        framework, problem = None, str(error)
    published = services.framework_of(context["row"])
    return render_template(
        "quality/review_framework.html",
        form=ActionForm(),
        framework=framework,
        problem=problem,
        changed=_changed_sections(published, context["body"]),
        **context,
    )


@bp.post("/framework/edit/publish")
@policy.quality_lead
def publish_framework_draft():
    """Publish the lead's changes as a new version. Rounds opened afterwards use it; audits
    already made keep the version they were graded under."""
    try:
        row = services.publish_draft(current_user)
    except Refused:
        db.session.rollback()
        return redirect(url_for("quality.edit_framework"), 303)
    db.session.commit()
    return redirect(url_for("quality.framework_page", published=row.version), 303)


@bp.post("/framework/edit/discard")
@policy.quality_lead
def discard_framework_draft():
    """Throw away the lead's unpublished changes."""
    services.discard_draft(current_user)
    db.session.commit()
    return redirect(url_for("quality.framework_page"), 303)


# --- Moderation ------------------------------------------------------------------------------


@bp.route("/rounds/<public_id:round_id>/plans/<int:sample_id>/moderate", methods=["GET", "POST"])
@access.load(AuditRound, "round_id", policy.VIEW, g_name="round")
@access.load(SampledPlan, "sample_id", policy.RUN, column="id", g_name="sample", part_of="round")
def moderate():
    """Both grades side by side; the moderator records the agreed grade and why."""
    pair = next((p for p in services.moderation_pairs(g.round) if p.sample.id == g.sample.id), None)
    if pair is None:
        abort(404)
    form = ModerationForm()
    if form.validate_on_submit():
        try:
            services.moderate(current_user, g.sample, form.grade.data, form.reason.data)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("quality.round_page", round_id=g.round.public_id), 303)
    elif request.method == "GET" and pair.moderation:
        form.grade.data = pair.moderation.agreed_grade
        form.reason.data = pair.moderation.reason
    return render_template("quality/moderate.html", round=g.round, pair=pair, form=form)


# --- Auditors --------------------------------------------------------------------------------


@bp.get("/my-audits")
@policy.quality_staff
def my_audits():
    """The audits assigned to me: drafts first, then those submitted."""
    rows = db.session.execute(
        select(Audit, SampledPlan.reference, AuditRound.name)
        .join(SampledPlan, SampledPlan.id == Audit.sample_id)
        .join(AuditRound, AuditRound.id == Audit.round_id)
        .where(Audit.auditor_id == current_user.id)
        .order_by(Audit.status, AuditRound.starts_on.desc(), Audit.id)
        .limit(200)
    ).all()
    return render_template("quality/my_audits.html", rows=rows)


def _framework_sections(item: Audit):
    return services.framework_of(item.framework).sections


@bp.get("/audits/<public_id:audit_id>")
@access.load(Audit, "audit_id", policy.VIEW, g_name="audit")
def audit_page():
    """The audit's overview: progress through the sections, then strengths, what would make it
    better and submit; once submitted, the grade per section and overall, explained."""
    item = g.audit
    answers = services.answers_of(item)
    sections = _framework_sections(item)
    progress = [
        (s, sum(1 for c in s.criteria if c.code in answers), len(s.criteria)) for s in sections
    ]
    form = SubmitAuditForm(obj=item)
    result = None
    if item.is_submitted:
        try:
            result = services.result_for(item)
        except (grading.Unanswered, ValueError):
            result = None
    return _render_audit(item, progress, form, result)


def _render_audit(item, progress, form, result, status=200):
    comments = services.comments_of(item)
    reaudit_of = db.session.get(Audit, item.reaudit_of_id) if item.reaudit_of_id else None
    action = db.session.scalar(select(QualityAction).where(QualityAction.audit_id == item.id))
    return (
        render_template(
            "quality/audit.html",
            audit=item,
            progress=progress,
            form=form,
            result=result,
            comments=comments,
            reaudit_of=reaudit_of,
            may_audit=access.can(current_user, policy.AUDIT, item),
            action=action,
            may_reaudit=action is not None and access.can(current_user, policy.RUN, action),
            action_form=ActionForm(),
        ),
        status,
    )


@bp.route("/audits/<public_id:audit_id>/sections/<plan_section:section>", methods=["GET", "POST"])
@access.load(Audit, "audit_id", policy.AUDIT, g_name="audit")
def audit_section(section: str):
    """One section: the plan's section on one side, its criteria (with the plan checker's
    hints) on the other. Saving keeps the answers; the auditor may come back at any time."""
    item = g.audit
    letter = section.upper()
    sections = _framework_sections(item)
    criteria = next((s for s in sections if s.letter == letter), None)
    if criteria is None:
        abort(404)
    form = AuditSectionForm()
    if form.validate_on_submit():
        chosen = {c.code: request.form.get(c.code, "") for c in criteria.criteria}
        services.save_section(current_user, item, letter, chosen, form.comment.data or "")
        db.session.commit()
        if wants_fragment():  # saved as the auditor goes (htmx): say so, stay on the page
            return _save_status(item.updated_at)
        letters = [s.letter for s in sections]
        following = letters.index(letter) + 1
        if request.form.get("then") == "next" and following < len(letters):
            return redirect(
                url_for(
                    "quality.audit_section",
                    audit_id=item.public_id,
                    section=letters[following].lower(),
                ),
                303,
            )
        return redirect(url_for("quality.audit_page", audit_id=item.public_id), 303)
    if request.method == "POST" and wants_fragment():
        return _save_status(None, failed=True)
    answers = services.answers_of(item)
    existing = services.comments_of(item).get(letter)
    if request.method == "GET" and existing is not None:
        form.comment.data = existing.comment
    view = plan_source().read_section(item.plan_version_id, letter)
    event = audit.record(
        "quality.plan_section_read", actor=current_user, subject=item, section=letter
    )
    event.case_id = item.sample.case_id
    db.session.commit()
    letters = [s.letter for s in sections]
    return render_template(
        "quality/audit_section.html",
        audit=item,
        section=criteria,
        view=view,
        answers=answers,
        answer_choices=[
            (Answer.YES.value, "Yes"),
            (Answer.NO.value, "No"),
            (Answer.NOT_APPLICABLE.value, "Not applicable"),
        ],
        position=letters.index(letter) + 1,
        count=len(letters),
        is_last=letter == letters[-1],
        form=form,
        saved_at=item.updated_at if existing else None,
    )


def _save_status(saved_at, *, failed: bool = False) -> Response:
    response = make_response(
        render_template("quality/partials/save_status.html", saved_at=saved_at, failed=failed)
    )
    response.vary.add("HX-Request")
    return response


@bp.post("/audits/<public_id:audit_id>/submit")
@access.load(Audit, "audit_id", policy.AUDIT, g_name="audit")
def submit_audit():
    """Submit: every criterion must be answered; the grade is computed, never typed."""
    item = g.audit
    form = SubmitAuditForm()
    answers = services.answers_of(item)
    sections = _framework_sections(item)
    progress = [
        (s, sum(1 for c in s.criteria if c.code in answers), len(s.criteria)) for s in sections
    ]
    if form.validate_on_submit():
        try:
            services.submit(
                current_user,
                item,
                strengths=form.strengths.data or "",
                improvements=form.improvements.data or "",
                when=form.when.data or "now",
            )
        except grading.Unanswered as missing:
            db.session.rollback()
            form.form_errors.append(
                "Answer every criterion before you submit. Not answered yet: "
                + ", ".join(missing.codes)
            )
        except Refused as refused:
            db.session.rollback()
            show_on_form(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("quality.audit_page", audit_id=item.public_id), 303)
    return _render_audit(item, progress, form, None, status=200)


# --- Closing the loop ------------------------------------------------------------------------


@bp.get("/feedback")
@policy.case_officer
def my_feedback():
    """Feedback on my plans: the actions audits left for me, open ones first."""
    rows = db.session.execute(
        select(QualityAction, Audit, SampledPlan.reference)
        .join(Audit, Audit.id == QualityAction.audit_id)
        .join(SampledPlan, SampledPlan.id == Audit.sample_id)
        .where(QualityAction.officer_id == current_user.id)
        .order_by(QualityAction.done_at.is_not(None), QualityAction.created_at.desc())
        .limit(200)
    ).all()
    return render_template("quality/feedback.html", rows=rows, form=ActionForm())


@bp.post("/actions/<public_id:action_id>/done")
@access.load(QualityAction, "action_id", policy.COMPLETE, g_name="quality_action")
def complete_action():
    """The case officer says they have changed the plan."""
    if not ActionForm().validate_on_submit():
        abort(400)
    services.complete_action(current_user, g.quality_action)
    db.session.commit()
    return redirect(url_for("quality.my_feedback"), 303)


@bp.post("/actions/<public_id:action_id>/reaudit")
@access.load(QualityAction, "action_id", policy.RUN, g_name="quality_action")
def start_reaudit():
    """The quality lead asks for the plan to be audited again, linked to the first audit."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        again = services.start_reaudit(current_user, g.quality_action)
    except Refused:
        db.session.rollback()
        again = g.quality_action.reaudit
    db.session.commit()
    return redirect(url_for("quality.audit_page", audit_id=again.public_id), 303)


# --- Dashboard -------------------------------------------------------------------------------


def _dashboard_filters() -> tuple[DashboardFilterForm, AuditRound | None, figures.Filters]:
    form = DashboardFilterForm(request.args)
    team_rounds = db.session.scalars(
        select(AuditRound)
        .where(AuditRound.team_id == current_user.organisation_id)
        .order_by(AuditRound.starts_on.desc())
    ).all()
    form.round.choices = [SelectChoice("", "All rounds")] + [
        SelectChoice(r.public_id, r.name) for r in team_rounds
    ]
    chosen = next((r for r in team_rounds if r.public_id == form.round.data), None)

    def valid(field) -> str | None:
        return field.data if field.data in {c.value for c in field.choices} and field.data else None

    where = figures.Filters(
        round_id=chosen.id if chosen else None,
        key_stage=valid(form.key_stage),
        primary_need=valid(form.primary_need),
        setting_type=valid(form.setting_type),
    )
    return form, chosen, where


@bp.get("/dashboard")
@policy.quality_lead
def dashboard():
    """Where plans fall short and whether they are getting better: grades by round, section,
    key stage, need, setting and case officer, as charts with their tables."""
    form, chosen, where = _dashboard_filters()
    data = figures.build(current_user.organisation_id, where)
    return render_template(
        "quality/dashboard.html",
        form=form,
        chosen=chosen,
        data=data,
        grades=figures.GRADES,
        csv_args={k: v for k, v in request.args.items() if k in form._fields and v},
    )


@bp.get("/dashboard/download")
@policy.quality_lead
@fresh_second_factor
def dashboard_csv():
    """Every submitted audit as CSV; the download is audited."""
    _, _, where = _dashboard_filters()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Round",
            "Plan reference",
            "Audit",
            "Grade",
            "Agreed grade (moderation)",
            "Score (%)",
            "Key stage",
            "Primary need",
            "Setting type",
            "Case officer",
            "Auditor",
            "Submitted",
        ]
    )
    for row in figures.csv_rows(current_user.organisation_id, where):
        (name, ref, kind, grade, agreed, score, stage, need, setting, officer, auditor, at) = row
        writer.writerow(
            [
                name,
                ref,
                AuditKind(kind).value,
                grade,
                agreed or "",
                round(score * 100) if score is not None else "",
                KEY_STAGES.get(stage, stage),
                PRIMARY_NEEDS.get(need or "", need or ""),
                SETTING_TYPES.get(setting or "", setting or ""),
                officer or "",
                auditor,
                at.date().isoformat() if at else "",
            ]
        )
    audit.record("quality.audits_downloaded", actor=current_user)
    filename = f"plan-audits-{clock.today().isoformat()}.csv"
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
