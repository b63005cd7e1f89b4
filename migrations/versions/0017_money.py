"""Issue 14: the council's tariff (annual top-up per band and setting type) and budget per
financial year

Revision ID: 0017_money
Revises: 0017_retention
Create Date: 2026-12-04 21:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_money"
down_revision = "0017_retention"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tariff_year",
        sa.Column("start_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("budget_pence", sa.BigInteger(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user.id"], name=op.f("fk_tariff_year_updated_by_id_user")
        ),
        sa.PrimaryKeyConstraint("start_year", name=op.f("pk_tariff_year")),
    )
    op.create_table(
        "tariff_rate",
        sa.Column("start_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("band", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("setting_type", sa.String(length=30), nullable=False),
        sa.Column("annual_top_up_pence", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("band BETWEEN 1 AND 6", name=op.f("ck_tariff_rate_band_range")),
        sa.CheckConstraint(
            "annual_top_up_pence >= 0", name=op.f("ck_tariff_rate_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["start_year"],
            ["tariff_year.start_year"],
            name=op.f("fk_tariff_rate_start_year_tariff_year"),
        ),
        sa.PrimaryKeyConstraint("start_year", "band", "setting_type", name=op.f("pk_tariff_rate")),
    )


def downgrade():
    op.drop_table("tariff_rate")
    op.drop_table("tariff_year")
