"""Updates: who may post them, the form with and without JavaScript, safe Markdown, and
"professionals only" updates that never reach a family."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit import Event, Visibility
from portal.cases.models import Relationship, Update
from portal.cases.services import post_update
from portal.extensions import db
from portal.refusals import Refused
from tests import factories


def _post(client_request, case, data, **kwargs):
    return client_request.post(
        "cases.post_update", data, url_values={"case_id": case.public_id}, **kwargs
    )


def _timeline_text(client_request, user, case) -> str:
    client_request.sign_in_as(user)
    return client_request.get("cases.case_page", case_id=case.public_id).text("#case-history")


def test_a_school_posts_an_update_without_javascript(client_request, senco, parent, family_case):
    """The school's update is saved, recorded as an event, and the family sees it on the case."""
    client_request.sign_in_as(senco)
    _post(
        client_request,
        family_case,
        {"body": "Alfie has settled well this term.", "visibility": "everyone"},
        expected_redirect=f"/cases/{family_case.public_id}",
    )
    update = db.session.scalar(select(Update))
    assert (update.author_id, update.case_id, update.visibility) == (
        senco.id,
        family_case.id,
        Visibility.EVERYONE,
    )
    event = db.session.scalar(select(Event).where(Event.action == "update.posted"))
    assert (event.actor_id, event.subject_id, event.visibility) == (
        senco.id,
        update.id,
        Visibility.EVERYONE,
    )
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "Your update was posted" in page.text(".govuk-notification-banner")
    assert "Alfie has settled well this term." in _timeline_text(
        client_request, parent, family_case
    )


def test_with_htmx_the_update_appears_in_the_timeline_at_once(client_request, senco, family_case):
    """An htmx post answers with the case history region: an empty form, the new update first,
    focus on it and a message for screen readers — not a whole page."""
    client_request.sign_in_as(senco)
    page = _post(
        client_request,
        family_case,
        {"body": "Meeting booked for *Friday*.", "visibility": "everyone"},
        htmx=True,
        expected_status=200,
    )
    region = page.html.select_one("section#case-history")
    assert region["data-portal-announce"] == "Your update was posted"
    first = page.html.select_one(".portal-timeline__item")
    assert first.has_attr("data-portal-focus")
    assert "Meeting booked for Friday." in first.get_text()
    assert first.select_one("em").get_text() == "Friday"
    assert page.html.select_one("textarea[name=body]").get_text().strip() == ""
    assert "HX-Request" in page.response.headers["Vary"]


def test_an_empty_update_is_refused_with_a_clear_message(client_request, senco, family_case):
    """Without JavaScript, an empty update shows the form page with the error; with htmx the
    region comes back with the error summary (status 200). Nothing is saved."""
    client_request.sign_in_as(senco)
    page = _post(client_request, family_case, {"body": "  "}, expected_status=200)
    assert page.error_summary == ["Enter your update"]
    assert page.h1 == "Post an update"
    fragment = _post(client_request, family_case, {"body": ""}, htmx=True, expected_status=200)
    assert fragment.error_summary == ["Enter your update"]
    assert db.session.scalar(select(Update)) is None


def test_the_update_form_has_a_page_of_its_own(client_request, senco, family_case):
    """Without JavaScript the form can also be opened on its own page."""
    client_request.sign_in_as(senco)
    page = client_request.get("cases.post_update", case_id=family_case.public_id)
    assert page.h1 == "Post an update"
    assert page.html.select_one("form[method=post] textarea[name=body]") is not None


def test_a_family_never_sees_a_professionals_only_update(
    client_request, senco, parent, young_person, case_officer, family_case
):
    """A "professionals only" update reaches schools and the council, never the family: not on
    the case page, not in older entries, not in an htmx fragment."""
    client_request.sign_in_as(senco)
    _post(
        client_request,
        family_case,
        {"body": "Safeguarding concern discussed.", "visibility": "professionals"},
    )
    for family_member in (parent, young_person):
        client_request.sign_in_as(family_member)
        page = client_request.get("cases.case_page", case_id=family_case.public_id)
        assert "Safeguarding" not in page.response.get_data(as_text=True)
        older = client_request.get("cases.case_timeline", case_id=family_case.public_id, htmx=True)
        assert "Safeguarding" not in older.response.get_data(as_text=True)
    for professional in (senco, case_officer):
        text = _timeline_text(client_request, professional, family_case)
        assert "Safeguarding concern discussed." in text
        assert "Professionals only" in text


