"""The plan's part of a child's subject-access export (`portal.records.subject_access`): every
version of the plan, sections A to K, as the printable page (HTML, readable in any browser).

Yields plain `(path in the zip, description, bytes)` tuples: features do not import each other.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from portal.cases.models import Case
from portal.extensions import db
from portal.plans.models import Plan, PlanVersion
from portal.plans.pdf import render_html


def plan_files(case: Case) -> Iterator[tuple[str, str, bytes]]:
    """Each version of the case's plan (working copies, drafts, final and amended plans)."""
    for version in db.session.scalars(
        select(PlanVersion)
        .join(Plan, Plan.id == PlanVersion.plan_id)
        .where(Plan.case_id == case.id)
        .order_by(PlanVersion.number)
    ):
        yield (
            f"plan/version-{version.number}.html",
            f"The plan: {version.label}, sections A to K",
            render_html(version).encode(),
        )
