"""Removed documents: the case officer sees them, downloads them (audited) and restores them.
Everyone else gets the same 404 as for something that does not exist."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import g
from sqlalchemy import select

from portal import clock
from portal.audit import Event, Visibility
from portal.documents import services
from portal.documents.models import Category, Document, Restriction
from portal.extensions import db
from tests.documents import samples
from tests.documents.helpers import add_document, download

START = datetime(2027, 1, 18, 10, 30)
NOT_THE_CASE_OFFICER = [
    "parent",
    "young_person",
    "senco",
    "psychologist",
    "other_council_officer",
    "editor",
    "admin",
    "parent2",
]


def remove(document: Document, user, reason: str = "Uploaded to the wrong case") -> Document:
    """Remove a document through the service, as `user`."""
    g.pop("_grants", None)  # the access cache lives on `g`: start fresh, as a request would
    services.remove_document(user, document, reason)
    return document


def _removed_download_url(version) -> str:
    return f"/removed-document-versions/{version.public_id}/download"


def _restore(client_request, document, **kwargs):
    return client_request.post(
        "documents.restore_document", url_values={"document_id": document.public_id}, **kwargs
    )


@pytest.fixture
def removed(family_case, senco, case_officer):
    """A school report the school removed the day it was added."""
    clock.freeze(START)
    document = add_document(family_case, senco, title="Wrong report", data=samples.pdf("wrong"))
    clock.freeze(START + timedelta(hours=2))
    return remove(document, senco)


def test_the_case_officer_is_offered_the_removed_documents(
    client_request, case_officer, senco, family_case
):
    """The link appears only once something is removed, and counts what was removed."""
    client_request.sign_in_as(case_officer)
    document = add_document(family_case, senco, title="Wrong report")
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert not [a for a in page.texts("a") if a.startswith("Removed documents")]

    remove(document, senco)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Removed documents (1)" in page.texts("#documents-area a")
    assert "Wrong report" not in page.texts("#documents-area li h3")


@pytest.mark.parametrize("role", ["parent", "senco", "young_person"])
def test_nobody_else_is_told_about_removed_documents(
    client_request, request, removed, family_case, role
):
    """People on the case, the school that removed it included, see no link and no count."""
    client_request.sign_in_as(request.getfixturevalue(role))
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert not [a for a in page.texts("a") if "Removed documents" in a]
    assert "Wrong report" not in page.text("#documents-area")


def test_the_case_officer_sees_who_removed_each_when_and_why(
    client_request, case_officer, senco, family_case, removed
):
    """The removed list gives the title, category, who removed it, when, and the reason."""
    clock.freeze(START + timedelta(days=1))
    council_notes = add_document(
        family_case,
        case_officer,
        title="Panel notes",
        category=Category.REQUEST_EVIDENCE,
        restriction=Restriction.COUNCIL,
    )
    clock.freeze(START + timedelta(days=2))
    remove(council_notes, case_officer, reason="Notes from the wrong panel")

    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.removed_documents", case_id=family_case.public_id)
    assert page.h1 == f"Removed documents for {family_case.child.full_name}"
    region = page.html.select_one("div.portal-table-scroll[role=region][tabindex='0']")
    assert region is not None and region["aria-label"]
    assert region.select_one("table.govuk-table") is not None
    # Most recently removed first.
    rows = [" ".join(r.get_text(" ").split()) for r in page.html.select("tbody tr")]
    assert len(rows) == 2
    assert rows[0].startswith("Panel notes")
    assert "Request for an assessment and evidence" in rows[0]
    assert "Chris Officer" in rows[0]
    assert "Wednesday 20 January 2027 at 10:30am" in rows[0]
    assert "Notes from the wrong panel" in rows[0]
    assert rows[1].startswith("Wrong report")
    assert "Advice: education" in rows[1]
    assert "Sally Senco" in rows[1]
    assert "Monday 18 January 2027 at 12:30pm" in rows[1]
    assert "Uploaded to the wrong case" in rows[1]
    assert page.texts("tbody button") == ["Restore Panel notes", "Restore Wrong report"]
    assert "Download advice.pdf (Wrong report)" in page.texts("tbody a")


def test_the_removal_form_asks_why(client_request, case_officer, senco, family_case):
    """The reason shown on the removed list is the one typed on the removal form."""
    document = add_document(family_case, senco, title="Draft letter")
    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.remove_document", document_id=document.public_id)
    assert page.texts("label") == ["Why are you removing it?"]
    client_request.post(
        "documents.remove_document",
        {"reason": "Sent to the wrong family"},
        url_values={"document_id": document.public_id},
    )
    page = client_request.get("documents.removed_documents", case_id=family_case.public_id)
    assert "Sent to the wrong family" in page.text("tbody")


def test_the_case_officer_downloads_a_removed_document_and_it_is_recorded(
    client_request, case_officer, removed
):
    """The file comes back as an attachment and the audit trail says who, which and that it
    was a removed document. The ordinary download link stays closed to everyone."""
    client_request.sign_in_as(case_officer)
    status, headers, data = download(client_request.client, _removed_download_url(removed.latest))
    assert status == 200
    assert data == samples.pdf("wrong")
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    event = db.session.scalar(select(Event).where(Event.action == "document.downloaded"))
    assert (event.actor_id, event.visibility) == (case_officer.id, Visibility.AUDIT)
    assert event.subject_type == "DocumentVersion" and event.subject_id == removed.latest.id
    assert event.detail["removed"] is True
    assert event.summary == "Chris Officer downloaded Wrong report (version 1)"

    status, _, _ = download(
        client_request.client, f"/document-versions/{removed.latest.public_id}/download"
    )
    assert status == 404


def test_every_version_of_a_removed_document_can_be_downloaded(
    client_request, case_officer, senco, family_case
):
    """Older versions of a removed document are listed and downloadable too."""
    from tests.documents.helpers import incoming

    document = add_document(family_case, senco, title="Report", data=samples.pdf("one"))
    g.pop("_grants", None)
    services.add_version(senco, document, incoming("report-2.pdf", samples.pdf("two")))
    remove(document, case_officer)
    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.removed_documents", case_id=family_case.public_id)
    links = [a["href"] for a in page.html.select("tbody a")]
    assert links == [_removed_download_url(v) for v in document.versions]
    bodies = [download(client_request.client, link)[2] for link in links]
    assert bodies == [samples.pdf("two"), samples.pdf("one")]


def test_the_removed_download_does_not_open_documents_that_are_not_removed(
    client_request, case_officer, senco, family_case
):
    """The removed documents' download is not a second way to every document."""
    document = add_document(family_case, senco)
    client_request.sign_in_as(case_officer)
    status, _, _ = download(client_request.client, _removed_download_url(document.latest))
    assert status == 404
    client_request.post(
        "documents.restore_document",
        url_values={"document_id": document.public_id},
        expected_status=404,
    )


