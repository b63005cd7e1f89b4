"""Issue 10: a change of role to council officer or administrator waits for a second administrator

Revision ID: 0012b_role_change_requests
Revises: 0010_quality_audits
Create Date: 2026-12-04 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012b_role_change_requests"
down_revision = "0010_quality_audits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "role_change_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("new_role", sa.String(length=40), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_role_change_request_decided_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_role_change_request_requested_by_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_role_change_request_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_change_request")),
    )
    with op.batch_alter_table("role_change_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_role_change_request_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("role_change_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_change_request_user_id"))
    op.drop_table("role_change_request")
