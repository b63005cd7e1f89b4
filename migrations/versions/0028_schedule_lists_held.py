"""Issue 16: which lists of facts a case has, stored with its schedule

A case page read all four lists of a case's facts (advice requests, school consultations,
reviews, lawful delays), a round trip each, though most cases have rows in one or two. The
stored schedule now says which have rows (kept in step in the same transaction as the facts),
and the page asks only for those: three fewer queries for a case with only advice.

Existing rows are filled from the facts here; true (look) is the default for a row whose
lists are not known.

Revision ID: 0028_schedule_lists_held
Revises: 0027_review_meeting_on
Create Date: 2026-12-06 09:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0028_schedule_lists_held"
down_revision = "0027_review_meeting_on"
branch_labels = None
depends_on = None

#: Each new column, and the table whose rows it says the case has.
_HELD = {
    "has_advice_requests": "advice_request",
    "has_consultations": "school_consultation",
    "has_reviews": "review",
    "has_delays": "deadline_exception",
}


def upgrade():
    with op.batch_alter_table("case_schedule") as batch:
        for column in _HELD:
            batch.add_column(
                sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.true())
            )
    for column, table in _HELD.items():
        op.execute(
            f"UPDATE case_schedule SET {column} = EXISTS "
            f"(SELECT 1 FROM {table} WHERE {table}.case_id = case_schedule.case_id)"
        )


def downgrade():
    with op.batch_alter_table("case_schedule") as batch:
        for column in _HELD:
            batch.drop_column(column)
