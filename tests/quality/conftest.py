"""Fixtures for plan quality audits: quality staff, and issued plans to audit."""

from __future__ import annotations

import pytest

from portal.accounts.models import OrganisationKind, Role
from portal.plans import services as plan_services
from portal.plans.models import Section
from tests import factories
from tests.plans.conftest import write_plan


@pytest.fixture
def quality_lead(council):
    return factories.make_user(Role.QUALITY_LEAD, organisation=council, name="Quinn Lead")


@pytest.fixture
def auditor(council):
    return factories.make_user(Role.AUDITOR, organisation=council, name="Avery Auditor")


@pytest.fixture
def auditor2(council):
    return factories.make_user(Role.AUDITOR, organisation=council, name="Blake Auditor")


@pytest.fixture
def health_professional(app):
    nhs = factories.make_organisation("Community Health", OrganisationKind.HEALTH)
    return factories.make_user(Role.PROFESSIONAL, organisation=nhs, name="Harper Health")


def issue_plan(officer, case, *, vague: bool = False):
    """Write, send and issue a small plan for the case; returns the final version."""
    write_plan(officer, case)
    if vague:
        plan_services.save_provision(
            officer, case, Section.F, what="Access to regular support as needed"
        )
    plan_services.send_draft(officer, case)
    return plan_services.issue_final(
        officer, case, placement_name="Oak Primary School", placement_type="mainstream"
    )


@pytest.fixture
def issued_plans(app, council, case_officer, school):
    """Four cases with issued plans, all managed (and written) by the case officer."""
    versions = []
    with app.test_request_context():
        for n in range(4):
            case = factories.make_case(
                team=council, officer=case_officer, school=school, first_name=f"Kid{n}"
            )
            versions.append(issue_plan(case_officer, case, vague=n == 0))
    return versions
