"""People on this case: the council adds, invites, changes and removes people; everyone on the
case can read the list; nobody else (a school included) can change it. Every change is an event
the family can see."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.audit import Event, Visibility
from portal.cases.models import CaseGrant, Relationship
from portal.extensions import db
from tests import factories
from tests.conftest import Page, check_page
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


def _find(client_request, case, email: str, **kwargs):
    """Step 1 of adding someone: post their email address (never put it in the URL)."""
    return client_request.post(
        "people.add_person",
        {"step": "find", "email": email},
        url_values={"case_id": case.public_id},
        expected_status=kwargs.pop("expected_status", 200),
        **kwargs,
    )


# --- Who reaches what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_people_access_matrix(client_request, request, family_case, senco, role):
    """Everyone on the case may read the list; only the case officer reaches the controls; the
    rest get 404 everywhere."""
    client_request.sign_in_as(request.getfixturevalue(role))
    on_case = role in {"parent", "young_person", "senco", "case_officer"}
    manager = role == "case_officer"
    grant_id = _grant(family_case, senco).public_id
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
        # Not even step 1 answers: nobody else may learn whether an email has an account.
        _find(client_request, family_case, "new@example.org", expected_status=404)
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
    page = _find(client_request, family_case, psychologist.email.upper())
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
    page = _find(client_request, family_case, "new.teacher@example.org")
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
    """Searching with a badly formed email shows the error and no result, and keeps what was
    typed so it can be corrected."""
    client_request.sign_in_as(case_officer)
    page = _find(client_request, family_case, "not-an-email")
    assert page.error_summary == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert page.h1 == "Add someone to this case"
    assert page.html.select_one("main form input[type=email]")["value"] == "not-an-email"
    page = _find(client_request, family_case, "  ")
    assert page.error_summary == ["Enter their email address"]


def test_someone_already_on_the_case_is_not_added_twice(
    client_request, case_officer, senco, family_case
):
    """The search says the school already has access, and a forced POST is refused."""
    client_request.sign_in_as(case_officer)
    page = _find(client_request, family_case, senco.email)
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
    page = _find(client_request, family_case, colleague.email)
    assert "case officer in the team running this case" in page.text(".govuk-inset-text")
    page = _find(client_request, family_case, editor.email)
    assert "Content editors cannot be given access to cases" in page.text(".govuk-inset-text")


# --- The email address stays out of every URL -----------------------------------------------


def _addresses(response) -> list[str]:
    """Every address a page or redirect gives the browser: the Location header and every
    attribute on the page but a form field's value (which is only ever sent in a POST body)."""
    found = [response.headers.get("Location", "")]
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for tag in html.find_all(True):
        for name, value in tag.attrs.items():
            if name == "value" and tag.name in {"input", "option", "button"}:
                continue
            found.extend(value if isinstance(value, list) else [value])
    return found


def _leaks(response, email: str) -> list[str]:
    forms = {email.lower(), quote(email.lower()), quote(email.lower(), safe="")}
    return [a for a in _addresses(response) if any(f in a.lower() for f in forms)]


def _open(client_request, url: str) -> Page:
    response = client_request.client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page = Page(response)
    check_page(page, fragment=False)
    return page


def _submit(client_request, page: Page, answers: dict, *, expected_status: int = 200):
    """Send the page's form as a browser without JavaScript would: to its action, by its method,
    with its hidden fields (the CSRF token and, at step 2, the email address)."""
    form = page.html.select_one("main form")
    assert form["method"] == "post", "the form would put what was typed in the URL"
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    data.update(answers)
    response = client_request.client.post(form["action"], data=data)
    assert response.status_code == expected_status, response.get_data(as_text=True)[:2000]
    if expected_status == 200:
        check_page(Page(response), fragment=False)
    return response


