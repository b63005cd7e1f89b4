"""Comparing two versions section by section: the family sees what the council changed after
their comments, and sections that did not change say so."""

from __future__ import annotations

from flask import g

from portal.plans import services
from portal.plans.models import Section
from tests.plans.conftest import write_plan


def test_the_family_sees_what_changed_between_two_drafts(
    app, client_request, family_case, case_officer, parent
):
    """Draft 2 changed the help in Section F: that section shows the words, the others none."""
    with app.test_request_context():
        write_plan(case_officer, family_case)
        services.send_draft(case_officer, family_case)
        g.pop("_grants", None)
        item = services.contents(services.working_copy(case_officer, family_case)).all_provision()[
            0
        ]
        services.save_provision(
            case_officer,
            family_case,
            Section.F,
            item_id=item.id,
            what=item.what,
            who=item.who,
            how_often="45 minutes a week",
            how_long=item.how_long,
            outcome_ids=[o.id for o in item.outcomes],
        )
        draft2 = services.send_draft(case_officer, family_case)
    client_request.sign_in_as(parent)
    page = client_request.get("plans.compare_versions", version_id=draft2.public_id)
    assert "1 section changed: F." in page.text("main")
    section_f = page.html.select_one("#compare-f").find_parent("section")
    assert section_f.select_one("ins").get_text().strip() == "45"
    assert section_f.select_one("del").get_text().strip() == "30"
    assert "No changes." in page.html.select_one("#compare-b").find_parent("section").get_text()


def test_the_working_copy_is_never_offered_to_the_family(
    app, client_request, draft_plan, family_case, case_officer, parent
):
    """A version the person may not read cannot be chosen by its id."""
    with app.test_request_context():
        g.pop("_grants", None)
        working = services.working_copy(case_officer, family_case)
        services.save_section_text(case_officer, family_case, Section.A, text="Secret.")
    client_request.sign_in_as(parent)
    page = client_request.get(
        "plans.compare_versions", version_id=draft_plan.public_id, **{"with": working.public_id}
    )
    assert "only one version" in page.text("main")
    assert "Secret." not in page.text("main")
