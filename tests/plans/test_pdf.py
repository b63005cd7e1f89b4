"""The plan as a PDF: every section labelled, page numbers, the case number (never the child's
name) in its file name, only for versions that left the council, each download recorded."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.audit import Event
from portal.extensions import db
from portal.plans import services
from portal.plans.models import Section
from tests.plans.conftest import write_plan


@pytest.fixture
def final_plan(app, draft_plan, family_case, case_officer):
    with app.test_request_context():
        return services.issue_final(
            case_officer,
            family_case,
            placement_name="Oak Primary School",
            placement_type="mainstream",
        )


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_parent_downloads_the_final_plan_with_every_section_and_page_numbers(
    client_request, final_plan, family_case, parent
):
    client_request.sign_in_as(parent)
    response = client_request.client.get(f"/plans/{final_plan.public_id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{family_case.reference}-final-plan.pdf"'
    assert family_case.child.first_name not in disposition

    pages, text = _text(response.data)
    for section in Section:
        assert f"Section {section.letter}:" in text, f"Section {section.letter} is missing"
    assert f"Page 1 of {pages}" in " ".join(text.split())
    assert family_case.reference in text
    assert "Oak Primary School" in text  # Section I, named in the final plan
    assert "Speech therapy programme 0" in text and "30 minutes a week" in text

    downloads = db.session.scalars(
        select(Event).where(Event.action == "plan.downloaded", Event.case_id == family_case.id)
    ).all()
    assert [(e.actor_id, e.detail["format"]) for e in downloads] == [(parent.id, "pdf")]


def test_a_sent_draft_says_it_is_a_draft(client_request, draft_plan, parent):
    client_request.sign_in_as(parent)
    response = client_request.client.get(f"/plans/{draft_plan.public_id}/pdf")
    assert response.status_code == 200
    assert "This is a draft. It can still change." in _text(response.data)[1]


def test_the_plan_page_links_to_the_pdf_of_the_version_shown(
    client_request, final_plan, family_case, parent
):
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_page", case_id=family_case.public_id)
    link = page.html.select_one(f"a[href='/plans/{final_plan.public_id}/pdf']")
    assert link is not None and "Download this plan as a PDF" in link.get_text()


def test_the_working_copy_has_no_pdf(app, client_request, family_case, case_officer):
    with app.test_request_context():
        working = write_plan(case_officer, family_case)
    client_request.sign_in_as(case_officer)
    assert client_request.client.get(f"/plans/{working.public_id}/pdf").status_code == 404


@pytest.mark.parametrize("who", ["parent2", "other_council_officer", "editor", "admin"])
def test_people_not_on_the_case_cannot_download_it(
    request, client_request, final_plan, family_case, who
):
    client_request.sign_in_as(request.getfixturevalue(who))
    assert client_request.client.get(f"/plans/{final_plan.public_id}/pdf").status_code == 404
    assert db.session.scalar(select(Event.id).where(Event.action == "plan.downloaded")) is None
