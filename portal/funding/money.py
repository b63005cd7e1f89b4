"""The arithmetic of banded funding: financial years, the tariff and the top-up due.

Pure functions on integers (pence) and dates, with `Decimal` for every division, so the same
inputs always give the same pence on any database or machine. Nothing here reads the database.

- A financial year runs from 1 April to 31 March and is named by the year it starts in.
- The tariff gives, per financial year, the annual top-up for each band (1 to 6) and setting type.
- A mainstream school meets the first £6,000 of a pupil's extra help from its own budget; the
  band's top-up pays for the help above that. Other settings are funded by the top-up alone.
- A banding applies from its effective date up to (not including) the day the next banding starts.
  The amount due in a financial year is the annual top-up × days covered in that year ÷ days in
  that year, rounded to the nearest penny (halves away from zero), per banding period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

#: What a mainstream school pays from its own budget before the top-up starts: £6,000.
MAINSTREAM_THRESHOLD_PENCE = 600_000

BANDS = (1, 2, 3, 4, 5, 6)


class SettingType(StrEnum):
    MAINSTREAM = "mainstream"
    RESOURCED = "resourced_provision"
    SPECIAL = "special_school"
    POST_16 = "post_16"

    @property
    def label(self) -> str:
        return {
            "mainstream": "Mainstream school",
            "resourced_provision": "Resourced provision",
            "special_school": "Special school",
            "post_16": "Post-16",
        }[self.value]


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year starting on 1 April of `start_year`."""

    start_year: int

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def first_day(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def label(self) -> str:
        return f"April {self.start_year} to March {self.start_year + 1}"

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)


def pence(amount: Decimal) -> int:
    """Round an amount in pence to a whole penny, halves away from zero."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pounds(amount_pence: int) -> str:
    """£12,345.67, or £12,345 when there are no pence."""
    whole, part = divmod(abs(amount_pence), 100)
    sign = "-" if amount_pence < 0 else ""
    return f"{sign}£{whole:,}" + (f".{part:02d}" if part else "")


@dataclass(frozen=True)
class Tariff:
    """One financial year's annual top-ups, in pence, by (band, setting type)."""

    year: FinancialYear
    top_ups: Mapping[tuple[int, SettingType], int]

    def annual_top_up(self, band: int, setting: SettingType) -> int:
        if band not in BANDS:
            raise ValueError(f"There is no band {band}: bands run from 1 to 6.")
        return self.top_ups[(band, setting)]


@dataclass(frozen=True)
class MainstreamSplit:
    """Who pays what for a banded pupil in a mainstream school, per year."""

    school_pays: int
    top_up: int

    @property
    def total(self) -> int:
        return self.school_pays + self.top_up


def mainstream_split(top_up_pence: int) -> MainstreamSplit:
    """The school meets the first £6,000; the band's top-up pays for the help above it."""
    return MainstreamSplit(school_pays=MAINSTREAM_THRESHOLD_PENCE, top_up=top_up_pence)


def days_in_year(start: date, end: date | None, year: FinancialYear) -> int:
    """Days from `start` up to (not including) `end` that fall in `year` (end None: open)."""
    first = max(start, year.first_day)
    stop = min(end, year.last_day + timedelta(days=1)) if end else year.last_day + timedelta(days=1)
    return max((stop - first).days, 0)


def pro_rata(annual_pence: int, start: date, end: date | None, year: FinancialYear) -> int:
    """The part of an annual amount due in `year` for the days from `start` up to `end`."""
    covered = days_in_year(start, end, year)
    return pence(Decimal(annual_pence) * covered / year.days)


@dataclass(frozen=True)
class BandingPeriod:
    """A band in force for a pupil from `effective` in a setting type."""

    effective: date
    band: int
    setting: SettingType


def _with_ends(
    periods: Iterable[BandingPeriod], plan_ended: date | None
) -> list[tuple[BandingPeriod, date | None]]:
    """Each period with the day it stops: the next period's start (None: open), or the day the
    plan ended if that comes first (as `finance.until_plan_ends` does in SQL)."""
    ordered = sorted(periods, key=lambda period: period.effective)
    ends: list[tuple[BandingPeriod, date | None]] = []
    for index, period in enumerate(ordered):
        end = ordered[index + 1].effective if index + 1 < len(ordered) else None
        if plan_ended is not None and (end is None or plan_ended < end):
            end = plan_ended
        ends.append((period, end))
    return ends


