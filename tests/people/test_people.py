"""People on this case: the council adds, invites, changes and removes people; everyone on the
case can read the list; nobody else (a school included) can change it. Every change is an event
the family can see."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.cases.models import CaseGrant, Event, Relationship, Visibility
from portal.extensions import db
from tests import factories
from tests.documents.helpers import add_document

ROLES = [
    "parent",
    "young_person",
    "senco",
    "psychologist",
    "case_officer",
    "other_council_officer",
    "editor",
    "admin",
    "parent2",
]


def _grant(case, user) -> CaseGrant:
    return db.session.scalar(
        select(CaseGrant).where(
            CaseGrant.case_id == case.id,
            CaseGrant.user_id == user.id,
            CaseGrant.revoked_at.is_(None),
        )
    )


def _events(action: str) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.action == action).order_by(Event.id)))


# --- Who reaches what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_people_access_matrix(client_request, request, family_case, senco, role):
    """Everyone on the case may read the list; only the case officer reaches the controls; the
    rest get 404 everywhere."""
    client_request.sign_in_as(request.getfixturevalue(role))
    on_case = role in {"parent", "young_person", "senco", "case_officer"}
    manager = role == "case_officer"
    grant_id = _grant(family_case, senco).id
    client_request.get(
        "people.case_people", case_id=family_case.public_id, expected_status=200 if on_case else 404
    )
    client_request.get(
        "people.add_person", case_id=family_case.public_id, expected_status=200 if manager else 404
    )
    client_request.get(
        "people.change_person", grant_id=grant_id, expected_status=200 if manager else 404
    )
    client_request.get(
        "people.remove_person", grant_id=grant_id, expected_status=200 if manager else 404
    )
    if not manager:
        client_request.post(
            "people.add_person",
            {"email": "new@example.org", "name": "New", "relationship": "school"},
            url_values={"case_id": family_case.public_id},
            expected_status=404,
        )
        client_request.post(
            "people.remove_person", {}, url_values={"grant_id": grant_id}, expected_status=404
        )
        client_request.post(
            "people.change_person",
            {"relationship": "school", "permissions": ["view_documents"]},
            url_values={"grant_id": grant_id},
            expected_status=404,
        )
        assert _grant(family_case, senco).can_add_documents


def test_a_school_cannot_add_people(client_request, senco, psychologist, family_case):
    """The school, though it may add documents and post updates, cannot give anyone access."""
    client_request.sign_in_as(senco)
    client_request.get("people.add_person", case_id=family_case.public_id, expected_status=404)
    client_request.post(
        "people.add_person",
        {"email": psychologist.email, "relationship": "educational_psychologist"},
        url_values={"case_id": family_case.public_id},
        expected_status=404,
    )
    assert _grant(family_case, psychologist) is None
    page = client_request.get("people.case_people", case_id=family_case.public_id)
    assert "Add someone" not in page.text("main")


def test_the_family_sees_the_list_read_only(client_request, parent, senco, family_case):
    """The family sees who can see the case and what each may do, without controls or emails."""
    client_request.sign_in_as(parent)
    page = client_request.get("people.case_people", case_id=family_case.public_id)
    cards = page.texts(".govuk-summary-card")
    assert cards[0].startswith("Chris Officer Who they are Case officer, Test Council SEND Team")
    assert cards[3].startswith(
        "Sally Senco Who they are School or setting, Oak Primary School What they can do "
        "Can see the case, can see documents, can add documents, can post updates Since"
    )
    assert not [a for a in page.texts("main a") if a.startswith(("Change", "Remove", "Add"))]
    assert senco.email not in page.text("main")


def test_the_case_officer_sees_the_controls(client_request, case_officer, senco, family_case):
    """The case officer gets "Add someone", and Change and Remove for each person."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("people.case_people", case_id=family_case.public_id)
    links = page.texts("main a")
    assert "Add someone" in links
    assert "Change what Sally Senco can do" in links
    assert "Remove Sally Senco" in links


