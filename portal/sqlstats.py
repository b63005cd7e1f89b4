"""Count the SQL statements run and the rows fetched inside a block of code.

    with sqlstats.counting() as stats:
        client.get("/cases")
    assert stats.rows <= 30

Used by tests (rows fetched must be bounded by what a page shows, not by the number of cases)
and by the benchmark (`scripts/bench.py`). Nothing is counted outside a `counting()` block: the
listener is added when the block starts and removed when it ends, so production code pays
nothing.

Rows are counted as the database driver hands them to SQLAlchemy: each statement's cursor gets
a row factory that counts (both sqlite3 and psycopg let a cursor have its own). So `scalar()` on
a query without `LIMIT` counts the one row it took, and `.all()` counts every row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from portal.extensions import db


@dataclass
class SqlStats:
    """What ran inside a `counting()` block."""

    statements: list[str] = field(default_factory=list)
    #: Rows fetched by each statement, in the same order.
    rows_by_statement: list[int] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_statement)

    @property
    def queries(self) -> int:
        return len(self.statements)


@contextmanager
def counting(engine: sa.Engine | None = None) -> Iterator[SqlStats]:
    """Count statements and fetched rows on ``engine`` (the app's database by default)."""
    engine = engine if engine is not None else db.engine
    stats = SqlStats()
    postgres = engine.dialect.name == "postgresql"

    def before(_conn, cursor, statement, *_args) -> None:
        index = len(stats.statements)
        stats.statements.append(statement)
        stats.rows_by_statement.append(0)

        def sqlite_row(_cursor: Any, row: tuple) -> tuple:
            stats.rows_by_statement[index] += 1
            return row

        def psycopg_rows(_cursor: Any):
            def make(values):
                stats.rows_by_statement[index] += 1
                return tuple(values)

            return make

        cursor.row_factory = psycopg_rows if postgres else sqlite_row

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield stats
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
