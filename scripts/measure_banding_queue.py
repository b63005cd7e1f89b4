"""Time the council's queue of proposed bands at 10, 200 and 10,000 proposals (issue 14).

Makes a throwaway SQLite database with proposals waiting (each on its own case, proposed by a
school), and times GET /funding/bands-to-agree as a funding officer sees it, the first page and
the last (best of 3), with the number of SQL statements each runs.

    .venv/bin/python scripts/measure_banding_queue.py
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
from portal.accounts import services as account_services
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding.models import Banding
from portal.funding.moderation import QUEUE_PAGE_SIZE
from tests import factories

AREAS = ("communication", "cognition", "semh", "sensory_physical")


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
            school = factories.make_organisation("School", OrganisationKind.SCHOOL)
            officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
            senco = factories.make_user(Role.SCHOOL, organisation=school)
            funder = factories.make_user(Role.FUNDING_OFFICER, organisation=council)
            token = account_services._start_session(funder)
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = token
            made = 0
            for wanted in (10, 200, 10_000):
                while made < wanted:
                    case = factories.make_case(team=council, officer=officer, school=school)
                    db.session.add(
                        Banding(
                            case_id=case.id,
                            area_of_need=AREAS[made % 4],
                            setting_type="mainstream",
                            proposed_band=1 + made % 6,
                            effective=clock.today() + timedelta(days=made % 90),
                            proposed_by_id=senco.id,
                            statements="x",
                            evidence="y",
                        )
                    )
                    made += 1
                    if made % 500 == 0:
                        db.session.commit()
                db.session.commit()
                last = -(-wanted // QUEUE_PAGE_SIZE)
                for label, url in (
                    ("first page", "/funding/bands-to-agree"),
                    (f"page {last}", f"/funding/bands-to-agree?page={last}"),
                ):
                    statements: list[str] = []

                    def count(conn, cursor, statement, *args, seen=statements):
                        seen.append(statement)

                    sa.event.listen(db.engine, "before_cursor_execute", count)
                    client.get(url)
                    sa.event.remove(db.engine, "before_cursor_execute", count)
                    best = min(_time_get(client, url) for _ in range(3))
                    print(
                        f"{wanted:6d} proposals: queue {label:10s} {best:.3f} s, "
                        f"{len(statements)} SQL statements"
                    )


def _time_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
