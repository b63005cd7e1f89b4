"""Time the council's committed top-up page at 10 and 10,000 banded plans (issue 14).

Makes a throwaway SQLite database, adds agreed bandings (two in three plans with a band change
part way through the year), and times GET /funding/committed-spend as the case officer sees it
(best of 3), with the number of SQL statements the page runs.

    .venv/bin/python scripts/measure_committed_spend.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

import sqlalchemy as sa

from portal import clock, create_app
from portal.accounts import second_factor
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding.models import Banding
from portal.funding.money import FinancialYear
from tests import factories

AREAS = ("communication", "cognition", "semh", "sensory_physical")
SETTINGS = ("mainstream", "resourced_provision", "special_school", "post_16")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/portal.db",
                "SECRET_KEY": "x" * 40,
                "UPLOAD_DIR": f"{folder}/uploads",
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
            officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
            token = second_factor.start_session_as_if_given(officer)
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = token
            first = FinancialYear.containing(clock.today()).first_day
            made = 0
            for wanted in (10, 10_000):
                while made < wanted:
                    case = factories.make_case(team=council, officer=officer)
                    for k in range(2 if made % 3 else 1):
                        db.session.add(
                            Banding(
                                case_id=case.id,
                                area_of_need=AREAS[made % 4],
                                setting_type=SETTINGS[(made // 4) % 4],
                                proposed_band=1 + (made + k) % 6,
                                agreed_band=1 + (made + k) % 6,
                                status="agreed",
                                effective=first + timedelta(days=100 * k + made % 90),
                                proposed_by_id=officer.id,
                                decided_by_id=officer.id,
                                statements="x",
                                evidence="y",
                            )
                        )
                    made += 1
                    if made % 500 == 0:
                        db.session.commit()
                db.session.commit()
                statements: list[str] = []

                def count(conn, cursor, statement, *args, seen=statements):
                    seen.append(statement)

                sa.event.listen(db.engine, "before_cursor_execute", count)
                client.get("/funding/committed-spend")
                sa.event.remove(db.engine, "before_cursor_execute", count)
                best = min(_time_get(client) for _ in range(3))
                print(
                    f"{wanted:6d} banded plans: committed-spend page {best:.3f} s, "
                    f"{len(statements)} SQL statements"
                )


def _time_get(client) -> float:
    started = time.perf_counter()
    response = client.get("/funding/committed-spend")
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
