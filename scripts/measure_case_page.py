"""Measure how long the case page takes with hostile updates on it (issue 10, finding 2).

Each hostile update is 2,000 `[` (the longest an update may be): Python-Markdown's link parsing
is quadratic on unclosed brackets. The script makes a throwaway SQLite database, posts 0, 3 and
20 such updates through the real service, and times the case page as its case officer sees it
(best of 3 for each). It also times posting one hostile update.

    .venv/bin/python scripts/measure_case_page.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from portal import create_app
from portal.accounts import second_factor
from portal.accounts.models import OrganisationKind, Role
from portal.cases.services import post_update
from portal.extensions import db
from tests import factories

HOSTILE = "[" * 2000


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
            case = factories.make_case(team=council, officer=officer)
            token = second_factor.start_session_as_if_given(officer)
            db.session.commit()
            path = f"/cases/{case.public_id}"
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = token
            posted = 0
            for wanted in (0, 3, 20):
                while posted < wanted:
                    started = time.perf_counter()
                    post_update(officer, case, HOSTILE)
                    post_seconds = time.perf_counter() - started
                    posted += 1
                best = min(_time_get(client, path) for _ in range(3))
                print(f"case page with {wanted:2d} hostile updates: {best:.3f} s")
            print(f"posting one hostile update: {post_seconds:.3f} s")


def _time_get(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed


if __name__ == "__main__":
    main()
