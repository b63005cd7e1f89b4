"""Shared steps for the banding tests: the published descriptors, a plan with needs and help,
and a funding officer."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import g

from portal.accounts.models import Role
from portal.content.files import default_content_folder
from portal.content.pages import BAND_PAGES
from portal.content.services import load_folder
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
