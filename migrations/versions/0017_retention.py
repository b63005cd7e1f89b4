"""Issue 10: the retention rule for closed cases

A record of each case deleted under the rule (`deleted_case`), and audit entries that can be
emptied under it while keeping their place in the hash chain (`event.redacted_by_id`).

Revision ID: 0017_retention
Revises: 0016_case_schedule
Create Date: 2026-12-04 21:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_retention"
down_revision = "0016_case_schedule"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deleted_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("final_stage", sa.String(length=30), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("rows_deleted", sa.Integer(), nullable=False),
        sa.Column("audit_entries_redacted", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"], ["user.id"], name=op.f("fk_deleted_case_deleted_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["organisation.id"], name=op.f("fk_deleted_case_team_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deleted_case")),
        sa.UniqueConstraint("reference", name=op.f("uq_deleted_case_reference")),
    )
    op.create_index(op.f("ix_deleted_case_team_id"), "deleted_case", ["team_id"], unique=False)
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("redacted_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_event_redacted_by_id_event"), "event", ["redacted_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_event_redacted_by_id_event"), type_="foreignkey")
        batch_op.drop_column("redacted_by_id")
    op.drop_index(op.f("ix_deleted_case_team_id"), table_name="deleted_case")
    op.drop_table("deleted_case")
