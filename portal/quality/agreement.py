"""How far two auditors agree on the grades of the same plans: pure functions.

Percentage agreement is the share of plans given the same grade. Cohen's kappa corrects it for
the agreement two auditors would reach by chance given how often each uses each grade:
kappa = (observed - expected) / (1 - expected). 1 is perfect agreement, 0 no better than chance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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
    n = len(pairs)
    if not n:
        return Agreement(0, 0, None)
    agreed = sum(1 for a, b in pairs if a == b)
    firsts = Counter(a for a, _ in pairs)
    seconds = Counter(b for _, b in pairs)
    expected = sum(firsts[g] * seconds[g] for g in firsts) / (n * n)
    observed = agreed / n
    if expected == 1:
        return Agreement(n, agreed, None)
    return Agreement(n, agreed, (observed - expected) / (1 - expected))
