"""Time the council's committed top-up page at 10 and 10,000 banded plans (issue 14).

Makes a throwaway SQLite database, adds agreed bandings (two in three plans with a band change
part way through the year), and times GET /funding/committed-spend as the case officer sees it
(best of 3), with the number of SQL statements the page runs.

    .venv/bin/python scripts/measure_committed_spend.py
"""

from __future__ import annotations

from datetime import timedelta

from measuring import best_get, signed_in_client, sqlite_app, statements_of_get

from portal import clock
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding.models import Banding
from portal.funding.money import FinancialYear
from tests import factories

AREAS = ("communication", "cognition", "semh", "sensory_physical")
SETTINGS = ("mainstream", "resourced_provision", "special_school", "post_16")


def main() -> None:
    with sqlite_app() as app:
        council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
        officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
        client = signed_in_client(app, officer)
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
            statements = statements_of_get(client, "/funding/committed-spend")
            best = best_get(client, "/funding/committed-spend")
            print(
                f"{wanted:6d} banded plans: committed-spend page {best:.3f} s, "
                f"{statements} SQL statements"
            )


if __name__ == "__main__":
    main()
