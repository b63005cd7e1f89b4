"""Time a case page before and after its case has been viewed 50,000 times (issue 16).

Each view of a case leaves an audit record in the table the timeline is read from. Makes a
throwaway database (PostgreSQL by default, `--database sqlite` for SQLite) with one case and a
few timeline entries, times the parent's case page (median of 50 GETs after warming up), adds
50,000 view records straight into the database, and times it again. Prints both and their ratio.

    .venv/bin/python scripts/measure_busy_case.py
"""

from __future__ import annotations

import argparse
import statistics

from measuring import make_app, server_database, signed_in_client, sqlite_app, time_get

from portal.accounts.models import OrganisationKind, Role
from portal.audit import Visibility
from portal.cases.models import Relationship
from portal.extensions import db
from tests import factories
from tests.cases.conftest import add_event
from tests.cases.test_timeline_audit_split import _views

VIEWS = 50_000


def _median_ms(client, path: str, runs: int = 50) -> float:
    for _ in range(5):
        time_get(client, path)
    return statistics.median(time_get(client, path) for _ in range(runs)) * 1000


def measure(app) -> None:
    council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
    officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
    case = factories.make_case(team=council, officer=officer)
    parent = factories.make_user(Role.PARENT)
    factories.grant(case, parent, Relationship.PARENT_CARER)
    with app.test_request_context():
        for n in range(5):
            add_event(case, visibility=Visibility.EVERYONE, summary=f"Step {n} happened")
    db.session.commit()
    client = signed_in_client(app, parent)
    path = f"/cases/{case.public_id}"
    quiet = _median_ms(client, path)
    _views(case, officer, VIEWS)
    busy = _median_ms(client, path)
    print(f"case page, a few audit entries:   {quiet:6.1f} ms (median of 50)")
    print(f"case page, {VIEWS:,} view records: {busy:6.1f} ms (median of 50)")
    print(f"ratio: {busy / quiet:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    options = parser.parse_args()
    if options.database == "sqlite":
        with sqlite_app() as app:
            measure(app)
        return
    with server_database(prefix="measure_busy") as url:
        app = make_app(url)
        with app.app_context():
            db.create_all()
            measure(app)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
