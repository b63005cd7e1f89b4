"""The migration in migrations/ builds exactly the schema the models describe, so `flask db
upgrade` (what `make run` and a deployment do) gives a database the code can use."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
from tests.conftest import BACKENDS, TEST_SECRET_KEY


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    """An empty database of its own (the shared test database is built by create_all)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    server_url = sa.make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    name = f"ehc_migrate_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def app_on(database_url: str, tmp_path) -> Iterator[Flask]:
    """An app on the given database, inside its app context; its connections closed after."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _describe(differences: list) -> list[str]:
    """One line per difference: what the migration would have to do, and to what."""
    lines = []
    for difference in differences:
        # Column changes come as a list of tuples; the rest as one tuple.
        for change in difference if isinstance(difference, list) else [difference]:
            operation, *details = change
            named = [
                getattr(detail, "name", None) or str(detail)
                for detail in details
                if detail is not None and not isinstance(detail, dict)
            ]
            lines.append(f"- {operation}: {' '.join(str(name) for name in named)[:200]}")
    return lines


# SQLite cannot reflect indexes on expressions (such as lower(email)), so Alembic skips comparing
# them there; the index names are checked below instead, and PostgreSQL compares them in full.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrading_an_empty_database_gives_the_schema_of_the_models(empty_database_url, tmp_path):
    """`flask db upgrade` on an empty database creates every table, column, index and
    constraint the models declare, and nothing else."""
    with app_on(empty_database_url, tmp_path):
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
            inspector = sa.inspect(connection)
            built_indexes = {
                index["name"]
                for table in inspector.get_table_names()
                for index in inspector.get_indexes(table)
            }
            if connection.dialect.name == "sqlite":
                built_indexes |= set(
                    connection.scalars(
                        sa.text("SELECT name FROM sqlite_master WHERE type = 'index'")
                    )
                )
    assert not differences, (
        "the migration and the models differ; regenerate the migration "
        "(`flask --app app db migrate`):\n" + "\n".join(_describe(differences))
    )
    declared_indexes = {
        index.name for table in db.metadata.tables.values() for index in table.indexes
    }
    assert declared_indexes <= built_indexes, (
        f"indexes missing after the migration: {sorted(declared_indexes - built_indexes)}"
    )


def _upgrade_from(revision: str, rows: list[str], query: str, url: str, tmp_path) -> list:
    """Upgrade an empty database to `revision`, write `rows` (SQL) as data already there, upgrade
    to the head, and return what `query` reads then."""
    with app_on(url, tmp_path):
        upgrade(revision=revision)
        with db.engine.begin() as connection:
            for statement in rows:
                connection.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as connection:
            return list(connection.execute(sa.text(query)))


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_schedules_of_existing_cases_learn_which_lists_of_facts_they_have(
    empty_database_url, tmp_path
):
    """Upgrading to 0028 fills each stored schedule's `has_*` columns from the facts already
    there: a case page then asks for exactly the lists its case has (a list marked empty would
    be hidden from the page)."""
    rows = [
        "INSERT INTO organisation (id, name, kind, created_at) "
        "VALUES (1, 'Council', 'council', '2027-01-01')",
        "INSERT INTO child (id, first_name, last_name, date_of_birth, created_at) "
        "VALUES (1, 'Ada', 'One', '2015-01-01', '2027-01-01'), "
        "(2, 'Bo', 'Two', '2015-01-01', '2027-01-01')",
        'INSERT INTO "case" (id, public_id, reference, child_id, team_id, request_received_on, '
        "stage, created_at) VALUES "
        "(1, 'a1', 'EHC-1', 1, 1, '2027-01-04', 'review', '2027-01-04'), "
        "(2, 'b2', 'EHC-2', 2, 1, '2027-01-04', 'request', '2027-01-04')",
        "INSERT INTO advice_request (public_id, case_id, kind, sent_on, created_at) "
        "VALUES ('ad1', 1, 'health', '2027-01-10', '2027-01-10')",
        "INSERT INTO review (public_id, case_id, meeting_on, created_at) "
        "VALUES ('rv1', 1, '2028-01-10', '2027-01-10')",
        "INSERT INTO case_schedule (case_id, next_delayed, next_family_window) "
        "VALUES (1, false, false), (2, false, false)",
    ]
    upgraded = _upgrade_from(
        "0027_review_meeting_on", rows, "SELECT * FROM case_schedule", empty_database_url, tmp_path
    )
    held = {
        row.case_id: (
            row.has_advice_requests,
            row.has_consultations,
            row.has_reviews,
            row.has_delays,
        )
        for row in upgraded
    }
    assert held == {1: (True, False, True, False), 2: (False, False, False, False)}


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_existing_grants_take_their_cases_next_deadline(empty_database_url, tmp_path):
    """Upgrading to 0029 copies each case's stored next deadline to its grants, live or not (a
    school's caseload picks its page by the copy: one left empty would sort last)."""
    rows = [
        "INSERT INTO organisation (id, name, kind, created_at) "
        "VALUES (1, 'Council', 'council', '2027-01-01')",
        'INSERT INTO "user" (id, email, name, role, active, created_at) '
        "VALUES (1, 'senco@example.org', 'Sally', 'school', true, '2027-01-01')",
        "INSERT INTO child (id, first_name, last_name, date_of_birth, created_at) "
        "VALUES (1, 'Ada', 'One', '2015-01-01', '2027-01-01'), "
        "(2, 'Bo', 'Two', '2015-01-01', '2027-01-01')",
        'INSERT INTO "case" (id, public_id, reference, child_id, team_id, request_received_on, '
        "stage, created_at) VALUES "
        "(1, 'a1', 'EHC-1', 1, 1, '2027-01-04', 'request', '2027-01-04'), "
        "(2, 'b2', 'EHC-2', 2, 1, '2027-01-04', 'closed', '2027-01-04')",
        "INSERT INTO case_schedule (case_id, next_due_on, next_delayed, next_family_window) "
        "VALUES (1, '2027-02-15', false, false), (2, NULL, false, false)",
        "INSERT INTO case_grant (id, public_id, case_id, user_id, relationship_to_child, "
        "can_view_documents, can_add_documents, can_post_updates, granted_at, revoked_at) VALUES "
        "(1, 'g1', 1, 1, 'school', true, false, false, '2027-01-05', NULL), "
        "(2, 'g2', 1, 1, 'school', true, false, false, '2027-01-05', '2027-01-06'), "
        "(3, 'g3', 2, 1, 'school', true, false, false, '2027-01-05', NULL)",
    ]
    upgraded = _upgrade_from(
        "0028_schedule_lists_held",
        rows,
        "SELECT id, next_due_on FROM case_grant",
        empty_database_url,
        tmp_path,
    )
    copies = {row.id: str(row.next_due_on) if row.next_due_on else None for row in upgraded}
    assert copies == {1: "2027-02-15", 2: "2027-02-15", 3: None}
