"""The council's committed top-up for a year, summed in the database in one query."""

from __future__ import annotations

from datetime import date

from portal.funding import services
from portal.funding.finance import committed_in_year
from portal.funding.money import FinancialYear, SettingType, due_in_year, illustrative_tariff
from tests.factories import make_case

YEAR = FinancialYear(2026)
TARIFF = illustrative_tariff(YEAR, base_year=2026)


def _band(case, by, officer, *, area="cognition", band=3, setting="mainstream", effective):
    banding = services.propose(
        case,
        by,
        area_of_need=area,
        band=band,
        setting_type=setting,
        effective=effective,
        statements="Fits band.",
        evidence="Section B need 1.",
    )
    services.decide(banding, officer, band=band, reason="")
    return banding


def test_committed_matches_the_per_pupil_arithmetic(family_case, senco, case_officer, council):
    _band(family_case, senco, case_officer, effective=date(2026, 9, 1))
    _band(family_case, senco, case_officer, band=5, effective=date(2027, 1, 1))
    other = make_case(team=council, officer=case_officer)
    _band(
        other,
        case_officer,
        case_officer,
        area="semh",
        setting="special_school",
        effective=date(2025, 1, 1),
        band=2,
    )
    # Not yet agreed: not committed.
    services.propose(
        other,
        case_officer,
        area_of_need="cognition",
        band=6,
        setting_type="mainstream",
        effective=date(2026, 4, 1),
        statements="x",
        evidence="y",
    )
    rows = {(r.band, r.area_of_need, r.setting): r for r in committed_in_year(TARIFF)}
    assert set(rows) == {
        (2, "semh", SettingType.SPECIAL),
        (3, "cognition", SettingType.MAINSTREAM),
        (5, "cognition", SettingType.MAINSTREAM),
    }
    assert rows[(3, "cognition", SettingType.MAINSTREAM)].committed == 217_260
    assert rows[(5, "cognition", SettingType.MAINSTREAM)].committed == 320_548
    assert rows[(2, "semh", SettingType.SPECIAL)].committed == 1_300_000
    periods = services.agreed_periods(family_case, "cognition")
    assert due_in_year(periods, {YEAR: TARIFF}, YEAR) == 217_260 + 320_548


def test_one_query_whatever_the_number_of_plans(
    family_case, senco, case_officer, council, count_queries
):
    def bands_and_count():
        with count_queries() as queries:
            committed_in_year(TARIFF)
        return len(queries)

    _band(family_case, senco, case_officer, effective=date(2026, 9, 1))
    few = bands_and_count()
    for n in range(30):
        case = make_case(team=council, officer=case_officer)
        _band(case, case_officer, case_officer, band=1 + n % 6, effective=date(2026, 4, 1))
    assert bands_and_count() == few == 1
    total = sum(r.pupils for r in committed_in_year(TARIFF))
    assert total == 31
