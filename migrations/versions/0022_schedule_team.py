"""Issue 16: each case's team and stage stored with its schedule, for the team dashboard

The dashboard then counts the team's schedules alone instead of joining every case of the team
to its schedule. Filled here from the cases; kept in step by the schedule hook after that.

Revision ID: 0022_schedule_team
Revises: 0021_passkeys
Create Date: 2026-12-05 10:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0022_schedule_team"
down_revision = "0021_passkeys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_schedule") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("stage", sa.String(length=30), nullable=True))
        batch.create_index("ix_case_schedule_team_id", ["team_id"])
    case = sa.table("case", sa.column("id"), sa.column("team_id"), sa.column("stage"))
    schedule = sa.table(
        "case_schedule", sa.column("case_id"), sa.column("team_id"), sa.column("stage")
    )

    def of_the_case(column):
        return sa.select(column).where(case.c.id == schedule.c.case_id).scalar_subquery()

    op.execute(
        schedule.update().values(
            team_id=of_the_case(case.c.team_id), stage=of_the_case(case.c.stage)
        )
    )


def downgrade():
    with op.batch_alter_table("case_schedule") as batch:
        batch.drop_index("ix_case_schedule_team_id")
        batch.drop_column("stage")
        batch.drop_column("team_id")
