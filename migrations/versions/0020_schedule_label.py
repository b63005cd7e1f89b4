"""Issue 16: the next deadline's words and delay, and the final plan's day, in case_schedule

The new columns are empty until each row is worked out again: every row is marked as run out,
so the first caseload or dashboard after the upgrade works them out (or run
`flask deadlines rebuild`).

Revision ID: 0020_schedule_label
Revises: 0019_bandprompt
Create Date: 2026-12-05 01:20:00

"""

import datetime

import sqlalchemy as sa
from alembic import op

revision = "0020_schedule_label"
down_revision = "0019_bandprompt"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_schedule") as batch:
        batch.add_column(sa.Column("next_label", sa.Text(), nullable=True))
        batch.add_column(sa.Column("next_delay", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("final_issued_on", sa.Date(), nullable=True))
    schedule = sa.table("case_schedule", sa.column("valid_until", sa.Date()))
    op.execute(schedule.update().values(valid_until=datetime.date(2000, 1, 1)))


def downgrade():
    with op.batch_alter_table("case_schedule") as batch:
        batch.drop_column("final_issued_on")
        batch.drop_column("next_delay")
        batch.drop_column("next_label")
