"""'All about me': the young person and parents write their own part at any stage; the council
reads it, may change it (and the family sees who did); it goes into the plan with who wrote it."""

from __future__ import annotations

import pytest
from flask import g

from portal.plans import services

ANSWERS = {
    "liked_for": "I am funny and kind.",
    "matters": "My dog Biscuit.",
    "hard": "Loud rooms.",
    "how_to_help": "Tell me what happens next.",
    "hopes": "To be a vet.",
}


def test_the_young_person_writes_their_part_and_comes_back_to_it(
    client_request, family_case, young_person
):
    """Saved, shown again filled in, and on the case timeline for everyone on the case."""
    client_request.sign_in_as(young_person)
    client_request.post(
        "plans.about_me_page",
        ANSWERS,
        url_values={"case_id": family_case.public_id},
        expected_redirect=f"/cases/{family_case.public_id}/all-about-me",
    )
    page = client_request.get("plans.about_me_page", case_id=family_case.public_id)
    assert page.html.select_one("textarea#hopes").get_text().strip() == "To be a vet."
    case_page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "Yara Young added to “All about me”." in case_page.text("main")


def test_each_family_member_writes_their_own_part(
    client_request, new_client, family_case, young_person, parent
):
    """The parent's words and the young person's are separate; each sees the other's."""
    client_request.sign_in_as(young_person)
    client_request.post(
        "plans.about_me_page", ANSWERS, url_values={"case_id": family_case.public_id}
    )
    other = new_client()
    other.sign_in_as(parent)
    other.post(
        "plans.about_me_page",
        {"liked_for": "Alfie is brave."},
        url_values={"case_id": family_case.public_id},
    )
    page = other.get("plans.about_me_page", case_id=family_case.public_id)
    assert page.html.select_one("textarea#liked_for").get_text().strip() == "Alfie is brave."
    assert "My dog Biscuit." in page.text("main")  # the young person's part, to read


@pytest.mark.parametrize("who", ["senco", "parent2", "other_council_officer", "editor"])
def test_nobody_else_writes_or_reads_the_page(request, client_request, family_case, who):
    """Schools and strangers get 404 (the school reads Section A in the plan itself)."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("plans.about_me_page", case_id=family_case.public_id, expected_status=404)
    client_request.post(
        "plans.about_me_page",
        ANSWERS,
        url_values={"case_id": family_case.public_id},
        expected_status=404,
    )


def test_the_council_changes_a_part_and_the_family_sees_who_did(
    client_request, new_client, family_case, young_person, case_officer
):
    """The officer's change is shown to the young person with the officer's name."""
    client_request.sign_in_as(young_person)
    client_request.post(
        "plans.about_me_page", ANSWERS, url_values={"case_id": family_case.public_id}
    )
    officer = new_client()
    officer.sign_in_as(case_officer)
    page = officer.get("plans.about_me_page", case_id=family_case.public_id)
    change = page.html.select_one("a[href*='/all-about-me/']")["href"]
    part_id = int(change.rsplit("/", 1)[1])
    officer.post(
        "plans.change_about_me",
        {**ANSWERS, "hard": "Loud rooms and crowds."},
        url_values={"case_id": family_case.public_id, "part_id": part_id},
    )
    page = client_request.get("plans.about_me_page", case_id=family_case.public_id)
    assert "Chris Officer from the council changed your words" in page.text(".govuk-inset-text")
    assert page.html.select_one("textarea#hard").get_text().strip() == "Loud rooms and crowds."


def test_the_sent_draft_keeps_all_about_me_as_it_was_when_sent(
    app, client_request, family_case, young_person, case_officer, parent
):
    """Section A of a sent draft shows the family's words with who wrote them, frozen: later
    changes show in the next version, not in the one already sent."""
    from tests.plans.conftest import write_plan

    client_request.sign_in_as(young_person)
    client_request.post(
        "plans.about_me_page", ANSWERS, url_values={"case_id": family_case.public_id}
    )
    with app.test_request_context():
        write_plan(case_officer, family_case)
        draft = services.send_draft(case_officer, family_case)
        g.pop("_grants", None)
    client_request.post(
        "plans.about_me_page",
        {**ANSWERS, "hopes": "To be a pilot."},
        url_values={"case_id": family_case.public_id},
    )
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_version", version_id=draft.public_id)
    section_a = page.text("#section-a")
    assert "In Yara Young’s words" in section_a and "The young person" in section_a
    assert "To be a vet." in section_a and "To be a pilot." not in section_a
