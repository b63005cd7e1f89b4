"""Only the team's case officer can reach the pages that change a case: everyone else gets 404
(they may not know the case exists), and only case officers can open a case (403 otherwise)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.cases.models import AdviceRequest, Review, SchoolConsultation
from portal.extensions import db
from tests import factories

OUTSIDERS = ["parent", "young_person", "senco", "psychologist", "other_council_officer", "admin"]


def _parts_of(case) -> dict[str, str]:
    """An advice request, a school consultation and a review on `case`: their URL values."""
    advice = AdviceRequest(
        case=case, kind="health", service_name="Health", sent_on=date(2026, 1, 5)
    )
    consultation = SchoolConsultation(case=case, school_name="Oak", consulted_on=date(2026, 1, 5))
    review = Review(case=case, meeting_on=date(2026, 1, 5))
    db.session.add_all([advice, consultation, review])
    db.session.commit()
    return {
        "advice_id": advice.public_id,
        "consultation_id": consultation.public_id,
        "review_id": review.public_id,
    }


@pytest.fixture
def case_parts(family_case):
    """The URL values for every case-scoped manage page, on the family's case."""
    return {
        "case_id": family_case.public_id,
        "deadline": "assessment-decision",
        **_parts_of(family_case),
    }


def _case_endpoints(app) -> list[tuple[str, list[str], bool]]:
    """(endpoint, URL variables, accepts POST) for every case-scoped manage page."""
    return [
        (rule.endpoint, sorted(rule.arguments), "POST" in rule.methods)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("casework.") and "case_id" in rule.arguments
    ]


def test_every_manage_page_opens_for_the_teams_case_officer(
    app, client_request, case_officer, case_parts
):
    """Each action page renders for the case officer (and passes the page checks)."""
    client_request.sign_in_as(case_officer)
    endpoints = _case_endpoints(app)
    assert len(endpoints) >= 20
    for endpoint, arguments, _posts in endpoints:
        client_request.get(endpoint, **{name: case_parts[name] for name in arguments})


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_can_reach_a_manage_page(app, request, new_client, case_parts, who):
    """Family, school, professionals, another council's officer and admins get 404 from every
    page that changes a case, for reading and for posting."""
    client = new_client()
    client.sign_in_as(request.getfixturevalue(who))
    for endpoint, arguments, posts in _case_endpoints(app):
        values = {name: case_parts[name] for name in arguments}
        client.get(endpoint, expected_status=404, **values)
        if posts:
            client.post(endpoint, {}, expected_status=404, url_values=values)


def test_a_part_of_another_case_is_not_found_through_this_cases_address(
    app, client_request, council, case_officer, family_case
):
    """Every page that names an advice request, a consultation or a review answers 404 when it
    belongs to another case, even one the same case officer runs (for reading and posting)."""
    other_case = factories.make_case(team=council, officer=case_officer, first_name="Bea")
    mixed = {
        "case_id": family_case.public_id,
        "deadline": "assessment-decision",
        **_parts_of(other_case),
    }
    client_request.sign_in_as(case_officer)
    checked = 0
    for endpoint, arguments, posts in _case_endpoints(app):
        if not {"advice_id", "consultation_id", "review_id"} & set(arguments):
            continue
        values = {name: mixed[name] for name in arguments}
        client_request.get(endpoint, expected_status=404, **values)
        if posts:
            client_request.post(endpoint, {}, expected_status=404, url_values=values)
        checked += 1
    assert checked >= 8  # advice received, school reply, and the six review steps


@pytest.mark.parametrize(
    "who", ["parent", "young_person", "senco", "psychologist", "admin", "editor"]
)
def test_only_case_officers_can_open_a_case(request, new_client, who):
    """Opening a case is refused (403) to anyone who is not a case officer."""
    client = new_client()
    client.sign_in_as(request.getfixturevalue(who))
    client.get("casework.open_case", expected_status=403)
    client.post("casework.open_case", {"first_name": "X"}, expected_status=403)


def test_case_officers_see_open_a_new_case_in_the_menu(client_request, case_officer, parent):
    """The header menu offers "Open a new case" to case officers only."""
    client_request.sign_in_as(case_officer)
    assert "Open a new case" in client_request.get("cases.home").texts(".portal-header__nav a")
    client_request.sign_in_as(parent)
    assert "Open a new case" not in client_request.get("cases.home").texts(".portal-header__nav a")
