"""Issue 16: review meetings found by their day

A school's home page lists the review meetings of the next 12 weeks for its cases. Without an
index on the meeting's day, PostgreSQL found them by reading every case of the council at
those stages (a school with 400 cases in a council of 10,000: 5.5 ms). With it, it reads the
council's meetings in those weeks and keeps the school's (1.5 ms).

Revision ID: 0027_review_meeting_on
Revises: 0026_case_grant_case_user
Create Date: 2026-12-06 07:00:00

"""

from alembic import op

revision = "0027_review_meeting_on"
down_revision = "0026_case_grant_case_user"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_review_meeting_on", "review", ["meeting_on"])


def downgrade():
    op.drop_index("ix_review_meeting_on", table_name="review")
