"""Issue 14: the prompt to propose funding bands when a plan is issued or kept after a review

Revision ID: 0019_bandprompt
Revises: 0018_framework
Create Date: 2026-12-04 22:25:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019_bandprompt"
down_revision = "0018_framework"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "band_prompt",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("areas", sa.String(length=100), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_band_prompt_case_id_case")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_band_prompt")),
    )


def downgrade():
    op.drop_table("band_prompt")
