"""Issue 14: an index for the council's "Bands to agree" queue (proposals waiting, oldest first)

Revision ID: 0018_bandprompt
Revises: 0018_families_tell_us
Create Date: 2026-12-04 22:15:00

"""

from alembic import op

revision = "0018_bandprompt"
down_revision = "0018_families_tell_us"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_banding_status_proposed_at", "banding", ["status", "proposed_at", "id"], unique=False
    )


def downgrade():
    op.drop_index("ix_banding_status_proposed_at", table_name="banding")
