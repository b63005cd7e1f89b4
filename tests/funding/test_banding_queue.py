"""The council's queue of proposed bands: its own council's only, oldest first, paged in SQL, and
the same number of queries with 10 proposals waiting or 200."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from portal import clock
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding import services
from portal.funding.models import Banding
from portal.funding.moderation import QUEUE_PAGE_SIZE
from tests import factories


def _proposals(council, officer, senco, school, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        case = factories.make_case(
            team=council, officer=officer, school=school, first_name=f"Kid{n:03d}"
        )
        banding = services.propose(
            case,
            senco,
            area_of_need="cognition",
            band=1 + n % 6,
            setting_type="mainstream",
            effective=date(2026, 9, 1),
            statements="Fits.",
            evidence="Section B: a need",
        )
        # Proposed one day apart, the first oldest.
        db.session.execute(
            update(Banding)
            .where(Banding.id == banding.id)
            .values(proposed_at=clock.utcnow() - timedelta(days=1000 - n))
        )
    db.session.commit()  # so the counts below are the page's own statements


def test_queue_queries_do_not_grow_with_the_proposals(
    client_request, council, case_officer, senco, school, count_queries
):
    funder = factories.make_user(Role.FUNDING_OFFICER, organisation=council)
    client_request.sign_in_as(funder)

    def queries_for_page(**args) -> int:
        with count_queries() as queries:
            client_request.get("banding.proposed_bands", **args)
        return len(queries)

    _proposals(council, case_officer, senco, school, 10)
    few = queries_for_page()
    _proposals(council, case_officer, senco, school, 190, start=10)
    many = queries_for_page()
    last_page = queries_for_page(page=8)
    assert few == many == last_page, (few, many, last_page)


def test_queue_is_the_councils_own_oldest_first_a_page_at_a_time(
    client_request, council, case_officer, senco, school
):
    _proposals(council, case_officer, senco, school, QUEUE_PAGE_SIZE + 2)
    other = factories.make_organisation("Far Council", OrganisationKind.COUNCIL)
    far_officer = factories.make_user(Role.CASE_OFFICER, organisation=other)
    far_case = factories.make_case(team=other, officer=far_officer, first_name="Faraway")
    services.propose(
        far_case,
        far_officer,
        area_of_need="semh",
        band=2,
        setting_type="mainstream",
        effective=date(2026, 9, 1),
        statements="Fits.",
        evidence="Section B: a need",
    )
    funder = factories.make_user(Role.FUNDING_OFFICER, organisation=council)
    client_request.sign_in_as(funder)
    first = client_request.get("banding.proposed_bands")
    children = [name.split()[0] for name in first.texts("tbody tr td:first-child a")]
    assert children == [f"Kid{n:03d}" for n in range(QUEUE_PAGE_SIZE)]
    assert f"{QUEUE_PAGE_SIZE + 2} waiting." in first.text("main")
    second = client_request.get("banding.proposed_bands", page=2)
    assert [n.split()[0] for n in second.texts("tbody tr td:first-child a")] == [
        f"Kid{QUEUE_PAGE_SIZE:03d}",
        f"Kid{QUEUE_PAGE_SIZE + 1:03d}",
    ]
    assert "Faraway" not in first.text("main") + second.text("main")
    # A page past the end shows the last page rather than nothing.
    assert client_request.get("banding.proposed_bands", page=99).texts(
        "tbody tr td:first-child a"
    ) == second.texts("tbody tr td:first-child a")
