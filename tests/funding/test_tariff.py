"""The stored tariff and budget: a funding officer sets them per financial year, copies last
year's with an uplift, every change is audited, and the money pages price from them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts.models import Role
from portal.audit import Event
from portal.extensions import db
from portal.funding import tariff as tariffs
from portal.funding.money import (
    BANDS,
    FinancialYear,
    NotAnAmount,
    SettingType,
    parse_pounds,
    uplifted,
)
from portal.refusals import Refused
from tests import factories

THIS_YEAR = FinancialYear.containing(clock.today())


@pytest.fixture
def funding_officer(council):
    return factories.make_user(Role.FUNDING_OFFICER, organisation=council, name="Fran Funding")


def _full_form(**overrides) -> dict:
    """Every box filled: band n in setting k is £(1000 × n + k)."""
    data = {"budget": "250,000"}
    for index, setting in enumerate(SettingType):
        for band in BANDS:
            data[tariffs.field_name(band, setting)] = f"{1000 * band + index}"
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("6500", 650_000),
        ("6,500", 650_000),
        ("£6,500.50", 650_050),
        ("6500.5", 650_050),
        (" 6500.05 ", 650_005),
        ("0", 0),
        ("1,234,567.89", 123_456_789),
        ("12.", 1_200),
    ],
)
def test_amounts_typed_in_pounds_are_read_as_whole_pence(typed, pence):
    """Commas, a pound sign and up to two numbers of pence are all understood, without floats."""
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-5", "negative"),
        ("£-5", "negative"),
        ("6500.505", "pence"),
        ("six thousand", "format"),
        ("6,50", "format"),
        ("1e5", "format"),
        ("6500.50.1", "format"),
    ],
)
def test_what_is_not_an_amount_says_why(typed, problem):
    with pytest.raises(NotAnAmount) as raised:
        parse_pounds(typed)
    assert raised.value.problem == problem


@pytest.mark.parametrize(
    ("amount", "percent", "result"),
    [
        (650_000, Decimal("2"), 663_000),
        (650_000, Decimal("0"), 650_000),
        (650_001, Decimal("2.5"), 666_251),  # 666,251.025 rounds down
        (100_001, Decimal("-1.5"), 98_501),  # 98,500.985 rounds up
        (33_333, Decimal("0.5"), 33_500),  # 33,499.665 rounds up
    ],
)
def test_an_uplift_rounds_to_the_penny(amount, percent, result):
    assert uplifted(amount, percent) == result


def test_funding_officer_sets_a_years_tariff_and_budget(client_request, funding_officer):
    """Every figure is stored in pence, the budget too, and the change is on the audit trail."""
    client_request.sign_in_as(funding_officer)
    year = THIS_YEAR.start_year
    page = client_request.get("money.edit_tariff", start_year=year)
    assert page.h1 == f"Set the tariff and budget for {THIS_YEAR.label}"
    client_request.post(
        "money.edit_tariff",
        _full_form(top_up_mainstream_3="£6,500.50"),
        url_values={"start_year": year},
        expected_redirect=f"/funding/tariff/{year}",
    )
    stored = tariffs.load_year(THIS_YEAR)
    assert stored.tariff is not None and not stored.illustrative
    assert stored.tariff.annual_top_up(3, SettingType.MAINSTREAM) == 650_050
    assert stored.tariff.annual_top_up(6, SettingType.POST_16) == 600_300
    assert stored.budget_pence == 25_000_000
    page = client_request.get("money.tariff_page", start_year=year)
    assert "is £250,000" in page.text("#budget")
    assert "£6,500.50" in page.texts("table tbody td")
    event = db.session.scalars(select(Event).where(Event.action == "funding.tariff_saved")).one()
    assert event.actor_id == funding_officer.id
    assert event.detail["changes"]["mainstream band 3"] == [None, 650_050]
    assert event.detail["changes"]["budget"] == [None, 25_000_000]

    # A second save records only what changed.
    client_request.post(
        "money.edit_tariff",
        _full_form(top_up_mainstream_3="6500.50", budget="260000"),
        url_values={"start_year": year},
    )
    second = db.session.scalars(
        select(Event).where(Event.action == "funding.tariff_saved").order_by(Event.id.desc())
    ).first()
    assert second.detail["changes"] == {"budget": [25_000_000, 26_000_000]}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"top_up_mainstream_3": ""},
            "Enter the top-up for band 3 in a mainstream school",
        ),
        (
            {"top_up_special_school_2": "-100"},
            "The top-up for band 2 in a special school must be £0 or more",
        ),
        (
            {"top_up_post_16_6": "12.345"},
            "The top-up for band 6 in a post-16 must be in pounds and pence, with no more than "
            "2 numbers after the decimal point",
        ),
        (
            {"top_up_resourced_provision_1": "ten pounds"},
            "The top-up for band 1 in a resourced provision must be an amount of money, like 6500 "
            "or 6,500.50",
        ),
        (
            {"top_up_mainstream_1": "2,000,000"},
            "The top-up for band 1 in a mainstream school must be £1,000,000 or less",
        ),
        (
            {"budget": "12..5"},
            "The budget must be an amount of money, like 6500 or 6,500.50",
        ),
    ],
)
def test_a_mistake_is_explained_and_nothing_typed_is_lost(
    client_request, funding_officer, overrides, message
):
    """The error summary names the box, the page says "Error" in its title, every box keeps
    what was typed, and nothing is saved."""
    client_request.sign_in_as(funding_officer)
    data = _full_form(**overrides)
    page = client_request.post(
        "money.edit_tariff", data, url_values={"start_year": 2026}, expected_status=200
    )
    assert page.error_summary == [message]
    name = next(iter(overrides))
    assert page.html.select_one(".govuk-error-summary a")["href"] == f"#{name}"
    for key, value in data.items():
        assert page.html.select_one(f"input[name={key}]")["value"] == value.strip()
    assert tariffs.load_year(FinancialYear(2026)).tariff is None
    assert not db.session.scalars(select(Event).where(Event.action.like("funding.tariff%"))).all()


def test_a_blank_budget_is_allowed(client_request, funding_officer):
    client_request.sign_in_as(funding_officer)
    client_request.post("money.edit_tariff", _full_form(budget=""), url_values={"start_year": 2030})
    stored = tariffs.load_year(FinancialYear(2030))
    assert stored.tariff is not None and stored.budget_pence is None


def test_copying_last_years_tariff_with_an_uplift(client_request, funding_officer):
    """Each top-up rises by the uplift, rounded to the penny; the budget stays as it was."""
    client_request.sign_in_as(funding_officer)
    client_request.post("money.edit_tariff", _full_form(), url_values={"start_year": 2026})
    client_request.post(
        "money.edit_tariff", _full_form(budget="99"), url_values={"start_year": 2027}
    )
    page = client_request.get("money.copy_tariff", start_year=2027)
    assert "This replaces the tariff already set" in page.text("main")
    client_request.post(
        "money.copy_tariff",
        {"uplift": "2.5%"},
        url_values={"start_year": 2027},
        expected_redirect="/funding/tariff/2027",
    )
    stored = tariffs.load_year(FinancialYear(2027))
    assert stored.tariff is not None
    assert stored.tariff.annual_top_up(3, SettingType.MAINSTREAM) == 307_500  # £3,000 + 2.5%
    assert stored.tariff.annual_top_up(1, SettingType.RESOURCED) == 102_603  # £1,001 + 2.5%
    assert stored.budget_pence == 9_900
    event = db.session.scalars(select(Event).where(Event.action == "funding.tariff_copied")).one()
    assert event.detail["copied_from"] == 2026
    assert event.detail["uplift_percent"] == "2.5"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the uplift as a percentage, like 2 or 2.5"),
        ("two", "The uplift must be a number, like 2 or 2.5"),
        ("2.555", "The uplift must be a number with up to 2 decimal places"),
        ("75", "The uplift must be between -50 and 50"),
        ("NaN", "The uplift must be a number with up to 2 decimal places"),
    ],
)
def test_copy_uplift_validation(client_request, funding_officer, typed, message):
    client_request.sign_in_as(funding_officer)
    client_request.post("money.edit_tariff", _full_form(), url_values={"start_year": 2026})
    page = client_request.post(
        "money.copy_tariff", {"uplift": typed}, url_values={"start_year": 2027}, expected_status=200
    )
    assert page.error_summary == [message]
    assert page.html.select_one("input[name=uplift]")["value"] == typed
    assert tariffs.load_year(FinancialYear(2027)).tariff is None


def test_nothing_to_copy_says_so(client_request, funding_officer):
    client_request.sign_in_as(funding_officer)
    page = client_request.get("money.copy_tariff", start_year=2040)
    assert "There is no tariff for April 2039 to March 2040 to copy." in page.text("main")
    page = client_request.post(
        "money.copy_tariff", {"uplift": "2"}, url_values={"start_year": 2040}, expected_status=200
    )
    assert page.error_summary == ["There is no tariff for April 2039 to March 2040 to copy."]
    with pytest.raises(Refused):
        tariffs.copy_previous_year(funding_officer, FinancialYear(2040), Decimal(2))


def test_only_funding_officers_change_the_tariff(new_client, case_officer, senco, parent):
    """Case officers may read it; schools and families may not see it at all."""
    officer = new_client()
    officer.sign_in_as(case_officer)
    officer.get("money.tariff_page", start_year=2026)
    officer.get("money.edit_tariff", start_year=2026, expected_status=403)
    officer.post(
        "money.edit_tariff", _full_form(), url_values={"start_year": 2026}, expected_status=403
    )
    officer.post(
        "money.copy_tariff", {"uplift": "2"}, url_values={"start_year": 2026}, expected_status=403
    )
    for person in (senco, parent):
        browser = new_client()
        browser.sign_in_as(person)
        browser.get("money.tariff_page", start_year=2026, expected_status=403)
        browser.get("money.edit_tariff", start_year=2026, expected_status=403)
    assert tariffs.load_year(FinancialYear(2026)).tariff is None


def test_a_year_out_of_range_is_not_found(client_request, funding_officer):
    client_request.sign_in_as(funding_officer)
    client_request.get("money.tariff_page", start_year=1, expected_status=404)
    client_request.get("money.edit_tariff", start_year=9999, expected_status=404)


def test_without_a_stored_tariff_money_pages_say_so(client_request, case_officer):
    """Outside the demo nothing is priced with made-up figures: the page says no tariff is set."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("funding.committed_spend")
    assert f"No tariff has been set for {THIS_YEAR.label}" in page.text("main")
    assert "£" not in page.text("main")
    client_request.get("funding.committed_spend_csv", expected_status=404)


