"""How a request's transaction ends on PostgreSQL: one that only read is committed, not rolled
back, so the statements psycopg has prepared survive to the next request.

psycopg forgets every prepared statement when a transaction is rolled back (it cannot tell what
the rollback undid), and Flask-SQLAlchemy rolls back whatever a request left open. So a page
that only reads (the caseload, the dashboard, a school's home page) had PostgreSQL parse and
plan each of its statements afresh on every request, which at 10,000 cases costs more than
running them. Committing a transaction that ran nothing but SELECTs has exactly the effect of
rolling it back. A transaction that wrote anything (or may have: anything but a plain SELECT
counts as a write), one with unsaved changes in the session, and a request that failed are
still rolled back as before.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection

from portal.extensions import db

#: Set on a pooled connection by any statement other than a plain SELECT; cleared when its
#: transaction ends. Kept on the pool's record, so a flag left by a connection returned without
#: a commit or rollback event errs towards rolling back.
_WROTE = "portal.wrote"


def _note_writes(conn: Connection, _cursor, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[_WROTE] = True


def _transaction_ended(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


def only_read(conn: Connection) -> bool:
    """Has this connection's open transaction run nothing but SELECTs?"""
    return not conn.info.get(_WROTE, False)


def init_app(app: Flask) -> None:
    """Commit read-only transactions at the end of each application context (PostgreSQL only:
    SQLite has no prepared statements to keep)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    if not event.contains(engine, "before_cursor_execute", _note_writes):
        event.listen(engine, "before_cursor_execute", _note_writes)
        event.listen(engine, "commit", _transaction_ended)
        event.listen(engine, "rollback", _transaction_ended)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs before the session is removed.
    @app.teardown_appcontext
    def commit_if_only_read(exception: BaseException | None) -> None:
        session = db.session()  # the request's own session, not the registry
        if exception is not None or not session.in_transaction():
            return
        if session.new or session.dirty or session.deleted:
            return
        if only_read(session.connection()):
            session.commit()
