"""Issue 16: the caseload walks a team's stored deadlines in order, a page at a time

A case officer's caseload lists the team's cases by next due date, 25 at a time, optionally at
one stage. Its only ordered index was on the due date across the council, so PostgreSQL read
every team's deadlines in order and threw away the other teams' and other stages' until it had
a page: more the more teams and stages there are. These indexes hold each team's (and each
team and stage's) deadlines in order; the one on the team alone is their first column.

Revision ID: 0025_schedule_team_indexes
Revises: 0024_team_deadline_tallies
Create Date: 2026-12-06 00:30:00

"""

from alembic import op

revision = "0025_schedule_team_indexes"
down_revision = "0024_team_deadline_tallies"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_case_schedule_team_id", table_name="case_schedule")
    op.create_index("ix_case_schedule_team_due", "case_schedule", ["team_id", "next_due_on"])
    op.create_index(
        "ix_case_schedule_team_stage_due", "case_schedule", ["team_id", "stage", "next_due_on"]
    )


def downgrade():
    op.drop_index("ix_case_schedule_team_stage_due", table_name="case_schedule")
    op.drop_index("ix_case_schedule_team_due", table_name="case_schedule")
    op.create_index("ix_case_schedule_team_id", "case_schedule", ["team_id"])
