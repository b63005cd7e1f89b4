"""Proposing and deciding bands through the pages, without JavaScript: GOV.UK forms, errors that
keep what was typed, and what each person then sees."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.funding import services
from portal.funding.models import Banding
from tests.funding.banding_support import funding_officer, plan_with_evidence, publish_descriptors


@pytest.fixture
def descriptors(app, tmp_path):
    publish_descriptors(tmp_path)


@pytest.fixture
def plan_items(app, family_case, case_officer):
    with app.test_request_context():
        return plan_with_evidence(case_officer, family_case)


@pytest.fixture
def funder(council):
    return funding_officer(council, name="Priya Funding")


def _propose_form(items, **changes) -> dict:
    data = {
        "band": "3",
        "statements": ["3-0", "3-3"],
        "evidence": [f"B-{items['talk']}", f"F-{items['therapy']}"],
        "primary": "y",
        "setting_type": "mainstream",
        "effective-day": "1",
        "effective-month": "9",
        "effective-year": "2026",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _only_banding() -> Banding:
    return db.session.scalars(select(Banding)).one()


def test_senco_proposes_a_band_with_statements_and_plan_evidence(
    client_request, family_case, senco, descriptors, plan_items
):
    """The school ticks the band's statements and the plan's needs and help; all are recorded."""
    client_request.sign_in_as(senco)
    page = client_request.get(
        "banding.propose_band", case_id=family_case.public_id, area="communication"
    )
    assert page.h1 == "Propose a band for communication and interaction"
    labels = page.texts("label[for^=evidence-]")
    assert labels == [
        "Section B: Finds it hard to follow spoken steps",
        "Section B: Finds friendships hard",
        "Section F: Speech and language therapy (Speech and language therapist, 30 minutes a week)",
    ]
    assert "Reads two years behind" not in page.html.text  # another area's need
    # Every band's statements are there without JavaScript, each band's in its own details.
    assert page.html.select_one("details#statements-band-3 input[value='3-0']")
    client_request.post(
        "banding.propose_band",
        _propose_form(plan_items),
        url_values={"case_id": family_case.public_id, "area": "communication"},
        expected_redirect=f"/cases/{family_case.public_id}/bands",
    )
    banding = _only_banding()
    assert (banding.proposed_band, banding.area_of_need, banding.primary) == (
        3,
        "communication",
        True,
    )
    assert banding.effective == date(2026, 9, 1)
    assert banding.statements.splitlines() == [
        "The child needs help to join in most lessons.",
        "An adult nearby for part of each day.",
    ]
    assert banding.evidence.splitlines() == [
        "From the plan (Draft 1):",
        "Section B: Finds it hard to follow spoken steps",
        "Section F: Speech and language therapy (Speech and language therapist, 30 minutes a week)",
    ]
    page = client_request.get("banding.case_bands", case_id=family_case.public_id)
    assert "Communication and interaction: band 3 proposed" in page.texts("h3")


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"band": None, "statements": None, "evidence": None, "setting_type": None},
            [
                "Choose a band from 1 to 6",
                "Choose the descriptor statements that fit the child best, "
                "or describe the need in your own words",
                "Choose the type of school or setting",
            ],
        ),
        (
            {"statements": ["3-0", "4-1"]},
            ["Choose statements from band 3 only, or change the band you chose"],
        ),
        (
            {"effective-day": "31", "effective-month": "2"},
            ["The date the band starts must be a real date"],
        ),
        (
            {"effective-day": "", "effective-month": "", "effective-year": ""},
            ["Enter the date the band starts"],
        ),
        (
            {"statements": ["3-99"]},
            ["One of the items you chose is no longer there. Choose again."],
        ),
    ],
)
def test_bad_input_shows_the_errors_and_keeps_what_was_typed(
    client_request, family_case, senco, descriptors, plan_items, changes, errors
):
    client_request.sign_in_as(senco)
    form = _propose_form(plan_items, own_words="", other_evidence="Report by Dr Lee", **changes)
    page = client_request.post(
        "banding.propose_band",
        form,
        url_values={"case_id": family_case.public_id, "area": "communication"},
        expected_status=200,
    )
    assert page.error_summary == errors
    assert page.html.title.text.startswith("Error: ")
    assert page.html.select_one("#other_evidence").text.strip() == "Report by Dr Lee"
    assert page.html.select_one("#effective-year")["value"] == form.get("effective-year", "")
    for key in form.get("statements") or []:
        box = page.html.select_one(f"input[name=statements][value='{key}']")
        assert box is None or box.has_attr("checked")
    assert db.session.scalars(select(Banding)).all() == []


def test_a_band_can_rest_on_own_words_when_there_is_no_plan(
    client_request, family_case, case_officer, descriptors
):
    """Before the plan has needs written, the officer describes the evidence in words."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("banding.propose_band", case_id=family_case.public_id, area="semh")
    assert "There are no needs or help" in page.text("main form")
    client_request.post(
        "banding.propose_band",
        {
            "band": "2",
            "own_words": "Anxious at change",
            "other_evidence": "School report, March",
            "setting_type": "special_school",
            "effective-day": "1",
            "effective-month": "4",
            "effective-year": "2027",
        },
        url_values={"case_id": family_case.public_id, "area": "semh"},
    )
    banding = _only_banding()
    assert (banding.statements, banding.evidence) == (
        "Anxious at change",
        "Other evidence: School report, March",
    )


