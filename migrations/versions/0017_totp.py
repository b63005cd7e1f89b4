"""Issue 10: a second factor (authenticator app codes and recovery codes) for staff

Revision ID: 0017_totp
Revises: 0017_families
Create Date: 2026-12-04 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_totp"
down_revision = "0017_families"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "authenticator_app",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_authenticator_app_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authenticator_app")),
    )
    op.create_index(
        op.f("ix_authenticator_app_user_id"), "authenticator_app", ["user_id"], unique=False
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_recovery_code_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_code_code_hash")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"], unique=False)
    with op.batch_alter_table("user_session") as batch_op:
        batch_op.add_column(sa.Column("second_factor_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "second_factor_required", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("user_session") as batch_op:
        batch_op.drop_column("second_factor_required")
        batch_op.drop_column("second_factor_at")
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_index(op.f("ix_authenticator_app_user_id"), table_name="authenticator_app")
    op.drop_table("authenticator_app")
