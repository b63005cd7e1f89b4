"""Issue 10: the audit trail as a hash chain (each event chained to the one before)

Revision ID: 0012_audit_chain
Revises: 0015_content_approval
Create Date: 2026-12-04 18:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_audit_chain"
down_revision = "0015_content_approval"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade():
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_event_chain_seq"), ["chain_seq"])
        batch_op.create_index(
            "ix_event_case_audit",
            ["case_id", "id"],
            unique=False,
            postgresql_where=sa.text("visibility = 'audit'"),
            sqlite_where=sa.text("visibility = 'audit'"),
        )
    _chain_existing_events(op.get_bind())


def _chain_existing_events(conn) -> None:
    """Chain the events already recorded, in the order they were written."""
    # Imported here: the hash must be the one the running code checks.
    from portal.audit import entry_hash

    head = sa.table(
        "audit_chain_head",
        sa.column("id", sa.Integer),
        sa.column("seq", sa.BigInteger),
        sa.column("last_hash", sa.String),
    )
    event = sa.table(
        "event",
        *(
            sa.column(name)
            for name in (
                "id",
                "actor_id",
                "action",
                "case_id",
                "subject_type",
                "subject_id",
                "visibility",
                "summary",
                "ip_address",
                "chain_seq",
                "chain_hash",
            )
        ),
        sa.column("occurred_at", sa.DateTime),
        sa.column("detail", sa.JSON),
    )
    seq, previous, after = 0, GENESIS, 0
    while True:
        rows = conn.execute(
            sa.select(event).where(event.c.id > after).order_by(event.c.id).limit(2000)
        ).all()
        if not rows:
            break
        values = []
        for row in rows:
            seq += 1
            previous = entry_hash(previous, seq, row)
            values.append({"event_id": row.id, "seq": seq, "hash": previous})
        conn.execute(
            event.update()
            .where(event.c.id == sa.bindparam("event_id"))
            .values(chain_seq=sa.bindparam("seq"), chain_hash=sa.bindparam("hash")),
            values,
        )
        after = rows[-1].id
    op.bulk_insert(head, [{"id": 1, "seq": seq, "last_hash": previous}])


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_case_audit")
        batch_op.drop_constraint(batch_op.f("uq_event_chain_seq"), type_="unique")
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("chain_seq")
    op.drop_table("audit_chain_head")
