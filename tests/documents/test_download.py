"""Downloads: the safe headers, the audit record of every download, and the case officer's zip."""

from __future__ import annotations

import io
import os
import zipfile
from urllib.parse import quote

from sqlalchemy import select

from portal.audit import Event, Visibility
from portal.documents.models import Category, Restriction
from portal.extensions import db
from tests.documents import samples
from tests.documents.helpers import add_document, download
from tests.reauth import asks_for_a_fresh_code_then_sends


def _url(version) -> str:
    return f"/document-versions/{version.public_id}/download"


def test_download_headers_make_the_browser_save_the_file(
    client_request, parent, senco, family_case
):
    """A download is an attachment with its (non-ASCII) name, the detected type, no sniffing, a
    sandbox policy and no caching."""
    name = "Zoë’s report – été.pdf"
    document = add_document(family_case, senco, name=name)
    client_request.sign_in_as(parent)
    status, headers, data = download(client_request.client, _url(document.latest))
    assert status == 200
    assert data == samples.pdf()
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        "attachment; filename=\"Zoe_s report _ ete.pdf\"; filename*=UTF-8''" + quote(name, safe="")
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Length"] == str(len(samples.pdf()))


def test_text_files_are_sent_as_text_not_as_a_page(client_request, parent, family_case):
    """A text file goes out as plain UTF-8 text, as an attachment: never rendered as HTML."""
    document = add_document(
        family_case, parent, name="notes.txt", data=samples.text(), category=Category.OTHER
    )
    client_request.sign_in_as(parent)
    _, headers, data = download(client_request.client, _url(document.latest))
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert data.decode() == samples.text().decode()


def test_every_download_is_recorded(client_request, parent, senco, family_case):
    """Each download writes who, which version and when to the audit trail (not the timeline)."""
    document = add_document(family_case, senco, title="School advice")
    client_request.sign_in_as(parent)
    download(client_request.client, _url(document.latest))
    download(client_request.client, _url(document.latest))
    events = db.session.scalars(
        select(Event).where(Event.action == "document.downloaded").order_by(Event.id)
    ).all()
    assert len(events) == 2
    event = events[0]
    assert (event.actor_id, event.case_id, event.visibility) == (
        parent.id,
        family_case.id,
        Visibility.AUDIT,
    )
    assert event.subject_type == "DocumentVersion" and event.subject_id == document.latest.id
    assert event.detail["version"] == document.latest.public_id
    assert event.summary == "Pat Parent downloaded School advice (version 1)"
    assert event.occurred_at is not None


def test_a_refused_download_is_not_recorded(client_request, parent2, senco, family_case):
    """Someone without access gets 404 and no download event is written."""
    document = add_document(family_case, senco)
    client_request.sign_in_as(parent2)
    status, _, _ = download(client_request.client, _url(document.latest))
    assert status == 404
    assert db.session.scalar(select(Event).where(Event.action == "document.downloaded")) is None


def _zip(client_request, case) -> tuple[dict, zipfile.ZipFile]:
    with client_request.client.get(f"/cases/{case.public_id}/documents/download-all") as response:
        assert response.status_code == 200
        headers = dict(response.headers)
        data = response.get_data()
    return headers, zipfile.ZipFile(io.BytesIO(data))


def test_the_case_officer_downloads_everything_as_one_zip(
    client_request, case_officer, senco, parent, family_case
):
    """The zip holds the newest version of every document, in category folders, with names made
    unique and safe; restricted documents are included for the council, removed ones are not."""
    add_document(family_case, senco, name="report.pdf", data=samples.pdf("one"))
    add_document(family_case, senco, name="Report.pdf", data=samples.pdf("two"))
    add_document(
        family_case,
        senco,
        name="staff notes.txt",
        data=samples.text(),
        restriction=Restriction.PROFESSIONALS,
    )
    add_document(
        family_case,
        parent,
        name="../views: mine.txt",
        data=samples.text("My views\n"),
        category=Category.PARENT_CARER_VIEWS,
    )
    removed = add_document(family_case, senco, name="wrong.pdf", title="Wrong case")
    removed.removed_at = removed.created_at
    db.session.commit()

    client_request.sign_in_as(case_officer)
    headers, archive = _zip(client_request, family_case)
    assert headers["Content-Type"] == "application/zip"
    assert headers["Content-Disposition"].startswith(
        f'attachment; filename="{family_case.reference} documents.zip"'
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == [
        "Advice - education/Report (2).pdf",
        "Advice - education/report.pdf",
        "Advice - education/staff notes.txt",
        "Views of parents and carers/views - mine.txt",
    ]
    contents = {name: archive.read(name) for name in archive.namelist()}
    assert contents["Views of parents and carers/views - mine.txt"] == b"My views\n"
    assert {
        contents["Advice - education/report.pdf"],
        contents["Advice - education/Report (2).pdf"],
    } == {
        samples.pdf("one"),
        samples.pdf("two"),
    }
    event = db.session.scalar(select(Event).where(Event.action == "documents.zip_downloaded"))
    assert event.actor_id == case_officer.id and len(event.detail["versions"]) == 4


def test_an_empty_case_gives_an_empty_zip(client_request, case_officer, family_case):
    """With no documents the zip is valid and empty (the page does not offer it anyway)."""
    client_request.sign_in_as(case_officer)
    _, archive = _zip(client_request, family_case)
    assert archive.namelist() == []


def test_the_zip_is_made_while_it_is_sent(store):
    """The zip comes out in small pieces as it is made, never whole in memory."""
    from datetime import datetime

    from portal.documents.archive import stream_zip

    files = [os.urandom(2 * 1024 * 1024) for _ in range(3)]  # random: it does not shrink
    keys = [store.save_stream(io.BytesIO(data), None).key for data in files]
    when = datetime(2026, 11, 24, 9, 0)
    chunks = list(stream_zip(store, [(f"file {n}.bin", key, when) for n, key in enumerate(keys)]))
    assert len(chunks) > 10
    assert max(len(chunk) for chunk in chunks) < 256 * 1024
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.read("file 2.bin") == files[2]


def test_the_zip_of_everything_asks_for_a_fresh_code(
    client_request, case_officer, senco, family_case
):
    add_document(family_case, senco, name="report.pdf", data=samples.pdf("one"))
    data = asks_for_a_fresh_code_then_sends(
        client_request,
        case_officer,
        f"/cases/{family_case.public_id}/documents/download-all",
        mimetype="application/zip",
        action="documents.zip_downloaded",
    )
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 1


def test_families_are_still_refused_the_zip_and_never_asked_for_a_code(
    client_request, parent, senco, family_case
):
    """Parents have no second factor, so the check lets them through to the access rule, which
    keeps the zip for the council's case officer: refused, not sent to "Confirm it is you"."""
    add_document(family_case, senco)
    client_request.sign_in_as(parent)
    response = client_request.client.get(f"/cases/{family_case.public_id}/documents/download-all")
    assert response.status_code == 404
    assert (
        db.session.scalar(select(Event).where(Event.action == "documents.zip_downloaded")) is None
    )
