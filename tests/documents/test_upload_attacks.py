"""Attacks through the real upload endpoint: every file of the attack corpus, the EICAR test virus
with a real ClamAV, files over the size limit, tricky names, and a scanner that stops answering.
Each is refused with a plain message, and nothing of it is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit import Event, Visibility
from portal.documents.models import Document, DocumentVersion
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import stored_files
from tests.documents.helpers import multipart_body, post_upload, upload_form
from tests.documents.test_attack_corpus import CORPUS


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client_request, case, files, expected_status=200, **fields):
    fields.setdefault("restriction", "everyone")
    return post_upload(
        client_request,
        "documents.upload_documents",
        upload_form(files, **fields),
        url_values={"case_id": case.public_id},
        expected_status=expected_status,
    )


@pytest.fixture
def as_senco(client_request, senco):
    client_request.sign_in_as(senco)
    return client_request


# Names a browser cannot send in a multipart header (a NUL byte) are covered by the corpus test
# of the intake itself; everything else goes through the endpoint.
ENDPOINT_CORPUS = [case for case in CORPUS if "\x00" not in case[1]]


def test_the_endpoint_corpus_is_big_enough():
    """At least 25 attack files go through the real endpoint."""
    assert len(ENDPOINT_CORPUS) >= 25


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        pytest.param(name, data, expected, id=case_id)
        for case_id, name, data, expected in ENDPOINT_CORPUS
    ],
)
def test_attack_file_is_refused_by_the_endpoint(as_senco, family_case, store, name, data, expected):
    """Each attack file is refused with its plain reason in the error summary; nothing is kept and
    the title typed is still in the form."""
    page = _upload(as_senco, family_case, [(name, data)], title="Typed title")
    assert any(expected in message for message in page.error_summary), page.error_summary
    assert page.html.select_one("input[name=title]")["value"] == "Typed title"
    assert "Nothing was added" in page.text("form[data-portal-upload-progress]")
    assert stored_files(store) == []
    assert _count(Document) == 0 and _count(DocumentVersion) == 0


def test_eicar_is_refused_and_recorded(app, as_senco, family_case, store, clamd_socket, senco):
    """With ClamAV running, the EICAR test virus is refused, not kept, and recorded."""
    app.config["CLAMD_SOCKET"] = clamd_socket
    page = _upload(as_senco, family_case, [("notes.txt", samples.eicar())])
    assert page.error_summary == ["The file 'notes.txt' has a virus in it, so it was not added."]
    assert stored_files(store) == []
    assert _count(Document) == 0
    event = db.session.scalar(select(Event).where(Event.action == "document.virus_found"))
    assert event.visibility == Visibility.COUNCIL
    assert event.actor_id == senco.id and event.case_id == family_case.id
    assert event.detail["signature"].startswith("Eicar-Test-Signature")


def test_files_scanned_clean_are_marked_so(app, as_senco, family_case, clamd_socket):
    """With ClamAV running, a clean file is kept and marked as scanned; staff see no warning."""
    app.config["CLAMD_SOCKET"] = clamd_socket
    _upload(as_senco, family_case, [("a.pdf", samples.pdf())], expected_status=303)
    assert db.session.scalar(select(DocumentVersion.scan_status)) == "clean"
    page = as_senco.get("documents.case_documents", case_id=family_case.public_id)
    assert "Not scanned for viruses" not in page.text("#documents-area")


def test_without_a_scanner_staff_see_not_scanned(client_request, senco, parent, family_case):
    """With no scanner set up, files are kept as "not scanned"; staff see it, families do not."""
    client_request.sign_in_as(senco)
    _upload(client_request, family_case, [("a.pdf", samples.pdf())], expected_status=303)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Not scanned for viruses" in page.text("#documents-area .govuk-tag--red")
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "scanned" not in page.text("#documents-area")


def test_scanner_down_answers_503_and_keeps_nothing(app, as_senco, family_case, store, tmp_path):
    """A scanner that is set up but not answering refuses the upload with "try again later"."""
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd-here.sock")
    page = _upload(as_senco, family_case, [("a.pdf", samples.pdf())], expected_status=503)
    assert page.h1 == "Sorry, the service is unavailable"
    assert "Try again later." in page.text("main")
    assert page.response.headers["Retry-After"] == "300"
    assert stored_files(store) == []
    assert _count(Document) == 0


def test_scanner_down_with_htmx_shows_the_error_in_the_form(
    app, as_senco, family_case, store, tmp_path
):
    """With htmx the same refusal is an error summary in the form (htmx does not show a 503)."""
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd-here.sock")
    page = as_senco.post(
        "documents.upload_documents",
        upload_form([("a.pdf", samples.pdf())], restriction="everyone", title="Kept"),
        url_values={"case_id": family_case.public_id},
        htmx=True,
        expected_status=200,
    )
    assert page.error_summary == [
        "We cannot check files for viruses at the moment, so nothing was added. Try again later."
    ]
    assert page.html.select_one("input[name=title]")["value"] == "Kept"
    assert stored_files(store) == []


def test_one_refused_file_refuses_the_whole_upload(as_senco, family_case, store):
    """If one file of several is refused, none is added, and the message names the bad one."""
    page = _upload(
        as_senco,
        family_case,
        [
            ("good.pdf", samples.pdf()),
            ("bad.pdf", b"MZ" + b"\x00" * 100),
            ("fine.txt", samples.text()),
        ],
    )
    assert page.error_summary == [
        "The file 'bad.pdf' is not a PDF: its content is a Windows program. You can upload PDF, "
        "Word, OpenDocument, RTF, text, JPEG or PNG files."
    ]
    assert stored_files(store) == []
    assert _count(Document) == 0


def test_every_refused_file_is_named(as_senco, family_case):
    """Two bad files in one upload give two messages, each linking to the file input."""
    page = _upload(as_senco, family_case, [("a.pdf", b""), ("b.png", samples.jpeg())])
    assert page.error_summary == [
        "The file 'a.pdf' is empty.",
        "The file 'b.png' is not a PNG image: its content is a JPEG image. Rename it to end in "
        ".jpg, or choose another file.",
    ]
    links = [a["href"] for a in page.html.select(".govuk-error-summary__list a")]
    assert links == ["#files", "#files"]


@pytest.fixture
def small_limit(app):
    """A 1 MB limit, so the tests need not send 20 MB."""
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024 + 64 * 1024
    return 1024 * 1024


def test_one_byte_over_the_limit_is_refused_with_the_limit(
    as_senco, family_case, store, small_limit
):
    """A file one byte over the limit is refused, naming the limit; nothing is kept."""
    data = samples.text("x" * (small_limit + 1))
    page = _upload(as_senco, family_case, [("big.txt", data)])
    assert page.error_summary == ["The file 'big.txt' is too big. Files must be smaller than 1 MB."]
    assert stored_files(store) == []


def _too_big_body(limit: int):
    return multipart_body(
        {"title": "Scan", "category": "other", "restriction": "everyone"},
        "files",
        "scan.txt",
        [(b"Notes.\n", 5 * limit)],
    )


def test_a_request_over_the_limit_is_answered_413_before_it_is_read(
    as_senco, family_case, store, small_limit
):
    """A request bigger than the limit gets the 413 page naming the limit; its body is not read."""
    body, content_type = _too_big_body(small_limit)
    response = as_senco.client.post(
        f"/cases/{family_case.public_id}/documents/add",
        input_stream=body,
        content_type=content_type,
        headers={"X-CSRFToken": as_senco.csrf_token()},
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "The file is too big" in text and "Files must be smaller than 1 MB" in text
    assert body.read_bytes == 0
    assert stored_files(store) == []


def test_a_request_over_the_limit_with_htmx_keeps_the_form(as_senco, family_case, small_limit):
    """With htmx, the 413 is shown above the form (status 200) so nothing typed is lost."""
    body, content_type = _too_big_body(small_limit)
    response = as_senco.client.post(
        f"/cases/{family_case.public_id}/documents/add",
        input_stream=body,
        content_type=content_type,
        headers={"X-CSRFToken": as_senco.csrf_token(), "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#upload-problem"
    assert "Together they must be smaller than 1 MB" in response.get_data(as_text=True)
    assert body.read_bytes == 0


@pytest.mark.parametrize(
    ("sent_as", "kept_as"),
    [
        ("../../etc/report.pdf", "report.pdf"),
        ("Zoë\u202e's report.pdf", "Zoë's report.pdf"),
        ("tab\tand\u200bzero width.pdf", "tab andzero width.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ("تقرير المدرسة.pdf", "تقرير المدرسة.pdf"),
    ],
    ids=["dot-dot-slash", "right-to-left-override", "invisible", "long", "arabic"],
)
def test_file_names_are_cleaned(as_senco, family_case, store, sent_as, kept_as):
    """Folders, invisible characters and over-long names are removed from the name kept and shown;
    the file itself lives under a generated key."""
    _upload(as_senco, family_case, [(sent_as, samples.pdf())], expected_status=303)
    version = db.session.scalar(select(DocumentVersion))
    assert version.original_filename == kept_as
    assert [p.name for p in stored_files(store)] == [version.storage_key]
    page = as_senco.get("documents.case_documents", case_id=family_case.public_id)
    assert f"Download {kept_as}" in page.texts("#documents-area a")
