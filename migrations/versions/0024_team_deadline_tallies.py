"""Issue 16: the team dashboard's numbers kept as small tallies beside the schedules

The dashboard counted every stored schedule of the team on each view, so it grew with the team.
Now each team has a count of its cases by stage, and by day a count of the next deadlines that
fall due on it and of the final plans issued on it. The dashboard adds up a few hundred rows
whatever the number of cases; the schedule hook keeps them in step in the same transaction.
Filled here from the stored schedules.

Revision ID: 0024_team_deadline_tallies
Revises: 0023_event_case_visibility
Create Date: 2026-12-05 22:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_team_deadline_tallies"
down_revision = "0023_event_case_visibility"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "team_stage_count",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "stage", name=op.f("pk_team_stage_count")),
    )
    op.create_table(
        "team_day_count",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=30), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "measure", "day", name=op.f("pk_team_day_count")),
    )
    # From the stored schedules (the same rules as `portal.cases.schedule.tally_keys`).
    op.execute(
        "INSERT INTO team_stage_count (team_id, stage, cases) "
        "SELECT team_id, stage, count(*) FROM case_schedule "
        "WHERE team_id IS NOT NULL AND stage IS NOT NULL GROUP BY team_id, stage"
    )
    op.execute(
        "INSERT INTO team_day_count (team_id, measure, day, cases) "
        "SELECT team_id, CASE WHEN next_family_window THEN 'due-family' ELSE 'due' END, "
        "next_due_on, count(*) FROM case_schedule "
        "WHERE team_id IS NOT NULL AND next_due_on IS NOT NULL AND NOT next_delayed "
        "GROUP BY team_id, CASE WHEN next_family_window THEN 'due-family' ELSE 'due' END, "
        "next_due_on"
    )
    op.execute(
        "INSERT INTO team_day_count (team_id, measure, day, cases) "
        "SELECT team_id, 'final-' || final_outcome, final_issued_on, count(*) FROM case_schedule "
        "WHERE team_id IS NOT NULL AND final_outcome IS NOT NULL AND final_issued_on IS NOT NULL "
        "GROUP BY team_id, final_outcome, final_issued_on"
    )


def downgrade():
    op.drop_table("team_day_count")
    op.drop_table("team_stage_count")
