"""Issue 14: bandings of plans (banded funding)

Revision ID: 0008_funding
Revises: 0005_stored_deadlines
Create Date: 2026-12-04 16:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_funding"
down_revision = "0005_stored_deadlines"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "banding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("area_of_need", sa.String(length=20), nullable=False),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.Column("setting_type", sa.String(length=30), nullable=False),
        sa.Column("proposed_band", sa.Integer(), nullable=False),
        sa.Column("statements", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agreed_band", sa.Integer(), nullable=True),
        sa.Column("moderation_reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("proposed_band BETWEEN 1 AND 6", name="ck_banding_proposed_band"),
        sa.CheckConstraint(
            "agreed_band IS NULL OR agreed_band BETWEEN 1 AND 6", name="ck_banding_agreed_band"
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_banding_case_area", "banding", ["case_id", "area_of_need", "effective"])
    op.create_index("ix_banding_status_effective", "banding", ["status", "effective"])


def downgrade():
    op.drop_index("ix_banding_status_effective", table_name="banding")
    op.drop_index("ix_banding_case_area", table_name="banding")
    op.drop_table("banding")
