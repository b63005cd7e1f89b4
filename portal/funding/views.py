"""The council's committed high-needs top-up for the financial year, and its CSV for finance."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from portal import access, audit, clock
from portal.accounts.models import Role
from portal.accounts.reauth import fresh_second_factor
from portal.extensions import db
from portal.funding.finance import committed_in_year
from portal.funding.money import FinancialYear
from portal.funding.tariff import StoredYear, load_year

bp = Blueprint("funding", __name__, url_prefix="/funding")


def _stored() -> StoredYear:
    """This financial year's stored tariff (None when the council has not set one)."""
    return load_year(FinancialYear.containing(clock.today()))


@bp.get("/committed-spend")
@access.role_required(Role.CASE_OFFICER, Role.FUNDING_OFFICER)
def committed_spend():
    """Committed top-up this financial year by band, area of need and setting type."""
    stored = _stored()
    rows = committed_in_year(stored.tariff, current_user.organisation_id) if stored.tariff else []
    return render_template(
        "funding/committed_spend.html",
        stored=stored,
        rows=rows,
        total=sum(row.committed for row in rows),
        pupils=sum(row.pupils for row in rows),
    )


@bp.get("/committed-spend/download")
@access.role_required(Role.CASE_OFFICER, Role.FUNDING_OFFICER)
@fresh_second_factor
def committed_spend_csv():
    """The same figures as CSV for finance (pounds with pence); the download is audited."""
    stored = _stored()
    if stored.tariff is None:
        abort(404)
    tariff = stored.tariff
    rows = committed_in_year(tariff, current_user.organisation_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Financial year", "Band", "Area of need", "Setting type", "Pupils", "Committed (£)"]
    )
    for row in rows:
        writer.writerow(
            [
                tariff.year.label,
                row.band,
                row.area_label,
                row.setting.label,
                row.pupils,
                f"{row.committed // 100}.{row.committed % 100:02d}",
            ]
        )
    audit.record(
        "funding.committed_spend_downloaded", actor=current_user, year=tariff.year.start_year
    )
    db.session.commit()
    filename = f"committed-top-up-{tariff.year.start_year}-{tariff.year.start_year + 1}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
