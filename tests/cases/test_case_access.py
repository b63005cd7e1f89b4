"""Who may open a case: grants, teams, and nobody else (404, so ids cannot be probed)."""

from portal import clock
from portal.audit import Event
from portal.extensions import db


def test_parent_sees_own_case_and_who_can_see_it(client_request, parent, family_case, senco):
    """A parent opens their child's case and sees everyone who has access."""
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "Alfie" in page.h1
    people = page.text("main")
    assert senco.name in people and parent.name in people


def test_one_family_never_sees_another_familys_case(client_request, parent, other_family_case):
    """Another family's case does not exist as far as this parent can tell."""
    client_request.sign_in_as(parent)
    client_request.get("cases.case_page", case_id=other_family_case.public_id, expected_status=404)
    home = client_request.get("cases.home")
    assert "Maya" not in home.text("main")


def test_unknown_and_forbidden_cases_look_the_same(client_request, parent, other_family_case):
    """A made-up id and a real id the person may not see get the same 404 page."""
    client_request.sign_in_as(parent)
    forbidden = client_request.get(
        "cases.case_page", case_id=other_family_case.public_id, expected_status=404
    )
    unknown = client_request.get("cases.case_page", case_id="Z" * 16, expected_status=404)
    assert forbidden.h1 == unknown.h1 == "Page not found"


def test_revoked_grant_ends_access(client_request, senco, family_case):
    """When the council removes someone from a case, they can no longer open it."""
    client_request.sign_in_as(senco)
    client_request.get("cases.case_page", case_id=family_case.public_id)
    grant = next(g for g in family_case.grants if g.user_id == senco.id)
    grant.revoked_at = clock.utcnow()
    db.session.commit()
    client_request.get("cases.case_page", case_id=family_case.public_id, expected_status=404)


def test_case_officers_see_their_teams_cases_only(
    client_request, case_officer, other_council_officer, family_case
):
    """A case officer sees their team's case; an officer of another council does not."""
    client_request.sign_in_as(case_officer)
    client_request.get("cases.case_page", case_id=family_case.public_id)
    client_request.sign_in_as(other_council_officer)
    client_request.get("cases.case_page", case_id=family_case.public_id, expected_status=404)


def test_admins_and_editors_do_not_read_cases_without_a_grant(
    client_request, admin, editor, family_case
):
    """Managing accounts or content gives no right to read a child's case."""
    for person in (admin, editor):
        client_request.sign_in_as(person)
        client_request.get("cases.case_page", case_id=family_case.public_id, expected_status=404)


def test_every_view_of_a_case_is_recorded(client_request, parent, family_case):
    """The audit trail says who looked at which case, and when."""
    client_request.sign_in_as(parent)
    client_request.get("cases.case_page", case_id=family_case.public_id)
    client_request.get("cases.case_page", case_id=family_case.public_id)
    views = db.session.query(Event).filter_by(action="case.viewed", case_id=family_case.id).all()
    assert len(views) == 2
    assert {v.actor_id for v in views} == {parent.id}


def test_school_caseload_lists_only_granted_cases(
    client_request, senco, family_case, other_family_case
):
    """A school's home lists the cases shared with it and no others."""
    client_request.sign_in_as(senco)
    page = client_request.get("cases.home")
    text = page.text("main")
    assert family_case.reference in text
    assert other_family_case.reference not in text


def test_access_given_or_taken_away_counts_at_once_in_the_same_request(
    app, parent2, senco, family_case
):
    """The live grants are read once a request; giving or ending access in that request is seen
    by the next check in it (a check must never answer from what was read before the change)."""
    from portal import access
    from portal.cases.models import Relationship
    from tests import factories

    with app.test_request_context():
        assert not access.can(parent2, access.Action.VIEW, family_case)
        factories.grant(family_case, parent2, Relationship.PARENT_CARER)
        assert access.can(parent2, access.Action.VIEW, family_case)
        senco_grant = next(g for g in family_case.grants if g.user_id == senco.id)
        assert access.can(senco, access.Action.VIEW, family_case)
        senco_grant.revoked_at = clock.utcnow()
        db.session.flush()
        assert not access.can(senco, access.Action.VIEW, family_case)
