"""Shared steps for the banding tests: the published descriptors, a plan with needs and help,
a band proposed (and agreed) in one step, and a funding officer."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import g

from portal.accounts.models import Role
from portal.content.files import default_content_folder
from portal.content.pages import BAND_PAGES
from portal.content.services import load_folder
from portal.extensions import db
from portal.funding import services as funding
from portal.plans import services as plans
from portal.plans.models import Section
from tests import factories


def publish_descriptors(folder: Path) -> None:
    """Load and publish only the four descriptor pages (quicker than all of content/)."""
    for slug in BAND_PAGES:
        shutil.copy(default_content_folder() / f"{slug}.md", folder / f"{slug}.md")
    load_folder(folder)


def plan_with_evidence(officer, case) -> dict[str, int]:
    """A draft plan sent to the family: two communication needs and a cognition need in B, help
    in F for the first communication need. Returns the items' ids by name."""
    g.pop("_grants", None)
    talk = plans.save_need(
        officer, case, Section.B, text="Finds it hard to follow spoken steps", area="communication"
    )
    friends = plans.save_need(
        officer, case, Section.B, text="Finds friendships hard", area="communication"
    )
    reading = plans.save_need(
        officer, case, Section.B, text="Reads two years behind", area="cognition"
    )
    therapy = plans.save_provision(
        officer,
        case,
        Section.F,
        what="Speech and language therapy",
        who="Speech and language therapist",
        how_often="30 minutes a week",
        need_ids=[talk.id],
    )
    plans.send_draft(officer, case)
    return {"talk": talk.id, "friends": friends.id, "reading": reading.id, "therapy": therapy.id}


def funding_officer(council, **kwargs):
    return factories.make_user(Role.FUNDING_OFFICER, organisation=council, **kwargs)


def add_band(
    case, by, officer, *, area="cognition", band=3, setting="mainstream", effective, agree=True
):
    """`by` proposes `band` for `area` from `effective`; `officer` agrees it as proposed (unless
    `agree` is False). Flushed, so the events written with it are in the counts that follow."""
    banding = funding.propose(
        case,
        by,
        area_of_need=area,
        band=band,
        setting_type=setting,
        effective=effective,
        statements="Fits band.",
        evidence="Section B need 1.",
    )
    if agree:
        funding.decide(banding, officer, band=band, reason="")
    db.session.flush()
    return banding
