"""The case officer's editor: section by section, without JavaScript, with checks that flag
vague help as the officer types (htmx) or on the Check button (no JavaScript)."""

from __future__ import annotations

from flask import g

from portal.plans import services
from portal.plans.models import Section


def _start(client_request, case):
    client_request.post(
        "plans.start_working_copy",
        url_values={"case_id": case.public_id},
        expected_redirect=f"/cases/{case.public_id}/plan/edit",
    )


def test_the_officer_writes_a_section_and_the_plan_shows_it(
    client_request, family_case, case_officer
):
    """Start writing, save Section A and "My plan", and read them back on the plan page."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("plans.edit_plan", case_id=family_case.public_id)
    assert "There is no plan for this case yet" in page.text("main")
    _start(client_request, family_case)
    client_request.post(
        "plans.edit_section",
        {"text": "Alfie *loves* trains.", "my_plan_text": "I like trains."},
        url_values={"case_id": family_case.public_id, "section": "a"},
        expected_redirect=f"/cases/{family_case.public_id}/plan/edit/a",
    )
    page = client_request.get("plans.plan_page", case_id=family_case.public_id)
    assert page.html.select_one("#section-a em").get_text() == "loves"
    assert "I like trains." in page.text(".portal-plan__my-plan")


def test_provision_is_added_with_its_links_and_the_overview_lists_what_to_fix(
    app, client_request, family_case, case_officer
):
    """An item of help saved with a vague word is kept, and the overview's checks name it."""
    client_request.sign_in_as(case_officer)
    _start(client_request, family_case)
    with app.test_request_context():
        g.pop("_grants", None)
        need = services.save_need(
            case_officer, family_case, Section.B, text="Reads slowly", area="cognition"
        )
        outcome = services.save_outcome(
            case_officer, family_case, text="Reads a book", need_ids=[need.id]
        )
        outcome_id = outcome.id
    client_request.post(
        "plans.add_item",
        {"what": "Regular phonics support", "outcomes": [str(outcome_id)]},
        url_values={"case_id": family_case.public_id, "section": "f"},
        expected_redirect=f"/cases/{family_case.public_id}/plan/edit/f",
    )
    page = client_request.get("plans.edit_section", case_id=family_case.public_id, section="f")
    assert "Regular phonics support" in page.text("main")
    assert any("“regular”" in text for text in page.texts(".portal-plan-findings li"))
    overview = client_request.get("plans.edit_plan", case_id=family_case.public_id)
    findings = overview.texts(".portal-plan-findings li")
    assert any(text.startswith("Section F") and "regular" in text for text in findings)
    assert not any("No provision helps towards" in text for text in findings)


def test_the_check_fires_as_the_officer_types_and_clears_when_fixed(
    client_request, family_case, case_officer
):
    """htmx posts the form as typed; the findings come back alone; nothing is saved."""
    client_request.sign_in_as(case_officer)
    _start(client_request, family_case)
    url_values = {"case_id": family_case.public_id, "section": "f"}
    vague = client_request.post(
        "plans.check_item",
        {"what": "Access to a quiet space as needed"},
        url_values=url_values,
        htmx=True,
        expected_status=200,
    )
    assert vague.html.select_one("#item-checks")
    texts = vague.texts(".portal-plan-findings li")
    assert any("“as needed”" in t for t in texts) and any("“access to”" in t for t in texts)
    fixed = client_request.post(
        "plans.check_item",
        {
            "what": "A quiet room with an adult for 10 minutes after lunch",
            "who": "Teaching assistant",
            "how_often": "Every school day",
            "how_long": "Until the next review",
        },
        url_values=url_values,
        htmx=True,
        expected_status=200,
    )
    assert [t for t in fixed.texts(".portal-plan-findings li") if "“" in t] == []
    page = client_request.get("plans.edit_section", case_id=family_case.public_id, section="f")
    assert "Nothing in this section yet." in page.text("main")


def test_the_check_button_works_without_javascript_and_keeps_what_was_typed(
    client_request, family_case, case_officer
):
    """Without JavaScript the Check button shows the whole form again, filled in, with findings."""
    client_request.sign_in_as(case_officer)
    _start(client_request, family_case)
    page = client_request.post(
        "plans.check_item",
        {"what": "Would benefit from a laptop", "who": "Class teacher"},
        url_values={"case_id": family_case.public_id, "section": "f"},
        expected_status=200,
    )
    assert page.html.select_one("textarea#what").get_text().strip() == "Would benefit from a laptop"
    assert page.html.select_one("input#who")["value"] == "Class teacher"
    assert any("“would benefit from”" in t for t in page.texts(".portal-plan-findings li"))
    form = page.html.select_one("main form[method=post]")
    assert form["action"].endswith(f"/cases/{family_case.public_id}/plan/edit/f/new")


def test_section_i_in_a_draft_is_refused_with_a_message(client_request, family_case, case_officer):
    """Naming a school in a draft is refused in plain words, and what was typed stays."""
    client_request.sign_in_as(case_officer)
    _start(client_request, family_case)
    page = client_request.post(
        "plans.edit_section",
        {"placement_name": "Oak Primary School", "placement_type": "mainstream"},
        url_values={"case_id": family_case.public_id, "section": "i"},
        expected_status=200,
    )
    assert "Leave Section I blank in a draft plan" in page.error_summary[0]
    assert page.html.select_one("input#placement_name")["value"] == "Oak Primary School"


def test_a_need_in_section_b_needs_its_area(client_request, family_case, case_officer):
    """Section B's needs are grouped by area: leaving it out is an error on the field."""
    client_request.sign_in_as(case_officer)
    _start(client_request, family_case)
    page = client_request.post(
        "plans.add_item",
        {"text": "Finds noise hard"},
        url_values={"case_id": family_case.public_id, "section": "b"},
        expected_status=200,
    )
    assert page.error_summary == ["Select the area of need"]
    assert page.html.select_one("textarea#text").get_text().strip() == "Finds noise hard"


def test_removing_asks_first_then_removes(app, client_request, family_case, case_officer):
    """A confirmation page on GET; the item goes on POST."""
    client_request.sign_in_as(case_officer)
    _start(client_request, family_case)
    with app.test_request_context():
        g.pop("_grants", None)
        need = services.save_need(case_officer, family_case, Section.C, text="Asthma")
        need_id = need.id
    values = {"case_id": family_case.public_id, "section": "c", "item_id": need_id}
    page = client_request.get("plans.remove_item", **values)
    assert "Asthma" in page.text(".govuk-inset-text")
    client_request.post("plans.remove_item", url_values=values)
    client_request.get("plans.remove_item", expected_status=404, **values)


def test_items_of_another_section_or_version_are_not_found(
    app, client_request, draft_plan, family_case, case_officer
):
    """An item id from a sent version or from another section is a 404 in the editor."""
    with app.test_request_context():
        old_need = services.contents(draft_plan).all_needs()[0]
        old_id = old_need.id
    client_request.sign_in_as(case_officer)
    _start(client_request, family_case)
    client_request.get(
        "plans.change_item",
        case_id=family_case.public_id,
        section="b",
        item_id=old_id,
        expected_status=404,
    )
