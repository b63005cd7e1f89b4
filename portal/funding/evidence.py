"""The plan's evidence a banding can rest on: needs in Section B and provision in Section F.

Plans are another feature, so this package never imports them: `portal.wiring` installs a
function (`portal.plans.banding_evidence.plan_items`) that hands over the items of the newest
plan version the person may read, as plain values. Without one installed there is no evidence
to pick from, and the proposer describes it in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

_EXTENSION = "portal.funding.evidence_source"

#: (case, user) → {"version": "Draft 1", "items": [{"key", "section", "areas", "text"}]} or None
EvidenceSource = Callable[[Any, Any], dict | None]


@dataclass(frozen=True)
class PlanItem:
    key: str  # "B-12" or "F-5": the section and the item's id in that plan version
    section: str  # "B" or "F"
    areas: frozenset[str]  # the areas of need it is about (F: through the needs it meets)
    text: str

    @property
    def line(self) -> str:
        """How the item is recorded on the banding: "Section B: Finds it hard to ..."."""
        return f"Section {self.section}: {self.text}"


@dataclass(frozen=True)
class PlanEvidence:
    version: str  # "Draft 1", "Final plan" ...
    items: tuple[PlanItem, ...]

    def for_area(self, area_of_need: str) -> list[PlanItem]:
        """Section B needs in this area, then Section F help meeting them or not tied to a need."""
        needs = [i for i in self.items if i.section == "B" and area_of_need in i.areas]
        help_ = [
            i for i in self.items if i.section == "F" and (area_of_need in i.areas or not i.areas)
        ]
        return needs + help_


def install_evidence_source(app: Flask, source: EvidenceSource) -> None:
    app.extensions[_EXTENSION] = source


def plan_evidence(case: Any, user: Any) -> PlanEvidence | None:
    """The B and F items of the newest plan version `user` may read, or None (no plan yet)."""
    source = current_app.extensions.get(_EXTENSION)
    found = source(case, user) if source is not None else None
    if not found:
        return None
    return PlanEvidence(
        version=found["version"],
        items=tuple(
            PlanItem(
                key=item["key"],
                section=item["section"],
                areas=frozenset(item["areas"]),
                text=item["text"],
            )
            for item in found["items"]
        ),
    )
