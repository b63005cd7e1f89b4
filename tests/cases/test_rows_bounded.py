"""The key pages fetch rows bounded by what they show, not by the size of the council: read at
100 and at 2,000 cases (20 times as many), the statements a page runs may not grow at all, and
the rows it fetches stay under 400 (a page of 25 cases with their dated facts; before issue 16
the officer's caseload fetched every deadline row of the team: about 6,400 rows at 1,000 cases
and 13,000 at 2,000). Counted, not timed."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal import sqlstats
from portal.accounts import second_factor
from portal.accounts.models import User
from portal.demo import load_demo_data
from portal.extensions import db

ROWS_CEILING = 400
PAGES = {
    "officer@example.org": ["/home", "/home?page=2", "/home?due=late", "/dashboard"],
    "senco@example.org": ["/home"],
    "parent@example.org": ["a case page"],
}


def _measure(app) -> dict[str, tuple[int, int]]:
    found = {}
    for email, paths in PAGES.items():
        user = db.session.scalar(select(User).where(User.email == email))
        token = second_factor.start_session_as_if_given(user)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
        for path in paths:
            if path == "a case page":
                home = client.get("/home").get_data(as_text=True)
                path = re.search(r'href="(/cases/[A-Za-z0-9_-]+)"', home).group(1)
            client.get(path)  # once to warm up (stale schedules, first events)
            with sqlstats.counting() as stats:
                response = client.get(
                    path, headers={"HX-Request": "true"} if "late" in path else {}
                )
            assert response.status_code == 200, (email, path)
            found[f"{email} {path}"] = (stats.queries, stats.rows)
    return found


def test_key_pages_fetch_the_same_rows_at_100_and_at_2000_cases(app):
    load_demo_data("demo-portal-password")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bench-data", "100"]).exit_code == 0
    small = _measure(app)
    assert runner.invoke(args=["bench-data", "2000"]).exit_code == 0
    large = _measure(app)
    grew = {
        page: (small[page], large[page])
        for page in small
        if large[page][0] > small[page][0] or large[page][1] > ROWS_CEILING
    }
    assert not grew, f"(statements, rows) at 100 and at 2,000 cases: {grew}"
