"""Proposing and agreeing bands: the facts checked, moderation reasons, history kept."""

from __future__ import annotations

from datetime import date

import pytest

from portal.funding import services
from portal.funding.models import AREAS_OF_NEED, BandingStatus
from portal.funding.money import (
    BandingPeriod,
    FinancialYear,
    SettingType,
    due_in_year,
    illustrative_tariff,
)
from portal.plans.models import AreaOfNeed
from portal.refusals import Refused

GOOD = {
    "area_of_need": "cognition",
    "band": 3,
    "setting_type": "mainstream",
    "effective": date(2026, 9, 1),
    "statements": "Needs an adult nearby for part of each day.",
    "evidence": "Section B need 2; Section F help 1 (small group reading daily).",
}


def test_areas_of_need_match_the_plan():
    assert set(AREAS_OF_NEED) == {area.value for area in AreaOfNeed}


def test_school_proposes_and_panel_agrees_as_proposed(family_case, senco, case_officer):
    banding = services.propose(family_case, senco, **GOOD, primary=True)
    assert banding.status == BandingStatus.PROPOSED
    services.decide(banding, case_officer, band=3, reason="")
    assert (banding.status, banding.agreed_band, banding.was_changed) == ("agreed", 3, False)
    assert banding.decided_by_id == case_officer.id


def test_panel_changes_a_band_only_with_a_reason(family_case, senco, case_officer):
    banding = services.propose(family_case, senco, **GOOD)
    with pytest.raises(Refused, match="Say why the band is 4 and not the proposed band 3"):
        services.decide(banding, case_officer, band=4, reason="  ")
    assert banding.status == BandingStatus.PROPOSED
    services.decide(banding, case_officer, band=4, reason="Needs an adult most of the day.")
    assert banding.was_changed and banding.moderation_reason == "Needs an adult most of the day."
    with pytest.raises(Refused, match="already been decided"):
        services.decide(banding, case_officer, band=2, reason="Changed our minds")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area_of_need": "reading"}, "area_of_need"),
        ({"band": 7}, "band"),
        ({"band": 0}, "band"),
        ({"setting_type": "home"}, "setting_type"),
        ({"statements": " "}, "statements"),
        ({"evidence": ""}, "evidence"),
    ],
)
def test_a_proposal_missing_facts_is_refused_with_the_field(family_case, senco, change, field):
    with pytest.raises(Refused) as refused:
        services.propose(family_case, senco, **(GOOD | change))
    assert refused.value.field == field
    assert services.history(family_case) == []


def test_a_change_at_review_starts_a_new_banding_and_keeps_the_history(
    family_case, senco, case_officer
):
    first = services.propose(family_case, senco, **GOOD)
    services.decide(first, case_officer, band=3, reason="")
    review = services.propose(
        family_case, case_officer, **(GOOD | {"band": 5, "effective": date(2027, 1, 1)})
    )
    services.decide(review, case_officer, band=5, reason="")
    assert [b.id for b in services.history(family_case)] == [review.id, first.id]
    periods = services.agreed_periods(family_case, "cognition")
    assert periods == [
        BandingPeriod(date(2026, 9, 1), 3, SettingType.MAINSTREAM),
        BandingPeriod(date(2027, 1, 1), 5, SettingType.MAINSTREAM),
    ]
    year = FinancialYear(2026)
    tariffs = {year: illustrative_tariff(year, base_year=2026)}
    # Band 3 £6,500 for 122 days, band 5 £13,000 for 90 days.
    assert due_in_year(periods, tariffs, year) == 217_260 + 320_548


def test_only_one_agreed_area_is_primary(family_case, senco, case_officer):
    first = services.propose(family_case, senco, **GOOD, primary=True)
    services.decide(first, case_officer, band=3, reason="")
    second = services.propose(family_case, senco, **(GOOD | {"area_of_need": "semh"}), primary=True)
    services.decide(second, case_officer, band=3, reason="")
    assert (first.primary, second.primary) == (False, True)
