"""How far two auditors agree on the grades of the same plans: pure functions.

Percentage agreement is the share of plans given the same grade. Cohen's kappa corrects it for
the agreement two auditors would reach by chance given how often each uses each grade:
kappa = (observed - expected) / (1 - expected). 1 is perfect agreement, 0 no better than chance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    pairs: int
    agreed: int
    kappa: float | None  # None when there are no pairs, or chance alone explains everything

    @property
    def percentage(self) -> float | None:
        return 100 * self.agreed / self.pairs if self.pairs else None


def agreement(pairs: Sequence[tuple[str, str]]) -> Agreement:
    """Agreement over (first grade, second grade) pairs."""
    return agreement_from_counts(Counter(pairs))


def agreement_from_counts(table: Mapping[tuple[str, str], int]) -> Agreement:
    """The same from a contingency table: how many plans got each (first, second) pair of
    grades (what SQL counts, so the rows read never grow with the number of audits)."""
    n = sum(table.values())
    if not n:
        return Agreement(0, 0, None)
    agreed = sum(count for (a, b), count in table.items() if a == b)
    firsts: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    for (a, b), count in table.items():
        firsts[a] += count
        seconds[b] += count
    expected = sum(firsts[g] * seconds[g] for g in firsts) / (n * n)
    observed = agreed / n
    if expected == 1:
        return Agreement(n, agreed, None)
    return Agreement(n, agreed, (observed - expected) / (1 - expected))
