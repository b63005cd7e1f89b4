"""A round end to end through the screens: the quality lead opens it and draws the sample, the
auditor audits section by section and submits, the grade is computed and explained, and a plan
that falls short leaves an action for its case officer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.audit import Event
from portal.extensions import db
from portal.quality import services
from portal.quality.models import Audit, AuditRound, QualityAction, SampledPlan
from portal.quality.services import RoundRule
from tests.conftest import strip_ws

ROUND_FORM = {
    "name": "November 2026",
    "starts_on-day": "1",
    "starts_on-month": "1",
    "starts_on-year": "2020",
    "ends_on-day": "31",
    "ends_on-month": "12",
    "ends_on-year": "2030",
    "percentage": "100",
    "moderation_percentage": "0",
}


def _open_round(client_request, auditors, **changes) -> AuditRound:
    data = dict(ROUND_FORM, **changes)
    data["auditors"] = [str(a.id) for a in auditors]
    client_request.post("quality.open_round", data)
    return db.session.scalars(select(AuditRound).order_by(AuditRound.id.desc())).first()


def _case_public_id(case_id: int) -> str:
    from portal.cases.models import Case

    return db.session.get(Case, case_id).public_id


def _answer_all(client_request, item, answer_for) -> None:
    """Answer every criterion through the section screens, `answer_for(code)` each."""
    framework = services.framework_of(item.framework)
    for section in framework.sections:
        data = {c.code: answer_for(c.code) for c in section.criteria}
        data["comment"] = f"Comment on {section.letter}"
        data["then"] = "next"
        client_request.post(
            "quality.audit_section",
            data,
            url_values={"audit_id": item.public_id, "section": section.letter.lower()},
        )


def test_a_round_from_opening_to_the_case_officers_action(
    client_request, new_client, issued_plans, quality_lead, auditor, case_officer
):
    """The whole loop, as the people involved see it."""
    client_request.sign_in_as(quality_lead)
    page = client_request.get("quality.open_round")
    assert "Avery Auditor" in page.text("main")
    round_ = _open_round(client_request, [auditor])
    page = client_request.get("quality.rounds")
    assert "November 2026" in page.text("main table")
    page = client_request.get("quality.round_page", round_id=round_.public_id)
    assert "Draw the sample" in page.text("main")
    client_request.post("quality.draw_sample", url_values={"round_id": round_.public_id})
    audits = db.session.scalars(select(Audit).where(Audit.round_id == round_.id)).all()
    assert len(audits) == 4 and {a.auditor_id for a in audits} == {auditor.id}

    client_request.sign_in_as(auditor)
    page = client_request.get("quality.my_audits")
    item = audits[0]
    assert item.sample.reference in page.text("main")

    # One screen per section: the plan's section beside its criteria, with the checker's hints.
    page = client_request.get("quality.audit_section", audit_id=item.public_id, section="f")
    assert "Section F" in page.h1
    assert "Speech therapy programme" in page.text(".portal-audit__plan")
    assert "Limiting" in page.text("main form")

    # Save part of it, come back: the answers are kept.
    client_request.post(
        "quality.audit_section",
        {"F1": "yes", "comment": "Clear help", "then": "overview"},
        url_values={"audit_id": item.public_id, "section": "f"},
        expected_redirect=f"/quality/audits/{item.public_id}",
    )
    page = client_request.get("quality.audit_section", audit_id=item.public_id, section="f")
    assert page.html.select_one("#F1-yes").has_attr("checked")
    assert "Clear help" in page.text("main textarea")

    # With JavaScript each answer is saved as it is chosen: htmx gets only the status back.
    page = client_request.post(
        "quality.audit_section",
        {"F1": "yes", "F2": "no", "comment": "Clear help"},
        url_values={"audit_id": item.public_id, "section": "f"},
        htmx=True,
        expected_status=200,
    )
    assert page.response.get_data(as_text=True).strip().startswith("Saved at")
    assert services.answers_of(item)["F2"] == "no"

    # Submitting with criteria unanswered says which.
    page = client_request.post(
        "quality.submit_audit",
        {"strengths": "", "improvements": "", "when": "now"},
        url_values={"audit_id": item.public_id},
        expected_status=200,
    )
    assert "Answer every criterion" in " ".join(page.error_summary)

    # Everything met but one limiting criterion in F: Requires improvement, explained.
    framework = services.framework_of(item.framework)
    limiting = next(
        c for s in framework.sections if s.letter == "F" for c in s.criteria if c.limiting
    )
    _answer_all(client_request, item, lambda code: "no" if code == limiting.code else "yes")
    client_request.post(
        "quality.submit_audit",
        {"strengths": "Lovely voice", "improvements": "Quantify the help in F", "when": "now"},
        url_values={"audit_id": item.public_id},
    )
    page = client_request.get("quality.audit_page", audit_id=item.public_id)
    text = strip_ws(page.text("main"))
    assert "Requires improvement because " + limiting.code in text
    assert "a limiting criterion" in text
    db.session.refresh(item)
    assert item.grade == "Requires improvement" and item.framework.version >= 1
    # A submitted audit cannot be changed.
    client_request.get(
        "quality.audit_section", audit_id=item.public_id, section="a", expected_status=404
    )

    # The case officer sees the action and marks it done.
    officer = new_client()
    officer.sign_in_as(case_officer)
    page = officer.get("quality.my_feedback")
    assert "Quantify the help in F" in page.text("main")
    action = db.session.scalar(select(QualityAction))
    assert action.officer_id == case_officer.id
    # ... and on the case page of that plan, where the family never sees it.
    case = item.sample
    page = officer.get("cases.case_page", case_id=_case_public_id(case.case_id))
    assert "Quantify the help in F" in page.text("#quality-section-title + div")
    officer.post("quality.complete_action", url_values={"action_id": action.public_id})
    db.session.refresh(action)
    assert action.done_at is not None
    # Every section the auditor opened is in the audit trail against the case.
    reads = db.session.scalars(
        select(Event).where(Event.action == "quality.plan_section_read")
    ).all()
    assert reads and all(e.case_id == item.sample.case_id for e in reads)

    # The quality lead asks for a re-audit, linked to the first.
    client_request.sign_in_as(quality_lead)
    client_request.post("quality.start_reaudit", url_values={"action_id": action.public_id})
    again = db.session.scalar(select(Audit).where(Audit.reaudit_of_id == item.id))
    assert again is not None and again.auditor_id == auditor.id and again.kind == "reaudit"


def test_the_same_seed_draws_the_same_sample_and_nobody_audits_their_own_plan(
    app, issued_plans, quality_lead, auditor, case_officer
):
    """Two rounds with the same rule and seed draw the same plans; the case officer, though an
    auditor in the round, is never given a plan they manage."""
    rule = RoundRule("R", issued_plans[0].frozen_at.date(), issued_plans[0].frozen_at.date(), 50)
    drawn = []
    with app.test_request_context():
        for _ in range(2):
            round_ = services.open_round(quality_lead, rule, [auditor.id, case_officer.id], seed=99)
            services.draw_sample(quality_lead, round_)
            db.session.commit()
            drawn.append(
                db.session.scalars(
                    select(SampledPlan.plan_version_id).where(SampledPlan.round_id == round_.id)
                ).all()
            )
        assert drawn[0] == drawn[1] and len(drawn[0]) == 2
        given = db.session.scalars(select(Audit)).all()
        assert given and all(a.auditor_id == auditor.id for a in given)


def test_a_second_auditor_is_blind_and_a_moderator_settles_a_difference(
    client_request, new_client, issued_plans, quality_lead, auditor, auditor2
):
    """With moderation at 100%, each plan has a second auditor who cannot read the first audit;
    different grades are flagged and the lead records the agreed grade and why."""
    client_request.sign_in_as(quality_lead)
    round_ = _open_round(
        client_request, [auditor, auditor2], percentage="25", moderation_percentage="100"
    )
    client_request.post("quality.draw_sample", url_values={"round_id": round_.public_id})
    first, second = db.session.scalars(select(Audit).order_by(Audit.id)).all()
    assert first.sample_id == second.sample_id and first.auditor_id != second.auditor_id
    by_id = {auditor.id: auditor, auditor2.id: auditor2}

    one, two = new_client(), new_client()
    one.sign_in_as(by_id[first.auditor_id])
    two.sign_in_as(by_id[second.auditor_id])
    two.get("quality.audit_page", audit_id=first.public_id, expected_status=404)
    _answer_all(one, first, lambda code: "yes")
    one.post(
        "quality.submit_audit",
        {"strengths": "", "improvements": "", "when": "now"},
        url_values={"audit_id": first.public_id},
    )
    two.get("quality.audit_page", audit_id=first.public_id, expected_status=404)
    _answer_all(two, second, lambda code: "no" if code.startswith(("B", "E", "F")) else "yes")
    two.post(
        "quality.submit_audit",
        {"strengths": "", "improvements": "", "when": "now"},
        url_values={"audit_id": second.public_id},
    )
    # The blind second audit leaves no action; the first audit met everything.
    assert db.session.scalar(select(QualityAction)) is None
    page = client_request.get("quality.round_page", round_id=round_.public_id)
    text = strip_ws(page.text("main"))
    assert "Grades differ" in text and "0% agreement" in text
    page = client_request.get(
        "quality.moderate", round_id=round_.public_id, sample_id=first.sample_id
    )
    assert "Agreed grade" in page.text("main form")
    page = client_request.post(
        "quality.moderate",
        {"grade": "Good", "reason": ""},
        url_values={"round_id": round_.public_id, "sample_id": first.sample_id},
        expected_status=200,
    )
    assert page.error_summary == ["Say why this grade was agreed"]
    client_request.post(
        "quality.moderate",
        {"grade": "Requires improvement", "reason": "Outcomes are not measurable"},
        url_values={"round_id": round_.public_id, "sample_id": first.sample_id},
    )
    page = client_request.get("quality.round_page", round_id=round_.public_id)
    assert "Agreed: Requires improvement" in strip_ws(page.text("main"))
    # The agreed grade stands for the plan: now its case officer is asked to act.
    action = db.session.scalar(select(QualityAction))
    assert action is not None and action.audit_id == first.id
    assert action.text == "Outcomes are not measurable"


def test_publishing_a_new_framework_never_changes_an_old_grade(
    app, client_request, issued_plans, quality_lead, auditor
):
    """An audit keeps its round's framework version: after a stricter version 2 is published,
    the old audit's grade is the same, and only new rounds use version 2."""
    import copy

    day = issued_plans[0].frozen_at.date()
    with app.test_request_context():
        old_round = services.open_round(quality_lead, RoundRule("Old", day, day, 25), [auditor.id])
        services.draw_sample(quality_lead, old_round)
        item = db.session.scalars(select(Audit)).one()
        framework = services.framework_of(item.framework)
        for section in framework.sections:
            answers = {c.code: "yes" for c in section.criteria}
            answers[section.criteria[0].code] = "no" if section.letter == "K" else "yes"
            services.save_section(auditor, item, section.letter, answers, "")
        before = services.submit(auditor, item, strengths="", improvements="", when="now")
        db.session.commit()

        stricter = copy.deepcopy(item.framework.body)
        stricter["version"] = item.framework.version + 1
        stricter["bands"][0]["minimum"] = 1.0  # Outstanding only with every criterion met
        new = services.publish(quality_lead, stricter)
        new_round = services.open_round(quality_lead, RoundRule("New", day, day, 25), [auditor.id])
        db.session.commit()
        with pytest.raises(services.Refused):
            services.publish(quality_lead, stricter)  # the same version twice

        assert before.grade.value == "Outstanding"
        assert services.result_for(item).grade.value == "Outstanding"
        assert item.framework.version == framework.version
        assert new_round.framework_id == new.id and old_round.framework_id != new.id


def test_a_professional_invited_into_a_round_finds_my_audits_in_their_menu(
    client_request, new_client, issued_plans, quality_lead, psychologist
):
    """Before the invitation a psychologist's menu has no audits (the page is 404 to them);
    once invited into a round, "My audits" is in their menu and opens their audits."""
    ep = new_client()
    ep.sign_in_as(psychologist)
    assert "My audits" not in ep.get("cases.home").texts("header nav a")
    ep.get("quality.my_audits", expected_status=404)
    client_request.sign_in_as(quality_lead)
    _open_round(client_request, [psychologist])
    menu = ep.get("cases.home").html.select("header nav a")
    assert "My audits" in [" ".join(a.get_text().split()) for a in menu]
    link = next(a["href"] for a in menu if "My audits" in a.get_text())
    assert ep.client.get(link).status_code == 200
