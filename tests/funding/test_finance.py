"""The council's committed top-up for a year, summed in the database in one query."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.accounts.models import OrganisationKind, Role
from portal.audit import Event
from portal.extensions import db
from portal.funding import services
from portal.funding.finance import committed_in_year
from portal.funding.money import (
    FinancialYear,
    SettingType,
    due_in_year,
    illustrative_tariff,
    pounds,
)
from tests import factories
from tests.factories import make_case, make_organisation
from tests.funding.banding_support import add_band
from tests.reauth import asks_for_a_fresh_code_then_sends

YEAR = FinancialYear(2026)
TARIFF = illustrative_tariff(YEAR, base_year=2026)


def test_committed_matches_the_per_pupil_arithmetic(family_case, senco, case_officer, council):
    add_band(family_case, senco, case_officer, effective=date(2026, 9, 1))
    add_band(family_case, senco, case_officer, band=5, effective=date(2027, 1, 1))
    other = make_case(team=council, officer=case_officer)
    add_band(
        other,
        case_officer,
        case_officer,
        area="semh",
        setting="special_school",
        effective=date(2025, 1, 1),
        band=2,
    )
    # Not yet agreed: not committed.
    services.propose(
        other,
        case_officer,
        area_of_need="cognition",
        band=6,
        setting_type="mainstream",
        effective=date(2026, 4, 1),
        statements="x",
        evidence="y",
    )
    elsewhere = make_case(team=make_organisation(kind=OrganisationKind.COUNCIL))
    add_band(elsewhere, case_officer, case_officer, band=6, effective=date(2026, 4, 1))
    rows = {(r.band, r.area_of_need, r.setting): r for r in committed_in_year(TARIFF, council.id)}
    assert set(rows) == {
        (2, "semh", SettingType.SPECIAL),
        (3, "cognition", SettingType.MAINSTREAM),
        (5, "cognition", SettingType.MAINSTREAM),
    }
    assert rows[(3, "cognition", SettingType.MAINSTREAM)].committed == 217_260
    assert rows[(5, "cognition", SettingType.MAINSTREAM)].committed == 320_548
    assert rows[(2, "semh", SettingType.SPECIAL)].committed == 1_300_000
    periods = services.agreed_periods(family_case, "cognition")
    assert due_in_year(periods, {YEAR: TARIFF}, YEAR) == 217_260 + 320_548


def test_one_query_whatever_the_number_of_plans(
    family_case, senco, case_officer, council, count_queries
):
    def bands_and_count():
        with count_queries() as queries:
            committed_in_year(TARIFF, council.id)
        return len(queries)

    add_band(family_case, senco, case_officer, effective=date(2026, 9, 1))
    few = bands_and_count()
    for n in range(30):
        case = make_case(team=council, officer=case_officer)
        add_band(case, case_officer, case_officer, band=1 + n % 6, effective=date(2026, 4, 1))
    assert bands_and_count() == few == 1
    total = sum(r.pupils for r in committed_in_year(TARIFF, council.id))
    assert total == 31


def test_case_officer_sees_committed_spend_and_downloads_the_csv(
    client_request, family_case, senco, case_officer, council, parent, stored_tariff
):
    from portal.clock import today

    add_band(
        family_case, senco, case_officer, effective=FinancialYear.containing(today()).first_day
    )
    client_request.sign_in_as(case_officer)
    page = client_request.get("funding.committed_spend")
    assert page.h1.startswith("Committed top-up, April ")
    cells = page.texts("table tbody td")
    assert cells[:3] == ["Band 3", "Cognition and learning", "Mainstream school"]
    assert cells[-1] == "£6,500"
    response = client_request.client.get("/funding/committed-spend/download")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[1].endswith(",Cognition and learning,Mainstream school,1,6500.00")
    downloads = db.session.scalars(
        select(Event).where(Event.action == "funding.committed_spend_downloaded")
    ).all()
    assert [event.actor_id for event in downloads] == [case_officer.id]


def test_families_and_schools_cannot_see_the_councils_spend(new_client, parent, senco):
    for person in (parent, senco):
        browser = new_client()
        browser.sign_in_as(person)
        browser.get("funding.committed_spend", expected_status=403)
        browser.get("funding.committed_spend_csv", expected_status=403)


def test_case_page_shows_bands_in_plain_words_and_money_only_to_school_and_council(
    new_client, family_case, senco, case_officer, parent, stored_tariff
):
    from portal.clock import today

    start = FinancialYear.containing(today()).first_day
    add_band(family_case, senco, case_officer, band=4, effective=start)
    for person, sees_money in ((parent, False), (senco, True), (case_officer, True)):
        browser = new_client()
        browser.sign_in_as(person)
        page = browser.get("cases.case_page", case_id=family_case.public_id)
        section = page.html.select_one("#bands-section-title").parent
        text = section.get_text(" ", strip=True)
        assert "Cognition and learning" in text and "Band 4" in text
        link = section.select_one("a[href='/banded-funding/bands-cognition-and-learning']")
        assert link is not None
        assert ("£" in text) is sees_money, person.role


def test_funding_officer_lands_on_the_councils_committed_spend(client_request, council):
    officer = factories.make_user(Role.FUNDING_OFFICER, organisation=council)
    client_request.sign_in_as(officer)
    home = client_request.client.get("/home")
    assert home.status_code == 302
    assert home.headers["Location"].endswith("/funding/committed-spend")
    page = client_request.get("funding.committed_spend")
    assert page.h1.startswith("Committed top-up, April ")
    # Their menu has the page and nothing that reaches a case.
    assert "Committed top-up" in page.texts("nav a")
    client_request.get("cases.home", expected_status=302)


def test_no_top_up_is_committed_after_the_plan_ends(
    stored_tariff, family_case, senco, case_officer, council
):
    """A plan ended on 1 October: its band is paid from April to September only, on the
    committed-spend page and on the funding dashboard alike; a band agreed with no end is paid
    for the whole year."""
    from portal.cases.models import CaseMilestones
    from portal.funding.dashboard import funding_dashboard
    from portal.funding.money import pro_rata

    year = stored_tariff.year
    add_band(family_case, senco, case_officer, band=4, effective=date(year.start_year - 1, 9, 1))
    annual = stored_tariff.annual_top_up(4, SettingType.MAINSTREAM)
    full_year = committed_in_year(stored_tariff, council.id)[0].committed
    assert full_year == annual
    ended = date(year.start_year, 10, 1)
    db.session.add(CaseMilestones(case=family_case, ceased_on=ended))
    family_case.stage = "ceased"
    db.session.flush()
    part_year = pro_rata(annual, date(year.start_year - 1, 9, 1), ended, year)
    assert 0 < part_year < annual
    assert committed_in_year(stored_tariff, council.id)[0].committed == part_year
    assert funding_dashboard(council.id, year).totals.committed == part_year


def test_the_committed_spend_csv_asks_for_a_fresh_code(
    client_request, family_case, senco, case_officer, stored_tariff
):
    data = asks_for_a_fresh_code_then_sends(
        client_request,
        case_officer,
        "/funding/committed-spend/download",
        mimetype="text/csv",
        action="funding.committed_spend_downloaded",
    )
    assert data.decode().startswith("Financial year,Band,Area of need")


def test_the_case_page_stops_the_top_up_where_the_plan_ends(
    client_request, stored_tariff, family_case, senco, case_officer, council
):
    """The case page prices its bands as the finance pages do: a plan ended on 1 October is due
    its top-up from April to September only, the committed-spend page's figure, not a year's."""
    from portal.cases.models import CaseMilestones
    from portal.dates import long_date
    from portal.funding.money import pro_rata

    year = stored_tariff.year
    add_band(family_case, senco, case_officer, band=4, effective=date(year.start_year - 1, 9, 1))
    annual = stored_tariff.annual_top_up(4, SettingType.MAINSTREAM)
    client_request.sign_in_as(case_officer)

    def bands_text() -> str:
        page = client_request.get("cases.case_page", case_id=family_case.public_id)
        return page.html.select_one("#bands-section-title").parent.get_text(" ", strip=True)

    whole = bands_text()
    assert f"{pounds(annual)} due in {year.label}" in whole
    ended = date(year.start_year, 10, 1)
    db.session.add(CaseMilestones(case=family_case, ceased_on=ended))
    family_case.stage = "ceased"
    db.session.commit()
    part_year = pro_rata(annual, date(year.start_year - 1, 9, 1), ended, year)
    assert committed_in_year(stored_tariff, council.id)[0].committed == part_year
    text = bands_text()
    assert f"{pounds(part_year)} due in {year.label}" in text
    assert f"£{annual // 100:,} a year until the plan ended on {long_date(ended)};" in text