# --- Adding -----------------------------------------------------------------------------------


def test_adding_someone_with_an_account(client_request, case_officer, psychologist, family_case):
    """The case officer finds the psychologist by email and gives them access; the family can see
    that they were given access."""
    client_request.sign_in_as(case_officer)
    page = client_request.get(
        "people.add_person", case_id=family_case.public_id, email=psychologist.email.upper()
    )
    assert page.h1 == "Add Dr Eve Psych to this case"
    client_request.post(
        "people.add_person",
        {
            "email": psychologist.email,
            "relationship": "educational_psychologist",
            "permissions": ["view_documents", "add_documents"],
        },
        url_values={"case_id": family_case.public_id},
        expected_redirect=f"/cases/{family_case.public_id}/people",
    )
    grant = _grant(family_case, psychologist)
    assert grant.relationship_to_child == Relationship.EDUCATIONAL_PSYCHOLOGIST
    assert (grant.can_view_documents, grant.can_add_documents, grant.can_post_updates) == (
        True,
        True,
        False,
    )
    assert grant.granted_by_id == case_officer.id
    (event,) = _events("case.person_added")
    assert event.visibility == Visibility.EVERYONE
    assert event.summary == "Dr Eve Psych (Psychology Service) was given access to this case"
    assert event.actor_id == case_officer.id and event.case_id == family_case.id

    client_request.sign_in_as(psychologist)
    client_request.get("cases.case_page", case_id=family_case.public_id)
    client_request.get("documents.upload_documents", case_id=family_case.public_id)


def test_inviting_someone_new(client_request, case_officer, school, family_case, outbox):
    """Someone without an account is invited: an account without a password, a 7-day link by
    email, and access to the case once they choose a password."""
    client_request.sign_in_as(case_officer)
    page = client_request.get(
        "people.add_person", case_id=family_case.public_id, email="new.teacher@example.org"
    )
    assert page.h1 == "Invite someone new"
    client_request.post(
        "people.add_person",
        {
            "email": "new.teacher@example.org",
            "name": "Nia Teacher",
            "relationship": "school",
            "organisation": str(school.id),
            "permissions": ["view_documents", "post_updates"],
        },
        url_values={"case_id": family_case.public_id},
    )
    user = db.session.scalar(select(User).where(User.email == "new.teacher@example.org"))
    assert (user.name, user.role, user.organisation_id, user.password_hash) == (
        "Nia Teacher",
        Role.SCHOOL,
        school.id,
        None,
    )
    grant = _grant(family_case, user)
    assert grant.can_post_updates and not grant.can_add_documents
    (message,) = outbox
    assert message["To"] == "new.teacher@example.org"
    body = message.get_content()
    assert "Chris Officer" in body and "7 days" in body
    assert "http://portal.test/accept-invitation/" in body
    (event,) = _events("case.person_added")
    assert event.detail["invited"] is True
    assert event.summary == "Nia Teacher (Oak Primary School) was given access to this case"
    page = client_request.get("people.case_people", case_id=family_case.public_id)
    assert "We have sent an invitation to new.teacher@example.org" in page.text(
        ".govuk-notification-banner"
    )