def due_in_year(
    periods: Iterable[BandingPeriod],
    tariffs: Mapping[FinancialYear, Tariff],
    year: FinancialYear,
    *,
    plan_ended: date | None = None,
) -> int:
    """The top-up due in `year` for a pupil's bandings, each ending when the next one starts,
    and none from the day the plan ended (`plan_ended`, the letter ending it), if it has.

    Each period is priced from the tariff of `year` and rounded to the penny on its own (each is a
    line on the school's statement), then the lines are added up.
    """
    tariff = tariffs[year]
    total = 0
    for period, end in _with_ends(periods, plan_ended):
        annual = tariff.annual_top_up(period.band, period.setting)
        total += pro_rata(annual, period.effective, end, year)
    return total


# Illustrative annual top-ups in whole pounds, bands 1 to 6. Made up for the demonstration: no
# council has published figures for these bands. The council enters its own.
_ILLUSTRATIVE_POUNDS = {
    SettingType.MAINSTREAM: (2_000, 4_000, 6_500, 9_500, 13_000, 17_000),
    SettingType.RESOURCED: (8_000, 10_500, 13_000, 16_000, 19_500, 23_000),
    SettingType.SPECIAL: (10_000, 13_000, 16_500, 20_500, 25_000, 30_000),
    SettingType.POST_16: (3_000, 5_000, 7_500, 10_500, 14_000, 18_000),
}


def illustrative_tariff(year: FinancialYear, base_year: int) -> Tariff:
    """The demonstration tariff: the amounts above in `base_year`, rising 2% a year after it."""
    uplift = Decimal("1.02") ** max(year.start_year - base_year, 0)
    return Tariff(
        year=year,
        top_ups={
            (band, setting): pence(Decimal(amount * 100) * uplift / 100) * 100
            for setting, amounts in _ILLUSTRATIVE_POUNDS.items()
            for band, amount in zip(BANDS, amounts, strict=True)
        },
    )


def due_in_window(
    periods: Iterable[BandingPeriod],
    tariff: Tariff,
    first: date,
    last: date,
    *,
    plan_ended: date | None = None,
) -> int:
    """The top-up due for the days `first` to `last` (both included, inside `tariff.year`).

    A month's share of the year: annual top-up × days of the month the band covers ÷ days in the
    year, per banding period, each rounded to the penny (as `due_in_year` does for a whole year),
    none from the day the plan ended.
    """
    year = tariff.year
    if first < year.first_day or last > year.last_day or last < first:
        raise ValueError("The days must fall inside the tariff's financial year.")
    after = last + timedelta(days=1)
    total = 0
    for period, end in _with_ends(periods, plan_ended):
        start = max(period.effective, first)
        stop = min(end or after, after)
        covered = max((stop - start).days, 0)
        annual = tariff.annual_top_up(period.band, period.setting)
        total += pence(Decimal(annual) * covered / year.days)
    return total


def next_month(day: date) -> tuple[date, date]:
    """The first and last days of the calendar month after the one `day` is in."""
    first = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def uplifted(amount_pence: int, percent: Decimal) -> int:
    """An amount raised (or lowered, for a negative percentage) by `percent`, to the penny."""
    return pence(Decimal(amount_pence) * (Decimal(100) + percent) / 100)


class NotAnAmount(ValueError):
    """What was typed is not an amount of money; `problem` says why, in a few words."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


#: What a person may type for an amount: digits with optional commas between groups of three,
#: an optional "£" in front, and up to 2 numbers of pence.
_AMOUNT = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$")


def parse_pounds(text: str) -> int:
    """An amount typed in pounds ("6500", "£6,500.50", "6500.5") as whole pence.

    Raises `NotAnAmount` with the problem: "empty", "negative", "pence" (more than 2 numbers after
    the point) or "format" (anything else). Never goes through a float.
    """
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise NotAnAmount("empty")
    if cleaned.startswith("-") or cleaned.startswith("£-"):
        raise NotAnAmount("negative")
    match = _AMOUNT.match(cleaned)
    if not match:
        raise NotAnAmount("format")
    fraction = (match.group(3) or ".")[1:]
    if len(fraction) > 2:
        raise NotAnAmount("pence")
    whole = int(match.group(1).replace(",", ""))
    return whole * 100 + int(fraction.ljust(2, "0"))


def pounds_input(amount_pence: int) -> str:
    """An amount as it is shown back in an input box: 6500 or 6500.50 (no £, no commas)."""
    whole, part = divmod(amount_pence, 100)
    return f"{whole}" + (f".{part:02d}" if part else "")
