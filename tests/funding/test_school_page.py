"""A school's page: its banded pupils, their bands and the top-up it can expect this financial
year and next month. Schools see their own only; council staff any; families never."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.audit import Event
from portal.cases.models import CaseMilestones
from portal.extensions import db
from portal.funding.money import FinancialYear, next_month, pence
from tests import factories
from tests.funding.banding_support import add_band
from tests.funding.bulk import add_banded_plans

TODAY = clock.today()
YEAR = FinancialYear.containing(TODAY)


@pytest.fixture
def funding_officer(council):
    return factories.make_user(Role.FUNDING_OFFICER, organisation=council)


def test_senco_sees_their_pupils_bands_and_expected_top_up(
    client_request, senco, school, family_case, case_officer, council, stored_tariff
):
    """Band 3 in a mainstream school all year: £6,500 above the school's own £6,000, due in
    full this year; next month's share is the days of that month over the days in the year."""
    add_band(family_case, senco, case_officer, effective=YEAR.first_day)
    # A pupil at the school whose case the coordinator holds no grant on: listed, not linked.
    unshared = factories.make_case(
        team=council, officer=case_officer, school=school, first_name="Bea", last_name="Zed"
    )
    add_band(unshared, case_officer, case_officer, band=1, area="semh", effective=YEAR.first_day)
    # A pupil of another school: never on this page.
    elsewhere = factories.make_case(
        team=council, officer=case_officer, school=factories.make_organisation("Far School")
    )
    add_band(elsewhere, case_officer, case_officer, band=6, effective=YEAR.first_day)

    client_request.sign_in_as(senco)
    location = client_request.get_redirect("money.my_school")
    assert location == f"/funding/schools/{school.id}"
    page = client_request.get("money.school_page", school_id=school.id)
    assert page.h1 == "Top-up funding for Oak Primary School"
    rows = page.html.select("#pupils tbody tr")
    assert len(rows) == 2
    first = [c.get_text(" ", strip=True) for c in rows[0].select("th, td")]
    assert first[0] == f"A. {family_case.child.last_name[0]}. case {family_case.reference}"
    assert first[1] == (
        "Cognition and learning: band 3, mainstream school — £6,500 a year above the first "
        "£6,000 the school meets"
    )
    first_day, last_day = next_month(TODAY)
    month_days = (last_day - first_day).days + 1
    month_year = FinancialYear.containing(first_day)
    month_share = pence(Decimal(650_000) * month_days / month_year.days)
    assert first[2:4] == ["£6,500", "£6,500"]
    assert first[4] == _pounds(month_share)
    assert rows[0].select_one("a")["href"] == f"/cases/{family_case.public_id}"
    second = rows[1]
    assert second.select_one("a") is None  # no grant: the case does not open from here
    assert "Social, emotional and mental health: band 1" in second.get_text(" ", strip=True)
    totals = dict(
        zip(page.texts("#school-totals dt"), page.texts("#school-totals dd"), strict=True)
    )
    assert totals["Banded pupils"] == "2"
    assert totals[f"Expected top-up, {YEAR.label}"] == "£8,500"  # £6,500 + £2,000
    viewed = db.session.scalars(select(Event).where(Event.action == "funding.school_page_viewed"))
    assert [e.actor_id for e in viewed] == [senco.id]


def _pounds(pence: int) -> str:
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" + (f".{part:02d}" if part else "")


def test_a_band_change_this_year_is_shared_over_the_days(
    client_request, senco, school, family_case, case_officer, stored_tariff
):
    change = YEAR.first_day + timedelta(days=73)
    add_band(family_case, senco, case_officer, band=2, effective=YEAR.first_day)
    add_band(family_case, senco, case_officer, band=4, effective=change)
    client_request.sign_in_as(senco)
    page = client_request.get("money.school_page", school_id=school.id)
    cells = page.texts("#pupils tbody td")
    # £4,000 for 73 days and £9,500 for the rest of the year, each rounded to the penny.
    expected = pence(Decimal(400_000) * 73 / YEAR.days) + pence(
        Decimal(950_000) * (YEAR.days - 73) / YEAR.days
    )
    assert cells[2] == _pounds(expected)
    band_now = 4 if change <= TODAY else 2
    assert f"band {band_now}" in cells[0]


