"""What the agreed bands commit the council to in a financial year, summed in the database.

One query, whatever the number of plans: each agreed banding runs from its effective date to the
next agreed banding for the same case and area of need (a window function), or to the date of the
letter ending the plan if that comes first (`until_plan_ends`), is clipped to the
financial year, priced from the tariff (a CASE built from it) and multiplied by its days; the
database adds these up per band, area of need and setting type, so at most 6 × 4 × 4 rows come
back. Python divides each total by the days in the year and rounds once to the penny, so a group's
total can differ by a penny or so from adding per-pupil amounts rounded one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.types import Date

from portal.cases.models import Case, CaseMilestones
from portal.extensions import db
from portal.funding.models import AREAS_OF_NEED, Banding, BandingStatus
from portal.funding.money import FinancialYear, SettingType, Tariff, pence


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


def committed_in_year(tariff: Tariff, team_id: int) -> list[CommittedRow]:
    """The top-up one council (`team_id`) committed in `tariff.year`, by band, area, setting."""
    year: FinancialYear = tariff.year
    first = literal(year.first_day, Date)
    after = literal(year.last_day + timedelta(days=1), Date)
    band = func.coalesce(Banding.agreed_band, Banding.proposed_band)
    periods = (
        select(
            Banding.area_of_need,
            band.label("band"),
            Banding.setting_type,
            Banding.effective.label("start"),
            until_plan_ends(
                func.lead(Banding.effective).over(
                    partition_by=(Banding.case_id, Banding.area_of_need),
                    order_by=(Banding.effective, Banding.id),
                ),
                CaseMilestones.ceased_on,
            ).label("stop"),
        )
        .join(Case, Case.id == Banding.case_id)
        .outerjoin(CaseMilestones, CaseMilestones.case_id == Case.id)
        .where(Banding.status == BandingStatus.AGREED.value, Case.team_id == team_id)
        .subquery()
    )
    start = case((periods.c.start > first, periods.c.start), else_=first)
    open_stop = func.coalesce(periods.c.stop, after)
    stop = case((open_stop < after, open_stop), else_=after)
    if db.session.get_bind().dialect.name == "sqlite":
        span = func.julianday(stop) - func.julianday(start)
    else:
        span = stop - start
    days = case((span > 0, span), else_=0)
    price = case(
        *(
            (and_(periods.c.band == b, periods.c.setting_type == s.value), amount)
            for (b, s), amount in tariff.top_ups.items()
        ),
        else_=0,
    )
    query = (
        select(
            periods.c.band,
            periods.c.area_of_need,
            periods.c.setting_type,
            func.count().filter(days > 0),
            func.sum(price * days),
        )
        .group_by(periods.c.band, periods.c.area_of_need, periods.c.setting_type)
        .order_by(periods.c.band, periods.c.area_of_need, periods.c.setting_type)
    )
    rows = []
    for band_, area, setting, pupils, pence_days in db.session.execute(query):
        if not pupils:
            continue
        rows.append(
            CommittedRow(
                band=int(band_),
                area_of_need=area,
                setting=SettingType(setting),
                pupils=int(pupils),
                committed=pence(Decimal(int(pence_days or 0)) / year.days),
            )
        )
    return rows
