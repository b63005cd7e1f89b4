"""The case page's funding bands: the band in force in each area of need, read one row an area
however long the case's banding history."""

from __future__ import annotations

from datetime import timedelta

from portal import clock, sqlstats
from portal.extensions import db
from tests.funding.banding_support import add_band


def test_the_case_page_shows_the_band_in_force_in_each_area_and_reads_one_row_an_area(
    client_request, family_case, senco, case_officer, parent
):
    """Cognition went from band 2 to band 3, and band 5 is agreed to start next term: band 3
    shows. Communication had two bands agreed from the same day: the later decision counts.
    The page fetches those two rows, not the five of the history."""
    today = clock.today()
    for band, days in ((2, -700), (3, -300), (5, 120)):
        add_band(family_case, senco, case_officer, band=band, effective=today + timedelta(days))
    for band in (1, 4):
        add_band(
            family_case, senco, case_officer, area="communication", band=band,
            effective=today - timedelta(100),
        )  # fmt: skip
    db.session.commit()
    client_request.sign_in_as(parent)
    with sqlstats.counting() as stats:
        page = client_request.get("cases.case_page", case_id=family_case.public_id)
    bands = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page.html.select("#bands-section-title ~ dl .govuk-summary-list__row")
    }
    assert sorted(bands) == ["Cognition and learning", "Communication and interaction"]
    assert bands["Cognition and learning"].startswith("Band 3, from")
    assert bands["Communication and interaction"].startswith("Band 4, from")
    banding_rows = [
        rows
        for statement, rows in zip(stats.statements, stats.rows_by_statement, strict=True)
        if "FROM banding" in statement
    ]
    assert banding_rows == [2]
