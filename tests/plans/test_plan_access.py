"""Who may read each version of a plan: the family and professionals on the case read what was
sent; only the case's team officers read the working copy; everyone else gets 404."""

from __future__ import annotations

import pytest
from flask import g

from portal.accounts.models import Role
from portal.cases.models import Relationship
from portal.plans import services
from tests import factories
from tests.plans.conftest import write_plan


@pytest.mark.parametrize(
    "who, status",
    [
        ("parent", 200),
        ("young_person", 200),
        ("senco", 200),
        ("case_officer", 200),
        ("parent2", 404),
        ("other_council_officer", 404),
        ("editor", 404),
        ("admin", 404),
    ],
)
def test_a_sent_draft_is_read_by_the_people_on_the_case_only(
    request, client_request, draft_plan, who, status
):
    """Families and professionals on the case read the draft; nobody else learns it exists."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get(
        "plans.plan_version", version_id=draft_plan.public_id, expected_status=status
    )


def test_a_grant_without_documents_does_not_show_the_plan(
    client_request, draft_plan, family_case, case_officer
):
    """Someone on the case who may not see its documents may not read the plan either."""
    helper = factories.make_user(Role.PROFESSIONAL)
    factories.grant(family_case, helper, Relationship.HEALTH, documents=False, by=case_officer)
    client_request.sign_in_as(helper)
    client_request.get("plans.plan_version", version_id=draft_plan.public_id, expected_status=404)
    client_request.get("plans.plan_page", case_id=family_case.public_id, expected_status=404)


def test_the_working_copy_is_the_councils_until_it_is_sent(
    app, client_request, family_case, case_officer, parent, senco
):
    """A plan being written is invisible to the family and the school; the officer reads it."""
    with app.test_request_context():
        version = write_plan(case_officer, family_case)
    for person in (parent, senco):
        client_request.sign_in_as(person)
        client_request.get("plans.plan_version", version_id=version.public_id, expected_status=404)
        page = client_request.get("plans.plan_page", case_id=family_case.public_id)
        assert "There is no plan to read yet" in page.text("main")
    client_request.sign_in_as(case_officer)
    page = client_request.get("plans.plan_version", version_id=version.public_id)
    assert "working copy" in page.text("main")


def test_after_sending_the_family_keeps_reading_the_sent_draft_not_the_new_work(
    app, client_request, draft_plan, family_case, case_officer, parent
):
    """Changes the council makes after sending stay in its new working copy until sent."""
    with app.test_request_context():
        g.pop("_grants", None)
        services.save_section_text(
            case_officer, family_case, services.Section.A, text="A secret rewrite."
        )
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_page", case_id=family_case.public_id)
    assert "Draft 1" in page.text(".govuk-caption-l")
    assert "A secret rewrite" not in page.text("main")
    assert "Alfie loves trains" in page.text("main")


@pytest.mark.parametrize("who", ["parent", "senco", "young_person", "other_council_officer"])
def test_only_the_case_officer_may_open_the_editor(
    request, client_request, draft_plan, family_case, who
):
    """The editor's pages are the council's alone: everyone else gets 404."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("plans.edit_plan", case_id=family_case.public_id, expected_status=404)
    client_request.get(
        "plans.edit_section", case_id=family_case.public_id, section="f", expected_status=404
    )
    client_request.post(
        "plans.start_working_copy",
        url_values={"case_id": family_case.public_id},
        expected_status=404,
    )


def test_reading_a_plan_is_on_the_audit_trail(app, client_request, draft_plan, parent):
    """Every reading of a plan is recorded with who read which version."""
    from sqlalchemy import select

    from portal.audit import Event
    from portal.extensions import db

    client_request.sign_in_as(parent)
    client_request.get("plans.plan_version", version_id=draft_plan.public_id)
    event = db.session.scalar(select(Event).where(Event.action == "plan.viewed"))
    assert event is not None and event.actor_id == parent.id
    assert event.detail["version"] == "Draft 1"
