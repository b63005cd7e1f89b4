"""The funding dashboard: committed spend against the budget, the plans in progress, by band,
area of need, setting type and school, with charts, tables and a CSV for finance."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts.models import OrganisationKind, Role
from portal.audit import Event
from portal.extensions import db
from portal.funding.money import FinancialYear, pence, pounds
from portal.funding.tariff import TariffYear
from tests import factories
from tests.funding.banding_support import add_band
from tests.funding.bulk import add_banded_plans
from tests.reauth import asks_for_a_fresh_code_then_sends

YEAR = FinancialYear.containing(clock.today())


@pytest.fixture
def funding_officer(council):
    return factories.make_user(Role.FUNDING_OFFICER, organisation=council, name="Fran Funding")


def _set_budget(pence: int) -> None:
    db.session.get(TariffYear, YEAR.start_year).budget_pence = pence
    db.session.flush()


@pytest.fixture
def banded(family_case, senco, case_officer, council, school, stored_tariff):
    """Alfie (Oak Primary): band 3 mainstream all year, agreed. Another pupil at Oak: band 5
    special school all year, agreed. A third (no school): band 2 mainstream proposed. And a
    case of another council, banded 6, that must not count."""
    start = YEAR.first_day
    add_band(family_case, senco, case_officer, effective=start)
    second = factories.make_case(team=council, officer=case_officer, school=school)
    add_band(
        second,
        case_officer,
        case_officer,
        band=5,
        setting="special_school",
        area="semh",
        effective=start,
    )
    third = factories.make_case(team=council, officer=case_officer)
    add_band(third, case_officer, case_officer, band=2, effective=start, agree=False)
    other = factories.make_organisation("Elsewhere Council", OrganisationKind.COUNCIL)
    add_band(factories.make_case(team=other), case_officer, case_officer, band=6, effective=start)
    return stored_tariff


def test_dashboard_shows_committed_spend_against_the_budget_and_the_forecast(
    client_request, funding_officer, banded
):
    """Committed is the agreed bands; in progress the proposed ones; the gap is the budget less
    the committed spend, and it goes red when the council is over."""
    _set_budget(2_000_000)  # £20,000
    client_request.sign_in_as(funding_officer)
    page = client_request.get("money.dashboard")
    assert page.h1 == f"Funding dashboard, {YEAR.label}"
    summary = dict(
        zip(
            page.texts("#budget-summary dt"),
            page.texts("#budget-summary dd.govuk-summary-list__value"),
            strict=True,
        )
    )
    assert summary["Budget"] == "£20,000"
    # £6,500 (band 3 mainstream) + £25,000 (band 5 special school), the whole year.
    assert summary["Committed"].startswith("£31,500 for 2 agreed bands (2 pupils, 1 school)")
    assert summary["Over the budget by"] == "£11,500 over"
    assert summary["Plans in progress"].startswith("£4,000 more if the 1 proposed band (1 pupil)")
    assert summary["Forecast"] == "£35,500 (£15,500 over the budget)"

    by_band = page.html.select_one("#by-band-table")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.select("th, td")]
        for tr in by_band.select("tbody tr")
    ]
    assert rows == [
        ["Band 2", "0", "£0", "1", "£4,000", "£4,000"],
        ["Band 3", "1", "£6,500", "0", "£0", "£6,500"],
        ["Band 5", "1", "£25,000", "0", "£0", "£25,000"],
    ]
    schools = page.texts("#by-school-table tbody th")
    assert schools == ["Oak Primary School", "No school recorded"]
    # Each chart is an image with a title and a description that carry its figures.
    svg = page.html.select_one("svg[aria-labelledby='by-band-svg-title by-band-desc']")
    assert svg["role"] == "img"
    assert svg.select_one("title").get_text() == "Top-up by band"
    assert "Band 5 £25,000" in svg.select_one("desc").get_text()


def test_setting_the_budget_changes_the_dashboard(client_request, funding_officer, banded):
    client_request.sign_in_as(funding_officer)
    page = client_request.get("money.dashboard")
    assert "Not entered yet" in page.text("#budget-summary")
    form = client_request.get("money.edit_tariff", start_year=YEAR.start_year)
    data = {i["name"]: i.get("value", "") for i in form.html.select("form input[name]")}
    data["budget"] = "40,000"
    client_request.post("money.edit_tariff", data, url_values={"start_year": YEAR.start_year})
    page = client_request.get("money.dashboard")
    assert "Left in the budget £8,500" in page.text("#budget-summary")


def test_dashboard_csv_for_finance_is_audited(client_request, case_officer, banded):
    client_request.sign_in_as(case_officer)
    response = client_request.client.get(f"/funding/dashboard/download?year={YEAR.start_year}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("Financial year,Band,Area of need")
    assert (
        f"{YEAR.label},3,Cognition and learning,Mainstream school,1,6500.00,0,0.00,6500.00" in lines
    )
    assert f"{YEAR.label},All,All,All,2,31500.00,1,4000.00,35500.00" in lines
    events = db.session.scalars(select(Event).where(Event.action == "funding.dashboard_downloaded"))
    assert [e.actor_id for e in events] == [case_officer.id]


def test_a_band_change_part_way_through_the_year_is_priced_pro_rata(
    client_request, case_officer, family_case, senco, stored_tariff
):
    add_band(family_case, senco, case_officer, band=3, effective=YEAR.first_day)
    add_band(
        family_case, senco, case_officer, band=5, effective=YEAR.first_day + timedelta(days=100)
    )
    client_request.sign_in_as(case_officer)
    page = client_request.get("money.dashboard")
    # £6,500 × 100/days + £13,000 × (days − 100)/days, each summed as pence × days.
    days = YEAR.days
    expected = pence(Decimal(650_000 * 100 + 1_300_000 * (days - 100)) / days)
    assert f"{pounds(expected)} for 2 agreed bands" in page.text("#budget-summary")


def test_without_a_tariff_the_dashboard_counts_but_prices_nothing(
    client_request, case_officer, family_case, senco
):
    add_band(family_case, senco, case_officer, effective=YEAR.first_day)
    client_request.sign_in_as(case_officer)
    page = client_request.get("money.dashboard")
    assert f"No tariff has been set for {YEAR.label}" in page.text("main")
    assert page.html.select_one("svg.portal-chart") is None
    assert page.texts("#by-band-table tbody td") == ["1", "0"]


def test_the_year_can_be_chosen_and_unknown_years_are_ignored(client_request, case_officer):
    client_request.sign_in_as(case_officer)
    page = client_request.get("money.dashboard", year=str(YEAR.start_year + 1))
    assert page.h1 == f"Funding dashboard, {YEAR.next().label}"
    page = client_request.get("money.dashboard", year="1066")
    assert page.h1 == f"Funding dashboard, {YEAR.label}"


def test_only_council_staff_see_the_dashboard(
    new_client, senco, parent, young_person, psychologist, admin
):
    for person in (senco, parent, young_person, psychologist, admin):
        browser = new_client()
        browser.sign_in_as(person)
        browser.get("money.dashboard", expected_status=403)
        browser.get("money.dashboard_csv", expected_status=403)


def test_dashboard_queries_do_not_grow_with_the_number_of_plans(
    client_request, case_officer, council, school, stored_tariff, count_queries
):
    """The same number of SQL statements for 10 banded plans as for 2,000."""
    other_school = factories.make_organisation("Second School")
    db.session.commit()
    client_request.sign_in_as(case_officer)

    def statements() -> int:
        with count_queries() as seen:
            client_request.get("money.dashboard")
        return len(seen)

    add = partial(
        add_banded_plans,
        team_id=council.id,
        school_ids=[school.id, other_school.id],
        officer_id=case_officer.id,
        first_day=YEAR.first_day,
    )
    add(10)
    few = statements()
    add(1_990)
    assert statements() == few
    page = client_request.get("money.dashboard")
    assert "(2000 pupils, 2 schools)" in page.text("#budget-summary")


def test_the_finance_csv_asks_for_a_fresh_code(client_request, funding_officer, banded):
    """A stale second factor is asked for again before the figures are sent."""
    data = asks_for_a_fresh_code_then_sends(
        client_request,
        funding_officer,
        f"/funding/dashboard/download?year={YEAR.start_year}",
        mimetype="text/csv",
        action="funding.dashboard_downloaded",
    )
    assert data.decode().startswith("Financial year,Band,Area of need")
