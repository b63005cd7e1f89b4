"""The arithmetic of banded funding, table-tested: years, pro rata, band changes, rounding."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.funding.money import (
    MAINSTREAM_THRESHOLD_PENCE,
    BandingPeriod,
    FinancialYear,
    SettingType,
    Tariff,
    days_in_year,
    due_in_window,
    due_in_year,
    illustrative_tariff,
    mainstream_split,
    next_month,
    pence,
    pounds,
    pro_rata,
)

FY26 = FinancialYear(2026)
FY27 = FinancialYear(2027)


@pytest.mark.parametrize(
    ("day", "start_year"),
    [
        (date(2026, 4, 1), 2026),
        (date(2027, 3, 31), 2026),
        (date(2026, 3, 31), 2025),
        (date(2026, 12, 4), 2026),
        (date(2028, 1, 1), 2027),
    ],
)
def test_financial_year_runs_april_to_march(day, start_year):
    assert FinancialYear.containing(day) == FinancialYear(start_year)


def test_financial_year_length_and_label():
    assert FY26.days == 365
    assert FinancialYear(2027).days == 366  # includes 29 February 2028
    assert FY26.label == "April 2026 to March 2027"
    assert FY26.next() == FY27


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 4, 1), None, 365),  # the whole year
        (date(2025, 9, 1), None, 365),  # began in an earlier year
        (date(2026, 9, 1), None, 212),  # September to March
        (date(2026, 9, 1), date(2027, 1, 1), 122),  # September to December
        (date(2027, 4, 1), None, 0),  # starts next year
        (date(2025, 4, 1), date(2026, 4, 1), 0),  # ended before this year
        (date(2026, 4, 1), date(2026, 4, 2), 1),
    ],
)
def test_days_in_year(start, end, days):
    assert days_in_year(start, end, FY26) == days


@pytest.mark.parametrize(
    ("annual", "start", "end", "due"),
    [
        (1_000_000, date(2026, 4, 1), None, 1_000_000),
        (1_000_000, date(2026, 9, 1), None, 580_822),  # 10,000 × 212 / 365 = 5,808.219… pounds
        (365_00, date(2026, 4, 1), date(2026, 4, 2), 100),  # £365 a year is £1 a day
        (1, date(2026, 4, 1), date(2026, 10, 1), 1),  # 183/365 of a penny rounds up to 1p
        (1, date(2026, 4, 1), date(2026, 9, 30), 0),  # 182/365 rounds down
        (730, date(2026, 4, 1), date(2026, 9, 30), 364),  # exactly 364p
        (73, date(2026, 4, 1), date(2026, 9, 30), 36),  # 36.4p → 36p
        (0, date(2026, 4, 1), None, 0),
    ],
)
def test_pro_rata_rounds_to_the_penny(annual, start, end, due):
    assert pro_rata(annual, start, end, FY26) == due


def test_pence_rounds_halves_away_from_zero():
    from decimal import Decimal

    assert pence(Decimal("2.5")) == 3
    assert pence(Decimal("-2.5")) == -3
    assert pence(Decimal("2.4999")) == 2


@pytest.mark.parametrize(
    ("amount", "text"),
    [(600_000, "£6,000"), (580_822, "£5,808.22"), (5, "£0.05"), (-150, "-£1.50")],
)
def test_pounds(amount, text):
    assert pounds(amount) == text


def _tariff(year=FY26):
    amounts = {
        (band, setting): band * 100_000 + index * 1_000_000
        for index, setting in enumerate(SettingType)
        for band in range(1, 7)
    }
    return Tariff(year=year, top_ups=amounts)


def test_tariff_differs_by_setting_type_and_rejects_unknown_bands():
    tariff = _tariff()
    assert tariff.annual_top_up(3, SettingType.MAINSTREAM) == 300_000
    assert tariff.annual_top_up(3, SettingType.SPECIAL) == 2_300_000
    with pytest.raises(ValueError, match="bands run from 1 to 6"):
        tariff.annual_top_up(7, SettingType.MAINSTREAM)


def test_mainstream_school_meets_the_first_6000_and_the_band_pays_above():
    split = mainstream_split(950_000)
    assert MAINSTREAM_THRESHOLD_PENCE == 600_000
    assert (split.school_pays, split.top_up, split.total) == (600_000, 950_000, 1_550_000)


TARIFFS = {FY26: _tariff(FY26), FY27: _tariff(FY27)}


@pytest.mark.parametrize(
    ("periods", "year", "due"),
    [
        # A band 2 all year in mainstream.
        ([BandingPeriod(date(2025, 9, 1), 2, SettingType.MAINSTREAM)], FY26, 200_000),
        # Banded from 1 September: 212 of 365 days.
        ([BandingPeriod(date(2026, 9, 1), 2, SettingType.MAINSTREAM)], FY26, 116_164),
        # Band 2 until 1 January, then band 4: 275 days at £2,000, 90 days at £4,000.
        (
            [
                BandingPeriod(date(2026, 4, 1), 2, SettingType.MAINSTREAM),
                BandingPeriod(date(2027, 1, 1), 4, SettingType.MAINSTREAM),
            ],
            FY26,
            150_685 + 98_630,
        ),
        # Moved to a special school on 1 January with the same band.
        (
            [
                BandingPeriod(date(2026, 4, 1), 3, SettingType.MAINSTREAM),
                BandingPeriod(date(2027, 1, 1), 3, SettingType.SPECIAL),
            ],
            FY26,
            226_027 + 567_123,  # 2,300,000 × 90 / 365 = 567,123.3
        ),
        # The same bandings seen from the next financial year: only the last one is in force.
        (
            [
                BandingPeriod(date(2026, 4, 1), 2, SettingType.MAINSTREAM),
                BandingPeriod(date(2027, 1, 1), 4, SettingType.MAINSTREAM),
            ],
            FY27,
            400_000,
        ),
        # Banded from February: crosses into the next year; this year pays 59 days.
        (
            [BandingPeriod(date(2027, 2, 1), 6, SettingType.POST_16)],
            FY26,
            581_918,
        ),  # 3,600,000 × 59 / 365 = 581,917.8
        # Given in any order.
        (
            [
                BandingPeriod(date(2027, 1, 1), 4, SettingType.MAINSTREAM),
                BandingPeriod(date(2026, 4, 1), 2, SettingType.MAINSTREAM),
            ],
            FY26,
            150_685 + 98_630,
        ),
        ([], FY26, 0),
    ],
)
def test_due_in_year(periods, year, due):
    assert due_in_year(periods, TARIFFS, year) == due


def test_illustrative_tariff_is_whole_pounds_and_rises_each_year():
    this_year = illustrative_tariff(FY26, base_year=2026)
    next_year = illustrative_tariff(FY27, base_year=2026)
    assert this_year.annual_top_up(1, SettingType.MAINSTREAM) == 200_000
    assert next_year.annual_top_up(1, SettingType.MAINSTREAM) == 204_000
    assert all(amount % 100 == 0 for amount in next_year.top_ups.values())
    for setting in SettingType:
        amounts = [this_year.annual_top_up(band, setting) for band in range(1, 7)]
        assert amounts == sorted(amounts) and len(set(amounts)) == 6


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (date(2026, 12, 4), date(2027, 1, 1), date(2027, 1, 31)),
        (date(2027, 1, 31), date(2027, 2, 1), date(2027, 2, 28)),
        (date(2028, 1, 15), date(2028, 2, 1), date(2028, 2, 29)),  # a leap year
        (date(2027, 3, 31), date(2027, 4, 1), date(2027, 4, 30)),  # into the next financial year
    ],
)
def test_next_month_is_the_whole_calendar_month_after(today, first, last):
    assert next_month(today) == (first, last)


TARIFF_26 = illustrative_tariff(FY26, base_year=2026)


# One pupil, band 3 mainstream (£6,500 a year) from 1 April 2026, band 5 (£13,000) from a change
# date; what is due for the days of a month in FY26 (365 days).
@pytest.mark.parametrize(
    ("change", "first", "last", "due"),
    [
        # No change in the month: 31 days of band 3: 650,000 × 31 / 365 = 55,205.479 → 55,205.
        (date(2027, 3, 1), date(2027, 1, 1), date(2027, 1, 31), 55_205),
        # Changes on 11 January: 10 days of band 3 (17,808.2 → 17,808) and 21 of band 5
        # (1,300,000 × 21 / 365 = 74,794.5 → 74,795), each rounded on its own.
        (date(2027, 1, 11), date(2027, 1, 1), date(2027, 1, 31), 17_808 + 74_795),
        # Changed before the month: all 28 days of February at band 5: 99,726.03 → 99,726.
        (date(2026, 9, 1), date(2027, 2, 1), date(2027, 2, 28), 99_726),
        # One day.
        (date(2027, 3, 1), date(2026, 4, 1), date(2026, 4, 1), 1_781),
    ],
)
def test_due_in_a_month_is_the_days_share_of_the_year(change, first, last, due):
    periods = [
        BandingPeriod(date(2026, 4, 1), 3, SettingType.MAINSTREAM),
        BandingPeriod(change, 5, SettingType.MAINSTREAM),
    ]
    assert due_in_window(periods, TARIFF_26, first, last) == due


def test_the_months_of_a_year_add_up_to_the_year_give_or_take_pennies():
    """Twelve monthly shares of a whole year's band equal the annual amount to within pennies."""
    periods = [BandingPeriod(date(2026, 4, 1), 3, SettingType.MAINSTREAM)]
    total, day = 0, FY26.first_day
    while day <= FY26.last_day:
        first, last = day, next_month(day)[0] - timedelta(days=1)
        total += due_in_window(periods, TARIFF_26, first, last)
        day = last + timedelta(days=1)
    assert abs(total - 650_000) <= 6


def test_due_in_a_window_outside_the_tariffs_year_is_refused():
    with pytest.raises(ValueError):
        due_in_window([], TARIFF_26, date(2027, 3, 1), date(2027, 4, 30))


def test_nothing_is_due_after_the_plan_ends():
    """A plan ended on 1 October: band 3 is due April to September only, a band change agreed
    for after the end adds nothing, and a month after the end is due nothing."""
    periods = [
        BandingPeriod(date(2026, 4, 1), 3, SettingType.MAINSTREAM),
        BandingPeriod(date(2027, 1, 1), 5, SettingType.MAINSTREAM),
    ]
    ended = date(2026, 10, 1)
    half = pro_rata(650_000, date(2026, 4, 1), ended, FY26)
    assert due_in_year(periods, {FY26: TARIFF_26}, FY26, plan_ended=ended) == half
    assert due_in_window(periods, TARIFF_26, date(2026, 9, 1), date(2026, 9, 30)) > 0
    november = (date(2026, 11, 1), date(2026, 11, 30))
    assert due_in_window(periods, TARIFF_26, *november, plan_ended=ended) == 0
    assert due_in_window(periods, TARIFF_26, *november) > 0
