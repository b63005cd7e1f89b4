"""Fixtures for the plan tests: a plan written by the case officer through the services."""

from __future__ import annotations

import pytest
from flask import g

from portal.plans import services
from portal.plans.models import Section


def write_plan(officer, case, *, needs: int = 2, outcomes: int = 1, provision: int = 1):
    """Write a small plan on the working copy: needs in B, outcomes answering them, help in F
    for each outcome. Returns the working copy."""
    g.pop("_grants", None)
    services.save_section_text(officer, case, Section.A, text="Alfie loves trains.")
    services.save_section_text(officer, case, Section.C, none_identified=True)
    made_needs = [
        services.save_need(officer, case, Section.B, text=f"Need number {n}", area="communication")
        for n in range(needs)
    ]
    made_outcomes = [
        services.save_outcome(
            officer, case, text=f"Outcome number {n}", need_ids=[x.id for x in made_needs]
        )
        for n in range(outcomes)
    ]
    for n in range(provision):
        services.save_provision(
            officer,
            case,
            Section.F,
            what=f"Speech therapy programme {n}",
            who="Speech and language therapist",
            how_often="30 minutes a week",
            how_long="Until the next review",
            outcome_ids=[o.id for o in made_outcomes],
        )
    return services.working_copy(officer, case)


@pytest.fixture
def draft_plan(app, family_case, case_officer):
    """Alfie's plan, written and sent to the family as draft 1."""
    with app.test_request_context():
        write_plan(case_officer, family_case)
        version = services.send_draft(case_officer, family_case)
    return version
