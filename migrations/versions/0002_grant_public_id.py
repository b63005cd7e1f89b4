"""Opaque public ids for case grants, so the people pages' addresses are not guessable

Revision ID: 0002_grant_public_id
Revises: 0001
Create Date: 2026-12-04 14:45:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0002_grant_public_id"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_grant") as batch:
        batch.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
    grants = sa.table("case_grant", sa.column("id", sa.Integer), sa.column("public_id"))
    connection = op.get_bind()
    for (grant_id,) in connection.execute(sa.select(grants.c.id)).all():
        connection.execute(
            grants.update()
            .where(grants.c.id == grant_id)
            .values(public_id=secrets.token_urlsafe(12))
        )
    with op.batch_alter_table("case_grant") as batch:
        batch.alter_column("public_id", existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint(op.f("uq_case_grant_public_id"), ["public_id"])


def downgrade():
    with op.batch_alter_table("case_grant") as batch:
        batch.drop_constraint(op.f("uq_case_grant_public_id"), type_="unique")
        batch.drop_column("public_id")
