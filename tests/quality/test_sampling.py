"""Sampling is reproducible from its seed, shares plans out by load, never gives an auditor a
plan they wrote or manage; agreement between auditors is measured with Cohen's kappa."""

from __future__ import annotations

from datetime import date

import pytest

from portal.quality.agreement import agreement
from portal.quality.sampling import assign, draw, key_stage, sample_size


def test_the_same_seed_draws_the_same_plans():
    """A round can be checked after the fact: same candidates and seed, same sample, whatever
    order the candidates came in."""
    ids = list(range(1, 201))
    first = draw(ids, 10, seed=1234)
    assert len(first) == 20
    assert draw(list(reversed(ids)), 10, seed=1234) == first
    assert draw(ids, 10, seed=1235) != first


def test_a_small_percentage_still_draws_one_plan():
    """Rounded up: 5% of 3 plans is one plan, not none."""
    assert sample_size(3, 5) == 1
    assert sample_size(0, 50) == 0
    assert sample_size(10, 100) == 10


def test_nobody_gets_a_plan_they_wrote_or_manage_and_load_is_balanced():
    """Plans go to the least-loaded auditor without a conflict; loads differ by one at most."""
    conflicts = [frozenset({1}), frozenset({2}), frozenset(), frozenset({1, 3}), frozenset()] * 4
    result = assign(conflicts, [1, 2, 3, 4], moderation_percentage=50, seed=7)
    loads = {1: 0, 2: 0, 3: 0, 4: 0}
    for assignment in result:
        excluded = conflicts[assignment.sample_index]
        assert assignment.first not in excluded
        assert assignment.second is None or (
            assignment.second not in excluded and assignment.second != assignment.first
        )
        for who in (assignment.first, assignment.second):
            if who is not None:
                loads[who] += 1
    assert sum(1 for a in result if a.second is not None) == 10
    assert max(loads.values()) - min(loads.values()) <= 1


def test_a_plan_everyone_is_conflicted_on_is_left_unassigned():
    """If every auditor wrote or manages the plan, nobody gets it (the round page says so)."""
    assert assign([frozenset({1, 2})], [1, 2], 100, seed=1)[0].first is None


@pytest.mark.parametrize(
    ("born", "on", "stage"),
    [
        (date(2022, 9, 1), date(2026, 12, 1), "early_years"),  # Reception
        (date(2021, 8, 31), date(2026, 12, 1), "ks1"),  # Year 1
        (date(2016, 9, 1), date(2026, 12, 1), "ks2"),  # Year 5
        (date(2013, 10, 1), date(2026, 12, 1), "ks3"),  # Year 8
        (date(2011, 1, 1), date(2026, 12, 1), "ks4"),  # Year 11
        (date(2009, 5, 1), date(2026, 12, 1), "post16"),
    ],
)
def test_key_stage_follows_the_english_school_year(born, on, stage):
    """Children are grouped by their age on 31 August before the school year."""
    assert key_stage(born, on) == stage


def test_kappa_for_perfect_chance_and_partial_agreement():
    """Kappa is 1 for perfect agreement, 0 when agreement is what chance gives, and in between."""
    perfect = agreement([("Good", "Good"), ("Inadequate", "Inadequate")])
    assert perfect.percentage == 100 and perfect.kappa == pytest.approx(1.0)
    chance = agreement([("Good", "Good"), ("Good", "Bad"), ("Bad", "Good"), ("Bad", "Bad")])
    assert chance.percentage == 50 and chance.kappa == pytest.approx(0.0)
    # 20 pairs: 15 agree; each auditor says Good 10 times: expected 0.5, observed 0.75.
    pairs = (
        [("Good", "Good")] * 8 + [("RI", "RI")] * 7 + [("Good", "RI")] * 2 + [("RI", "Good")] * 3
    )
    result = agreement(pairs)
    assert result.percentage == 75
    assert result.kappa == pytest.approx((0.75 - 0.5) / 0.5)
    assert agreement([]).kappa is None
