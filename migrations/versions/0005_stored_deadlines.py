"""Issue 16: the timeline's own index (no audit rows)

Revision ID: 0005_stored_deadlines
Revises: 0002_security_findings
Create Date: 2026-12-04 15:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_stored_deadlines"
down_revision = "0002_security_findings"
branch_labels = None
depends_on = None

NOT_AUDIT = "visibility <> 'audit'"


def upgrade():
    op.create_index(
        "ix_event_case_timeline",
        "event",
        ["case_id", "occurred_at", "id"],
        postgresql_where=sa.text(NOT_AUDIT),
        sqlite_where=sa.text(NOT_AUDIT),
    )


def downgrade():
    op.drop_index("ix_event_case_timeline", table_name="event")
