"""Adding documents through the real upload endpoint: each accepted type, several at once, the
restriction choices, new versions, and the htmx rendering of the same URL."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.audit import Event, Visibility
from portal.documents.models import Document, DocumentVersion, Restriction, ScanStatus
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import stored_files
from tests.documents.helpers import add_document, download, upload_form


def _documents(case) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document).where(Document.case_id == case.id).order_by(Document.id)
        )
    )


@pytest.mark.parametrize("kind", list(samples.valid_files()))
def test_each_allowed_type_can_be_uploaded(client_request, parent, family_case, store, kind):
    """A parent uploads a genuine file of each accepted kind; it is stored and listed."""
    name, data = samples.valid_files()[kind]
    client_request.sign_in_as(parent)
    client_request.post(
        "documents.upload_documents",
        upload_form([(name, data)], title="My file", category="parent_carer_views"),
        url_values={"case_id": family_case.public_id},
        expected_redirect=f"/cases/{family_case.public_id}/documents",
    )
    (document,) = _documents(family_case)
    version = document.latest
    assert (document.title, document.category, document.restriction) == (
        "My file",
        "parent_carer_views",
        "everyone",
    )
    assert version.kind == kind
    assert version.original_filename == name
    assert version.size == len(data)
    assert version.uploaded_by_id == parent.id
    assert version.scan_status == ScanStatus.NOT_SCANNED
    with store.open(version.storage_key) as f:
        assert f.read() == data
    # The file is stored under its generated key, never under the person's file name.
    assert [p.name for p in stored_files(store)] == [version.storage_key]
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "1 document added" in page.text(".govuk-notification-banner")
    assert f"Download {name}" in page.texts("#documents-area a")


def test_several_files_make_one_document_each(client_request, senco, family_case):
    """Several files uploaded at once become a document each, with the same title and category."""
    client_request.sign_in_as(senco)
    client_request.post(
        "documents.upload_documents",
        upload_form(
            [("Report.pdf", samples.pdf()), ("Notes.txt", samples.text())],
            title="School report",
            restriction="professionals",
        ),
        url_values={"case_id": family_case.public_id},
    )
    documents = _documents(family_case)
    assert [d.latest.original_filename for d in documents] == ["Report.pdf", "Notes.txt"]
    assert {d.restriction for d in documents} == {"professionals"}
    events = db.session.scalars(select(Event).where(Event.action == "document.added")).all()
    assert [e.visibility for e in events] == [Visibility.PROFESSIONALS] * 2
    assert events[0].summary == "Sally Senco added a document: School report"


def test_form_errors_keep_what_was_typed(client_request, senco, family_case, store):
    """Missing fields are named in the error summary, and the title typed is kept."""
    client_request.sign_in_as(senco)
    page = client_request.post(
        "documents.upload_documents",
        {"title": "Speech report"},
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "Choose what kind of document it is",
        "Choose who can see the document",
        "Select a file to upload",
    ]
    assert page.html.select_one("input[name=title]")["value"] == "Speech report"
    assert page.html.title.text.startswith("Error: ")
    assert stored_files(store) == []


def test_a_family_member_has_no_restriction_to_choose(client_request, parent, family_case):
    """Families add documents for everyone on the case; the form offers no other choice."""
    client_request.sign_in_as(parent)
    page = client_request.get("documents.upload_documents", case_id=family_case.public_id)
    assert page.html.select("input[name=restriction]") == []
    assert "Everyone on this case will be able to see" in page.text(
        "form[data-portal-upload-progress]"
    )
    # A hand-made request asking for "professionals only" is refused, not obeyed.
    client_request.post(
        "documents.upload_documents",
        upload_form([("a.pdf", samples.pdf())], category="parent_carer_views")
        | {"restriction": "professionals"},
        url_values={"case_id": family_case.public_id},
    )
    (document,) = _documents(family_case)
    assert document.restriction == Restriction.EVERYONE


def test_only_restrictions_the_person_can_see_are_offered(client_request, senco, family_case):
    """A school may choose everyone or professionals only, never "council only"."""
    client_request.sign_in_as(senco)
    page = client_request.get("documents.upload_documents", case_id=family_case.public_id)
    assert [i["value"] for i in page.html.select("input[name=restriction]")] == [
        "everyone",
        "professionals",
    ]
    page = client_request.post(
        "documents.upload_documents",
        upload_form([("a.pdf", samples.pdf())], restriction="council"),
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == ["Choose who can see the document"]
    assert _documents(family_case) == []


def test_the_case_officer_may_file_council_only_plans(client_request, case_officer, family_case):
    """The case officer can file a draft plan for the council only; others cannot file plans."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.upload_documents", case_id=family_case.public_id)
    assert "council" in [i["value"] for i in page.html.select("input[name=restriction]")]
    client_request.post(
        "documents.upload_documents",
        upload_form([("plan.pdf", samples.pdf())], category="draft_plan", restriction="council"),
        url_values={"case_id": family_case.public_id},
    )
    assert _documents(family_case)[0].category == "draft_plan"


