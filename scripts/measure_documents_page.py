"""Count what the documents page reads at 20 and at 500 documents (issue 11).

Makes a throwaway SQLite database with one case, adds 20 then 500 documents (one version each,
spread over three kinds, straight into the database), and prints for the case officer the SQL
statements, rows fetched and documents listed by the documents page (every kind, the newest 5
of each) and by page 2 of one kind (20 a page). For comparison it also counts what listing
every document (the page before issue 11 did this) fetches.

    .venv/bin/python scripts/measure_documents_page.py
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import g
from measuring import signed_in_client, sqlite_app

from portal import sqlstats
from portal.accounts.models import OrganisationKind, Role
from portal.documents import services
from tests import factories
from tests.documents.test_rows_bounded import _add_documents


def main() -> None:
    with sqlite_app() as app:
        council = factories.make_organisation("Council", OrganisationKind.COUNCIL)
        officer = factories.make_user(Role.CASE_OFFICER, organisation=council)
        case = factories.make_case(team=council, officer=officer)
        client = signed_in_client(app, officer)
        added = 0
        for wanted in (20, 500):
            _add_documents(case, officer, wanted - added, start=added)
            added = wanted
            for label, query in (
                ("every kind", ""),
                ("page 2 of one kind", "?group=other&page=2"),
            ):
                path = f"/cases/{case.public_id}/documents{query}"
                client.get(path)
                with sqlstats.counting() as stats:
                    response = client.get(path)
                listed = len(
                    BeautifulSoup(response.get_data(as_text=True), "html.parser").select(
                        "[data-document]"
                    )
                )
                print(
                    f"{wanted:3d} documents, {label:18s}: {stats.queries} statements, "
                    f"{stats.rows} rows, {listed} listed"
                )
            with app.test_request_context():
                g.pop("_grants", None)
                with sqlstats.counting() as stats:
                    services.documents_for(officer, case)
            print(
                f"{wanted:3d} documents, listing every one (before): {stats.queries} "
                f"statements, {stats.rows} rows"
            )


if __name__ == "__main__":
    main()