def test_the_htmx_answer_to_a_family_post_never_holds_professional_updates(
    client_request, senco, parent, family_case, case_officer
):
    """If a family member may post, the timeline that comes back to them is filtered too."""
    post_update(senco, family_case, "Private note for professionals.", Visibility.PROFESSIONALS)
    grant = next(g for g in family_case.grants if g.user_id == parent.id)
    grant.can_post_updates = True
    db.session.commit()
    client_request.sign_in_as(parent)
    page = _post(
        client_request, family_case, {"body": "Thank you all."}, htmx=True, expected_status=200
    )
    text = page.text("#case-history")
    assert "Thank you all." in text
    assert "Private note" not in text
    assert page.html.select_one("input[name=visibility]") is None, "families get no choice"


def test_markdown_in_an_update_is_sanitised(client_request, senco, parent, family_case):
    """Script typed into an update is never run: it comes out as harmless text."""
    client_request.sign_in_as(senco)
    _post(
        client_request,
        family_case,
        {"body": "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"},
    )
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    body = page.html.select_one(".portal-timeline__body")
    assert body.select("script, img, [onerror]") == []
    assert "javascript:" not in str(body.select("a"))
    assert body.select_one(".portal-prose[hx-disable]") is not None


@pytest.mark.parametrize("who", ["parent", "young_person", "psychologist", "other_council_officer"])
def test_people_without_the_right_cannot_post(request, client_request, family_case, who):
    """Families, professionals without access and other councils' officers get 404 for both the
    form and the post, and nothing is saved."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("cases.post_update", case_id=family_case.public_id, expected_status=404)
    _post(client_request, family_case, {"body": "Hello"}, expected_status=404)
    assert db.session.scalar(select(Update)) is None


def test_a_school_without_the_update_tick_cannot_post(
    client_request, family_case, school, case_officer
):
    """A grant that does not allow updates shows no form and refuses the post."""
    other_senco = factories.make_user(Role.SCHOOL, organisation=school)
    factories.grant(family_case, other_senco, Relationship.SCHOOL, updates=False, by=case_officer)
    client_request.sign_in_as(other_senco)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert page.html.select_one("#case-history form") is None
    _post(client_request, family_case, {"body": "Hello"}, expected_status=404)


def test_the_case_officer_may_post_for_professionals_only(
    client_request, case_officer, family_case
):
    """The team's case officer can always post, including for professionals only."""
    client_request.sign_in_as(case_officer)
    _post(client_request, family_case, {"body": "Panel on Tuesday.", "visibility": "professionals"})
    assert db.session.scalar(select(Update.visibility)) == Visibility.PROFESSIONALS


def test_the_service_refuses_what_the_form_would_not_offer(parent, senco, family_case, app):
    """The service itself refuses a family member's "professionals only" update, a council-only
    update, and an update from someone without the right."""
    grant = next(g for g in family_case.grants if g.user_id == parent.id)
    grant.can_post_updates = True
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(Refused):
            post_update(parent, family_case, "Hi", Visibility.PROFESSIONALS)
        with pytest.raises(Refused):
            post_update(senco, family_case, "Hi", Visibility.COUNCIL)
    grant.can_post_updates = False
    db.session.commit()
    with app.test_request_context(), pytest.raises(PermissionError):
        post_update(parent, family_case, "Hi")
    assert db.session.scalar(select(Update)) is None


def test_an_unknown_visibility_is_refused(client_request, senco, family_case):
    """A made-up choice of who can see the update is an error, not a silent default."""
    client_request.sign_in_as(senco)
    page = _post(
        client_request, family_case, {"body": "Hi", "visibility": "audit"}, expected_status=200
    )
    assert page.error_summary == ["Select who can see this update"]
    assert db.session.scalar(select(Update)) is None
