"""Security findings: updates stored as rendered HTML; invitations that need a second admin

Revision ID: 0002_security_findings
Revises: 0004_notifications
Create Date: 2026-12-04 15:00:00

Updates were rendered from Markdown on every view of a case page (a few hostile updates made the
page take seconds); now the HTML is made once, when an update is posted, and existing updates
are rendered here. Invitations to roles that can reach cases wait for a second administrator.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_security_findings"
down_revision = "0003_plans"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))

    from portal.content.rendering import render_markdown

    connection = op.get_bind()
    updates = sa.table(
        "case_update", sa.column("id", sa.Integer), sa.column("body", sa.Text),
        sa.column("body_html", sa.Text),
    )  # fmt: skip
    for row in connection.execute(sa.select(updates.c.id, updates.c.body)):
        connection.execute(
            updates.update()
            .where(updates.c.id == row.id)
            .values(body_html=str(render_markdown(row.body)))
        )
    with op.batch_alter_table("case_update", schema=None) as batch_op:
        batch_op.alter_column("body_html", existing_type=sa.Text(), nullable=False)

    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "approval_required", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(sa.Column("approved_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_account_token_approved_by_id_user"), "user", ["approved_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("account_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_account_token_approved_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by_id")
        batch_op.drop_column("approval_required")
    with op.batch_alter_table("case_update", schema=None) as batch_op:
        batch_op.drop_column("body_html")
