"""Quality checks on a plan: what makes help unenforceable, and what is missing.

They advise the case officer and never block saving (only Section I in a draft is refused, by
`services`). Pure functions of the plan's contents: no database, no Flask.

- vague provision words ("regular", "access to", "as needed" ...), and "support" with no
  how-often;
- an item of help that does not say who gives it, how often or for how long;
- a need with no outcome, an outcome with no provision, provision linked to nothing;
- Section I filled in a draft; advice in K older than 12 months; an empty section that does
  not say "none identified";
- the reading age of Section A's write-up and of the young person's "My plan".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.content.plain_language import check_text
from portal.plans.models import MAY_BE_NONE, PROVISION_SECTIONS, Section

#: Words and phrases that leave help unspecified or optional, and why each is a problem.
VAGUE_PHRASES: dict[str, str] = {
    "regular": "says neither how often nor for how long",
    "regularly": "says neither how often nor for how long",
    "as required": "leaves it to someone to decide whether help is given",
    "as needed": "leaves it to someone to decide whether help is given",
    "when needed": "leaves it to someone to decide whether help is given",
    "as appropriate": "leaves it to someone to decide whether help is given",
    "where appropriate": "leaves it to someone to decide whether help is given",
    "access to": "promises a chance of help, not the help itself",
    "opportunities for": "promises a chance of help, not the help itself",
    "opportunity to": "promises a chance of help, not the help itself",
    "would benefit from": "describes a wish, not help the child will get",
    "may benefit from": "describes a wish, not help the child will get",
    "up to": "sets a ceiling, so no help at all would meet it",
    "if possible": "makes the help optional",
    "ideally": "makes the help optional",
}
_PHRASE_PATTERNS = {
    phrase: re.compile(r"\b" + re.escape(phrase).replace(r"\ ", r"\s+") + r"\b", re.IGNORECASE)
    for phrase in VAGUE_PHRASES
}
_SUPPORT = re.compile(r"\bsupport(ed|s)?\b", re.IGNORECASE)

READING_AGE_AUDIENCE = {"views_text": "families", "my_plan_text": "young_people"}


@dataclass(frozen=True)
class Finding:
    """One thing to look at: in which section, about which item, in plain words."""

    section: Section
    message: str
    item_id: int | None = None
    kind: str = "missing"  # "vague", "missing", "links", "rule", "reading"


def vague_phrases(*texts: str) -> list[str]:
    """The vague phrases in these texts, in the order of VAGUE_PHRASES, each once."""
    joined = "\n".join(t for t in texts if t)
    return [phrase for phrase, pattern in _PHRASE_PATTERNS.items() if pattern.search(joined)]


def provision_findings(
    section: Section,
    *,
    what: str,
    who: str,
    how_often: str,
    how_long: str,
    linked: bool,
    item_id: int | None = None,
) -> list[Finding]:
    """Checks on one item of help, as saved or as the officer is typing it."""
    found = []
    short = _short(what)
    for phrase in vague_phrases(what, who, how_often, how_long):
        found.append(
            Finding(
                section,
                f"“{phrase}” {VAGUE_PHRASES[phrase]} ({short}). Say exactly what help is given.",
                item_id,
                "vague",
            )
        )
    if _SUPPORT.search(what) and not how_often.strip():
        found.append(Finding(section, f"“support” with no how often ({short}).", item_id, "vague"))
    missing = [
        label
        for label, value in (
            ("who gives it", who),
            ("how often", how_often),
            ("for how long or until when", how_long),
        )
        if not value.strip()
    ]
    if missing:
        found.append(Finding(section, f"Say {_and(missing)} ({short}).", item_id, "missing"))
    if not linked:
        found.append(
            Finding(
                section,
                f"Link this help to the outcomes or needs it is for ({short}).",
                item_id,
                "links",
            )
        )
    return found


def check_plan(plan: Any, today: date) -> list[Finding]:
    """Every finding for one version's contents (`services.PlanContents`), in section order."""
    version = plan.version
    found: list[Finding] = []

    if not version.views_text.strip():
        found.append(Finding(Section.A, "Section A is empty: add the child's and family's views."))
    for column, audience in READING_AGE_AUDIENCE.items():
        text = getattr(version, column)
        if text.strip():
            report = check_text(text, audience)
            if not report.meets_target:
                what = "Section A" if column == "views_text" else "“My plan”"
                found.append(
                    Finding(
                        Section.A,
                        f"{what} reads at age {report.reading_age:g}; aim for "
                        f"{report.target.max_reading_age:g} or under.",
                        kind="reading",
                    )
                )

    needs = plan.all_needs()
    answered = {need.id for outcome in plan.outcomes for need in outcome.needs}
    for need in needs:
        if not need.is_strength and need.id not in answered:
            found.append(
                Finding(
                    Section(need.section),
                    f"No outcome answers this need ({_short(need.text)}).",
                    need.id,
                    "links",
                )
            )
    if not [n for n in plan.needs.get(Section.B, []) if not n.is_strength]:
        found.append(Finding(Section.B, "Section B lists no special educational needs."))

    provided_for = {outcome.id for item in plan.all_provision() for outcome in item.outcomes}
    if not plan.outcomes:
        found.append(Finding(Section.E, "Section E has no outcomes."))
    for outcome in plan.outcomes:
        if outcome.id not in provided_for:
            found.append(
                Finding(
                    Section.E,
                    f"No provision helps towards this outcome ({_short(outcome.text)}).",
                    outcome.id,
                    "links",
                )
            )
        if not outcome.needs:
            found.append(
                Finding(
                    Section.E,
                    f"Link this outcome to the needs it answers ({_short(outcome.text)}).",
                    outcome.id,
                    "links",
                )
            )

    for section in PROVISION_SECTIONS:
        for item in plan.provision.get(section, []):
            found.extend(
                provision_findings(
                    section,
                    what=item.what,
                    who=item.who,
                    how_often=item.how_often,
                    how_long=item.how_long,
                    linked=bool(item.outcomes or item.needs),
                    item_id=item.id,
                )
            )
    if not plan.provision.get(Section.F):
        found.append(Finding(Section.F, "Section F lists no special educational provision."))

    for section in MAY_BE_NONE:
        if _is_empty(plan, section) and not version.says_none(section):
            found.append(
                Finding(
                    section,
                    f"Section {section.letter} is empty. Fill it in or say “none identified”.",
                )
            )

    if plan.draft_rules_apply and (version.placement_name or version.placement_type):
        found.append(
            Finding(
                Section.I,
                "Section I names a school: it must be blank if you send this as a draft.",
                kind="rule",
            )
        )
    for line in plan.advice:
        if line.older_than_a_year(today):
            found.append(
                Finding(
                    Section.K,
                    f"{line.kind} from {line.from_whom} is more than 12 months old. "
                    "Consider asking for new advice.",
                )
            )
    order = list(Section)
    return sorted(found, key=lambda f: order.index(f.section))


def _is_empty(plan: Any, section: Section) -> bool:
    version = plan.version
    if section is Section.C:
        return not plan.needs.get(Section.C) and not version.health_text.strip()
    if section is Section.D:
        return not plan.needs.get(Section.D) and not version.social_care_text.strip()
    if section is Section.J:
        return not version.personal_budget_text.strip()
    return not plan.provision.get(section)


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
