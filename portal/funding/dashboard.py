"""The funding dashboard's figures: what the agreed bands commit the council to in a financial
year, what the plans in progress would add, by band, area of need, setting type and school.

Every sum and count is made by the database (GROUP BY), in a fixed number of queries whatever the
number of plans, over the banding windows of `finance.periods` (each banding runs from its
effective date to the next banding for the same case and area of need), each clipped to the days
asked for, priced from the tariff and multiplied by its days. Two windows are worked out at once:

- committed: agreed bandings only, each ending when the next agreed one starts;
- forecast: agreed and proposed bandings together (drafts and reviews whose bands are waiting
  to be agreed), as if every proposal were agreed as proposed; "in progress" is the forecast
  less the committed amount.

The database returns pence × days, exact integers; Python adds those up and divides by the
days in the year once, rounding to the penny, so a total can differ by a penny or so from adding
rounded per-pupil amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Subquery, and_, case, func, select

from portal.accounts.models import Organisation
from portal.extensions import db
from portal.funding.finance import AGREED, PROPOSED, days_between, periods, price
from portal.funding.models import AREAS_OF_NEED
from portal.funding.money import BANDS, FinancialYear, SettingType, Tariff, pence
from portal.funding.tariff import StoredYear, load_year

#: The schools the dashboard lists, most committed first (each has its own page for the rest).
SCHOOLS_SHOWN = 20


def priced(rows: Subquery, tariff: Tariff | None, first: date, last: date) -> Any:
    """Each banding of `rows` with its days in force from `first` to `last` (both included),
    for the committed (`days_agreed`) and the forecast (`days_all`) windows, and its annual
    top-up (`amount`). Worked out once per row: a materialised CTE, so the aggregates above it
    do not recompute the dates (SQLite would otherwise, once per use)."""
    return (
        select(
            rows.c.case_id,
            rows.c.area_of_need,
            rows.c.band,
            rows.c.setting_type,
            rows.c.status,
            rows.c.school_id,
            days_between(rows.c.start, rows.c.stop_agreed, first, last).label("days_agreed"),
            days_between(rows.c.start, rows.c.stop_all, first, last).label("days_all"),
            price(rows, tariff).label("amount"),
        )
        .cte("priced")
        .prefix_with("MATERIALIZED")
    )


def money_columns(rows: Any) -> list[Any]:
    """SQL aggregates over `priced` rows: committed pence × days, forecast pence × days, agreed
    bandings in force, proposed bandings in force."""
    agreed = rows.c.status == AGREED
    return [
        func.coalesce(func.sum(case((agreed, rows.c.amount * rows.c.days_agreed), else_=0)), 0),
        func.coalesce(func.sum(rows.c.amount * rows.c.days_all), 0),
        func.count().filter(and_(agreed, rows.c.days_agreed > 0)),
        func.count().filter(and_(rows.c.status == PROPOSED, rows.c.days_all > 0)),
    ]


@dataclass
class Figures:
    """Committed and forecast money (pence × days until `finish`), and banding counts."""

    committed_pd: int = 0
    forecast_pd: int = 0
    agreed: int = 0
    proposed: int = 0
    days: int = 365

    def add(self, committed_pd: Any, forecast_pd: Any, agreed: Any, proposed: Any) -> None:
        self.committed_pd += int(committed_pd or 0)
        self.forecast_pd += int(forecast_pd or 0)
        self.agreed += int(agreed or 0)
        self.proposed += int(proposed or 0)

    @property
    def committed(self) -> int:
        return pence(Decimal(self.committed_pd) / self.days)

    @property
    def forecast(self) -> int:
        return pence(Decimal(self.forecast_pd) / self.days)

    @property
    def in_progress(self) -> int:
        return self.forecast - self.committed

    @property
    def empty(self) -> bool:
        return not (self.agreed or self.proposed)


@dataclass
class Bar:
    key: str
    label: str
    figures: Figures
    school_id: int | None = None  # for rows that are schools: the link to the school's page


@dataclass
class Breakdown:
    id: str
    title: str
    heading: str  # the table's first column
    rows: list[Bar]

    @property
    def biggest(self) -> int:
        # A proposal can lower a band, so the forecast may be below the committed amount.
        return max(
            (max(bar.figures.forecast, bar.figures.committed) for bar in self.rows), default=0
        )


@dataclass
class FundingDashboard:
    stored: StoredYear
    totals: Figures
    pupils: int
    pupils_in_progress: int
    schools: int
    breakdowns: list[Breakdown] = field(default_factory=list)
    fine_rows: list[tuple[int, str, SettingType, Figures]] = field(default_factory=list)

    @property
    def year(self) -> FinancialYear:
        return self.stored.year

    @property
    def left(self) -> int | None:
        """The budget less the committed spend (negative when over budget)."""
        if self.stored.budget_pence is None:
            return None
        return self.stored.budget_pence - self.totals.committed

    @property
    def left_after_forecast(self) -> int | None:
        if self.stored.budget_pence is None:
            return None
        return self.stored.budget_pence - self.totals.forecast


def _rollup(
    fine: Iterable[tuple[int, str, SettingType, Figures]], key, label, keys: Iterable, days: int
) -> list[Bar]:
    sums: dict[Any, Figures] = {k: Figures(days=days) for k in keys}
    for row in fine:
        figures = row[3]
        sums[key(row)].add(
            figures.committed_pd, figures.forecast_pd, figures.agreed, figures.proposed
        )
    return [Bar(str(k), label(k), f) for k, f in sums.items() if not f.empty]


def funding_dashboard(team_id: int, year: FinancialYear) -> FundingDashboard:
    """The council's dashboard for a financial year: 4 queries, whatever the number of plans
    (the tariff and budget: 2; by band, area and setting: 1; by school, with the distinct
    pupils: 1)."""
    stored = load_year(year)
    rows = priced(periods(team_id=team_id), stored.tariff, year.first_day, year.last_day)
    money = money_columns(rows)
    days = year.days

    fine: list[tuple[int, str, SettingType, Figures]] = []
    for band, area, setting, *values in db.session.execute(
        select(rows.c.band, rows.c.area_of_need, rows.c.setting_type, *money)
        .group_by(rows.c.band, rows.c.area_of_need, rows.c.setting_type)
        .order_by(rows.c.band, rows.c.area_of_need, rows.c.setting_type)
    ):
        figures = Figures(days=days)
        figures.add(*values)
        if not figures.empty:
            fine.append((int(band), area, SettingType(setting), figures))

    # One row per school (a pupil belongs to one school, so the schools' distinct pupils add up
    # to the council's): as many rows as the council has schools, never one per plan.
    in_force = and_(rows.c.status == AGREED, rows.c.days_agreed > 0)
    pending = and_(rows.c.status == PROPOSED, rows.c.days_all > 0)
    schools: list[Bar] = []
    pupils = pupils_in_progress = school_count = 0
    for school_id, name, in_force_pupils, pending_pupils, *values in db.session.execute(
        select(
            rows.c.school_id,
            Organisation.name,
            func.count(func.distinct(case((in_force, rows.c.case_id)))),
            func.count(func.distinct(case((pending, rows.c.case_id)))),
            *money,
        )
        .outerjoin(Organisation, Organisation.id == rows.c.school_id)
        .group_by(rows.c.school_id, Organisation.name)
    ):
        figures = Figures(days=days)
        figures.add(*values)
        if figures.empty:
            continue
        pupils += int(in_force_pupils or 0)
        pupils_in_progress += int(pending_pupils or 0)
        school_count += 1 if school_id is not None and in_force_pupils else 0
        schools.append(Bar(str(school_id), name or "No school recorded", figures, school_id))
    schools.sort(key=lambda bar: (-bar.figures.committed, -bar.figures.forecast, bar.label))
    schools = schools[:SCHOOLS_SHOWN]

    totals = Figures(days=days)
    for *_, figures in fine:
        totals.add(figures.committed_pd, figures.forecast_pd, figures.agreed, figures.proposed)

    breakdowns = [
        Breakdown(
            "by-band",
            "Top-up by band",
            "Band",
            _rollup(fine, lambda r: r[0], lambda b: f"Band {b}", BANDS, days),
        ),
        Breakdown(
            "by-area",
            "Top-up by area of need",
            "Area of need",
            _rollup(fine, lambda r: r[1], AREAS_OF_NEED.__getitem__, AREAS_OF_NEED, days),
        ),
        Breakdown(
            "by-setting",
            "Top-up by type of setting",
            "Type of setting",
            _rollup(fine, lambda r: r[2], lambda s: s.label, SettingType, days),
        ),
        Breakdown(
            "by-school",
            f"Top-up by school (the {SCHOOLS_SHOWN} with the most committed)",
            "School",
            schools,
        ),
    ]
    return FundingDashboard(
        stored=stored,
        totals=totals,
        pupils=pupils,
        pupils_in_progress=pupils_in_progress,
        schools=school_count,
        breakdowns=breakdowns,
        fine_rows=fine,
    )
