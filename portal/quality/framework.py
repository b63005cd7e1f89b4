"""The quality framework: what an auditor checks in each section of a plan.

A framework has a version. Every audit records the version it used, so publishing a new version
never changes an old grade. The default framework ships in `content/quality-framework.json`, written
in our own words; `load_framework` reads and checks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

DEFAULT_FRAMEWORK_PATH = Path(__file__).resolve().parents[2] / "content" / "quality-framework.json"

# The plan's sections in print order (the plan package names the same letters; this package keeps
# its own list so that it does not depend on another feature).
SECTION_LETTERS = ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K")

# A limiting criterion may only sit in these sections: needs, outcomes and provision.
LIMITING_SECTIONS = frozenset({"B", "E", "F"})


class Grade(StrEnum):
    """The four grade bands, best first."""

    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"

    @property
    def rank(self) -> int:
        """0 for the best band, 3 for the worst."""
        return list(Grade).index(self)


class Answer(StrEnum):
    """An auditor's answer to one criterion."""

    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "na"


@dataclass(frozen=True)
class Criterion:
    code: str  # "F3": section letter and number, unique in the framework
    text: str
    limiting: bool = False


@dataclass(frozen=True)
class SectionCriteria:
    letter: str
    weight: int
    guidance: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Band:
    grade: Grade
    minimum: float  # the lowest share of criteria met (0 to 1) that earns this band


@dataclass(frozen=True)
class Framework:
    version: int
    name: str
    sections: tuple[SectionCriteria, ...]
    bands: tuple[Band, ...]  # best first; the last band's minimum is 0

    def criterion(self, code: str) -> Criterion:
        for section in self.sections:
            for criterion in section.criteria:
                if criterion.code == code:
                    return criterion
        raise KeyError(code)

    def band_for(self, share: float) -> Grade:
        for band in self.bands:
            if share >= band.minimum:
                return band.grade
        return self.bands[-1].grade


class FrameworkError(ValueError):
    """The framework text is not one we can grade with; the message says what is wrong."""


def parse_framework(data: dict) -> Framework:
    """Build a framework from its JSON form, refusing anything that would grade unfairly."""
    try:
        sections = tuple(
            SectionCriteria(
                letter=str(section["letter"]),
                weight=int(section["weight"]),
                guidance=str(section["guidance"]),
                criteria=tuple(
                    Criterion(
                        code=str(item["code"]),
                        text=str(item["text"]),
                        limiting=bool(item.get("limiting", False)),
                    )
                    for item in section["criteria"]
                ),
            )
            for section in data["sections"]
        )
        bands = tuple(
            Band(grade=Grade(band["grade"]), minimum=float(band["minimum"]))
            for band in data["bands"]
        )
        framework = Framework(
            version=int(data["version"]), name=str(data["name"]), sections=sections, bands=bands
        )
    except (KeyError, TypeError, ValueError) as error:
        raise FrameworkError(f"The framework is missing or has a wrong value: {error}") from error
    _check(framework)
    return framework


def _check(framework: Framework) -> None:
    letters = [section.letter for section in framework.sections]
    known = all(letter in SECTION_LETTERS for letter in letters)
    in_order = known and letters == sorted(set(letters), key=SECTION_LETTERS.index)
    if not in_order:
        raise FrameworkError("Sections must be plan sections, each once, in the plan's order.")
    codes: set[str] = set()
    for section in framework.sections:
        if section.weight < 1:
            raise FrameworkError(f"Section {section.letter} needs a weight of 1 or more.")
        if not section.criteria:
            raise FrameworkError(f"Section {section.letter} has no criteria.")
        for criterion in section.criteria:
            if not criterion.code.startswith(section.letter) or criterion.code in codes:
                raise FrameworkError(
                    f"Criterion {criterion.code} must start with {section.letter} and be unique."
                )
            if criterion.limiting and section.letter not in LIMITING_SECTIONS:
                raise FrameworkError(
                    f"Criterion {criterion.code} cannot be limiting: only B, E and F may limit."
                )
            codes.add(criterion.code)
    grades = [band.grade for band in framework.bands]
    minimums = [band.minimum for band in framework.bands]
    if grades != list(Grade):
        raise FrameworkError(
            "The bands must be Outstanding, Good, Requires improvement, Inadequate."
        )
    if minimums != sorted(minimums, reverse=True) or minimums[-1] != 0 or minimums[0] > 1:
        raise FrameworkError("Band thresholds must fall from best to worst and end at 0.")


def load_framework(path: Path = DEFAULT_FRAMEWORK_PATH) -> Framework:
    with path.open(encoding="utf-8") as handle:
        return parse_framework(json.load(handle))
