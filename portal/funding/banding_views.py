"""Banding a plan: a case's bands, proposing a band for an area of need, and the council's queue
of proposals to agree, change with a reason, or withdraw.

Who may do what is the bands rule (`portal.funding.policy`), asked through the one access policy;
anything a person may not see answers 404. Every view of a case's bands is recorded.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, clock
from portal.cases.models import Case
from portal.cases.services import record_view
from portal.extensions import db
from portal.funding import descriptors, moderation, policy, services
from portal.funding.banding_forms import DecideBandForm, ProposeBandForm, WithdrawBandForm
from portal.funding.case_section import DESCRIPTOR_SLUGS
from portal.funding.evidence import plan_evidence
from portal.funding.models import AREAS_OF_NEED, Banding, BandingStatus
from portal.funding.money import SettingType
from portal.refusals import Refused, show_on_form

bp = Blueprint("banding", __name__)

SETTING_LABELS = {setting.value: setting.label for setting in SettingType}

#: Areas of need in URLs are kebab-case: "sensory-physical" for "sensory_physical".
AREA_SLUGS = {area.replace("_", "-"): area for area in AREAS_OF_NEED}


def area_slug(area_of_need: str) -> str:
    return area_of_need.replace("_", "-")


@bp.get("/cases/<public_id:case_id>/bands")
@policy.load_case_bands(policy.VIEW)
def case_bands():
    """The case's bands: for families, the agreed bands and what each means for the help; for
    the school and the council also the proposals waiting, the evidence and the history."""
    case: Case = g.case
    history = moderation.case_history(case)
    detail = policy.may(current_user, policy.VIEW_DETAIL, case)
    current = moderation.in_force(history)
    meanings = {}
    for row in current:
        band = descriptors.for_area(row.banding.area_of_need)[row.band]
        meanings[row.banding.id] = {
            "need": band.part_text("What the need"),
            "help": band.part_text("Typical help"),
            "slug": DESCRIPTOR_SLUGS[row.banding.area_of_need],
        }
    page = render_template(
        "funding/banding/case_bands.html",
        case=case,
        child=case.child,
        detail=detail,
        current=current,
        meanings=meanings,
        later=moderation.agreed_later(history) if detail else [],
        waiting=moderation.waiting(history) if detail else [],
        history=history if detail else [],
        may_propose=policy.may(current_user, policy.PROPOSE, case),
        may_decide=policy.may(current_user, policy.DECIDE, case),
        areas=[(area_slug(area), label) for area, label in AREAS_OF_NEED.items()],
        setting_labels=SETTING_LABELS,
    )
    record_view(current_user, case, page="bands")
    return page


@bp.route("/cases/<public_id:case_id>/bands/propose/<string:area>", methods=["GET", "POST"])
@policy.load_case_bands(policy.PROPOSE)
def propose_band(area: str):
    """Propose a band for one area of need: the band, the descriptor statements that fit, the
    plan's evidence (Section B needs, Section F help), the setting type and the start date."""
    case: Case = g.case
    area_of_need = AREA_SLUGS.get(area)
    if area_of_need is None:
        abort(404)
    bands = descriptors.for_area(area_of_need)
    evidence = plan_evidence(case, current_user)
    items = evidence.for_area(area_of_need) if evidence else []
    form = ProposeBandForm()
    form.statements.choices = [(s.key, s.text) for band in bands.values() for s in band.statements]
    form.evidence.choices = [(item.key, item.line) for item in items]
    if request.method == "GET":
        form.effective.process(None, clock.today())
    if form.validate_on_submit() and form.effective.data is not None:
        chosen = set(form.statements.data or [])
        band = bands[int(form.band.data)]
        statements = [s.text for s in band.statements if s.key in chosen]
        if form.own_words.data:
            statements.append(form.own_words.data)
        picked = set(form.evidence.data or [])
        lines = [item.line for item in items if item.key in picked]
        if lines and evidence is not None:
            lines.insert(0, f"From the plan ({evidence.version}):")
        if form.other_evidence.data:
            lines.append(f"Other evidence: {form.other_evidence.data}")
        try:
            services.propose(
                case,
                current_user,
                area_of_need=area_of_need,
                band=int(form.band.data),
                setting_type=form.setting_type.data,
                effective=form.effective.data,
                statements="\n".join(statements),
                evidence="\n".join(lines),
                primary=bool(form.primary.data),
            )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            flash(
                f"Band {form.band.data} proposed for {AREAS_OF_NEED[area_of_need].lower()}. "
                "The council will agree it or tell you why it changed it",
                "success",
            )
            return redirect(url_for("banding.case_bands", case_id=case.public_id), 303)
    return render_template(
        "funding/banding/propose.html",
        case=case,
        child=case.child,
        form=form,
        area=area,
        area_label=AREAS_OF_NEED[area_of_need],
        bands=bands,
        evidence=evidence,
        items=items,
        descriptor_slug=DESCRIPTOR_SLUGS[area_of_need],
    )