def test_inviting_a_family_member(client_request, case_officer, family_case, outbox):
    """A parent is invited with a family account and no organisation."""
    client_request.sign_in_as(case_officer)
    client_request.post(
        "people.add_person",
        {
            "email": "grandma@example.org",
            "name": "Gran Carer",
            "relationship": "parent_carer",
            "organisation": "0",
            "permissions": ["view_documents"],
        },
        url_values={"case_id": family_case.public_id},
    )
    user = db.session.scalar(select(User).where(User.email == "grandma@example.org"))
    assert user.role == Role.PARENT and user.organisation_id is None
    assert len(outbox) == 1


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"relationship": "health", "organisation": "0"},
            ["Enter their full name", "Choose where they work"],
        ),
        (
            {"name": "Pat", "relationship": "parent_carer", "organisation": "SCHOOL"},
            ["Family members do not work for an organisation here"],
        ),
        ({"name": "Pat", "organisation": "0"}, ["Choose how they are involved with the child"]),
        (
            {"name": "Pat", "relationship": "council", "organisation": "0"},
            ["Choose how they are involved with the child"],
        ),
        (
            {
                "name": "Pat",
                "relationship": "parent_carer",
                "organisation": "0",
                "permissions": ["add_documents"],
            },
            ["To add documents they must also be able to see documents"],
        ),
    ],
    ids=[
        "no-name-no-organisation",
        "family-with-organisation",
        "no-relationship",
        "council",
        "add-without-see",
    ],
)
def test_invitation_mistakes_are_explained(
    client_request, case_officer, school, family_case, fields, errors
):
    """Each mistake in the invitation is named in the GOV.UK error summary; nothing is created."""
    if fields.get("organisation") == "SCHOOL":
        fields["organisation"] = str(school.id)
    client_request.sign_in_as(case_officer)
    page = client_request.post(
        "people.add_person",
        {"email": "someone@example.org", **fields},
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == errors
    assert db.session.scalar(select(User).where(User.email == "someone@example.org")) is None


def test_an_email_must_be_valid_to_search(client_request, case_officer, family_case):
    """Searching with a badly formed email shows the error and no result."""
    client_request.sign_in_as(case_officer)
    page = client_request.get(
        "people.add_person", case_id=family_case.public_id, email="not-an-email"
    )
    assert page.error_summary == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert page.h1 == "Add someone to this case"


def test_someone_already_on_the_case_is_not_added_twice(
    client_request, case_officer, senco, family_case
):
    """The search says the school already has access, and a forced POST is refused."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("people.add_person", case_id=family_case.public_id, email=senco.email)
    assert "can already see this case" in page.text(".govuk-inset-text")
    assert page.html.select_one("form[method=post] input[name=relationship]") is None
    page = client_request.post(
        "people.add_person",
        {"email": senco.email, "relationship": "school", "permissions": ["view_documents"]},
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert (
        len(db.session.scalars(select(CaseGrant).where(CaseGrant.user_id == senco.id)).all()) == 1
    )


def test_a_family_account_cannot_be_added_as_a_professional(
    client_request, case_officer, parent2, family_case
):
    """The account's role decides which restricted documents it sees, so it must match."""
    client_request.sign_in_as(case_officer)
    page = client_request.post(
        "people.add_person",
        {"email": parent2.email, "relationship": "school", "permissions": ["view_documents"]},
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "Other Parent has a family account, so choose ‘Parent or carer’ or ‘The young person’."
    ]
    assert _grant(family_case, parent2) is None


def test_team_case_officers_and_editors_are_not_added(
    client_request, case_officer, council, editor, family_case
):
    """A colleague in the team already sees the case; content editors never see cases."""
    colleague = factories.make_user(Role.CASE_OFFICER, organisation=council, name="Kim Colleague")
    client_request.sign_in_as(case_officer)
    page = client_request.get(
        "people.add_person", case_id=family_case.public_id, email=colleague.email
    )
    assert "case officer in the team running this case" in page.text(".govuk-inset-text")
    page = client_request.get(
        "people.add_person", case_id=family_case.public_id, email=editor.email
    )
    assert "Content editors cannot be given access to cases" in page.text(".govuk-inset-text")


# --- Changing and removing --------------------------------------------------------------------


def test_changing_what_someone_can_do(client_request, case_officer, senco, family_case):
    """The case officer stops the school adding documents; the change is an event and the
    school's upload page is gone."""
    grant = _grant(family_case, senco)
    client_request.sign_in_as(case_officer)
    page = client_request.get("people.change_person", grant_id=grant.id)
    assert page.h1 == "Change what Sally Senco can do"
    checked = [i["value"] for i in page.html.select("input[name=permissions][checked]")]
    assert checked == ["view_documents", "add_documents", "post_updates"]
    client_request.post(
        "people.change_person",
        {"relationship": "school", "permissions": ["view_documents", "post_updates"]},
        url_values={"grant_id": grant.id},
        expected_redirect=f"/cases/{family_case.public_id}/people",
    )
    db.session.expire_all()
    assert not _grant(family_case, senco).can_add_documents
    (event,) = _events("case.person_changed")
    assert event.visibility == Visibility.EVERYONE
    assert event.summary == (
        "What Sally Senco (Oak Primary School) can do was changed: can see the case, "
        "can see documents, can post updates"
    )
    client_request.sign_in_as(senco)
    client_request.get(
        "documents.upload_documents", case_id=family_case.public_id, expected_status=404
    )


def test_saving_without_changes_records_nothing(client_request, case_officer, senco, family_case):
    """Saving the same answers again adds no event."""
    grant = _grant(family_case, senco)
    client_request.sign_in_as(case_officer)
    client_request.post(
        "people.change_person",
        {
            "relationship": "school",
            "permissions": ["view_documents", "add_documents", "post_updates"],
        },
        url_values={"grant_id": grant.id},
    )
    assert _events("case.person_changed") == []


def test_removing_someone_keeps_what_they_added(
    client_request, case_officer, senco, parent, family_case
):
    """Removing the school ends its access (grant kept, with who ended it); its documents stay."""
    add_document(family_case, senco, title="School advice")
    grant = _grant(family_case, senco)
    client_request.sign_in_as(case_officer)
    page = client_request.get("people.remove_person", grant_id=grant.id)
    assert page.h1 == "Remove Sally Senco from this case?"
    assert "Documents and updates they added stay on the case" in page.text("main")
    client_request.post(
        "people.remove_person",
        {},
        url_values={"grant_id": grant.id},
        expected_redirect=f"/cases/{family_case.public_id}/people",
    )
    db.session.expire_all()
    ended = db.session.get(CaseGrant, grant.id)
    assert ended.revoked_at is not None and ended.revoked_by_id == case_officer.id
    (event,) = _events("case.person_removed")
    assert event.visibility == Visibility.EVERYONE
    assert event.summary == "Sally Senco (Oak Primary School) no longer has access to this case"
    page = client_request.get("people.case_people", case_id=family_case.public_id)
    assert "Sally Senco (School or setting)" in page.text("#ended-access")

    # The ended grant cannot be changed or removed again.
    client_request.get("people.change_person", grant_id=grant.id, expected_status=404)
    client_request.post(
        "people.remove_person", {}, url_values={"grant_id": grant.id}, expected_status=404
    )

    client_request.sign_in_as(senco)
    client_request.get("cases.case_page", case_id=family_case.public_id, expected_status=404)
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "School advice" in page.texts("#documents-area li h3")


def test_someone_removed_can_be_added_again(client_request, case_officer, senco, family_case):
    """Adding a removed person again gives them a new grant; the old one stays ended."""
    grant = _grant(family_case, senco)
    client_request.sign_in_as(case_officer)
    client_request.post("people.remove_person", {}, url_values={"grant_id": grant.id})
    client_request.post(
        "people.add_person",
        {"email": senco.email, "relationship": "school", "permissions": ["view_documents"]},
        url_values={"case_id": family_case.public_id},
    )
    grants = db.session.scalars(select(CaseGrant).where(CaseGrant.user_id == senco.id)).all()
    assert len(grants) == 2 and sum(g.revoked_at is None for g in grants) == 1


def test_the_case_page_links_to_the_people_page(client_request, case_officer, parent, family_case):
    """The case page's "People on this case" section links to the people page."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "Add, change or remove people on this case" in page.texts("a")
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "See who can see this case, and since when" in page.texts("a")
