"""Issue 11: a young person's "Tell us something" (words, a picture, who sees it)

Revision ID: 0018_families_tell_us
Revises: 0017_families
Create Date: 2026-12-04 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_families_tell_us"
down_revision = "0017_families"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "young_person_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("picture_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_young_person_message_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_young_person_message_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["picture_id"],
            ["document.id"],
            name=op.f("fk_young_person_message_picture_id_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_young_person_message")),
        sa.UniqueConstraint("public_id", name=op.f("uq_young_person_message_public_id")),
    )
    op.create_index(
        op.f("ix_young_person_message_case_id"),
        "young_person_message",
        ["case_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_young_person_message_case_id"), table_name="young_person_message")
    op.drop_table("young_person_message")
