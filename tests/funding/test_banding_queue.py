"""The council's queue of proposed bands: its own council's only, oldest first, paged in SQL, and
the same number of queries with 10 proposals waiting or 200."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text, update

from portal import clock
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding import services
from portal.funding.models import Banding
from portal.funding.moderation import QUEUE_PAGE_SIZE, queue_query
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


def _plan(statement) -> str:
    """The database's own plan for `statement`, as text."""
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    # PostgreSQL would rather sort a handful of test rows than use any index; forbid the sort so
    # the plan says whether an index can give the queue's order at all.
    db.session.execute(text("SET LOCAL enable_sort = off"))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))


def test_a_queue_page_is_read_in_order_from_an_index_not_sorted(
    council, case_officer, senco, school
):
    """A page deep in the queue must not sort every waiting proposal first: the index on
    (status, proposed_at, id) gives the queue's filter and order."""
    _proposals(council, case_officer, senco, school, 30)
    plan = _plan(queue_query(council.id).limit(QUEUE_PAGE_SIZE).offset(QUEUE_PAGE_SIZE))
    assert "ix_banding_status_proposed_at" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort" not in plan, plan
    db.session.rollback()


def test_case_officers_and_funding_officers_find_the_queue_in_the_header(
    client_request, council, case_officer, senco, school, count_queries
):
    """The header menu links to "Bands to agree" for the council's case officers and funding
    officers, not for schools; and the link costs no query of its own."""
    _proposals(council, case_officer, senco, school, 3)
    client_request.sign_in_as(case_officer)
    with count_queries() as statements:
        menu = client_request.get("cases.home").html.select(".portal-header__nav a")
    link = next(a for a in menu if a.get_text(strip=True) == "Bands to agree")
    assert link["href"] == "/funding/bands-to-agree"
    assert not [s for s in statements if "banding" in s], "the menu must not count proposals"
    assert client_request.get("banding.proposed_bands").h1 == "Bands to agree"

    client_request.sign_in_as(factories.make_user(Role.FUNDING_OFFICER, organisation=council))
    menu = client_request.get("banding.proposed_bands").texts(".portal-header__nav a")
    assert "Bands to agree" in menu
    client_request.sign_in_as(senco)
    assert "Bands to agree" not in client_request.get("cases.home").texts(".portal-header__nav a")
