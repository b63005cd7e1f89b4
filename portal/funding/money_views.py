"""The money pages: the tariff and budget per financial year, the funding dashboard and its
CSV, and each school's banded pupils with the top-up they bring.

Council staff (funding officers and case officers) see their council's figures; a school's
special educational needs coordinator sees their own school's page only; families never see
money. Views are thin: the figures come from `dashboard` and `school`, the writes from `tariff`.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, audit, clock
from portal.accounts.models import Organisation, OrganisationKind, Role
from portal.accounts.reauth import fresh_second_factor
from portal.extensions import db
from portal.funding import dashboard as figures
from portal.funding import school as school_figures
from portal.funding import tariff as tariffs
from portal.funding.money import (
    BANDS,
    MAINSTREAM_THRESHOLD_PENCE,
    FinancialYear,
    SettingType,
)
from portal.funding.money_forms import CopyTariffForm, DashboardYearForm, TariffForm
from portal.refusals import Refused, show_on_form

bp = Blueprint("money", __name__, url_prefix="/funding")

COUNCIL_STAFF = (Role.FUNDING_OFFICER, Role.CASE_OFFICER)


def _year(start_year: int) -> FinancialYear:
    try:
        return tariffs.check_year(start_year)
    except Refused:
        abort(404)


def _this_year() -> FinancialYear:
    return FinancialYear.containing(clock.today())


# --- The tariff and budget -------------------------------------------------------------------


@bp.get("/tariff")
@access.role_required(*COUNCIL_STAFF)
def tariff_now():
    """The tariff of the financial year we are in."""
    return redirect(url_for("money.tariff_page", start_year=_this_year().start_year))


@bp.get("/tariff/<int:start_year>")
@access.role_required(*COUNCIL_STAFF)
def tariff_page(start_year: int):
    """One year's annual top-up per band and setting type, and its budget."""
    year = _year(start_year)
    stored = tariffs.load_year(year)
    return render_template(
        "funding/tariff.html",
        stored=stored,
        year=year,
        bands=BANDS,
        settings=list(SettingType),
        threshold=MAINSTREAM_THRESHOLD_PENCE,
        may_edit=current_user.role == Role.FUNDING_OFFICER,
        this_year=_this_year(),
    )


@bp.route("/tariff/<int:start_year>/edit", methods=["GET", "POST"])
@access.role_required(Role.FUNDING_OFFICER)
def edit_tariff(start_year: int):
    """A funding officer sets a year's 24 annual top-ups and its budget (audited)."""
    year = _year(start_year)
    form = TariffForm()
    if form.validate_on_submit():
        try:
            tariffs.save_year(
                current_user,
                year,
                form.top_ups(),
                form.budget.pence,
                illustrative=form.illustrative.data,
            )
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("money.tariff_page", start_year=year.start_year), 303)
    elif request.method == "GET":
        stored = tariffs.load_year(year)
        form.fill(stored.tariff, stored.budget_pence, stored.illustrative)
    db.session.rollback()
    return render_template(
        "funding/edit_tariff.html",
        form=form,
        year=year,
        settings=list(SettingType),
        threshold=MAINSTREAM_THRESHOLD_PENCE,
    )


@bp.route("/tariff/<int:start_year>/copy", methods=["GET", "POST"])
@access.role_required(Role.FUNDING_OFFICER)
def copy_tariff(start_year: int):
    """Set a year's tariff from the year before's with an uplift in per cent (audited)."""
    year = _year(start_year)
    previous = FinancialYear(year.start_year - 1)
    stored = tariffs.load_years([previous, year])
    form = CopyTariffForm()
    if form.validate_on_submit() and form.percent is not None:
        try:
            tariffs.copy_previous_year(current_user, year, form.percent)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("money.tariff_page", start_year=year.start_year), 303)
    db.session.rollback()
    return render_template(
        "funding/copy_tariff.html",
        form=form,
        year=year,
        previous=stored[previous],
        replaces=stored[year].is_set,
    )


# --- The funding dashboard -------------------------------------------------------------------


def _dashboard_year() -> FinancialYear:
    return DashboardYearForm(_this_year(), request.args).chosen


