"""Who hears about a document or an update: exactly the people who could open it, never the
person who made the change, never someone whose access ended, in one query."""

from __future__ import annotations

from flask import g

from portal.accounts.models import Role
from portal.audit import Visibility
from portal.cases.models import Relationship
from portal.cases.services import post_update
from portal.documents.models import Restriction
from portal.extensions import db
from portal.notifications.kinds import Kind
from portal.notifications.services import notify
from tests import factories
from tests.documents.helpers import add_document
from tests.notifications.conftest import told


def test_a_document_for_everyone_tells_everyone_on_the_case_but_its_author(
    app, family_case, parent, young_person, senco, case_officer
):
    """The school adds a document for everyone: the family and the case officer hear of it;
    the school, who added it, does not."""
    add_document(family_case, senco, restriction=Restriction.EVERYONE)
    assert told(Kind.DOCUMENT_ADDED, family_case) == {parent.id, young_person.id, case_officer.id}


def test_a_council_only_document_is_heard_of_by_the_council_alone(
    app, family_case, case_officer, senco, parent
):
    """A council-only document reaches no school and no family, even as a notice."""
    other_officer = factories.make_user(Role.CASE_OFFICER, organisation=case_officer.organisation)
    add_document(family_case, other_officer, restriction=Restriction.COUNCIL)
    assert told(Kind.DOCUMENT_ADDED, family_case) == {case_officer.id}


def test_a_professionals_only_document_never_reaches_the_family(
    app, family_case, case_officer, senco, parent, young_person, psychologist
):
    """A professionals-only document: the psychologist and officer hear, the family does not."""
    factories.grant(family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST)
    add_document(family_case, senco, restriction=Restriction.PROFESSIONALS)
    assert told(Kind.DOCUMENT_ADDED, family_case) == {case_officer.id, psychologist.id}


def test_people_who_may_not_see_documents_hear_nothing_of_them(
    app, family_case, case_officer, senco, parent
):
    """A person whose grant does not include documents is not told a document was added."""
    nurse = factories.make_user(Role.PROFESSIONAL)
    factories.grant(family_case, nurse, Relationship.HEALTH, documents=False)
    add_document(family_case, senco)
    assert nurse.id not in told(Kind.DOCUMENT_ADDED, family_case)


def test_a_revoked_person_and_other_families_hear_nothing(
    app, family_case, other_family_case, senco, parent, parent2, case_officer
):
    """Access that has ended, or never existed, means no notice."""
    grant = next(gr for gr in family_case.grants if gr.user_id == parent.id)
    grant.revoked_at = grant.granted_at
    db.session.flush()
    g.pop("_grants", None)
    add_document(family_case, senco)
    assert parent.id not in told(Kind.DOCUMENT_ADDED, family_case)
    assert parent2.id not in told(Kind.DOCUMENT_ADDED, family_case)


def test_a_professionals_only_update_tells_professionals_only(
    app, family_case, senco, parent, young_person, case_officer, psychologist
):
    """An update for professionals reaches the officer and the psychologist, not the family."""
    factories.grant(family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST)
    with app.test_request_context():
        post_update(senco, family_case, "Private note about Alfie", Visibility.PROFESSIONALS)
    assert told(Kind.UPDATE_POSTED, family_case) == {case_officer.id, psychologist.id}


def test_an_update_for_everyone_tells_the_family(
    app, family_case, senco, parent, young_person, case_officer
):
    """An update for everyone reaches the family and the officer."""
    with app.test_request_context():
        post_update(senco, family_case, "Alfie had a good week", Visibility.EVERYONE)
    assert told(Kind.UPDATE_POSTED, family_case) == {parent.id, young_person.id, case_officer.id}


def test_a_notice_is_one_query_however_many_people_are_on_the_case(
    app, family_case, case_officer, count_queries
):
    """Telling 3 people or 43 costs the same single INSERT ... SELECT."""
    db.session.commit()
    db.session.refresh(family_case)  # the action has its case loaded already
    with count_queries() as few:
        notify(Kind.UPDATE_POSTED, family_case)
    for n in range(40):
        person = factories.make_user(Role.PROFESSIONAL, name=f"Helper {n}")
        factories.grant(family_case, person, Relationship.HEALTH)
    db.session.commit()
    db.session.refresh(family_case)
    with count_queries() as many:
        notify(Kind.UPDATE_POSTED, family_case)
    assert len(few) == len(many) == 1
    assert len(told(Kind.UPDATE_POSTED, family_case)) == 44


def test_posting_an_update_costs_one_query_more_than_the_update_itself(
    app, family_case, senco, count_queries
):
    """The action that causes a notice runs one more statement for it, whatever the number of
    people told: posting with 4 people on the case or 44 runs the same statements."""
    db.session.commit()

    def post() -> list[str]:
        with app.test_request_context():
            g.pop("_grants", None)
            db.session.refresh(family_case)
            with count_queries() as statements:
                post_update(senco, family_case, "An update", Visibility.EVERYONE)
        return statements

    post()  # the first post warms what is loaded once (not counted)
    few = post()
    for n in range(40):
        person = factories.make_user(Role.PROFESSIONAL, name=f"Helper {n}")
        factories.grant(family_case, person, Relationship.HEALTH)
    db.session.commit()
    many = post()
    assert len(few) == len(many), "\n".join(few) + "\n----\n" + "\n".join(many)
    assert sum("INSERT INTO notice" in s for s in many) == 1