def test_the_demo_tariff_is_labelled_illustrative(client_request, case_officer):
    tariffs.load_demo_tariffs(THIS_YEAR)
    stored = tariffs.load_years([THIS_YEAR, THIS_YEAR.next()])
    assert all(s.tariff is not None and s.illustrative for s in stored.values())
    client_request.sign_in_as(case_officer)
    for endpoint, values in (
        ("funding.committed_spend", {}),
        ("money.tariff_page", {"start_year": THIS_YEAR.next().start_year}),
    ):
        page = client_request.get(endpoint, **values)
        assert "Illustrative — not a real council’s figures" in page.text(".govuk-warning-text")


def test_changing_the_demo_budget_keeps_the_tariff_marked_illustrative(
    client_request, funding_officer
):
    """The box is ticked for an illustrative year, so saving a new budget does not pass the
    made-up figures off as the council's; unticking it is recorded."""
    tariffs.load_demo_tariffs(THIS_YEAR)
    client_request.sign_in_as(funding_officer)
    year = THIS_YEAR.start_year
    page = client_request.get("money.edit_tariff", start_year=year)
    data = {i["name"]: i.get("value", "") for i in page.html.select("form input[name]")}
    assert page.html.select_one("input[name=illustrative]").has_attr("checked")
    data["budget"] = "70000"
    client_request.post("money.edit_tariff", data, url_values={"start_year": year})
    stored = tariffs.load_year(THIS_YEAR)
    assert stored.illustrative and stored.budget_pence == 7_000_000
    del data["illustrative"]
    client_request.post("money.edit_tariff", data, url_values={"start_year": year})
    assert not tariffs.load_year(THIS_YEAR).illustrative
    last = db.session.scalars(
        select(Event).where(Event.action == "funding.tariff_saved").order_by(Event.id.desc())
    ).first()
    assert last.detail["changes"] == {"illustrative": [True, False]}
