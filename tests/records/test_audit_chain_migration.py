"""Migration 0012_audit_chain chains the events a database already holds, so an upgraded portal's
trail verifies from its first entry, and new entries continue the same chain."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from portal import audit
from portal.extensions import db
from tests.test_migrations import app_on


# SQLite's batch migrations reflect the user table, whose lower(email) index it cannot reflect.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrading_chains_the_events_already_held(tmp_path):
    """Events written before the chain existed are chained in id order by the migration."""
    url = f"sqlite:///{tmp_path / 'upgrade.db'}"
    with app_on(url, tmp_path):
        upgrade(revision="0015_content_approval")
        with db.engine.begin() as conn:
            for n in range(7):
                conn.execute(
                    sa.text(
                        "INSERT INTO event (occurred_at, action, visibility, summary, detail)"
                        " VALUES (:at, 'case.viewed', 'audit', :summary, :detail)"
                    ),
                    {
                        "at": f"2026-11-0{n + 1} 10:00:00.000000",
                        "summary": f"old entry {n}",
                        "detail": '{"page": "case"}',
                    },
                )
        upgrade()
        verdict = audit.verify_chain()
        assert verdict.ok, verdict.problem
        assert verdict.checked == 7
        audit.record("case.viewed", page="case")
        db.session.commit()
        assert audit.seal_unchained() == 1
        assert audit.verify_chain().checked == 8
