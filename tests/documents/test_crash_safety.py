"""Crash safety: a failure anywhere between storing a file and committing its row leaves no
visible document, and `flask documents clean` removes whatever a crash left behind. A failure
after the commit loses nothing."""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.documents import intake, services
from portal.documents.models import Document, DocumentVersion
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import stored_files
from tests.documents.helpers import add_document, upload_form


class _CommitFails:
    """The database session, except that committing fails (the database went away)."""

    def __init__(self, session) -> None:
        self._session = session

    def commit(self) -> None:
        raise RuntimeError("the database went away")

    def __getattr__(self, name):
        return getattr(self._session, name)


def _upload(client_request, case, expected_status=303):
    return client_request.post(
        "documents.upload_documents",
        upload_form([("a.pdf", samples.pdf()), ("b.txt", samples.text())], restriction="everyone"),
        url_values={"case_id": case.public_id},
        expected_status=expected_status,
    )


def _documents() -> int:
    return db.session.scalar(select(func.count()).select_from(Document))


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def _clean(app) -> str:
    result = app.test_cli_runner().invoke(args=["documents", "clean"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_a_failed_commit_keeps_nothing(client_request, senco, family_case, store, monkeypatch):
    """If the commit fails after the files were stored, the rows and the files are both gone."""
    client_request.sign_in_as(senco)
    monkeypatch.setattr(services, "db", SimpleNamespace(session=_CommitFails(db.session)))
    with pytest.raises(RuntimeError, match="went away"):
        _upload(client_request, family_case)
    monkeypatch.undo()
    assert _documents() == 0
    assert stored_files(store) == []


def test_a_failure_while_adding_rows_keeps_nothing(
    client_request, senco, family_case, store, monkeypatch
):
    """A failure between the file write and the commit leaves no document and no file."""
    client_request.sign_in_as(senco)

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(services, "_version_row", broken)
    with pytest.raises(RuntimeError, match="out of memory"):
        _upload(client_request, family_case)
    assert _documents() == 0
    assert stored_files(store) == []


def test_a_crash_before_commit_leaves_only_an_orphan_that_clean_removes(
    app, client_request, senco, family_case, store, monkeypatch
):
    """If the process dies before it can tidy up, the stored files are orphans: invisible, and
    removed by the clean command once they are over an hour old (younger ones may be uploads in
    progress)."""
    client_request.sign_in_as(senco)
    monkeypatch.setattr(services, "db", SimpleNamespace(session=_CommitFails(db.session)))
    monkeypatch.setattr(intake, "discard", lambda *args: None)  # the process died: no clean-up
    with pytest.raises(RuntimeError):
        _upload(client_request, family_case)
    monkeypatch.undo()

    assert _documents() == 0
    orphans = stored_files(store)
    assert len(orphans) == 2
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "There are no documents yet." in page.text("#documents-area")

    # A temporary file left by an upload killed half-way.
    temp = store.root / ".tmp" / "killed.part"
    temp.write_bytes(b"half an upload")

    assert _clean(app) == "Removed 0 left-over files and 0 temporary files."
    assert len(stored_files(store)) == 3

    for path in [*orphans, temp]:
        _age(path, hours=2)
    assert _clean(app) == "Removed 2 left-over files and 1 temporary files."
    assert stored_files(store) == []


def test_a_failure_after_commit_loses_nothing(
    app, client_request, senco, family_case, store, monkeypatch
):
    """If something fails after the commit (here, the page that follows), the documents and their
    files are all there, and the clean command keeps them."""
    client_request.sign_in_as(senco)

    def broken(*args, **kwargs):
        raise RuntimeError("the page broke")

    monkeypatch.setattr("portal.documents.views.flash", broken)
    with pytest.raises(RuntimeError, match="page broke"):
        _upload(client_request, family_case)
    monkeypatch.undo()

    assert _documents() == 2
    keys = set(db.session.scalars(select(DocumentVersion.storage_key)))
    assert {p.name for p in stored_files(store)} == keys
    for path in stored_files(store):
        _age(path, hours=48)
    assert _clean(app) == "Removed 0 left-over files and 0 temporary files."
    assert {p.name for p in stored_files(store)} == keys


def test_clean_keeps_the_files_of_removed_documents(app, senco, family_case, store):
    """A removed document's files are kept for the council's retention, whatever their age."""
    document = add_document(family_case, senco)
    document.removed_at = document.created_at
    db.session.commit()
    for path in stored_files(store):
        _age(path, hours=24 * 400)
    assert _clean(app) == "Removed 0 left-over files and 0 temporary files."
    assert store.exists(document.latest.storage_key)


def test_clean_never_touches_files_it_did_not_write(app, store):
    """Files in the uploads folder that do not look like storage keys are left alone."""
    store.root.mkdir(parents=True, exist_ok=True)
    stranger = store.root / "README.txt"
    stranger.write_text("not an upload")
    _age(stranger, hours=48)
    assert _clean(app) == "Removed 0 left-over files and 0 temporary files."
    assert stranger.exists()