def test_a_pupils_top_up_stops_where_their_plan_ends(
    client_request, senco, school, family_case, case_officer, stored_tariff
):
    """A plan ended on 1 May: the pupil's row is due April's share only, the same as the
    school's total (summed in SQL), and nothing next month."""
    add_band(family_case, senco, case_officer, band=3, effective=YEAR.first_day)
    ended = YEAR.first_day + timedelta(days=30)
    db.session.add(CaseMilestones(case=family_case, ceased_on=ended))
    family_case.stage = "ceased"
    db.session.commit()
    client_request.sign_in_as(senco)
    page = client_request.get("money.school_page", school_id=school.id)
    cells = page.texts("#pupils tbody td")
    april = pence(Decimal(650_000) * 30 / YEAR.days)
    assert cells[2] == _pounds(april)  # before: £6,500, a whole year
    totals = dict(
        zip(page.texts("#school-totals dt"), page.texts("#school-totals dd"), strict=True)
    )
    assert totals[f"Expected top-up, {YEAR.label}"] == _pounds(april)
    if FinancialYear.containing(next_month(TODAY)[0]) == YEAR:
        assert cells[3] == "£0"


def test_schools_see_only_their_own_page(new_client, senco, school, parent, young_person):
    other_school = factories.make_organisation("Other School")
    browser = new_client()
    browser.sign_in_as(senco)
    browser.get("money.school_page", school_id=other_school.id, expected_status=404)
    browser.get("money.school_page", school_id=999_999, expected_status=404)
    for person in (parent, young_person):
        family = new_client()
        family.sign_in_as(person)
        family.get("money.school_page", school_id=school.id, expected_status=403)
        family.get("money.my_school", expected_status=403)


def test_council_staff_open_any_schools_page(
    new_client, case_officer, funding_officer, school, family_case, senco, stored_tariff
):
    """A case officer's rows open the case; a funding officer (no case access) sees no links."""
    add_band(family_case, senco, case_officer, effective=YEAR.first_day)
    for person, links in ((case_officer, 1), (funding_officer, 0)):
        browser = new_client()
        browser.sign_in_as(person)
        page = browser.get("money.school_page", school_id=school.id)
        assert len(page.html.select("#pupils tbody tr")) == 1
        assert len(page.html.select("#pupils tbody a")) == links
    council_page = new_client()
    council_page.sign_in_as(case_officer)
    council_page.get(
        "money.school_page", school_id=case_officer.organisation_id, expected_status=404
    )


def test_without_a_tariff_the_page_lists_bands_but_no_money(
    client_request, senco, school, family_case, case_officer
):
    add_band(family_case, senco, case_officer, effective=YEAR.first_day)
    client_request.sign_in_as(senco)
    page = client_request.get("money.school_page", school_id=school.id)
    assert f"No tariff has been set for {YEAR.label}" in page.text("main")
    assert "£" not in page.text("#pupils")


def test_school_page_is_paged_and_its_queries_do_not_grow(
    client_request, senco, school, case_officer, council, stored_tariff, count_queries
):
    """25 pupils a page, and the same number of SQL statements for 10 plans as for 2,000."""
    client_request.sign_in_as(senco)

    def statements(**values) -> int:
        with count_queries() as seen:
            client_request.get("money.school_page", school_id=school.id, **values)
        return len(seen)

    add = partial(
        add_banded_plans,
        team_id=council.id,
        school_ids=[school.id],
        officer_id=case_officer.id,
        first_day=YEAR.first_day,
    )
    add(10)
    few = statements()
    add(1_990)
    assert statements() == few
    assert statements(page=40) == few
    page = client_request.get("money.school_page", school_id=school.id, page=2)
    assert len(page.html.select("#pupils tbody tr")) == 25
    assert "26 to 50 of 2000" in page.text("#pupils caption")
    assert page.texts("#school-totals dd")[0] == "2000"