def test_the_case_officer_restores_a_document(
    client_request, case_officer, parent, family_case, removed, store
):
    """Restoring puts the document back for everyone it was for, writes a timeline event that
    says who restored it (and keeps why it had been removed), and clears the removed list."""
    clock.freeze(START + timedelta(days=3))
    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.removed_documents", case_id=family_case.public_id)
    form = page.html.select_one("tbody form")
    assert form["method"] == "post"
    assert form.select_one("input[name=csrf_token]")["value"]
    _restore(client_request, removed, expected_redirect=f"/cases/{family_case.public_id}/documents")

    kept = db.session.get(Document, removed.id)
    assert kept.removed_at is None and kept.removed_by_id is None
    event = db.session.scalar(select(Event).where(Event.action == "document.restored"))
    assert event.actor_id == case_officer.id
    assert event.case_id == family_case.id
    assert event.subject_type == "Document" and event.subject_id == removed.id
    assert event.visibility == Visibility.EVERYONE
    assert event.summary == "Chris Officer restored a document: Wrong report"
    assert event.detail["reason"] == "Uploaded to the wrong case"
    assert event.detail["removed_by"] == "Sally Senco"
    assert event.occurred_at == START + timedelta(days=3)

    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "“Wrong report” was restored. It is back in the list of documents." in page.text(
        ".govuk-notification-banner"
    )
    assert "Wrong report" in page.texts("#documents-area li h3")
    assert not [a for a in page.texts("a") if a.startswith("Removed documents")]
    page = client_request.get("documents.removed_documents", case_id=family_case.public_id)
    assert page.text("main p.govuk-body:nth-of-type(3)") == (
        "There are no removed documents on this case."
    )

    # The family sees it again, and its ordinary download works again.
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Wrong report" in page.texts("#documents-area li h3")
    status, _, data = download(
        client_request.client, f"/document-versions/{kept.latest.public_id}/download"
    )
    assert (status, data) == (200, samples.pdf("wrong"))
    # Its removed download is closed again.
    client_request.sign_in_as(case_officer)
    status, _, _ = download(client_request.client, _removed_download_url(kept.latest))
    assert status == 404


