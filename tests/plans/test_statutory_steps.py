"""The council's statutory steps and the plan: sending the draft freezes the version the family
reads; issuing the final plan freezes it with Section I named; a refusal undoes the whole step;
a case whose plan is not written in the portal is left as before."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import g

from portal import clock
from portal.cases.facts import record_for
from portal.cases.models import CaseMilestones
from portal.extensions import db
from portal.plans import services
from portal.plans.models import VersionKind
from tests import factories
from tests.plans.conftest import write_plan

TODAY = date(2027, 3, 10)


def dated(name: str, value: date) -> dict[str, str]:
    """The three boxes of a GOV.UK date input, filled in."""
    return {f"{name}-{part}": str(getattr(value, part)) for part in ("day", "month", "year")}


@pytest.fixture(autouse=True)
def _today(app):
    clock.freeze(datetime(2027, 3, 10, 10, 0))


@pytest.fixture
def deciding(app, council, case_officer, parent):
    """A case at "deciding about a plan", with the parent on it."""
    from portal.cases.models import Relationship

    case = factories.make_case(
        team=council, officer=case_officer, stage="decision", received=date(2027, 1, 4)
    )
    factories.grant(case, parent, Relationship.PARENT_CARER, by=case_officer)
    db.session.add(
        CaseMilestones(
            case_id=case.id,
            assessment_decided_on=date(2027, 1, 20),
            assessment_outcome="yes",
            assessment_finished_on=date(2027, 2, 10),
        )
    )
    db.session.flush()
    return case


def _versions(case):
    return services.versions_of(services.plan_for(case))


def test_sending_the_draft_freezes_the_working_copy_on_the_day_of_the_letter(
    app, client_request, deciding, case_officer, parent
):
    """The family reads draft 1, dated the day it was sent, from the moment the step is done."""
    with app.test_request_context():
        write_plan(case_officer, deciding)
    client_request.sign_in_as(case_officer)
    client_request.post(
        "casework.send_draft",
        dated("sent_on", date(2027, 3, 8)),
        url_values={"case_id": deciding.public_id},
    )
    [version] = _versions(deciding)
    assert version.label == "Draft 1" and version.frozen_at.date() == date(2027, 3, 8)
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_page", case_id=deciding.public_id)
    assert "Draft 1" in page.text(".govuk-caption-l")


def test_a_draft_naming_a_school_is_refused_and_the_step_undone(
    app, client_request, deciding, case_officer
):
    """Section I filled in a draft: the step is refused with the reason, nothing is recorded."""
    with app.test_request_context():
        version = write_plan(case_officer, deciding)
        version.placement_name = "Oak Primary School"
        db.session.commit()
    client_request.sign_in_as(case_officer)
    page = client_request.post(
        "casework.send_draft",
        dated("sent_on", TODAY),
        url_values={"case_id": deciding.public_id},
        expected_status=200,
    )
    assert "Leave it blank in a draft plan" in page.error_summary[0]
    assert deciding.stage == "decision"
    assert record_for(deciding).milestones.draft_sent_on is None
    assert not _versions(deciding)[0].is_frozen


def test_issuing_the_final_plan_freezes_it_with_section_i_named(
    app, client_request, deciding, case_officer
):
    """After the draft, the officer names the school in Section I; issuing freezes the final."""
    with app.test_request_context():
        write_plan(case_officer, deciding)
    client_request.sign_in_as(case_officer)
    client_request.post(
        "casework.send_draft",
        dated("sent_on", date(2027, 2, 20)),
        url_values={"case_id": deciding.public_id},
    )
    # Without Section I the final plan is refused, and the step is undone.
    page = client_request.post(
        "casework.issue_final_plan",
        {**dated("issued_on", TODAY), "under_five_interval_months": "6"},
        url_values={"case_id": deciding.public_id},
        expected_status=200,
    )
    assert "Name the school or setting in Section I" in page.error_summary[0]
    assert deciding.stage == "draft"
    client_request.post("plans.start_working_copy", url_values={"case_id": deciding.public_id})
    client_request.post(
        "plans.edit_section",
        {"placement_name": "Oak Primary School", "placement_type": "mainstream"},
        url_values={"case_id": deciding.public_id, "section": "i"},
    )
    client_request.post(
        "casework.issue_final_plan",
        {**dated("issued_on", TODAY), "under_five_interval_months": "6"},
        url_values={"case_id": deciding.public_id},
    )
    assert deciding.stage == "final"
    versions = _versions(deciding)
    assert [v.label for v in versions] == ["Draft 1", "Final plan"]
    assert versions[-1].kind == VersionKind.FINAL
    assert versions[-1].placement_name == "Oak Primary School"


def test_a_case_without_a_plan_in_the_portal_moves_on_as_before(
    client_request, deciding, case_officer
):
    """The council may still keep the plan as an uploaded file: the steps work without one."""
    client_request.sign_in_as(case_officer)
    client_request.post(
        "casework.send_draft", dated("sent_on", TODAY), url_values={"case_id": deciding.public_id}
    )
    assert deciding.stage == "draft"
    assert services.plan_for(deciding) is None


def test_section_i_may_be_named_once_the_draft_has_been_sent(app, deciding, case_officer):
    """Before any draft is sent Section I is refused; after, the working copy may name it."""
    with app.test_request_context():
        write_plan(case_officer, deciding)
        services.send_draft(case_officer, deciding)
        g.pop("_grants", None)
        version = services.save_placement(
            case_officer, deciding, name="Oak Primary School", placement_type="mainstream"
        )
        assert version.placement_name == "Oak Primary School"
        assert services.contents(version).has_sent_before