@bp.get("/dashboard")
@access.role_required(*COUNCIL_STAFF)
def dashboard():
    """The council's committed top-up for a year against its budget, what the plans in
    progress would add, by band, area of need, setting type and school."""
    form = DashboardYearForm(_this_year(), request.args)
    data = figures.funding_dashboard(current_user.organisation_id, form.chosen)
    return render_template(
        "funding/dashboard.html",
        data=data,
        form=form,
        may_edit=current_user.role == Role.FUNDING_OFFICER,
    )


def _money(amount: int | None) -> str:
    """Pounds with pence for a spreadsheet: 1234.50, -20.05 (no £, no commas)."""
    if amount is None:
        return ""
    whole, part = divmod(abs(amount), 100)
    return f"{'-' if amount < 0 else ''}{whole}.{part:02d}"


@bp.get("/dashboard/download")
@access.role_required(*COUNCIL_STAFF)
@fresh_second_factor
def dashboard_csv():
    """The dashboard's figures as CSV for finance: one line per band, area of need and setting
    type, then the totals and the budget. Amounts in pounds with pence. The download is audited."""
    year = _dashboard_year()
    data = figures.funding_dashboard(current_user.organisation_id, year)
    priced = data.stored.tariff is not None
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Financial year",
            "Band",
            "Area of need",
            "Setting type",
            "Agreed bands",
            "Committed (£)",
            "Proposed bands",
            "In progress (£)",
            "Forecast (£)",
        ]
    )

    def amounts(f: figures.Figures) -> list[str]:
        if not priced:
            return ["", "", ""]
        return [_money(f.committed), _money(f.in_progress), _money(f.forecast)]

    for band, area, setting, f in data.fine_rows:
        committed, in_progress, forecast = amounts(f)
        writer.writerow(
            [
                year.label,
                band,
                figures.AREAS_OF_NEED[area],
                setting.label,
                f.agreed,
                committed,
                f.proposed,
                in_progress,
                forecast,
            ]
        )
    committed, in_progress, forecast = amounts(data.totals)
    writer.writerow(
        [
            year.label,
            "All",
            "All",
            "All",
            data.totals.agreed,
            committed,
            data.totals.proposed,
            in_progress,
            forecast,
        ]
    )
    writer.writerow([year.label, "Budget", "", "", "", _money(data.stored.budget_pence)])
    if data.stored.illustrative:
        writer.writerow(["Illustrative tariff: not a real council's figures"])
    elif not priced:
        writer.writerow([f"No tariff has been set for {year.label}"])
    audit.record("funding.dashboard_downloaded", actor=current_user, year=year.start_year)
    db.session.commit()
    filename = f"high-needs-top-up-{year.start_year}-{year.start_year + 1}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- A school's banded pupils ----------------------------------------------------------------


@bp.get("/my-school")
@access.role_required(Role.SCHOOL)
def my_school():
    """A school's coordinator goes to their own school's page."""
    if current_user.organisation_id is None:
        abort(404)
    return redirect(url_for("money.school_page", school_id=current_user.organisation_id))


@bp.get("/schools/<int:school_id>")
@access.role_required(Role.SCHOOL, *COUNCIL_STAFF)
def school_page(school_id: int):
    """A school's banded pupils, their bands and the top-up expected this year and next month.

    A school's coordinator may open their own school's page only (any other school: 404);
    council staff may open any school's, showing their own council's cases. Audited, as it
    shows pupils' case numbers and bands."""
    school = db.session.get(Organisation, school_id)
    if school is None or school.kind != OrganisationKind.SCHOOL:
        abort(404)
    if current_user.role == Role.SCHOOL and current_user.organisation_id != school.id:
        abort(404)
    page = request.args.get("page", 1, type=int) or 1
    data = school_figures.school_funding(school, current_user, clock.today(), page)
    audit.record(
        "funding.school_page_viewed",
        actor=current_user,
        subject=school,
        school=school.id,
        page=data.page,
    )
    db.session.commit()
    return render_template(
        "funding/school.html",
        data=data,
        threshold=MAINSTREAM_THRESHOLD_PENCE,
        page_url=lambda number: url_for(
            "money.school_page", school_id=school.id, **({"page": number} if number > 1 else {})
        ),
    )
