"""Issue 16: a grant is found by its case and person together

"Does this person hold a live grant on this case?" is asked for every notice a school or
professional has not read (the header's count) and by every look at a case they may see. With
an index on the case alone, a case's grants were read to find the person's; with one on the
person alone, a school's hundreds of grants were. This index answers it in one probe, and by
its first column serves everything the index on the case did.

Revision ID: 0026_case_grant_case_user
Revises: 0025_schedule_team_indexes
Create Date: 2026-12-06 00:50:00

"""

from alembic import op

revision = "0026_case_grant_case_user"
down_revision = "0025_schedule_team_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_grant_case_user", "case_grant", ["case_id", "user_id"])
    op.drop_index("ix_case_grant_case_id", table_name="case_grant")


def downgrade():
    op.create_index("ix_case_grant_case_id", "case_grant", ["case_id"])
    op.drop_index("ix_case_grant_case_user", table_name="case_grant")