@pytest.mark.parametrize("who", ["account", "new"])
def test_the_email_address_never_appears_in_a_url(
    client_request, case_officer, psychologist, school, family_case, outbox, who
):
    """Finding, a mistake at each step, going back and adding or inviting: no form action,
    link or redirect on the way carries the email address, so it never reaches browser
    history, server logs or a Referer header. It travels in POST bodies only."""
    email = psychologist.email.upper() if who == "account" else "Nia.Teacher+send@example.org"
    client_request.sign_in_as(case_officer)
    responses = []

    people = _open(client_request, f"/cases/{family_case.public_id}/people")
    (add_link,) = [a["href"] for a in people.html.select("main a") if a.text == "Add someone"]
    find = _open(client_request, add_link)

    # Step 1, with a mistake first: the error page keeps what was typed, in the field only.
    wrong = email.replace("@", " at ")
    responses.append(_submit(client_request, find, {"email": wrong}))
    assert Page(responses[-1]).error_summary == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert not _leaks(responses[-1], wrong)
    responses.append(_submit(client_request, Page(responses[-1]), {"email": email}))
    step2 = Page(responses[-1])
    heading = "Add Dr Eve Psych to this case" if who == "account" else "Invite someone new"
    assert step2.h1 == heading
    # The email is carried to step 2, in the posted form.
    assert step2.html.select_one("main form input[type=hidden][name=email]")["value"] == email

    # "Use a different email address" (or "Look for someone else") and the back link go to an
    # empty step 1.
    links = [a["href"] for a in step2.html.select("a.govuk-back-link, main a")]
    different = "Look for someone else" if who == "account" else "Use a different email address"
    assert different in step2.texts("main a")
    back_to_step_1 = [href for href in links if href == add_link]
    assert len(back_to_step_1) == 2, links
    for href in back_to_step_1:
        again = _open(client_request, href)
        assert again.h1 == "Add someone to this case"
        assert not again.html.select_one("main input[type=email]").get("value")

    # Step 2, with a mistake first, then sent properly.
    responses.append(_submit(client_request, step2, {"relationship": "council"}))
    assert "Choose how they are involved with the child" in Page(responses[-1]).error_summary
    answers = {"relationship": "educational_psychologist", "permissions": ["view_documents"]}
    if who == "new":
        answers.update(name="Nia Teacher", relationship="school", organisation=str(school.id))
    responses.append(_submit(client_request, Page(responses[-1]), answers, expected_status=303))
    assert urlsplit(responses[-1].headers["Location"]).path == people.response.request.path
    responses.append(client_request.client.get(responses[-1].headers["Location"]))
    done = {"account": "Dr Eve Psych can now see", "new": "We have sent an invitation"}[who]
    assert done in Page(responses[-1]).text(".govuk-notification-banner")

    for response in responses:
        assert not _leaks(response, email), (response.request.path, _leaks(response, email))
        assert email.lower() not in response.request.url.lower()


def test_an_old_link_with_an_email_looks_nobody_up(
    client_request, case_officer, psychologist, family_case
):
    """Step 1 reached by GET ignores ?email= entirely: the page is the same for someone with an
    account, an unknown address and no address, so an old bookmarked or logged link says
    nothing about whether an account exists, and fills nothing in."""
    client_request.sign_in_as(case_officer)
    pages = [
        client_request.get("people.add_person", case_id=family_case.public_id, **query)
        for query in ({}, {"email": psychologist.email}, {"email": "nobody@example.org"})
    ]
    assert [page.h1 for page in pages] == ["Add someone to this case"] * 3
    assert pages[1].text("main") == pages[0].text("main") == pages[2].text("main")
    assert "Dr Eve Psych" not in pages[1].text("main")
    for page in pages:
        assert not page.html.select_one("main input[type=email]").get("value")
        assert page.html.select_one("main input[name=relationship]") is None


