"""Issue 13: a quality lead's unpublished changes to the quality framework

`quality_framework_draft`: one draft per quality lead, edited section by section in forms and
published as a new `quality_framework` version.

Revision ID: 0018_framework
Revises: 0018_bandprompt
Create Date: 2026-12-04 22:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_framework"
down_revision = "0018_bandprompt"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quality_framework_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("based_on_version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_quality_framework_draft_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_framework_draft")),
        sa.UniqueConstraint("user_id", name=op.f("uq_quality_framework_draft_user_id")),
    )


def downgrade():
    op.drop_table("quality_framework_draft")