def test_funding_officer_changes_a_band_only_with_a_reason(
    client_request, family_case, senco, funder, descriptors
):
    banding = services.propose(
        family_case,
        senco,
        area_of_need="communication",
        band=3,
        setting_type="mainstream",
        effective=date(2026, 9, 1),
        statements="An adult nearby for part of each day.",
        evidence="Section B: Finds it hard to follow spoken steps",
    )
    client_request.sign_in_as(funder)
    queue = client_request.get("banding.proposed_bands")
    assert queue.texts("tbody tr td:nth-child(2)") == ["Communication and interaction"]
    page = client_request.get("banding.decide_band", banding_id=banding.id)
    assert "An adult nearby for part of each day." in page.text("dl")
    page = client_request.post(
        "banding.decide_band",
        {"decision": "different", "band": "4", "reason": ""},
        url_values={"banding_id": banding.id},
        expected_status=200,
    )
    assert page.error_summary == ["Say why the band is 4 and not the proposed band 3."]
    assert page.html.select_one("#band-3").has_attr("checked")
    page = client_request.post(
        "banding.decide_band",
        {"decision": "different"},
        url_values={"banding_id": banding.id},
        expected_status=200,
    )
    assert page.error_summary == ["Choose the band the council agrees"]
    client_request.post(
        "banding.decide_band",
        {"decision": "different", "band": "4", "reason": "Needs an adult most of the day"},
        url_values={"banding_id": banding.id},
        expected_redirect="/funding/bands-to-agree",
    )
    db.session.refresh(banding)
    assert (banding.status, banding.agreed_band, banding.decided_by_id) == ("agreed", 4, funder.id)
    assert banding.moderation_reason == "Needs an adult most of the day"
    assert client_request.get("banding.proposed_bands").texts("tbody tr") == []


@pytest.fixture
def small_group(family_case, senco):
    """The school proposes band 2 for cognition and learning, waiting for the council."""
    return services.propose(
        family_case,
        senco,
        area_of_need="cognition",
        band=2,
        setting_type="mainstream",
        effective=date(2026, 9, 1),
        statements="Small group most days.",
        evidence="Section B: Reads two years behind",
    )


def test_agreeing_as_proposed_needs_no_reason(client_request, small_group, case_officer):
    banding = small_group
    client_request.sign_in_as(case_officer)
    client_request.post(
        "banding.decide_band", {"decision": "as_proposed"}, url_values={"banding_id": banding.id}
    )
    db.session.refresh(banding)
    assert (banding.status, banding.agreed_band, banding.was_changed) == ("agreed", 2, False)


def test_withdrawing_asks_first_then_withdraws(client_request, small_group, case_officer):
    """GET shows the confirmation and changes nothing; POST withdraws."""
    banding = small_group
    client_request.sign_in_as(case_officer)
    page = client_request.get("banding.withdraw_band", banding_id=banding.id)
    assert page.h1 == "Withdraw the proposed band for cognition and learning"
    db.session.refresh(banding)
    assert banding.status == "proposed"
    client_request.post(
        "banding.withdraw_band",
        {"reason": "Proposed for the wrong child"},
        url_values={"banding_id": banding.id},
    )
    db.session.refresh(banding)
    assert (banding.status, banding.moderation_reason) == (
        "withdrawn",
        "Proposed for the wrong child",
    )


def test_family_reads_what_the_band_means_and_never_money_or_proposals(
    client_request, family_case, senco, case_officer, parent, descriptors
):
    agreed = services.propose(
        family_case,
        senco,
        area_of_need="communication",
        band=3,
        setting_type="mainstream",
        effective=date(2026, 4, 1),
        statements="An adult nearby for part of each day.",
        evidence="Section B: Finds it hard to follow spoken steps",
        primary=True,
    )
    services.decide(agreed, case_officer, band=4, reason="Needs an adult most of the day")
    services.propose(
        family_case,
        senco,
        area_of_need="semh",
        band=5,
        setting_type="mainstream",
        effective=date(2026, 4, 1),
        statements="Secret proposal words",
        evidence="Section B: something",
    )
    client_request.sign_in_as(parent)
    page = client_request.get("banding.case_bands", case_id=family_case.public_id)
    text = page.text("main")
    assert "Communication and interaction: band 4 (main area of need)" in page.texts("h3")
    assert "An adult with the child for most of the day." in text  # band 4's typical help
    assert "£" not in text and "top-up" not in text.lower()
    assert "Secret proposal words" not in text and "band 5" not in text.lower()
    assert "Needs an adult most of the day" not in text  # the moderation reason
    history = client_request.get("cases.case_timeline", case_id=family_case.public_id)
    assert "Band 4 agreed for communication and interaction" in history.text("main")
    assert "proposed" not in history.text("main").lower()
    case_page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "£" not in case_page.text("#bands-section-title + p + dl")
    assert case_page.html.select_one(f"a[href='/cases/{family_case.public_id}/bands']")
