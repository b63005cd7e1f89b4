"""The administrators' audit search: filters by case, person, action and dates, pages in SQL, and
a CSV export that is itself written to the audit trail. Nobody else may use it."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from portal import audit, clock
from portal.audit import Event
from portal.extensions import db
from portal.records import search


def _search(client_request, **fields):
    data = {"case_reference": "", "person": "", "action": ""} | fields
    client_request.post("records.audit_search", data, expected_redirect="/audit")
    return client_request.get("records.audit_search")


def _rows(page) -> list[str]:
    return page.texts("tbody tr")


def test_an_administrator_finds_who_read_a_case_by_its_reference(
    client_request, admin, family_case, other_family_case, parent, parent2
):
    """Searching by case reference lists only that case's entries; the reference is not in the
    URL and neither is the email."""
    audit.record("case.viewed", actor=parent, case=family_case, page="case")
    audit.record("case.viewed", actor=parent2, case=other_family_case, page="case")
    db.session.commit()
    client_request.sign_in_as(admin)
    page = _search(client_request, case_reference=family_case.reference.lower())
    rows = _rows(page)
    assert rows and all(family_case.reference in row for row in rows)
    assert not any(other_family_case.reference in row for row in rows)


def test_filters_by_person_action_and_dates(client_request, admin, family_case, parent, senco):
    """Person (by email), action prefix and a date range narrow the list together."""
    clock.freeze(datetime(2026, 11, 2, 10))
    audit.record("document.downloaded", actor=parent, case=family_case, document="x")
    db.session.commit()
    clock.freeze(datetime(2026, 11, 20, 10))
    audit.record("document.downloaded", actor=parent, case=family_case, document="y")
    audit.record("case.viewed", actor=parent, case=family_case, page="case")
    audit.record("document.downloaded", actor=senco, case=family_case, document="z")
    db.session.commit()
    client_request.sign_in_as(admin)
    page = _search(
        client_request,
        person=parent.email.upper(),
        action="document.",
        **{"from_date-day": "15", "from_date-month": "11", "from_date-year": "2026"},
        **{"to_date-day": "30", "to_date-month": "11", "to_date-year": "2026"},
    )
    rows = _rows(page)
    assert len(rows) == 1
    assert "document.downloaded" in rows[0] and parent.name in rows[0]


def test_an_unknown_person_is_said_plainly(client_request, admin):
    """A search for an email nobody has says so."""
    client_request.sign_in_as(admin)
    page = _search(client_request, person="nobody@example.org")
    assert "Nobody on the portal has that email address" in page.text("main")


def test_a_date_range_the_wrong_way_round_is_an_error(client_request, admin):
    """The last date before the first date is shown as a form error."""
    client_request.sign_in_as(admin)
    page = client_request.post(
        "records.audit_search",
        {
            "from_date-day": "10",
            "from_date-month": "11",
            "from_date-year": "2026",
            "to_date-day": "1",
            "to_date-month": "11",
            "to_date-year": "2026",
        },
        expected_status=200,
    )
    assert page.error_summary == ["The last date must be the same as or after the first date"]


def test_the_search_pages_in_sql(app, admin, family_case, parent, count_queries):
    """Pages of 50, newest first, with a fixed number of queries."""
    for n in range(search.PAGE_SIZE + 5):
        audit.record("case.viewed", actor=parent, case=family_case, n=n)
    db.session.commit()
    filters = search.AuditFilters(case_reference=family_case.reference)
    with app.test_request_context(), count_queries() as counted:
        first = search.search(filters)
    assert len(first.rows) == search.PAGE_SIZE and len(counted) <= 3
    ids = [row.event.id for row in first.rows]
    assert ids == sorted(ids, reverse=True)
    second = search.search(filters, before=first.older_than)
    assert len(second.rows) == 5 and second.older_than is None


def test_the_csv_export_is_recorded_and_neutralises_formulas(
    client_request, admin, family_case, parent
):
    """The export names the admin and filters in the audit trail, and a summary that starts with
    '=' cannot run as a spreadsheet formula."""
    audit.record("case.viewed", actor=parent, case=family_case, summary="=HYPERLINK(1)")
    db.session.commit()
    client_request.sign_in_as(admin)
    _search(client_request, case_reference=family_case.reference)
    response = client_request.client.post(
        "/audit/export", data={"csrf_token": client_request.csrf_token()}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "event id"
    assert rows[1][8] == "'=HYPERLINK(1)"
    exported = db.session.scalar(select(Event).where(Event.action == "audit.exported"))
    assert exported.actor_id == admin.id
    assert exported.detail["filters"]["case_reference"] == family_case.reference
    assert audit.verify_chain().ok


def test_the_export_needs_a_csrf_token(client_request, admin):
    """A cross-site form cannot make an administrator's browser export the trail."""
    client_request.sign_in_as(admin)
    response = client_request.client.post("/audit/export")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "who", ["parent", "young_person", "senco", "psychologist", "case_officer", "editor"]
)
def test_only_administrators_may_search_the_audit_trail(client_request, request, who):
    """Everyone else is refused the search page and the export."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("records.audit_search", expected_status=403)
    client_request.post("records.export_audit", expected_status=403)
