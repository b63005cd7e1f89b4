"""The SQL that picks who to tell (`cases.policy.audience`) agrees with the access policy the pages
use (`access.can` and `cases.policy.may_see_visibility`) for every kind of person and grant."""

from __future__ import annotations

import itertools

import pytest
from flask import g

from portal import access
from portal.accounts.models import OrganisationKind, Role
from portal.audit import Visibility
from portal.cases import policy
from portal.cases.models import Relationship
from portal.extensions import db
from tests import factories

ROLES = [Role.PARENT, Role.YOUNG_PERSON, Role.SCHOOL, Role.PROFESSIONAL, Role.CASE_OFFICER]


@pytest.fixture
def crowd(council, case_officer):
    """A case with one person for every role x documents tick x revoked x active, plus the
    case's officer, another officer of the team without a grant, and one from another council."""
    case = factories.make_case(team=council, officer=case_officer)
    other_council = factories.make_organisation("Elsewhere", OrganisationKind.COUNCIL)
    people = [case_officer]
    for role, documents, revoked, active in itertools.product(
        ROLES, (True, False), (False, True), (True, False)
    ):
        org = other_council if role == Role.CASE_OFFICER else None
        person = factories.make_user(role, organisation=org)
        person.active = active
        grant = factories.grant(case, person, Relationship.OTHER_PROFESSIONAL, documents=documents)
        if revoked:
            grant.revoked_at = grant.granted_at
        people.append(person)
    people.append(factories.make_user(Role.CASE_OFFICER, organisation=council))
    db.session.flush()
    return case, people


@pytest.mark.parametrize("visibility", [v.value for v in Visibility])
@pytest.mark.parametrize("action", [access.Action.VIEW, access.Action.VIEW_DOCUMENTS])
def test_audience_is_exactly_who_may_open_it(app, crowd, visibility, action):
    """Everyone the SQL names may open the item; everyone it leaves out either may not, or is a
    team officer other than the case's own (they are not told of every change)."""
    case, people = crowd
    chosen = set(db.session.scalars(policy.audience(case, visibility, action)))
    for person in people:
        g.pop("_grants", None)
        may = (
            person.active
            and access.can(person, action, case)
            and policy.may_see_visibility(person, case, visibility)
        )
        unassigned_officer = policy.is_team_case_officer(person, case) and person.id != (
            case.case_officer_id
        )
        if person.id in chosen:
            assert may, (person.role, visibility, action)
        else:
            assert not may or unassigned_officer, (person.role, visibility, action)
    assert (case.case_officer_id in chosen) == (visibility != Visibility.AUDIT)
    if visibility == Visibility.EVERYONE:
        assert len(chosen) > 5  # the check above is not passing on an empty answer