def test_a_restored_document_keeps_its_restriction(
    client_request, case_officer, senco, parent, family_case
):
    """A professionals-only document comes back professionals-only: the family still cannot see
    it, and the timeline event is only for those who can."""
    document = add_document(
        family_case, senco, title="Staff notes", restriction=Restriction.PROFESSIONALS
    )
    remove(document, senco)
    client_request.sign_in_as(case_officer)
    _restore(client_request, document)
    event = db.session.scalar(select(Event).where(Event.action == "document.restored"))
    assert event.visibility == Visibility.PROFESSIONALS
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Staff notes" not in page.text("#documents-area")
    client_request.sign_in_as(senco)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Staff notes" in page.texts("#documents-area li h3")


def test_restoring_one_of_several_returns_to_the_removed_list(
    client_request, case_officer, senco, family_case
):
    """While other documents are still removed, the officer goes back to the removed list."""
    first = remove(add_document(family_case, senco, title="First", data=samples.pdf("1")), senco)
    remove(add_document(family_case, senco, title="Second", data=samples.pdf("2")), senco)
    client_request.sign_in_as(case_officer)
    _restore(
        client_request,
        first,
        expected_redirect=f"/cases/{family_case.public_id}/documents/removed",
    )
    page = client_request.get("documents.removed_documents", case_id=family_case.public_id)
    assert page.texts("tbody th") == ["Second Everyone on this case"]
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Removed documents (1)" in page.texts("a")


def test_restoring_needs_a_post_with_the_csrf_token(client_request, case_officer, removed):
    """A link or a forged form cannot restore a document: GET is not allowed and a POST
    without the token is refused. Nothing changes and no event is written."""
    client_request.sign_in_as(case_officer)
    response = client_request.client.get(f"/documents/{removed.public_id}/restore")
    assert response.status_code == 405
    _restore(client_request, removed, csrf=False, expected_status=400)
    assert db.session.get(Document, removed.id).removed_at is not None
    assert db.session.scalar(select(Event).where(Event.action == "document.restored")) is None


@pytest.mark.parametrize("role", NOT_THE_CASE_OFFICER)
def test_only_the_case_officer_reaches_removed_documents(
    client_request, request, removed, family_case, role
):
    """The family, the school that removed it, other professionals, another council's officer,
    editors and admins get 404 for the list, the download and restoring, as if none existed."""
    client_request.sign_in_as(request.getfixturevalue(role))
    client_request.get(
        "documents.removed_documents", case_id=family_case.public_id, expected_status=404
    )
    status, _, _ = download(client_request.client, _removed_download_url(removed.latest))
    assert status == 404
    _restore(client_request, removed, expected_status=404)
    assert db.session.get(Document, removed.id).removed_at is not None
    events = db.session.scalars(
        select(Event.action).where(Event.action.in_(["document.restored", "document.downloaded"]))
    ).all()
    assert events == []


def test_ids_that_do_not_exist_get_the_same_404(client_request, case_officer):
    """The officer gets the same 404 for made-up ids as others get for real ones."""
    client_request.sign_in_as(case_officer)
    client_request.get("documents.removed_documents", case_id="A" * 16, expected_status=404)
    status, _, _ = download(
        client_request.client, "/removed-document-versions/" + "A" * 16 + "/download"
    )
    assert status == 404
    client_request.post(
        "documents.restore_document",
        url_values={"document_id": "A" * 16},
        expected_status=404,
    )


def test_the_removed_list_runs_the_same_queries_however_many(
    client_request, count_queries, council, case_officer, senco, family_case
):
    """Listing removed documents (with who removed them and every version) costs the same
    number of queries for one as for several; so does the documents page with its count."""
    from portal.accounts.models import Role
    from tests import factories
    from tests.documents.helpers import incoming

    def queries(endpoint: str) -> int:
        with count_queries() as statements:
            client_request.get(endpoint, case_id=family_case.public_id)
        return len(statements)

    client_request.sign_in_as(case_officer)
    remove(add_document(family_case, senco, title="Only", data=samples.pdf("x")), senco)
    one = queries("documents.removed_documents")
    page_one = queries("documents.case_documents")
    for n in range(6):
        document = add_document(family_case, senco, title=f"More {n}", data=samples.pdf(f"{n}"))
        g.pop("_grants", None)
        services.add_version(senco, document, incoming("v2.pdf", samples.pdf(f"{n}-2")))
        # A different officer of the team removes each, so nothing is served from memory.
        remover = factories.make_user(Role.CASE_OFFICER, organisation=council, name=f"Officer {n}")
        remove(document, remover)
    page = client_request.get("documents.removed_documents", case_id=family_case.public_id)
    assert len(page.html.select("tbody tr")) == 7
    assert queries("documents.removed_documents") == one
    assert queries("documents.case_documents") == page_one
