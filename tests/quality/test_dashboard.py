"""The quality dashboard: grades by round, section, key stage, need, setting and case officer,
drawn as accessible SVG with the same numbers in tables; CSV export; a fixed number of queries
whether there are 10 audits or 1,000."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, insert, select

from portal import sqlstats
from portal.cases.models import new_public_id
from portal.clock import utcnow
from portal.extensions import db
from portal.quality import services
from portal.quality.models import Audit, AuditAnswer, AuditSection, SampledPlan
from portal.quality.services import RoundRule
from tests.reauth import asks_for_a_fresh_code_then_sends

GRADES = ["Outstanding", "Good", "Requires improvement", "Inadequate"]


def _grow(app, round_, sample, auditor, count: int) -> None:
    """Add `count` submitted first audits of the sample, grades spread over the four bands."""
    now = utcnow()
    before = db.session.scalar(select(func.max(Audit.id))) or 0
    rows = [
        {
            "public_id": new_public_id(),
            "round_id": round_.id,
            "sample_id": sample.id,
            "auditor_id": auditor.id,
            "framework_id": round_.framework_id,
            "kind": "first",
            "plan_version_id": sample.plan_version_id,
            "status": "submitted",
            "strengths": "",
            "improvements": "",
            "grade": GRADES[n % 4],
            "score": 0.5,
            "explanation": "",
            "created_at": now,
            "updated_at": now,
            "submitted_at": now,
        }
        for n in range(count)
    ]
    db.session.execute(insert(Audit), rows)
    ids = db.session.scalars(select(Audit.id).where(Audit.id > before)).all()
    db.session.execute(
        insert(AuditSection),
        [{"audit_id": i, "section": "F", "comment": "", "grade": GRADES[i % 4]} for i in ids],
    )
    db.session.execute(
        insert(AuditAnswer),
        [{"audit_id": i, "section": "F", "code": "F1", "answer": "no"} for i in ids],
    )
    db.session.commit()


def _round(app, issued_plans, quality_lead, auditor):
    day = issued_plans[0].frozen_at.date()
    with app.test_request_context():
        round_ = services.open_round(
            quality_lead, RoundRule("November 2026", day, day, 25), [auditor.id]
        )
        services.draw_sample(quality_lead, round_)
        db.session.commit()
    # Only the rows made below count: drop the draft audit the draw made.
    db.session.query(Audit).delete()
    db.session.commit()
    return round_, db.session.scalars(select(SampledPlan)).one()


def test_dashboard_shows_each_breakdown_as_a_chart_and_a_table(
    app, client_request, issued_plans, quality_lead, auditor
):
    """Every chart is an SVG with a title and description, and its numbers are in a table."""
    round_, sample = _round(app, issued_plans, quality_lead, auditor)
    _grow(app, round_, sample, auditor, 8)
    client_request.sign_in_as(quality_lead)
    page = client_request.get("quality.dashboard")
    charts = page.html.select("svg.portal-chart")
    assert len(charts) == 7
    assert all(svg["role"] == "img" and svg.get("aria-labelledby") for svg in charts)
    first_table = page.html.select("table")[0]
    assert "November 2026" in first_table.get_text()
    link = first_table.select_one("tbody th a")
    assert link["href"] == f"/quality/rounds/{round_.public_id}"
    cells = [td.get_text(strip=True) for td in page.html.select("table")[0].select("tbody td")]
    assert cells == ["2", "2", "2", "2", "8"]
    assert "Chris Officer" in page.text("main")
    assert "Council quality team" in page.text("main")
    assert "F1" in page.text("main")  # the criterion most often not met

    # Narrowed to the plans' own key stage, everything stays; to another, nothing is left.
    page = client_request.get("quality.dashboard", key_stage=sample.key_stage)
    assert "8 plans audited" in page.text("main")
    other = "post16" if sample.key_stage != "post16" else "ks1"
    page = client_request.get("quality.dashboard", key_stage=other, primary_need="semh")
    assert "0 plans audited" in page.text("main")
    assert page.html.select_one("#key_stage option[selected]")["value"] == other
    response = client_request.client.get(f"/quality/dashboard/download?key_stage={other}")
    assert len(response.get_data(as_text=True).strip().splitlines()) == 1  # the header only

    response = client_request.client.get("/quality/dashboard/download")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Round" and len(rows) == 9


def test_dashboard_query_count_is_the_same_for_10_and_1000_audits(
    app, client_request, issued_plans, quality_lead, auditor
):
    """Counting happens in SQL: 1,000 audits cost no more queries than 10."""
    round_, sample = _round(app, issued_plans, quality_lead, auditor)
    client_request.sign_in_as(quality_lead)
    counts, rows = [], []
    for size in (10, 990):
        _grow(app, round_, sample, auditor, size)
        with sqlstats.counting() as stats:
            page = client_request.get("quality.dashboard")
        counts.append(stats.queries)
        rows.append(stats.rows)
    assert "1000 plans audited" in page.text("main")
    assert counts[0] == counts[1], counts
    assert rows[0] == rows[1], rows  # grouped in SQL: the rows read do not grow either
    print(f"dashboard at 10 and 1,000 audits: queries {counts}, rows {rows}")


def test_the_demo_has_two_rounds_a_spread_of_grades_a_moderation_and_a_reaudit(app):
    """`make run` shows the audits working: every grade appears, one plan was moderated and one
    re-audited, and some audits are still to do."""
    from portal.demo import load_demo_data
    from portal.quality.models import AuditRound, Moderation

    load_demo_data("demo-portal-password")
    assert db.session.query(AuditRound).count() == 2
    grades = set(db.session.scalars(select(Audit.grade).where(Audit.grade.is_not(None))))
    assert set(GRADES) <= grades
    assert db.session.query(Moderation).count() == 1
    reaudit = db.session.scalar(select(Audit).where(Audit.kind == "reaudit"))
    assert reaudit is not None and reaudit.grade == "Good"
    assert db.session.scalar(select(func.count(Audit.id)).where(Audit.status == "draft")) > 0


def test_the_audits_csv_asks_for_a_fresh_code(client_request, quality_lead):
    data = asks_for_a_fresh_code_then_sends(
        client_request,
        quality_lead,
        "/quality/dashboard/download",
        mimetype="text/csv",
        action="quality.audits_downloaded",
    )
    assert data.decode().startswith("Round,Plan reference")
