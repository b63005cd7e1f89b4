"""Issue 11: advice sent through the portal counts as received; advice kept from the family

`advice_request.received_by_id`: who recorded the advice as received (the adviser who uploaded
it, or the case officer). `document.restriction_reason`: why a piece of advice is kept from the
family (the family is told that it is, never the reason's words).

Revision ID: 0017_families
Revises: 0017_money
Create Date: 2026-12-04 21:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_families"
down_revision = "0017_money"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("advice_request") as batch:
        batch.add_column(sa.Column("received_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_advice_request_received_by_id_user", "user", ["received_by_id"], ["id"]
        )
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("restriction_reason", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("document") as batch:
        batch.drop_column("restriction_reason")
    with op.batch_alter_table("advice_request") as batch:
        batch.drop_constraint("fk_advice_request_received_by_id_user", type_="foreignkey")
        batch.drop_column("received_by_id")
