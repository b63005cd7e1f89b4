"""Asking for funding bands at the right moments: once the council sends the draft plan (or
issues it, or keeps it after a review), whoever may propose the case's bands is asked on the case
page to propose a band for each area of need in the plan's Section B still without an agreed one.
The task costs one query; families never see it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import g

from portal import clock
from portal.cases.models import CaseMilestones
from portal.casework.steps import plan as plan_steps
from portal.casework.steps import review as review_steps
from portal.extensions import db
from portal.funding import services
from portal.funding.prompts import band_prompt_section
from portal.plans import services as plans
from portal.plans.models import Section

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def _today(app):
    clock.freeze(datetime(2027, 3, 10, 10, 0))


@pytest.fixture
def deciding(family_case):
    """The family's case at "deciding about a plan", the assessment finished."""
    family_case.stage = "decision"
    family_case.request_received_on = date(2027, 1, 4)
    db.session.add(
        CaseMilestones(
            case_id=family_case.id,
            assessment_decided_on=date(2027, 1, 20),
            assessment_outcome="yes",
            assessment_finished_on=date(2027, 2, 10),
        )
    )
    db.session.flush()
    return family_case


def _write_plan(app, officer, case) -> None:
    """Section B: a communication need and a cognition need (and a strength, which is no need)."""
    with app.test_request_context():
        g.pop("_grants", None)
        plans.save_need(
            officer, case, Section.B, text="Finds it hard to talk", area="communication"
        )
        plans.save_need(officer, case, Section.B, text="Reads slowly", area="cognition")
        db.session.commit()


def _propose(case, who, area: str):
    return services.propose(
        case,
        who,
        area_of_need=area,
        band=3,
        setting_type="mainstream",
        effective=date(2027, 3, 1),
        statements="Fits.",
        evidence="Section B: a need",
    )


def _task(client_request, case) -> str | None:
    page = client_request.get("cases.case_page", case_id=case.public_id)
    banner = page.html.select_one("#band-prompt-title")
    return (
        banner.find_parent(class_="govuk-notification-banner").get_text(" ", strip=True)
        if banner
        else None
    )


def test_sending_the_draft_asks_for_a_band_for_each_area_of_need_until_agreed(
    app, client_request, deciding, case_officer, senco, parent
):
    _write_plan(app, case_officer, deciding)
    client_request.sign_in_as(case_officer)
    assert _task(client_request, deciding) is None  # no decision to issue a plan yet

    plan_steps.send_draft(case_officer, deciding, sent_on=date(2027, 3, 1))
    task = _task(client_request, deciding)
    assert task is not None and task.startswith("Propose funding bands")
    assert "Propose a band for communication and interaction" in task
    assert "Propose a band for cognition and learning" in task
    assert "sensory" not in task and "social" not in task
    page = client_request.get("cases.case_page", case_id=deciding.public_id)
    link = page.html.find("a", string="Propose a band for cognition and learning")
    assert link["href"] == f"/cases/{deciding.public_id}/bands/propose/cognition"

    # The school may propose too, so it is asked; the family never is.
    client_request.sign_in_as(senco)
    assert "Propose a band for cognition and learning" in _task(client_request, deciding)
    client_request.sign_in_as(parent)
    assert _task(client_request, deciding) is None

    # A proposal waiting is shown as waiting, not asked for again.
    communication = _propose(deciding, senco, "communication")
    db.session.commit()
    client_request.sign_in_as(case_officer)
    task = _task(client_request, deciding)
    assert "Propose a band for communication" not in task
    assert "Proposed and waiting to be agreed: communication and interaction" in task

    services.decide(communication, case_officer, band=3, reason="")
    services.decide(_propose(deciding, case_officer, "cognition"), case_officer, band=3, reason="")
    db.session.commit()
    assert _task(client_request, deciding) is None


def test_a_plan_kept_after_a_review_asks_again_only_where_no_band_is_agreed(
    app, client_request, deciding, case_officer
):
    """A plan not written in the portal names no areas: the task asks for bands until one is
    agreed. Deciding to end the plan after a review asks for nothing."""
    client_request.sign_in_as(case_officer)
    plan_steps.send_draft(case_officer, deciding, sent_on=date(2027, 2, 11))
    task = _task(client_request, deciding)
    assert "No band has been proposed for this plan yet" in task
    plan_steps.issue_final_plan(case_officer, deciding, issued_on=date(2027, 3, 1))
    services.decide(_propose(deciding, case_officer, "semh"), case_officer, band=3, reason="")
    db.session.commit()
    assert _task(client_request, deciding) is None

    # At the review the plan now has a cognition need without a band.
    _write_plan(app, case_officer, deciding)
    with app.test_request_context():
        g.pop("_grants", None)
        plans.send_draft(case_officer, deciding)
        db.session.commit()
    review = review_steps.schedule_review(case_officer, deciding, meeting_on=TODAY).subject
    assert _task(client_request, deciding) is None  # not until the council decides
    review_steps.record_review_decision(case_officer, review, decision="keep", decided_on=TODAY)
    task = _task(client_request, deciding)
    assert "Propose a band for communication and interaction" in task
    assert "Propose a band for cognition and learning" in task


def test_ending_the_plan_after_a_review_asks_for_nothing(
    app, client_request, deciding, case_officer
):
    client_request.sign_in_as(case_officer)
    plan_steps.send_draft(case_officer, deciding, sent_on=date(2027, 2, 11))
    plan_steps.issue_final_plan(case_officer, deciding, issued_on=date(2027, 3, 1))
    services.decide(_propose(deciding, case_officer, "semh"), case_officer, band=3, reason="")
    db.session.commit()
    review = review_steps.schedule_review(case_officer, deciding, meeting_on=TODAY).subject
    review_steps.record_review_decision(case_officer, review, decision="cease", decided_on=TODAY)
    assert _task(client_request, deciding) is None
    review_steps.cease_plan(case_officer, deciding, letter_on=TODAY)
    assert _task(client_request, deciding) is None


def test_the_task_costs_one_query(app, deciding, case_officer, senco, count_queries):
    _write_plan(app, case_officer, deciding)
    plan_steps.send_draft(case_officer, deciding, sent_on=date(2027, 3, 1))
    for area in ("communication", "cognition", "semh"):
        _propose(deciding, senco, area)
    db.session.commit()
    db.session.refresh(deciding)  # the case page has the case and the person loaded already
    db.session.refresh(case_officer)
    with app.test_request_context(), count_queries() as queries:
        section = band_prompt_section(deciding, case_officer)
    assert section is not None and len(section["waiting"]) == 2
    assert len(queries) == 1, queries
