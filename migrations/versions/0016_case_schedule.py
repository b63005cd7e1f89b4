"""Issue 16: each case's next deadline, stored for the caseload and dashboard to query

The rows are derived from the facts and rebuilt by `flask deadlines rebuild` (which `make run`
and the production steps run after `db upgrade`); new cases get theirs in the transaction that
opens them.

Revision ID: 0016_case_schedule
Revises: 0012b_role_change_requests
Create Date: 2026-12-04 19:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_case_schedule"
down_revision = "0012b_role_change_requests"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_schedule",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("next_key", sa.String(length=60), nullable=True),
        sa.Column("next_delayed", sa.Boolean(), nullable=False),
        sa.Column("next_family_window", sa.Boolean(), nullable=False),
        sa.Column("final_outcome", sa.String(length=20), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_schedule_case_id_case")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_schedule")),
    )
    op.create_index(
        op.f("ix_case_schedule_next_due_on"), "case_schedule", ["next_due_on"], unique=False
    )
    op.create_index(
        op.f("ix_case_schedule_valid_until"), "case_schedule", ["valid_until"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_case_schedule_valid_until"), table_name="case_schedule")
    op.drop_index(op.f("ix_case_schedule_next_due_on"), table_name="case_schedule")
    op.drop_table("case_schedule")