@pytest.mark.parametrize("token", [None, "forged-token"], ids=["no-token", "forged-token"])
def test_the_find_step_needs_a_csrf_token(
    client_request, case_officer, psychologist, family_case, token
):
    """A forged step 1 (another site posting an email address through the officer's browser) is
    refused before anyone is looked up."""
    client_request.sign_in_as(case_officer)
    data = {"step": "find", "email": psychologist.email}
    if token:
        data["csrf_token"] = token
    page = client_request.post(
        "people.add_person",
        data,
        csrf=False,
        url_values={"case_id": family_case.public_id},
        expected_status=400,
    )
    assert page.h1 == "Sorry, there is a problem with the request"
    assert "Dr Eve Psych" not in page.text("main")
    # With the page's own token, the same request finds them.
    assert _find(client_request, family_case, psychologist.email).h1 == (
        "Add Dr Eve Psych to this case"
    )


def test_mistakes_at_step_2_keep_everything_typed(
    client_request, case_officer, psychologist, school, family_case
):
    """A mistake in "invite someone new" or "add this person" shows the form again with every
    answer as it was, and the email still carried in the form."""
    client_request.sign_in_as(case_officer)
    page = client_request.post(
        "people.add_person",
        {
            "email": "pat@example.org",
            "name": "Pat Carer",
            "relationship": "parent_carer",
            "organisation": str(school.id),
            "permissions": ["view_documents", "post_updates"],
        },
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == ["Family members do not work for an organisation here"]
    form = page.html.select_one("main form")
    assert form.select_one("input[name=email]")["value"] == "pat@example.org"
    assert form.select_one("input[name=name]")["value"] == "Pat Carer"
    assert form.select_one("input[name=relationship][checked]")["value"] == "parent_carer"
    assert form.select_one("select[name=organisation] option[selected]")["value"] == str(school.id)
    checked = [i["value"] for i in form.select("input[name=permissions][checked]")]
    assert checked == ["view_documents", "post_updates"]
    assert "pat@example.org" in page.text("main")

    page = client_request.post(
        "people.add_person",
        {"email": psychologist.email, "permissions": ["add_documents", "post_updates"]},
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.h1 == "Add Dr Eve Psych to this case"
    assert page.error_summary == [
        "Choose how they are involved with the child",
        "To add documents they must also be able to see documents",
    ]
    form = page.html.select_one("main form")
    assert form.select_one("input[name=email]")["value"] == psychologist.email
    checked = [i["value"] for i in form.select("input[name=permissions][checked]")]
    assert checked == ["add_documents", "post_updates"]
    assert _grant(family_case, psychologist) is None


# --- Changing and removing --------------------------------------------------------------------


def test_changing_what_someone_can_do(client_request, case_officer, senco, family_case):
    """The case officer stops the school adding documents; the change is an event and the
    school's upload page is gone."""
    grant = _grant(family_case, senco)
    client_request.sign_in_as(case_officer)
    page = client_request.get("people.change_person", grant_id=grant.public_id)
    assert page.h1 == "Change what Sally Senco can do"
    checked = [i["value"] for i in page.html.select("input[name=permissions][checked]")]
    assert checked == ["view_documents", "add_documents", "post_updates"]
    client_request.post(
        "people.change_person",
        {"relationship": "school", "permissions": ["view_documents", "post_updates"]},
        url_values={"grant_id": grant.public_id},
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
        url_values={"grant_id": grant.public_id},
    )
    assert _events("case.person_changed") == []


def test_removing_someone_keeps_what_they_added(
    client_request, case_officer, senco, parent, family_case
):
    """Removing the school ends its access (grant kept, with who ended it); its documents stay."""
    add_document(family_case, senco, title="School advice")
    grant = _grant(family_case, senco)
    client_request.sign_in_as(case_officer)
    page = client_request.get("people.remove_person", grant_id=grant.public_id)
    assert page.h1 == "Remove Sally Senco from this case?"
    assert "Documents and updates they added stay on the case" in page.text("main")
    client_request.post(
        "people.remove_person",
        {},
        url_values={"grant_id": grant.public_id},
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
    client_request.get("people.change_person", grant_id=grant.public_id, expected_status=404)
    client_request.post(
        "people.remove_person", {}, url_values={"grant_id": grant.public_id}, expected_status=404
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
    client_request.post("people.remove_person", {}, url_values={"grant_id": grant.public_id})
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
