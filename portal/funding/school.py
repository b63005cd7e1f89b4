"""One school's banded pupils: their bands, the annual top-up each brings, and the top-up the
school can expect this financial year and next month.

A page costs the same whatever the number of plans: the pupils are counted and paged in SQL
(25 a page, by name), only the page's pupils have their bandings loaded (one query) and priced
with the money arithmetic, and the school's totals are summed by the database (one query).
A school's special educational needs coordinator sees every banded pupil of their school
(initials and case number; the case itself opens only where they hold a grant); council staff
see the pupils of their own council's cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select

from portal.accounts.models import Organisation, Role, User
from portal.cases.models import Case, CaseMilestones, Child
from portal.cases.policy import may_view_case
from portal.extensions import db
from portal.funding.finance import AGREED, days_between, periods, price
from portal.funding.models import AREAS_OF_NEED, Banding
from portal.funding.money import (
    BandingPeriod,
    FinancialYear,
    SettingType,
    due_in_window,
    due_in_year,
    next_month,
    pence,
)
from portal.funding.tariff import StoredYear, load_years

PAGE_SIZE = 25


@dataclass(frozen=True)
class PupilBand:
    area: str
    band: int
    setting: SettingType
    effective: date
    annual: int | None  # the band's annual top-up, pence (None: no tariff)

    @property
    def mainstream(self) -> bool:
        return self.setting is SettingType.MAINSTREAM


@dataclass(frozen=True)
class PupilRow:
    case_public_id: str
    reference: str
    initials: str
    may_open: bool
    bands: list[PupilBand]
    this_year: int | None
    next_month: int | None

    @property
    def annual(self) -> int | None:
        amounts = [band.annual for band in self.bands]
        return None if any(a is None for a in amounts) else sum(a or 0 for a in amounts)


@dataclass(frozen=True)
class SchoolFunding:
    school: Organisation
    year: StoredYear
    month: StoredYear  # the stored year next month falls in
    month_first: date
    month_last: date
    rows: list[PupilRow]
    total: int
    page: int
    this_year_total: int | None
    next_month_total: int | None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def _initials(first_name: str, last_name: str) -> str:
    return " ".join(f"{name[:1].upper()}." for name in (first_name, last_name) if name)


def school_funding(school: Organisation, viewer: User, today: date, page: int) -> SchoolFunding:
    """The school's page of banded pupils as `viewer` may see it (constant queries)."""
    year = FinancialYear.containing(today)
    month_first, month_last = next_month(today)
    month_year = FinancialYear.containing(month_first)
    stored = load_years([year, month_year])
    horizon = max(year.last_day, month_last)
    team_id = viewer.organisation_id if viewer.role != Role.SCHOOL else None

    # Not a correlated EXISTS: SQLite would answer it from the status index, once per case.
    banded = Case.id.in_(
        select(Banding.case_id).where(Banding.status == AGREED, Banding.effective <= horizon)
    )
    pupils = select(Case.id).join(Child, Child.id == Case.child_id)
    pupils = pupils.where(Child.school_id == school.id, banded)
    if team_id is not None:
        pupils = pupils.where(Case.team_id == team_id)
    total = db.session.scalar(select(func.count()).select_from(pupils.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)

    # The case policy's own condition ("cases this person may view"), as a column of the row.
    may_open = case((may_view_case(viewer), True), else_=False)
    found = db.session.execute(
        pupils.add_columns(
            Case.public_id,
            Case.reference,
            Child.first_name,
            Child.last_name,
            may_open,
            CaseMilestones.ceased_on,
        )
        .outerjoin(CaseMilestones, CaseMilestones.case_id == Case.id)
        .order_by(Child.last_name, Child.first_name, Case.reference)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = [row[0] for row in found]
    bandings: dict[int, dict[str, list[Banding]]] = {}
    if ids:
        for banding in db.session.scalars(
            select(Banding)
            .where(Banding.case_id.in_(ids), Banding.status == AGREED)
            .order_by(Banding.case_id, Banding.area_of_need, Banding.effective, Banding.id)
        ):
            bandings.setdefault(banding.case_id, {}).setdefault(banding.area_of_need, []).append(
                banding
            )
    rows = [
        _pupil_row(row, bandings.get(row[0], {}), stored[year], stored[month_year], today)
        for row in found
    ]
    this_year_total, next_month_total = _totals(
        school.id, team_id, stored[year], stored[month_year], month_first, month_last
    )
    return SchoolFunding(
        school=school,
        year=stored[year],
        month=stored[month_year],
        month_first=month_first,
        month_last=month_last,
        rows=rows,
        total=total,
        page=page,
        this_year_total=this_year_total,
        next_month_total=next_month_total,
    )


def _pupil_row(
    row: Any,
    by_area: dict[str, list[Banding]],
    year: StoredYear,
    month: StoredYear,
    today: date,
) -> PupilRow:
    _case_id, public_id, reference, first_name, last_name, may_open, plan_ended = row
    month_first, month_last = next_month(today)
    bands = []
    this_year = 0
    coming = 0
    for area in sorted(by_area, key=lambda a: list(AREAS_OF_NEED).index(a)):
        rows = by_area[area]
        current = [b for b in rows if b.effective <= today] or rows[:1]
        now = current[-1]
        band = now.agreed_band or now.proposed_band
        setting = SettingType(now.setting_type)
        bands.append(
            PupilBand(
                area=AREAS_OF_NEED[area],
                band=band,
                setting=setting,
                effective=now.effective,
                annual=year.tariff.annual_top_up(band, setting) if year.tariff else None,
            )
        )
        spans = [
            BandingPeriod(
                b.effective, b.agreed_band or b.proposed_band, SettingType(b.setting_type)
            )
            for b in rows
        ]
        if year.tariff is not None:
            this_year += due_in_year(
                spans, {year.year: year.tariff}, year.year, plan_ended=plan_ended
            )
        if month.tariff is not None:
            coming += due_in_window(
                spans, month.tariff, month_first, month_last, plan_ended=plan_ended
            )
    return PupilRow(
        case_public_id=public_id,
        reference=reference,
        initials=_initials(first_name, last_name),
        may_open=bool(may_open),
        bands=bands,
        this_year=this_year if year.tariff is not None else None,
        next_month=coming if month.tariff is not None else None,
    )


def _totals(
    school_id: int,
    team_id: int | None,
    year: StoredYear,
    month: StoredYear,
    month_first: date,
    month_last: date,
) -> tuple[int | None, int | None]:
    """The school's expected top-up this financial year and next month, summed in SQL."""
    if year.tariff is None and month.tariff is None:
        return None, None
    rows = periods(team_id=team_id, school_id=school_id)
    agreed = rows.c.status == AGREED

    def committed(stored: StoredYear, first: date, last: date) -> Any:
        days = days_between(rows.c.start, rows.c.stop_agreed, first, last)
        amount = price(rows, stored.tariff)
        return func.coalesce(func.sum(func.coalesce(amount * days, 0)).filter(agreed), 0)

    year_pd, month_pd = db.session.execute(
        select(
            committed(year, year.year.first_day, year.year.last_day),
            committed(month, month_first, month_last),
        ).where(and_(agreed))
    ).one()
    return (
        pence(Decimal(int(year_pd)) / year.year.days) if year.tariff is not None else None,
        pence(Decimal(int(month_pd)) / month.year.days) if month.tariff is not None else None,
    )
