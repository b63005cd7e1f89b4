"""A busy case is not slowed by being read: the audit rows its views leave behind (one per view)
are kept out of the timeline's way by an index that holds no audit rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import insert

from portal import clock, sqlstats
from portal.audit import Event, Visibility
from portal.cases.timeline import timeline_for
from portal.extensions import db
from tests.cases.conftest import add_event


def _views(case, viewer, count: int) -> None:
    """`count` audit records of the case being viewed, inserted in bulk."""
    now = clock.utcnow()
    rows = [
        {
            "occurred_at": now - timedelta(seconds=n),
            "actor_id": viewer.id,
            "action": "case.viewed",
            "case_id": case.id,
            "visibility": Visibility.AUDIT.value,
            "detail": {},
        }
        for n in range(count)
    ]
    for start in range(0, count, 5_000):
        db.session.execute(insert(Event.__table__), rows[start : start + 5_000])
    db.session.commit()


def _case_page(client_request, case) -> sqlstats.SqlStats:
    client_request.get("cases.case_page", case_id=case.public_id)
    with sqlstats.counting() as stats:
        page = client_request.get("cases.case_page", case_id=case.public_id)
    assert page.status == 200
    return stats


def test_fifty_thousand_views_do_not_change_what_the_case_page_fetches(
    app, client_request, family_case, parent, case_officer
):
    """The case page fetches the same rows, in the same statements, whether its case has been
    viewed twice or 50,000 times; the timeline still shows the case's own entries, and no
    view record."""
    with app.test_request_context():
        for n in range(3):
            add_event(family_case, visibility=Visibility.EVERYONE, summary=f"Step {n} happened")
    db.session.commit()
    client_request.sign_in_as(parent)
    quiet = _case_page(client_request, family_case)
    _views(family_case, case_officer, 50_000)
    busy = _case_page(client_request, family_case)
    assert busy.rows_by_statement == quiet.rows_by_statement
    assert busy.queries == quiet.queries
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "Step 2 happened" in page.html.get_text()
    assert "Case viewed" not in page.html.get_text()


def _plan(statement: str, parameters) -> str:
    """The database's plan for a statement the timeline ran, with the same parameters."""
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        # A handful of test rows would always be read in full; ask what a big table gets.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
    else:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        plan = [row[-1] for row in rows]
    db.session.rollback()
    return "\n".join(plan)


@pytest.mark.parametrize("reader", ["parent", "case_officer"])
def test_the_timeline_is_read_through_its_own_index(app, family_case, reader, request):
    """The timeline's query is answered from the index without audit rows, for a family member
    and for the council, so its cost follows the timeline, not the number of views."""
    user = request.getfixturevalue(reader)
    captured = []

    def capture(_conn, _cursor, statement, parameters, *_args):
        if "FROM event" in statement:
            captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        timeline_for(user, family_case)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    assert len(captured) == 1, "the timeline reads events in one query"
    assert "ix_event_case_timeline" in _plan(*captured[0])
