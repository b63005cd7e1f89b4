"""Time the council's queue of proposed bands at 10, 200 and 10,000 proposals (issue 14).

Makes a throwaway SQLite database with proposals waiting (each on its own case, proposed by a
school), and times GET /funding/bands-to-agree as a funding officer sees it, the first page and
the last (best of 3), with the number of SQL statements each runs.

    .venv/bin/python scripts/measure_banding_queue.py
"""

from __future__ import annotations

from datetime import timedelta

from measuring import best_get, signed_in_client, sqlite_app, statements_of_get

from portal import clock
from portal.accounts.models import OrganisationKind, Role
from portal.extensions import db
from portal.funding.models import Banding
from portal.funding.moderation import QUEUE_PAGE_SIZE
from tests import factories

AREAS = ("communication", "cognition", "semh", "sensory_physical")


def main() -> None:
    with sqlite_app() as app:
        council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
        school = factories.make_organisation("School", OrganisationKind.SCHOOL)
        officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
        senco = factories.make_user(Role.SCHOOL, organisation=school)
        funder = factories.make_user(Role.FUNDING_OFFICER, organisation=council)
        client = signed_in_client(app, funder)
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
                statements = statements_of_get(client, url)
                best = best_get(client, url)
                print(
                    f"{wanted:6d} proposals: queue {label:10s} {best:.3f} s, "
                    f"{statements} SQL statements"
                )


if __name__ == "__main__":
    main()
