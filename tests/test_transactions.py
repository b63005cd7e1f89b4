"""How a request's transaction ends (`portal.transactions`): what a request wrote without
saving it, or before it failed, is never kept; on PostgreSQL a page that only read keeps the
statements psycopg prepared, so the next request is not parsed and planned again."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import func, select, text

from portal import audit
from portal.audit import Event
from portal.extensions import db
from tests.conftest import BACKENDS


def _add_routes(app) -> None:
    """Test-only pages: one writes an audit entry and answers without saving it; one writes
    then fails; one reads how many statements the server has prepared on its connection."""

    @app.get("/test/writes-without-saving")
    def writes_without_saving():
        audit.record("test.unsaved")
        db.session.flush()  # sent to the database inside the open transaction
        return "written, not saved"

    @app.get("/test/writes-then-fails")
    def writes_then_fails():
        audit.record("test.failed")
        db.session.flush()
        abort(409)

    @app.get("/test/prepared")
    def prepared():
        count = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        return str(count)


def _entries(action: str) -> int:
    return db.session.scalar(select(func.count(Event.id)).where(Event.action == action)) or 0


def test_what_a_request_wrote_but_did_not_save_is_not_kept(app):
    """A page that wrote without committing, and one that failed after writing, leave nothing
    behind: only a transaction that ran nothing but reads is committed at the end."""
    _add_routes(app)
    client = app.test_client()
    assert client.get("/test/writes-without-saving").status_code == 200
    assert client.get("/test/writes-then-fails").status_code == 409
    assert _entries("test.unsaved") == 0
    assert _entries("test.failed") == 0


def test_unsaved_changes_to_loaded_objects_are_not_saved_by_a_read_only_request(app, council):
    """An object changed in the session but never flushed is not saved by the end of a request
    that only read (committing would flush it)."""
    organisation_id = council.id
    db.session.commit()

    @app.get("/test/renames-without-saving")
    def renames_without_saving():
        organisation = db.session.get(type(council), organisation_id)
        organisation.name = "Renamed but not saved"
        return "changed in memory"

    assert app.test_client().get("/test/renames-without-saving").status_code == 200
    db.session.expire_all()
    assert db.session.get(type(council), organisation_id).name == "Test Council SEND Team"


@pytest.mark.parametrize("database_url", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_a_read_only_page_keeps_its_prepared_statements(app, client_request, case_officer):
    """psycopg prepares a statement run five times on a connection, and forgets them all on a
    rollback: a caseload that only reads must end with a commit for them to be kept."""
    _add_routes(app)
    client_request.sign_in_as(case_officer)
    # The pool hands out its connections in turn: enough requests for each to pass five.
    for _ in range(15):
        client_request.get("cases.home")
    counts = [int(client_request.client.get("/test/prepared").get_data()) for _ in range(3)]
    assert min(counts) > 0, counts
