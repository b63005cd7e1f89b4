"""The money pages: the tariff and budget per financial year, the funding dashboard and its
CSV, and each school's banded pupils with the top-up they bring.

Council staff (funding officers and case officers) see their council's figures; a school's
special educational needs coordinator sees their own school's page only; families never see
money. Views are thin: the figures come from `dashboard` and `school`, the writes from `tariff`.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, clock
from portal.accounts.models import Role
from portal.extensions import db
from portal.funding import tariff as tariffs
from portal.funding.money import BANDS, MAINSTREAM_THRESHOLD_PENCE, FinancialYear, SettingType
from portal.funding.money_forms import CopyTariffForm, TariffForm
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
            tariffs.save_year(current_user, year, form.top_ups(), form.budget.pence)
        except Refused as refused:
            show_on_form(form, refused)
        else:
            db.session.commit()
            return redirect(url_for("money.tariff_page", start_year=year.start_year), 303)
    elif request.method == "GET":
        stored = tariffs.load_year(year)
        form.fill(stored.tariff, stored.budget_pence)
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
