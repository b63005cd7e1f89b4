"""Asking for funding bands at the right moments: when the council decides to issue a plan (the
draft is sent, the final or amended plan issued) and when it keeps or amends a plan after a
review, the plan's areas of need should each carry an agreed band.

The council's steps belong to another feature, so `portal.wiring` lists `prompt_after(step)` in
its STEP_HOOKS: it notes the areas of need in the plan's Section B then (a `BandPrompt`, one per
case). The case page's "Propose funding bands" task (`band_prompt_section`) then shows, to
those who may propose bands, the areas still without an agreed band, in one query.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, select

from portal.extensions import db
from portal.funding.evidence import plan_evidence
from portal.funding.models import AREAS_OF_NEED, Banding, BandingStatus, BandPrompt
from portal.funding.policy import PROPOSE, may

#: The stages in which a plan is being issued or is in force (never ended or refused).
PLAN_STAGES = ("draft", "final", "review")


def prompt_after(step: str):
    """The step hook for `step`: note the plan's Section B areas of need for the prompt."""

    def hook(actor: Any, case: Any, day: date) -> None:
        evidence = plan_evidence(case, actor)
        areas = sorted(
            {
                area
                for item in (evidence.items if evidence else ())
                if item.section == "B"
                for area in item.areas
                if area in AREAS_OF_NEED
            }
        )
        prompt = db.session.get(BandPrompt, case.id)
        if prompt is None:
            prompt = BandPrompt(case_id=case.id)
            db.session.add(prompt)
        prompt.areas = ",".join(areas)
        prompt.step = step
        prompt.raised_on = day

    hook.__name__ = f"band_prompt_after_{step}"
    return hook


def band_prompt_section(case: Any, user: Any) -> dict | None:
    """The "Propose funding bands" task for whoever may propose this case's bands, while an area
    of need of the plan has no agreed band (or, when the plan names none, no band is agreed at
    all). One query: the prompt with the case's agreed and proposed bandings."""
    if case.stage not in PLAN_STAGES or not may(user, PROPOSE, case):
        return None
    rows = db.session.execute(
        select(BandPrompt.areas, Banding.area_of_need, Banding.status)
        .outerjoin(
            Banding,
            and_(
                Banding.case_id == BandPrompt.case_id,
                Banding.status.in_((BandingStatus.AGREED.value, BandingStatus.PROPOSED.value)),
            ),
        )
        .where(BandPrompt.case_id == case.id)
    ).all()
    if not rows:
        return None
    plan_areas = [area for area in rows[0].areas.split(",") if area]
    agreed = {r.area_of_need for r in rows if r.status == BandingStatus.AGREED.value}
    proposed = {r.area_of_need for r in rows if r.status == BandingStatus.PROPOSED.value}
    if plan_areas:
        missing = [area for area in plan_areas if area not in agreed]
    elif agreed:
        missing = []
    else:  # the plan names no area of need: any proposal waiting is the one to agree
        missing = [area for area in AREAS_OF_NEED if area in proposed]
        if not missing:
            return {"case_id": case.public_id, "areas": [], "waiting": [], "named": False}
    if not missing:
        return None
    return {
        "case_id": case.public_id,
        "areas": [
            (area.replace("_", "-"), AREAS_OF_NEED[area])
            for area in missing
            if area not in proposed
        ],
        "waiting": [AREAS_OF_NEED[area] for area in missing if area in proposed],
        "named": bool(plan_areas),
    }
