"""The quality lead changes the framework in forms, one section at a time, without JavaScript,
and publishes a new version: new rounds use it, audits already made keep theirs."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit import Event
from portal.extensions import db
from portal.quality import services
from portal.quality.models import Audit, FrameworkDraft, FrameworkVersion
from portal.quality.services import RoundRule

SAVED = "/quality/framework/edit?saved="


def _form_data(page) -> dict[str, str]:
    """What a browser without JavaScript sends back from the section form as it stands."""
    form = page.html.select_one("main form[method=post]")
    data: dict[str, str] = {}
    for node in form.select("input, textarea"):
        name = node.get("name")
        if not name or node.name == "button":
            continue
        if node.get("type") == "checkbox":
            if node.has_attr("checked"):
                data[name] = node["value"]
        elif node.name == "textarea":
            data[name] = node.get_text()
        else:
            data[name] = node.get("value", "")
    data.pop("csrf_token", None)
    return data


def _section(client_request, letter: str):
    return client_request.get("quality.edit_framework_section", letter=letter)


def _post_section(client_request, letter: str, data: dict, **kwargs):
    return client_request.post(
        "quality.edit_framework_section", data, url_values={"letter": letter}, **kwargs
    )


def test_changing_a_criterion_and_publishing_makes_a_version_new_audits_use(
    app, client_request, issued_plans, quality_lead, auditor
):
    """The lead rewords A1 in the form and publishes: version 2 has the new wording, a round
    opened afterwards uses it, and an audit made before keeps version 1 and its grade."""
    day = issued_plans[0].frozen_at.date()
    with app.test_request_context():
        old_round = services.open_round(quality_lead, RoundRule("Old", day, day, 25), [auditor.id])
        services.draw_sample(quality_lead, old_round)
        item = db.session.scalars(select(Audit)).one()
        for section in services.framework_of(item.framework).sections:
            answers = {c.code: "yes" for c in section.criteria}
            services.save_section(auditor, item, section.letter, answers, "")
        before = services.submit(auditor, item, strengths="", improvements="", when="now")
        db.session.commit()

    client_request.sign_in_as(quality_lead)
    page = _section(client_request, "a")
    data = _form_data(page)
    assert data["criteria-0-code"] == "A1"
    data["criteria-0-text"] = "The child's own words come first."
    _post_section(client_request, "a", data | {"action": "save"}, expected_redirect=SAVED + "A")
    # Saved as a draft only: auditors still see version 1.
    assert (
        db.session.scalar(select(FrameworkVersion.version).order_by(FrameworkVersion.id.desc()))
        == 1
    )
    page = client_request.get("quality.edit_framework")
    assert "Changed" in page.text("main")
    page = client_request.get("quality.review_framework")
    assert "The child's own words come first." in page.text("main")
    client_request.post(
        "quality.publish_framework_draft", expected_redirect="/quality/framework?published=2"
    )

    page = client_request.get("quality.framework_page")
    assert "Version 2" in page.text("main")
    assert "The child's own words come first." in page.text("main")
    assert db.session.scalar(select(FrameworkDraft)) is None
    published = db.session.scalars(
        select(Event).where(Event.action == "quality.framework_published")
    ).all()
    assert [e.detail.get("version") for e in published][-1] == 2

    with app.test_request_context():
        new_round = services.open_round(quality_lead, RoundRule("New", day, day, 25), [auditor.id])
        db.session.commit()
    assert new_round.framework.version == 2
    assert services.framework_of(new_round.framework).criterion("A1").text == (
        "The child's own words come first."
    )
    db.session.refresh(item)
    assert item.framework.version == 1
    assert services.framework_of(item.framework).criterion("A1").text != (
        "The child's own words come first."
    )
    assert services.result_for(item).grade == before.grade


def test_a_limiting_criterion_outside_b_e_and_f_is_refused_and_nothing_typed_is_lost(
    client_request, quality_lead
):
    """Section A offers no "limiting" box; a request that ticks one anyway is refused in plain
    English and the form comes back as typed."""
    client_request.sign_in_as(quality_lead)
    page = _section(client_request, "a")
    assert not page.html.select("input[type=checkbox]")
    data = _form_data(page) | {"criteria-1-limiting": "yes", "guidance": "Typed guidance."}
    page = _post_section(client_request, "a", data | {"action": "save"}, expected_status=200)
    assert page.error_summary == [
        "Criterion A2 cannot be limiting: only criteria in sections B, E and F can stop a plan "
        "being Good"
    ]
    assert page.html.select_one("#guidance").get_text() == "Typed guidance."
    assert page.html.title.get_text().startswith("Error: ")
    assert db.session.scalar(select(FrameworkDraft)) is None

    # In F the box is offered and a limiting criterion is fine.
    page = _section(client_request, "f")
    assert page.html.select("input[type=checkbox]")
    data = _form_data(page) | {"criteria-0-limiting": "yes", "action": "save"}
    _post_section(client_request, "f", data, expected_redirect=SAVED + "F")
    draft = db.session.scalar(select(FrameworkDraft))
    section_f = next(s for s in draft.body["sections"] if s["letter"] == "F")
    assert section_f["criteria"][0]["limiting"] is True


def test_adding_and_removing_criteria_with_buttons_and_the_last_one_stays(
    client_request, quality_lead
):
    """Without JavaScript: "Add a criterion" brings back the form with a new row (next code,
    what was typed kept); "Remove" drops a row; the last criterion of a section cannot go;
    nothing is saved until "Save this section"; mistakes are listed in the error summary."""
    client_request.sign_in_as(quality_lead)
    data = _form_data(_section(client_request, "g"))
    assert [k for k in data if k.endswith("-code")] == ["criteria-0-code"]
    data["criteria-0-text"] = "Reworded but not saved yet."

    page = _post_section(client_request, "g", data | {"action": "add"}, expected_status=200)
    assert page.error_summary == []
    data = _form_data(page)
    assert data["criteria-0-text"] == "Reworded but not saved yet."
    assert data["criteria-1-code"] == "G2" and data["criteria-1-text"] == ""
    assert db.session.scalar(select(FrameworkDraft)) is None

    page = _post_section(client_request, "g", data | {"action": "save"}, expected_status=200)
    assert page.error_summary == ["Enter the wording of criterion 2"]
    assert page.html.select_one("#criteria-1-text-error")

    page = _post_section(client_request, "g", data | {"action": "remove-0"}, expected_status=200)
    data = _form_data(page)
    assert data == {
        "weight": data["weight"],
        "guidance": data["guidance"],
        "criteria-0-code": "G2",
        "criteria-0-text": "",
    }
    page = _post_section(client_request, "g", data | {"action": "remove-0"}, expected_status=200)
    assert page.error_summary == [
        "Section G must have at least one criterion: add another before you remove this one"
    ]
    assert _form_data(page)["criteria-0-code"] == "G2"

    # A request that sends no criteria at all is refused too.
    bare = {"weight": "1", "guidance": "Something.", "action": "save"}
    page = _post_section(client_request, "g", bare, expected_status=200)
    assert page.error_summary == ["Section G must have at least one criterion"]

    data["criteria-0-text"] = "Social care and health needs are told apart."
    data["weight"] = "abc"
    page = _post_section(client_request, "g", data | {"action": "save"}, expected_status=200)
    assert page.error_summary == ["Enter a weight for the section, a whole number from 1 to 100"]
    assert _form_data(page)["weight"] == "abc"
    data["weight"] = "2"
    _post_section(client_request, "g", data | {"action": "save"}, expected_redirect=SAVED + "G")
    draft = db.session.scalar(select(FrameworkDraft))
    section_g = next(s for s in draft.body["sections"] if s["letter"] == "G")
    assert section_g["weight"] == 2
    assert section_g["criteria"] == [
        {"code": "G2", "text": "Social care and health needs are told apart."}
    ]
    saved = db.session.scalars(
        select(Event).where(Event.action == "quality.framework_draft_saved")
    ).all()
    assert len(saved) == 1

    # The lead can throw the changes away: version 1 stays, the draft goes.
    client_request.post("quality.discard_framework_draft", expected_redirect="/quality/framework")
    assert db.session.scalar(select(FrameworkDraft)) is None


def test_grades_must_fall_from_outstanding_down(client_request, quality_lead):
    """The grade thresholds are a form too; thresholds in the wrong order are refused."""
    client_request.sign_in_as(quality_lead)
    page = client_request.get("quality.edit_framework_grades")
    assert page.html.select_one("#outstanding")["value"] == "90"
    data = {
        "name": "Our framework",
        "outstanding": "50",
        "good": "75",
        "requires_improvement": "40",
    }
    page = client_request.post("quality.edit_framework_grades", data, expected_status=200)
    assert page.error_summary == ["Band thresholds must fall from best to worst and end at 0."]
    assert page.html.select_one("#good")["value"] == "75"
    data["outstanding"] = "95"
    client_request.post("quality.edit_framework_grades", data, expected_redirect=SAVED + "grades")
    draft = db.session.scalar(select(FrameworkDraft))
    assert draft.body["name"] == "Our framework"
    assert [b["minimum"] for b in draft.body["bands"]] == [0.95, 0.75, 0.4, 0]


def test_changing_the_framework_on_a_get_changes_nothing(client_request, quality_lead):
    """Opening the editor pages saves no draft; review without changes goes back to the list."""
    client_request.sign_in_as(quality_lead)
    client_request.get("quality.edit_framework")
    _section(client_request, "b")
    client_request.get("quality.edit_framework_grades")
    assert client_request.get_redirect("quality.review_framework", expected_status=303) == (
        "/quality/framework/edit"
    )
    assert db.session.scalar(select(FrameworkDraft)) is None
