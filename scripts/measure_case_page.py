"""Measure how long the case page takes with hostile updates on it (issue 10, finding 2).

Each hostile update is 2,000 `[` (the longest an update may be): Python-Markdown's link parsing
is quadratic on unclosed brackets. The script makes a throwaway SQLite database, posts 0, 3 and
20 such updates through the real service, and times the case page as its case officer sees it
(best of 3 for each). It also times posting one hostile update.

    .venv/bin/python scripts/measure_case_page.py
"""

from __future__ import annotations

import time

from measuring import best_get, signed_in_client, sqlite_app

from portal.accounts.models import OrganisationKind, Role
from portal.cases.services import post_update
from tests import factories

HOSTILE = "[" * 2000


def main() -> None:
    with sqlite_app() as app:
        council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
        officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
        case = factories.make_case(team=council, officer=officer)
        path = f"/cases/{case.public_id}"
        client = signed_in_client(app, officer)
        posted = 0
        for wanted in (0, 3, 20):
            while posted < wanted:
                started = time.perf_counter()
                post_update(officer, case, HOSTILE)
                post_seconds = time.perf_counter() - started
                posted += 1
            best = best_get(client, path)
            print(f"case page with {wanted:2d} hostile updates: {best:.3f} s")
        print(f"posting one hostile update: {post_seconds:.3f} s")


if __name__ == "__main__":
    main()
