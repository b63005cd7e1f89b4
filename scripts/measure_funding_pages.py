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
import contextlib
import tempfile

import sqlalchemy as sa
from measuring import best_get, make_app, server_database, signed_in_client, statements_of_get

from portal import audit, clock
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding.money import FinancialYear
from portal.funding.tariff import load_demo_tariffs
from tests import factories
from tests.funding.bulk import add_banded_plans

SCHOOLS = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--sizes", default="10,10000", help="plan counts, comma-separated")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        if args.database:
            database = server_database(args.database, prefix="measure_funding")
        else:
            database = contextlib.nullcontext(f"sqlite:///{folder}/portal.db")
        with database as url:
            _measure(url, folder, sizes)


def _measure(url: str, folder: str, sizes: list[int]) -> None:
    app = make_app(url, folder)
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
            clients[who] = signed_in_client(app, user)
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
                statements = statements_of_get(client, path)
                best = best_get(client, path)
                print(
                    f"{dialect:10s} {wanted:6d} banded plans: {label:12s} {best:.3f} s, "
                    f"{statements} SQL statements",
                    flush=True,
                )


if __name__ == "__main__":
    main()