@bp.get("/funding/bands-to-agree")
@policy.council_funding_staff
def proposed_bands():
    """The council's proposals waiting to be agreed, oldest first, a page at a time."""
    page = request.args.get("page", 1, type=int) or 1
    queue = moderation.proposed_queue(current_user.organisation_id, page)
    return render_template("funding/banding/queue.html", queue=queue)


def _case_of(banding: Banding) -> Case:
    case = db.session.get(Case, banding.case_id)
    if case is None:  # pragma: no cover - a banding always has its case
        abort(404)
    return case


@bp.route("/funding/bandings/<int:banding_id>/decide", methods=["GET", "POST"])
@access.load(Banding, "banding_id", policy.DECIDE, column="id")
def decide_band():
    """Agree the proposed band, or a different band with the reason recorded (moderation)."""
    banding: Banding = g.banding
    case = _case_of(banding)
    if banding.status != BandingStatus.PROPOSED.value:
        flash("This band has already been decided", "info")
        return redirect(url_for("banding.case_bands", case_id=case.public_id), 303)
    form = DecideBandForm()
    form.decision.choices = [
        ("as_proposed", f"Agree band {banding.proposed_band} as proposed"),
        ("different", "Agree a different band"),
    ]
    if form.validate_on_submit():
        band = banding.proposed_band if form.decision.data == "as_proposed" else int(form.band.data)
        try:
            services.decide(banding, current_user, band=band, reason=form.reason.data or "")
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            flash(f"Band {band} agreed for {banding.area_label.lower()}", "success")
            return redirect(url_for("banding.proposed_bands"), 303)
    history = moderation.case_history(case)
    return render_template(
        "funding/banding/decide.html",
        banding=banding,
        row=next(r for r in history if r.banding.id == banding.id),
        case=case,
        child=case.child,
        form=form,
        history=[r for r in history if r.banding.id != banding.id],
        setting_labels=SETTING_LABELS,
    )


@bp.route("/funding/bandings/<int:banding_id>/withdraw", methods=["GET", "POST"])
@access.load(Banding, "banding_id", policy.DECIDE, column="id")
def withdraw_band():
    """Withdraw a proposal: a confirmation page, then the act on POST."""
    banding: Banding = g.banding
    case = _case_of(banding)
    if banding.status != BandingStatus.PROPOSED.value:
        flash("This band has already been decided", "info")
        return redirect(url_for("banding.case_bands", case_id=case.public_id), 303)
    form = WithdrawBandForm()
    if form.validate_on_submit():
        try:
            services.withdraw(banding, current_user, reason=form.reason.data or "")
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            flash(f"The proposed band for {banding.area_label.lower()} is withdrawn", "success")
            return redirect(url_for("banding.proposed_bands"), 303)
    return render_template(
        "funding/banding/withdraw.html", banding=banding, case=case, child=case.child, form=form
    )
