"""What plan quality audits may read of plans: a narrow interface, installed by `portal.wiring`.

The quality package never imports this package; it is handed `PLAN_SOURCE` (the functions below)
at start-up. It reads issued plans to draw a sample, and one section at a time, rendered as the
plan reads, with the plan checker's findings for that section as hints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template_string
from markupsafe import Markup
from sqlalchemy import select

from portal import clock
from portal.cases.models import Case, Child
from portal.extensions import db
from portal.plans import checks, services
from portal.plans.models import Plan, PlanNeed, PlanVersion, Section, VersionKind

ISSUED = (VersionKind.FINAL.value, VersionKind.AMENDED.value)


@dataclass(frozen=True)
class PlanFacts:
    """An issued plan version and the facts a quality round filters and groups by."""

    version_id: int
    case_id: int
    team_id: int
    case_officer_id: int | None
    reference: str
    issued_on: date
    date_of_birth: date
    primary_need: str | None  # the broad area of Section B's first need
    setting_type: str | None  # Section I's type of setting
    writer_ids: frozenset[int]  # who wrote, changed or issued this version


@dataclass(frozen=True)
class SectionView:
    letter: str
    heading: str
    html: Markup
    hints: tuple[str, ...]


def issued_plans(starts_on: date, ends_on: date, team_id: int | None) -> list[PlanFacts]:
    """The latest version of each plan issued (final or amended) in the date range, oldest
    case first. Two queries, whatever the number of plans."""
    query = (
        select(PlanVersion, Case, Child.date_of_birth)
        .join(Plan, Plan.id == PlanVersion.plan_id)
        .join(Case, Case.id == Plan.case_id)
        .join(Child, Child.id == Case.child_id)
        .where(
            PlanVersion.kind.in_(ISSUED),
            PlanVersion.frozen_at >= starts_on,
            PlanVersion.frozen_at < date.fromordinal(ends_on.toordinal() + 1),
        )
        .order_by(Case.id, PlanVersion.number.desc())
    )
    if team_id is not None:
        query = query.where(Case.team_id == team_id)
    latest: dict[int, tuple[PlanVersion, Case, date]] = {}
    for version, case, born in db.session.execute(query):
        latest.setdefault(case.id, (version, case, born))
    return _facts(list(latest.values()))


def latest_issued(case_id: int) -> PlanFacts | None:
    """The case's latest issued plan version (for a re-audit after the plan was changed)."""
    row = db.session.execute(
        select(PlanVersion, Case, Child.date_of_birth)
        .join(Plan, Plan.id == PlanVersion.plan_id)
        .join(Case, Case.id == Plan.case_id)
        .join(Child, Child.id == Case.child_id)
        .where(Plan.case_id == case_id, PlanVersion.kind.in_(ISSUED))
        .order_by(PlanVersion.number.desc())
        .limit(1)
    ).first()
    return _facts([tuple(row)])[0] if row else None  # type: ignore[list-item]


def _facts(rows: list[tuple[PlanVersion, Case, date]]) -> list[PlanFacts]:
    ids = [version.id for version, _, _ in rows]
    first_need: dict[int, str] = {}
    if ids:
        for version_id, area in db.session.execute(
            select(PlanNeed.version_id, PlanNeed.area)
            .where(
                PlanNeed.version_id.in_(ids),
                PlanNeed.section == Section.B.value,
                PlanNeed.is_strength.is_(False),
                PlanNeed.area.is_not(None),
            )
            .order_by(PlanNeed.version_id, PlanNeed.position, PlanNeed.id)
        ):
            first_need.setdefault(version_id, str(area))
    return [
        PlanFacts(
            version_id=version.id,
            case_id=case.id,
            team_id=case.team_id,
            case_officer_id=case.case_officer_id,
            reference=case.reference,
            issued_on=(version.frozen_at or version.created_at).date(),
            date_of_birth=born,
            primary_need=first_need.get(version.id),
            setting_type=version.placement_type,
            writer_ids=frozenset(
                i
                for i in (version.created_by_id, version.updated_by_id, version.frozen_by_id)
                if i is not None
            ),
        )
        for version, case, born in rows
    ]


_SECTION_TEMPLATE = (
    '{% from "plans/partials/sections.html" import plan_section %}'
    "{{ plan_section(plan, section, h=h) }}"
)


def read_section(version_id: int, letter: str) -> SectionView | None:
    """One section of one version, as the plan prints it, with the checker's findings on it."""
    version = db.session.get(PlanVersion, version_id)
    if version is None:
        return None
    section = Section(letter.lower())
    contents = services.contents(version)
    rendered = render_template_string(_SECTION_TEMPLATE, plan=contents, section=section, h=2)
    html = Markup(rendered)  # noqa: S704 - our own template's output, autoescaped as it rendered
    hints = tuple(
        finding.message
        for finding in checks.check_plan(contents, clock.today())
        if finding.section is section
    )
    return SectionView(section.letter, section.heading, html, hints)
