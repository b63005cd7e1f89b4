"""Issue 16: each live grant carries its case's next deadline, so a school's caseload reads a page

A school's caseload is its live grants, soonest deadline first. Chosen from the schedules, a
page of 25 read the next deadline of every one of the school's cases (406 at the benchmark's
10,000) and sorted them, or walked the council's deadlines until 25 of the school's turned up.
Each grant now holds a copy of its case's next deadline (kept in step by
`portal.cases.schedule` in the same transaction as the schedule), and a partial index on the
live grants in that order lets the page read 25 entries.

Existing grants are filled from the stored schedules here.

Revision ID: 0029_case_grant_next_due
Revises: 0028_schedule_lists_held
Create Date: 2026-12-06 16:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0029_case_grant_next_due"
down_revision = "0028_schedule_lists_held"
branch_labels = None
depends_on = None

_LIVE = sa.text("revoked_at IS NULL")


def upgrade():
    with op.batch_alter_table("case_grant") as batch:
        batch.add_column(sa.Column("next_due_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE case_grant SET next_due_on = (SELECT case_schedule.next_due_on "
        "FROM case_schedule WHERE case_schedule.case_id = case_grant.case_id)"
    )
    op.create_index(
        "ix_case_grant_live_due",
        "case_grant",
        ["user_id", "next_due_on", "case_id"],
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )


def downgrade():
    op.drop_index("ix_case_grant_live_due", table_name="case_grant")
    with op.batch_alter_table("case_grant") as batch:
        batch.drop_column("next_due_on")
