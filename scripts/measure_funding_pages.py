"""Time the funding dashboard and a school's top-up page at 10 and 10,000 banded plans (issue 14).

Makes a throwaway database (SQLite by default; `--database postgresql+psycopg://...` makes and
drops a new database on that server), stores a tariff and budget for this financial year, adds
banded plans (two in three change band part way through the year, one in five has a proposal
waiting) spread over 40 schools, and times GET /funding/dashboard as a funding officer and GET
/funding/schools/<id> (page 1) as that school's coordinator: best of 3, with the number of SQL
statements each page runs.

    .venv/bin/python scripts/measure_funding_pages.py
    .venv/bin/python scripts/measure_funding_pages.py --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

import sqlalchemy as sa

from portal import audit, clock, create_app
from portal.accounts import services as account_services
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding.money import FinancialYear
from portal.funding.tariff import load_demo_tariffs
from tests import factories
from tests.funding.bulk import add_banded_plans

SCHOOLS = 40


def _server_database(url: str) -> tuple[str, sa.Engine, str]:
    """A new, empty database on the server `url` names; returns its URL, an admin engine and
    its name (to drop it afterwards)."""
    name = f"measure_funding_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False), admin, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--sizes", default="10,10000", help="plan counts, comma-separated")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        admin = name = None
        if args.database:
            url, admin, name = _server_database(args.database)
        else:
            url = f"sqlite:///{folder}/portal.db"
        try:
            _measure(url, folder, sizes)
        finally:
            if admin is not None:
                with admin.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


def _measure(url: str, folder: str, sizes: list[int]) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "x" * 40,
            "UPLOAD_DIR": f"{folder}/uploads",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        audit.start_chain(db.session)
        council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
        schools = [factories.make_organisation(f"School {n}") for n in range(SCHOOLS)]
        officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
        funding = factories.make_user(Role.FUNDING_OFFICER, organisation=council)
        senco = factories.make_user(Role.SCHOOL, organisation=schools[0])
        year = FinancialYear.containing(clock.today())
        load_demo_tariffs(year)
        db.session.commit()
        clients = {}
        for who, user in (("funding", funding), ("senco", senco)):
            token = account_services._start_session(user)
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = token
            clients[who] = client
        pages = [
            ("dashboard", clients["funding"], "/funding/dashboard"),
            ("school page", clients["senco"], f"/funding/schools/{schools[0].id}"),
        ]
        made = 0
        dialect = db.engine.dialect.name
        for wanted in sizes:
            add_banded_plans(
                wanted - made,
                team_id=council.id,
                school_ids=[school.id for school in schools],
                officer_id=officer.id,
                first_day=year.first_day,
            )
            made = wanted
            if dialect == "postgresql":
                with db.engine.connect() as connection:
                    connection.execute(sa.text("ANALYZE"))
                    connection.commit()
            for label, client, path in pages:
                statements: list[str] = []

                def count(conn, cursor, statement, *args, seen=statements):
                    seen.append(statement)

                sa.event.listen(db.engine, "before_cursor_execute", count)
                response = client.get(path)
                sa.event.remove(db.engine, "before_cursor_execute", count)
                assert response.status_code == 200, (label, response.status_code)
                best = min(_time_get(client, path) for _ in range(3))
                print(
                    f"{dialect:10s} {wanted:6d} banded plans: {label:12s} {best:.3f} s, "
                    f"{len(statements)} SQL statements",
                    flush=True,
                )


def _time_get(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