def test_a_school_cannot_file_a_plan(client_request, senco, family_case):
    """Plans and decision letters are the council's: a school's upload may not claim to be one."""
    client_request.sign_in_as(senco)
    page = client_request.get("documents.upload_documents", case_id=family_case.public_id)
    assert "final_plan" not in [i["value"] for i in page.html.select("input[name=category]")]
    page = client_request.post(
        "documents.upload_documents",
        upload_form([("plan.pdf", samples.pdf())], category="final_plan", restriction="everyone"),
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == ["Choose what kind of document it is"]


def test_too_many_files_at_once_are_refused(client_request, senco, family_case, store):
    """More than 10 files in one upload is refused before anything is stored."""
    client_request.sign_in_as(senco)
    page = client_request.post(
        "documents.upload_documents",
        upload_form([(f"{n}.txt", samples.text()) for n in range(11)], restriction="everyone"),
        url_values={"case_id": family_case.public_id},
        expected_status=200,
    )
    assert page.error_summary == ["Select 10 files or fewer"]
    assert stored_files(store) == []


def test_htmx_upload_refreshes_the_list_in_place(client_request, senco, family_case):
    """With htmx, a successful upload answers the documents area with the new list, a fresh
    form and a message for screen readers."""
    client_request.sign_in_as(senco)
    page = client_request.post(
        "documents.upload_documents",
        upload_form(
            [("Report.pdf", samples.pdf()), ("Notes.txt", samples.text())],
            restriction="everyone",
        ),
        url_values={"case_id": family_case.public_id},
        htmx=True,
        expected_status=200,
    )
    area = page.html.select_one("#documents-area")
    assert area is not None
    assert area.select_one("[data-portal-announce]")["data-portal-announce"] == "2 documents added"
    assert "Download Report.pdf" in page.texts("#documents-area a")
    assert page.html.select_one("input[name=title]").get("value") in (None, "")
    form = page.html.select_one("form[data-portal-upload-progress]")
    assert form["hx-encoding"] == "multipart/form-data"
    assert form["enctype"] == "multipart/form-data"
    assert form.select_one("progress.portal-progress[hidden]") is not None


def test_htmx_upload_with_errors_answers_the_form_with_200(client_request, senco, family_case):
    """An invalid htmx upload re-renders the area with the GOV.UK error summary (status 200)."""
    client_request.sign_in_as(senco)
    page = client_request.post(
        "documents.upload_documents",
        {"title": "Kept title", "category": "other", "restriction": "everyone"},
        url_values={"case_id": family_case.public_id},
        htmx=True,
        expected_status=200,
    )
    assert page.error_summary == ["Select a file to upload"]
    assert page.html.select_one("input[name=title]")["value"] == "Kept title"


def test_the_upload_form_works_without_javascript(client_request, senco, family_case):
    """The upload page is a real multipart form with a file input accepting several files."""
    client_request.sign_in_as(senco)
    page = client_request.get("documents.upload_documents", case_id=family_case.public_id)
    form = page.html.select_one("form[enctype='multipart/form-data']")
    assert form["method"] == "post"
    assert form["action"] == f"/cases/{family_case.public_id}/documents/add"
    file_input = form.select_one("input[type=file]")
    assert file_input.has_attr("multiple")
    assert file_input["accept"].startswith(".pdf,")
    assert "Together they must be smaller than 20 MB" in page.text("#files-hint")


def test_a_new_version_keeps_the_old_ones(client_request, senco, family_case, store):
    """The uploader adds version 2; version 1 is still stored and downloadable."""
    document = add_document(family_case, senco, name="advice.pdf", data=samples.pdf("first"))
    client_request.sign_in_as(senco)
    client_request.post(
        "documents.new_version",
        {"file": (io.BytesIO(samples.pdf("second")), "advice v2.pdf")},
        url_values={"document_id": document.public_id},
    )
    versions = db.session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id)
        .order_by(DocumentVersion.number)
    ).all()
    assert [(v.number, v.original_filename) for v in versions] == [
        (1, "advice.pdf"),
        (2, "advice v2.pdf"),
    ]
    assert all(store.exists(v.storage_key) for v in versions)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Download advice v2.pdf" in page.texts("a")
    details = page.html.select_one("details").get_text(" ")
    assert "Version 1: advice.pdf" in details and "Version 2: advice v2.pdf" in details
    status, _, data = download(
        client_request.client, f"/document-versions/{versions[0].public_id}/download"
    )
    assert status == 200 and data == samples.pdf("first")


def test_a_refused_new_version_changes_nothing(client_request, senco, family_case, store):
    """A new version that is not an accepted file is refused and the document is unchanged."""
    document = add_document(family_case, senco)
    client_request.sign_in_as(senco)
    page = client_request.post(
        "documents.new_version",
        {"file": (io.BytesIO(b"<html><script>x()</script></html>"), "v2.pdf")},
        url_values={"document_id": document.public_id},
        expected_status=200,
    )
    assert page.error_summary == [
        "The file 'v2.pdf' is not a PDF: its content is a web page (HTML). You can upload PDF, "
        "Word, OpenDocument, RTF, text, JPEG or PNG files."
    ]
    assert len(stored_files(store)) == 1
    assert (
        db.session.scalar(select(DocumentVersion.number).order_by(DocumentVersion.id.desc())) == 1
    )
