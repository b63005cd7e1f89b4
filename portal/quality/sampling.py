"""Drawing a round's sample and sharing it out among auditors: pure functions, no database.

The same candidates, percentage and seed always give the same sample and the same assignments,
so a round can be checked after the fact from its stored seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from math import ceil

KEY_STAGES = {
    "early_years": "Early years and Reception",
    "ks1": "Key stage 1 (Years 1 and 2)",
    "ks2": "Key stage 2 (Years 3 to 6)",
    "ks3": "Key stage 3 (Years 7 to 9)",
    "ks4": "Key stage 4 (Years 10 and 11)",
    "post16": "Post-16 (Year 12 and over)",
}

#: The broad areas of need, by the code names the plan's Section B uses.
PRIMARY_NEEDS = {
    "communication": "Communication and interaction",
    "cognition": "Cognition and learning",
    "semh": "Social, emotional and mental health",
    "sensory_physical": "Sensory and/or physical",
}

#: The types of setting, by the code names the plan's Section I uses.
SETTING_TYPES = {
    "mainstream": "Mainstream school",
    "resource_base": "Mainstream school with a resourced provision",
    "special": "Special school",
    "independent": "Independent or non-maintained special school",
    "college": "Further education college",
    "early_years": "Early years setting",
    "other": "Other setting",
}


def key_stage(born: date, on: date) -> str:
    """The key stage of a child born on `born`, on the day `on`. English school years start on
    1 September and group children by their age on the 31 August before."""
    school_year_starts = on.year if on.month >= 9 else on.year - 1
    age = school_year_starts - born.year - (1 if (born.month, born.day) > (8, 31) else 0)
    year_group = age - 4  # Reception is year 0
    if year_group <= 0:
        return "early_years"
    if year_group <= 2:
        return "ks1"
    if year_group <= 6:
        return "ks2"
    if year_group <= 9:
        return "ks3"
    if year_group <= 11:
        return "ks4"
    return "post16"


def sample_size(population: int, percentage: int) -> int:
    """How many plans a percentage asks for: rounded up, so a small round still gets one."""
    return min(population, ceil(population * percentage / 100)) if population else 0


def draw(candidate_ids: Sequence[int], percentage: int, seed: int) -> list[int]:
    """The ids drawn, in id order. Sorting first makes the draw independent of query order."""
    ordered = sorted(candidate_ids)
    picked = random.Random(seed).sample(ordered, sample_size(len(ordered), percentage))
    return sorted(picked)


@dataclass(frozen=True)
class Assignment:
    sample_index: int
    first: int | None  # None: every auditor in the round wrote or manages this plan
    second: int | None  # the blind second auditor, for the share picked for moderation


def assign(
    conflicts: Sequence[frozenset[int]],
    auditors: Sequence[int],
    moderation_percentage: int,
    seed: int,
) -> list[Assignment]:
    """Share the sample out: each plan to the auditor with the fewest audits so far who did not
    write or manage it (ties go to the auditor listed first); then a share of the plans, picked
    from the seed, to a second auditor the same way."""
    load = dict.fromkeys(auditors, 0)

    def least_loaded(excluded: frozenset[int]) -> int | None:
        eligible = [a for a in auditors if a not in excluded]
        if not eligible:
            return None
        chosen = min(eligible, key=lambda a: (load[a], auditors.index(a)))
        load[chosen] += 1
        return chosen

    firsts = [least_loaded(excluded) for excluded in conflicts]
    moderated_count = sample_size(len(conflicts), moderation_percentage)
    # A separate random stream, so changing the moderation share never changes the sample.
    moderated = set(random.Random(seed + 1).sample(range(len(conflicts)), moderated_count))
    result = []
    for index, excluded in enumerate(conflicts):
        first = firsts[index]
        second = None
        if index in moderated and first is not None:
            second = least_loaded(excluded | {first})
        result.append(Assignment(index, first, second))
    return result
