"""Removing a document: the uploader within 24 hours, or the case officer. The document leaves
every list, but its row and files are kept with who removed it and why."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from portal import clock
from portal.audit import Event, Visibility
from portal.documents.models import Document, Restriction
from portal.extensions import db
from tests.documents.helpers import add_document, download

START = datetime(2026, 11, 24, 9, 0)


def _remove(client_request, document, reason="Uploaded to the wrong case", **kwargs):
    return client_request.post(
        "documents.remove_document",
        {"reason": reason},
        url_values={"document_id": document.public_id},
        **kwargs,
    )


def test_the_uploader_may_remove_within_24_hours(client_request, senco, parent, family_case, store):
    """The school removes its own document the same day: it leaves the list, nothing is deleted."""
    clock.freeze(START)
    document = add_document(family_case, senco, title="Wrong report")
    clock.freeze(START + timedelta(hours=23))
    client_request.sign_in_as(senco)
    page = client_request.get("documents.remove_document", document_id=document.public_id)
    assert page.h1 == "Remove “Wrong report”?"
    _remove(client_request, document, expected_redirect=f"/cases/{family_case.public_id}/documents")

    db.session.expire_all()
    kept = db.session.get(Document, document.id)
    assert kept.removed_at == START + timedelta(hours=23)
    assert kept.removed_by_id == senco.id
    assert kept.removal_reason == "Uploaded to the wrong case"
    assert store.exists(kept.latest.storage_key)
    event = db.session.scalar(select(Event).where(Event.action == "document.removed"))
    assert event.visibility == Visibility.EVERYONE
    assert event.summary == "Sally Senco removed a document: Wrong report"

    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Wrong report" not in page.text("#documents-area")
    # Gone for everyone, the family included, and its download link no longer works.
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Wrong report" not in page.text("#documents-area")
    status, _, _ = download(
        client_request.client, f"/document-versions/{kept.latest.public_id}/download"
    )
    assert status == 404


def test_the_uploader_may_not_remove_after_24_hours(client_request, senco, family_case):
    """After 24 hours the uploader no longer gets the remove link or page."""
    clock.freeze(START)
    document = add_document(family_case, senco, title="Old report")
    clock.freeze(START + timedelta(hours=24, minutes=1))
    client_request.sign_in_as(senco)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Remove Old report" not in page.texts("#documents-area a")
    client_request.get(
        "documents.remove_document", document_id=document.public_id, expected_status=404
    )
    _remove(client_request, document, expected_status=404)
    assert db.session.get(Document, document.id).removed_at is None


def test_the_case_officer_may_remove_at_any_time(client_request, case_officer, senco, family_case):
    """The case officer removes a school's document weeks later; the row is kept."""
    clock.freeze(START)
    document = add_document(
        family_case, senco, title="Staff notes", restriction=Restriction.PROFESSIONALS
    )
    clock.freeze(START + timedelta(days=30))
    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Remove Staff notes" in page.texts("#documents-area a")
    _remove(client_request, document, reason="Replaced by the new report")
    kept = db.session.get(Document, document.id)
    assert kept.removed_by_id == case_officer.id
    event = db.session.scalar(select(Event).where(Event.action == "document.removed"))
    # The event is only for those who could see the document.
    assert event.visibility == Visibility.PROFESSIONALS


def test_a_reason_is_needed(client_request, senco, family_case):
    """Removing without saying why shows the GOV.UK error summary and removes nothing."""
    document = add_document(family_case, senco)
    client_request.sign_in_as(senco)
    page = _remove(client_request, document, reason="  ", expected_status=200)
    assert page.error_summary == ["Enter why you are removing the document"]
    assert db.session.get(Document, document.id).removed_at is None


def test_nobody_else_may_remove(client_request, parent, senco, family_case):
    """The parent cannot remove the school's document, even within 24 hours."""
    document = add_document(family_case, senco)
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert not [a for a in page.texts("#documents-area a") if a.startswith("Remove")]
    _remove(client_request, document, expected_status=404)
