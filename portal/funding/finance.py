"""What the agreed bands commit the council to in a financial year, summed in the database, and
the banding windows every funding figure is built from.

`periods` is the one query of banding windows: each banding runs from its effective date to the
next banding for the same case and area of need (a window function), or to the date of the
letter ending the plan if that comes first (`until_plan_ends`). `days_between` clips a window to
the days asked for and `price` prices it from the tariff (a CASE built from it). The committed
top-up here, the funding dashboard and a school's page all use them.

`committed_in_year` is one query, whatever the number of plans: the agreed windows clipped to the
financial year, priced and multiplied by their days; the database adds these up per band, area
of need and setting type, so at most 6 × 4 × 4 rows come back. Python divides each total by the
days in the year and rounds once to the penny, so a group's total can differ by a penny or so
from adding per-pupil amounts rounded one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Subquery, and_, case, func, literal, or_, select
from sqlalchemy.types import Date

from portal.cases.models import Case, CaseMilestones, Child
from portal.extensions import db
from portal.funding.models import AREAS_OF_NEED, Banding, BandingStatus
from portal.funding.money import FinancialYear, SettingType, Tariff, pence

AGREED = BandingStatus.AGREED.value
PROPOSED = BandingStatus.PROPOSED.value


def until_plan_ends(next_start: Any, ceased_on: Any) -> Any:
    """SQL: the day a banding stops: the next banding's start (None: open), or the day the
    council wrote that the plan ends, whichever comes first. No top-up is due after a plan ends."""
    return case(
        (
            and_(ceased_on.is_not(None), or_(next_start.is_(None), ceased_on < next_start)),
            ceased_on,
        ),
        else_=next_start,
    )


@dataclass(frozen=True)
class CommittedRow:
    band: int
    area_of_need: str
    setting: SettingType
    pupils: int
    committed: int  # pence due in the year

    @property
    def area_label(self) -> str:
        return AREAS_OF_NEED[self.area_of_need]


def periods(
    *, team_id: int | None = None, school_id: int | None = None, case_id: int | None = None
) -> Subquery:
    """Every agreed or proposed banding with the day it stops: `stop_agreed` (the next agreed
    banding for the case and area: for committed money) and `stop_all` (the next banding,
    agreed or proposed: for the forecast), or the day the plan ends if that is sooner.
    Narrowed to one council's cases, one school and/or one case."""
    band = func.coalesce(Banding.agreed_band, Banding.proposed_band)
    query = (
        select(
            Banding.case_id,
            Banding.area_of_need,
            band.label("band"),
            Banding.setting_type,
            Banding.status,
            Child.school_id,
            Banding.effective.label("start"),
            until_plan_ends(
                func.lead(Banding.effective).over(
                    partition_by=(Banding.case_id, Banding.area_of_need, Banding.status),
                    order_by=(Banding.effective, Banding.id),
                ),
                CaseMilestones.ceased_on,
            ).label("stop_agreed"),
            until_plan_ends(
                func.lead(Banding.effective).over(
                    partition_by=(Banding.case_id, Banding.area_of_need),
                    order_by=(Banding.effective, Banding.id),
                ),
                CaseMilestones.ceased_on,
            ).label("stop_all"),
        )
        .join(Case, Case.id == Banding.case_id)
        .join(Child, Child.id == Case.child_id)
        .outerjoin(CaseMilestones, CaseMilestones.case_id == Case.id)
        .where(Banding.status.in_([AGREED, PROPOSED]))
    )
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    if school_id is not None:
        query = query.where(Child.school_id == school_id)
    if case_id is not None:
        query = query.where(Banding.case_id == case_id)
    return query.subquery("periods")


def days_between(start: Any, stop: Any, first: date, last: date) -> Any:
    """SQL: the days from `start` up to `stop` (None: open) that fall between `first` and `last`
    (both included), never below 0."""
    first_ = literal(first, Date)
    after = literal(last + timedelta(days=1), Date)
    begin = case((start > first_, start), else_=first_)
    open_stop = func.coalesce(stop, after)
    end = case((open_stop < after, open_stop), else_=after)
    if db.session.get_bind().dialect.name == "sqlite":
        span = func.julianday(end) - func.julianday(begin)
    else:
        span = end - begin
    return case((span > 0, span), else_=0)


def price(rows: Subquery, tariff: Tariff | None) -> Any:
    """SQL: the annual top-up (pence) of each row's band and setting type, from `tariff`."""
    if tariff is None:
        return literal(0, BigInteger)
    return case(
        *(
            (
                and_(rows.c.band == band, rows.c.setting_type == setting.value),
                literal(amount, BigInteger),
            )
            for (band, setting), amount in tariff.top_ups.items()
        ),
        else_=literal(0, BigInteger),
    )


def _agreed_days(rows: Subquery, year: FinancialYear) -> Any:
    """SQL: the days of `year` each agreed window of `rows` is in force (to the next agreed band
    or the plan's end)."""
    return days_between(rows.c.start, rows.c.stop_agreed, year.first_day, year.last_day)


def committed_in_year(tariff: Tariff, team_id: int) -> list[CommittedRow]:
    """The top-up one council (`team_id`) committed in `tariff.year`, by band, area, setting."""
    year: FinancialYear = tariff.year
    rows = periods(team_id=team_id)
    days = _agreed_days(rows, year)
    query = (
        select(
            rows.c.band,
            rows.c.area_of_need,
            rows.c.setting_type,
            func.count().filter(days > 0),
            func.sum(price(rows, tariff) * days),
        )
        .where(rows.c.status == AGREED)
        .group_by(rows.c.band, rows.c.area_of_need, rows.c.setting_type)
        .order_by(rows.c.band, rows.c.area_of_need, rows.c.setting_type)
    )
    found = []
    for band_, area, setting, pupils, pence_days in db.session.execute(query):
        if not pupils:
            continue
        found.append(
            CommittedRow(
                band=int(band_),
                area_of_need=area,
                setting=SettingType(setting),
                pupils=int(pupils),
                committed=pence(Decimal(int(pence_days or 0)) / year.days),
            )
        )
    return found


def case_due_in_year(tariff: Tariff, case_id: int) -> dict[str, int]:
    """What one case's agreed bands are due in `tariff.year`, in pence by area of need, worked
    out as `committed_in_year` does: each band to the next agreed one or to the plan's end."""
    year: FinancialYear = tariff.year
    rows = periods(case_id=case_id)
    query = (
        select(rows.c.area_of_need, func.sum(price(rows, tariff) * _agreed_days(rows, year)))
        .where(rows.c.status == AGREED)
        .group_by(rows.c.area_of_need)
    )
    return {
        area: pence(Decimal(int(pence_days or 0)) / year.days)
        for area, pence_days in db.session.execute(query)
    }
