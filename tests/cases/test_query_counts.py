"""The caseload, the dashboard and the case page run the same number of SQL queries for 10 cases
as for 1,000 (no query per case, per event or per person)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from portal.accounts.models import Role
from portal.audit import Visibility
from portal.cases.models import AdviceKind, AdviceRequest, CaseGrant, Relationship
from portal.cases.services import post_update
from portal.extensions import db
from portal.pathway import Stage
from tests import factories
from tests.cases.conftest import add_event


def _queries(client_request, count_queries, endpoint, *, htmx=False, **values) -> int:
    """SQL statements run by one request (after a first one, so sign-in bookkeeping is done)."""
    client_request.get(endpoint, htmx=htmx, **values)
    with count_queries() as statements:
        client_request.get(endpoint, htmx=htmx, **values)
    return len(statements)


def _grant_all(case_ids, user) -> None:
    db.session.execute(
        insert(CaseGrant),
        [
            {
                "case_id": case_id,
                "user_id": user.id,
                "relationship_to_child": Relationship.SCHOOL.value,
                "can_post_updates": True,
            }
            for case_id in case_ids
        ],
    )
    db.session.commit()


def test_team_caseload_and_dashboard_queries_do_not_grow_with_cases(
    client_request, count_queries, bulk_cases, council, case_officer
):
    """Team cases (both renderings, filtered or not) and the dashboard: 10 cases or 1,000, the
    same number of queries."""
    pages = [
        ("cases.home", False, {}),
        ("cases.home", True, {"q": "bulk", "due": "late", "sort": "name"}),
        ("cases.home", False, {"page": 3}),
        ("cases.dashboard", False, {}),
    ]
    client_request.sign_in_as(case_officer)
    bulk_cases(10, team=council, officer=case_officer)
    few = [_queries(client_request, count_queries, e, htmx=h, **v) for e, h, v in pages]
    bulk_cases(990, team=council, officer=case_officer, prefix="MORE")
    many = [_queries(client_request, count_queries, e, htmx=h, **v) for e, h, v in pages]
    print("team caseload / fragment / page 3 / dashboard queries:", few, many)
    assert few == many


def test_school_caseload_queries_do_not_grow_with_cases(
    client_request, count_queries, bulk_cases, council, case_officer, senco
):
    """A school's caseload and tasks: the same number of queries for 10 or 1,000 shared cases."""
    client_request.sign_in_as(senco)
    _grant_all(bulk_cases(10, team=council, officer=case_officer), senco)
    few = _queries(client_request, count_queries, "cases.home")
    _grant_all(bulk_cases(990, team=council, officer=case_officer, prefix="MORE"), senco)
    many = _queries(client_request, count_queries, "cases.home")
    print("school caseload queries:", few, many)
    assert few == many


def test_case_page_queries_do_not_grow_with_cases_events_or_people(
    client_request, count_queries, bulk_cases, council, case_officer, family_case, senco, app
):
    """The case page costs the same with 10 or 1,000 cases in the council, and with one or
    forty entries on its timeline and more people on the case."""
    bulk_cases(10, team=council, officer=case_officer)
    counts = {}
    for viewer in (senco, case_officer):
        client_request.sign_in_as(viewer)
        counts[viewer.id] = _queries(
            client_request, count_queries, "cases.case_page", case_id=family_case.public_id
        )

    bulk_cases(990, team=council, officer=case_officer, prefix="MORE")
    with app.test_request_context():
        for n in range(20):
            add_event(family_case, visibility=Visibility.EVERYONE, summary=f"Step {n}")
            post_update(senco, family_case, f"Update {n}", Visibility.PROFESSIONALS)
    for n in range(5):
        person = factories.make_user(Role.PROFESSIONAL, name=f"Helper {n}")
        factories.grant(family_case, person, Relationship.HEALTH, by=case_officer)
    for viewer in (senco, case_officer):
        client_request.sign_in_as(viewer)
        after = _queries(
            client_request, count_queries, "cases.case_page", case_id=family_case.public_id
        )
        print("case page queries for", viewer.role, counts[viewer.id], after)
        assert after == counts[viewer.id], viewer.role


def test_the_case_page_reads_only_the_lists_of_facts_the_case_has(
    client_request, count_queries, tracker_today, case_officer, family_case
):
    """A case with no advice requests, consultations, reviews or delays is drawn without asking
    for them. Advice added is shown at once (and asked for: one query more); once it is
    removed, the page stops asking."""

    def advice_shown() -> bool:
        page = client_request.get("cases.case_page", case_id=family_case.public_id)
        return "Advice from the health visitor" in page.text("main")

    client_request.sign_in_as(case_officer)
    family_case.stage = Stage.ASSESSMENT
    db.session.commit()
    without = _queries(
        client_request, count_queries, "cases.case_page", case_id=family_case.public_id
    )
    assert not advice_shown()

    advice = AdviceRequest(
        case_id=family_case.id,
        kind=AdviceKind.HEALTH,
        service_name="the health visitor",
        sent_on=date(2027, 2, 1),
    )
    db.session.add(advice)
    db.session.commit()
    assert advice_shown()
    with_advice = _queries(
        client_request, count_queries, "cases.case_page", case_id=family_case.public_id
    )
    assert with_advice == without + 1

    db.session.delete(advice)
    db.session.commit()
    assert not advice_shown()
    assert (
        _queries(client_request, count_queries, "cases.case_page", case_id=family_case.public_id)
        == without
    )
