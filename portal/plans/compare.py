"""Comparing two versions of a plan, section by section: what changed, by whom, when.

Each section is written out as plain text (one line per item, each part of an item labelled),
and the two texts are compared with the editors' word-level diff (`portal.content.diffing`).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.content.diffing import Diff, diff_text
from portal.plans.models import NEED_SECTIONS, PROVISION_SECTIONS, Section


@dataclass(frozen=True)
class SectionChange:
    section: Section
    diff: Diff


def section_text(plan, section: Section) -> str:
    """One section of a version's contents (`services.PlanContents`) as plain text."""
    version = plan.version
    lines: list[str] = []
    if version.says_none(section):
        lines.append("None identified.")
    if section is Section.A:
        for part in plan.about_me:
            lines.append(f"In {part['author']}'s words:")
            lines.extend(f"{question}: {answer}" for question, answer in part["answers"])
        lines.append(version.views_text)
        if version.my_plan_text:
            lines.append(f"My plan: {version.my_plan_text}")
    elif section in NEED_SECTIONS:
        if section is Section.C:
            lines.append(version.health_text)
        if section is Section.D:
            lines.append(version.social_care_text)
        for need in plan.needs.get(section, []):
            prefix = f"{need.area_label}: " if need.area else ""
            kind = "Strength" if need.is_strength else "Need"
            lines.append(f"{prefix}{kind}: {need.text}")
    elif section is Section.E:
        for outcome in plan.outcomes:
            lines.append(f"Outcome: {outcome.text}")
            if outcome.by_when:
                lines.append(f"By when: {outcome.by_when}")
            if outcome.steps:
                lines.append(f"Steps: {outcome.steps}")
            if outcome.preparing_for_adulthood:
                lines.append("Preparing for adulthood")
    elif section in PROVISION_SECTIONS:
        for item in plan.provision.get(section, []):
            lines.append(f"Help: {item.what}")
            for label, value in (
                ("Who", item.who),
                ("How often", item.how_often),
                ("For how long", item.how_long),
                ("Group size", item.group_size),
            ):
                if value:
                    lines.append(f"{label}: {value}")
    elif section is Section.I:
        if version.placement_name:
            lines.append(f"{version.placement_name} ({version.placement_type_label})")
    elif section is Section.J:
        lines.append(version.personal_budget_text)
    elif section is Section.K:
        lines.extend(f"{a.kind} from {a.from_whom}, {a.received_on:%d %B %Y}" for a in plan.advice)
    return "\n".join(line for line in lines if line)


def compare(old, new) -> list[SectionChange]:
    """Every section, compared from `old` to `new` (both `services.PlanContents`)."""
    return [
        SectionChange(section, diff_text(section_text(old, section), section_text(new, section)))
        for section in Section
    ]
