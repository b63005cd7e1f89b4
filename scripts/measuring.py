"""What the measuring scripts (`scripts/measure_*.py`) share: the project on the import path, a
throwaway database (SQLite in a temporary folder, or a new database on a PostgreSQL server,
dropped afterwards), the portal made on it, a test client signed in as someone, a page timed and
its SQL statements counted, and a free local port.

Run a script from the project folder: `.venv/bin/python scripts/measure_….py`; it imports this
module first, which puts the project (for `tests.factories` and friends) on the import path.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402 (after the project is on the path)

#: The PostgreSQL server the PostgreSQL measurements make their throwaway databases on.
SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def make_app(database_url: str, folder: str | Path | None = None, **settings: Any):
    """The portal on `database_url`, with what measuring needs: a fixed secret, no rate limits
    and no form tokens (the scripts post without a browser), uploads in `folder` if given.
    `settings` add to or replace these."""
    from portal import create_app

    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "x" * 40,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }
    if folder is not None:
        config["UPLOAD_DIR"] = f"{folder}/uploads"
    return create_app({**config, **settings})


@contextmanager
def sqlite_app(**settings: Any) -> Iterator[Any]:
    """The portal on a new SQLite database in a temporary folder, its tables made, inside an
    application context; the folder is removed afterwards."""
    from portal.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{folder}/portal.db", folder, **settings)
        with app.app_context():
            db.create_all()
            yield app


@contextmanager
def server_database(server_url: str = SERVER, prefix: str = "measure") -> Iterator[str]:
    """A new, empty database on the PostgreSQL server `server_url` names; yields its URL and
    drops it afterwards (closing any connection left to it)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def signed_in_client(app, user):
    """A test client signed in as `user`, their second factor given (staff cannot reach a page
    without it). Commits."""
    from portal.accounts import second_factor
    from portal.extensions import db

    token = second_factor.start_session_as_if_given(user)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
    return client


def time_get(client, path: str) -> float:
    """Seconds to GET `path` (which must answer 200)."""
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def best_get(client, path: str, runs: int = 3) -> float:
    """The best of `runs` timed GETs of `path`."""
    return min(time_get(client, path) for _ in range(runs))


def statements_of_get(client, path: str) -> int:
    """How many SQL statements one GET of `path` runs (it must answer 200)."""
    from portal.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
