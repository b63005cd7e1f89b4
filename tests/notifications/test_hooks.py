"""Changes made elsewhere in the portal leave notices for the right people, and only them."""

from __future__ import annotations

from flask import g

from portal.cases.models import Relationship
from portal.notifications.kinds import Kind
from portal.people import services as people
from tests.notifications.conftest import told


def _add(case, officer, email, relationship):
    g.pop("_grants", None)
    return people.add_person(
        officer, case, email=email, relationship=relationship, permissions=people.Permissions()
    )


def test_a_professional_given_access_is_asked_to_sign_the_pledge(
    app, family_case, case_officer, psychologist, parent, senco
):
    """The psychologist added to the case, and nobody else, is asked to sign the pledge."""
    with app.test_request_context():
        _add(family_case, case_officer, psychologist.email, Relationship.EDUCATIONAL_PSYCHOLOGIST)
    assert told(Kind.PLEDGE_TO_SIGN, family_case) == {psychologist.id}


def test_a_family_member_given_access_is_not_asked_to_sign(app, family_case, case_officer, parent2):
    """Families do not sign the pledge: adding a parent asks nobody to sign."""
    with app.test_request_context():
        _add(family_case, case_officer, parent2.email, Relationship.PARENT_CARER)
    assert told(Kind.PLEDGE_TO_SIGN, family_case) == set()


def test_no_notice_is_made_from_someone_reading_a_record():
    """Reads (a case viewed, a file downloaded) are written without telling the observers
    (`audit.record_read`): so no notice may depend on one."""
    from portal.notifications.events import HANDLERS
    from portal.records.looked import READ_ACTIONS

    assert set(READ_ACTIONS).isdisjoint(HANDLERS)
