"""Who may reach plan quality audits. Audits are council-internal: families, schools, other
teams and professionals not auditing in a round get 404 (they never learn audits exist)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.quality import services
from portal.quality.models import Audit
from portal.quality.services import RoundRule
from tests import factories


@pytest.fixture
def drawn(app, issued_plans, quality_lead, auditor):
    """A drawn round with one audit for the auditor."""
    day = issued_plans[0].frozen_at.date()
    with app.test_request_context():
        round_ = services.open_round(quality_lead, RoundRule("R", day, day, 25), [auditor.id])
        services.draw_sample(quality_lead, round_)
        db.session.commit()
    return round_, db.session.scalars(select(Audit)).one()


OUTSIDERS = ["parent", "young_person", "senco", "psychologist", "editor", "admin"]


@pytest.mark.parametrize("who", [*OUTSIDERS, "case_officer", "other_council_officer"])
def test_outsiders_get_404_on_rounds_and_audits(request, client_request, drawn, who):
    """Families, schools, professionals, editors, admins and officers: no round, no audit page,
    no section, no dashboard."""
    round_, item = drawn
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("quality.rounds", expected_status=404)
    client_request.get("quality.round_page", round_id=round_.public_id, expected_status=404)
    client_request.get("quality.dashboard", expected_status=404)
    client_request.get("quality.dashboard_csv", expected_status=404)
    client_request.get(
        "quality.audit_section", audit_id=item.public_id, section="a", expected_status=404
    )
    client_request.post(
        "quality.draw_sample", url_values={"round_id": round_.public_id}, expected_status=404
    )
    if who != "case_officer":  # a case officer may read submitted audits of their plans
        client_request.get("quality.audit_page", audit_id=item.public_id, expected_status=404)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_my_audits_is_hidden_from_people_not_auditing(request, client_request, drawn, who):
    """Only quality staff, or someone invited into a round, has a list of audits."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("quality.my_audits", expected_status=404)
    client_request.get("quality.my_feedback", expected_status=404)


def test_a_professional_invited_into_a_round_sees_their_audits(
    app, client_request, issued_plans, quality_lead, health_professional
):
    """Multi-agency audit: a health professional in a round audits what they were given."""
    day = issued_plans[0].frozen_at.date()
    with app.test_request_context():
        round_ = services.open_round(
            quality_lead, RoundRule("R", day, day, 25), [health_professional.id]
        )
        services.draw_sample(quality_lead, round_)
        db.session.commit()
    client_request.sign_in_as(health_professional)
    page = client_request.get("quality.my_audits")
    item = db.session.scalars(select(Audit)).one()
    assert item.sample.reference in page.text("main")
    client_request.get("quality.audit_section", audit_id=item.public_id, section="b")


def test_another_auditor_and_another_councils_lead_cannot_reach_an_audit(
    client_request, drawn, auditor2, other_council_officer
):
    """Only the assigned auditor works on an audit; a lead of another council sees nothing."""
    round_, item = drawn
    client_request.sign_in_as(auditor2)
    client_request.get("quality.my_audits")
    client_request.get("quality.audit_page", audit_id=item.public_id, expected_status=404)
    client_request.post(
        "quality.audit_section",
        {"A1": "yes"},
        url_values={"audit_id": item.public_id, "section": "a"},
        expected_status=404,
    )
    other_lead = factories.make_user(
        Role.QUALITY_LEAD, organisation=other_council_officer.organisation
    )
    client_request.sign_in_as(other_lead)
    client_request.get("quality.round_page", round_id=round_.public_id, expected_status=404)
    client_request.get("quality.audit_page", audit_id=item.public_id, expected_status=404)


def test_quality_roles_land_on_their_audits_and_an_admin_may_invite_them(
    client_request, quality_lead, admin
):
    """Signing in takes quality staff to their audits; the roles are offered on invitations."""
    client_request.sign_in_as(quality_lead)
    assert client_request.get_redirect("cases.home") == "/quality/my-audits"
    client_request.sign_in_as(admin)
    page = client_request.get("accounts.invite")
    assert "Quality lead (plan audits)" in page.text("main")
    assert "Plan quality auditor" in page.text("main")


def test_auditors_read_the_framework_and_only_a_lead_publishes_a_new_version(
    client_request, quality_lead, auditor, parent
):
    """The framework page shows the criteria; only the lead opens the editor and downloads the
    framework as JSON; auditors and families cannot."""
    client_request.sign_in_as(auditor)
    page = client_request.get("quality.framework_page")
    assert "Limiting" in page.text("main") and "Version 1" in page.text("main")
    client_request.get("quality.edit_framework", expected_status=404)
    client_request.sign_in_as(parent)
    client_request.get("quality.framework_page", expected_status=404)

    client_request.sign_in_as(quality_lead)
    page = client_request.get("quality.edit_framework")
    assert "publish your changes as version 2" in page.text("main")
    download = client_request.client.get("/quality/framework/download")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(download.get_data(as_text=True))["version"] == 1
