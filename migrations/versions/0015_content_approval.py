"""Issue 11: a second editor's approval before a content page is published (a council setting)

Revision ID: 0015_content_approval
Revises: 0008_funding
Create Date: 2026-12-04 18:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_content_approval"
down_revision = "0008_funding"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("content_page") as batch:
        batch.add_column(sa.Column("approval_number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("approval_asked_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("approval_asked_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_content_page_approval_asked_by_id_user", "user", ["approval_asked_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("content_page") as batch:
        batch.drop_constraint("fk_content_page_approval_asked_by_id_user", type_="foreignkey")
        batch.drop_column("approval_asked_at")
        batch.drop_column("approval_asked_by_id")
        batch.drop_column("approval_number")
