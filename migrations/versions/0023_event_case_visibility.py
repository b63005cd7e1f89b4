"""Issue 16: the events' index on the case also holds their visibility

A case's view records (audit rows) far outnumber its timeline entries. The timeline has its own
index without them, but PostgreSQL takes it only while its statistics know how busy the case
is: between two ANALYZEs it may take the plain index on the case instead and read every view
record to throw it away. With the visibility in that index too, the view records are skipped
inside the index whichever the planner takes.

Revision ID: 0023_event_case_visibility
Revises: 0022_schedule_team
Create Date: 2026-12-05 19:45:00

"""

from alembic import op

revision = "0023_event_case_visibility"
down_revision = "0022_schedule_team"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_event_case_id", table_name="event")
    op.create_index("ix_event_case_id", "event", ["case_id", "visibility"])


def downgrade():
    op.drop_index("ix_event_case_id", table_name="event")
    op.create_index("ix_event_case_id", "event", ["case_id"])
