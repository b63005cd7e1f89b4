"""Time making a plan's PDF (issue 12): the demo's issued plan grown to about 12 A4 pages.

Makes a throwaway SQLite database with the demo data, adds items of help to an issued plan's
working copy until its PDF reaches 12 pages, issues it, then times `make_pdf` (best and median
of 5) and says the page count.

    .venv/bin/python scripts/measure_plan_pdf.py
"""

from __future__ import annotations

import io
import statistics
import time

from measuring import sqlite_app
from pypdf import PdfReader
from sqlalchemy import select

from portal.cases.models import Case
from portal.demo import load_demo_data
from portal.extensions import db
from portal.plans import pdf, services
from portal.plans.models import PlanVersion, Section


def _pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def main() -> None:
    with sqlite_app() as app, app.test_request_context():
        load_demo_data("demo-portal-password")
        issued = db.session.scalars(
            select(PlanVersion).where(PlanVersion.frozen_at.is_not(None))
        ).all()
        version = next(v for v in issued if v.is_issued)
        case: Case = version.plan.case
        officer = case.case_officer
        # Grow the plan: items of help in F, G and H1 until the PDF is about 12 pages.
        while True:
            for n, section in enumerate((Section.F, Section.G, Section.H1) * 3):
                services.save_provision(
                    officer,
                    case,
                    section,
                    what=f"Small-group work on social communication, session plan {n}",
                    who="Specialist teacher for autism",
                    how_often="Two 30-minute sessions a week, in term time",
                    how_long="Until the annual review in 12 months",
                )
            services.send_draft(officer, case)
            latest = services.issue_final(
                officer, case, placement_name="Oak Primary School", placement_type="mainstream"
            )
            if _pages(pdf.make_pdf(officer, latest).content) >= 12:
                break
        times = []
        for _ in range(5):
            start = time.perf_counter()
            made = pdf.make_pdf(officer, latest)
            times.append(time.perf_counter() - start)
        print(
            f"A {_pages(made.content)}-page plan PDF ({len(made.content) // 1024} KB): "
            f"best {min(times):.2f} s, median {statistics.median(times):.2f} s (of 5)."
        )


if __name__ == "__main__":
    main()
