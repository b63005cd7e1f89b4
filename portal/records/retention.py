"""The retention rule for closed cases: list what is past it, then delete it, keeping a record.

A case is closed when it ends in a final stage (plan ended, not assessing, not issuing) on the
date of the letter that said so. It is kept until both of these have passed (council settings):

- `CASE_RETENTION_YEARS_AFTER_CLOSING` years after it closed (default 6), and
- the young person's `CASE_RETENTION_UNTIL_AGE`th birthday (default 31: 25, the last age a plan
  can run to, plus six years in which a claim could be brought).

Deleting a case removes every row that belongs to it, found from the foreign keys (so a feature
added later is covered without being listed here): its documents and their versions, plan, updates,
messages, reviews, access grants and so on; a stored file whose version row is gone is then
removed by `flask documents clean` (the worker runs it). The child is deleted with their last
case. The audit trail cannot lose entries without breaking its hash chain, so the case's entries
keep their place, time, action and actor but lose what they said (`audit.redact_case_events`); the
chained "case deleted" entry vouches for exactly those entries. What remains is a `DeletedCase`
row: the case number, when it closed, when and by whom it was deleted, and how much went.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import CursorResult, ForeignKey, String, case, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from portal import audit
from portal.accounts.models import User
from portal.cases.models import Case, CaseMilestones, Child
from portal.clock import utcnow
from portal.extensions import db

#: The date each final stage closed a case.
_closed_on = case(
    (Case.stage == "ceased", CaseMilestones.ceased_on),
    (Case.stage == "not_assessing", CaseMilestones.assessment_decided_on),
    (Case.stage == "not_issuing", CaseMilestones.not_issuing_notified_on),
)


class DeletedCase(db.Model):
    """What is left of a case deleted under the retention rule: no personal data."""

    __tablename__ = "deleted_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    final_stage: Mapped[str] = mapped_column(String(30))
    closed_on: Mapped[date]
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who ran the deletion; None when the scheduled job did.
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rows_deleted: Mapped[int]
    audit_entries_redacted: Mapped[int]


@dataclass(frozen=True)
class DueCase:
    case_id: int
    reference: str
    stage: str
    closed_on: date
    keep_until: date


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def keep_until(closed_on: date, date_of_birth: date) -> date:
    """The first day a closed case may be deleted under the council's settings."""
    config = current_app.config
    return max(
        _years_after(closed_on, config["CASE_RETENTION_YEARS_AFTER_CLOSING"]),
        _years_after(date_of_birth, config["CASE_RETENTION_UNTIL_AGE"]),
    )


def due_for_deletion(today: date, limit: int = 500) -> list[DueCase]:
    """Closed cases past the retention rule on `today`, longest past first.

    The database narrows by the closing date (a case cannot be due before its years after
    closing have passed); the birthday rule is then checked on those few rows.
    """
    years = current_app.config["CASE_RETENTION_YEARS_AFTER_CLOSING"]
    latest_closing = _years_after(today, -years)
    closed_on = _closed_on.label("closed_on")
    rows = db.session.execute(
        select(Case.id, Case.reference, Case.stage, closed_on, Child.date_of_birth)
        .join(CaseMilestones, CaseMilestones.case_id == Case.id)
        .join(Child, Child.id == Case.child_id)
        .where(_closed_on.is_not(None), _closed_on <= latest_closing)
        .order_by(_closed_on, Case.id)
        .limit(limit)
    ).all()
    due = [
        DueCase(row.id, row.reference, row.stage, row.closed_on, keep_until(row.closed_on, row[4]))
        for row in rows
    ]
    return [item for item in due if item.keep_until <= today]


# --- Deleting ---------------------------------------------------------------------------------


def _owned_tables() -> list[sa.Table]:
    """Every table whose rows belong to a case, directly or through another such table, in an
    order where each comes before the tables it refers to (so deleting in this order never
    leaves a row pointing at a deleted one). The audit trail is not among them."""
    owned = {"case"}
    changed = True
    while changed:
        changed = False
        for table in db.metadata.sorted_tables:
            if table.name in owned or table.name == audit.Event.__tablename__:
                continue
            if any(fk.column.table.name in owned for fk in table.foreign_keys):
                owned.add(table.name)
                changed = True
    ordered = [t for t in db.metadata.sorted_tables if t.name in owned and t.name != "case"]
    return list(reversed(ordered))


def _rows_of(
    table: sa.Table, case_id: int, conditions: dict[str, sa.ColumnElement[bool]]
) -> sa.ColumnElement[bool]:
    """Which of `table`'s rows belong to the case: those with any foreign key pointing at the
    case or at a row of another table that belongs to it."""
    parts = []
    for fk in table.foreign_keys:
        target = fk.column.table
        if target.name == "case":
            parts.append(fk.parent == case_id)
        elif target.name in conditions:
            parts.append(fk.parent.in_(select(fk.column).where(conditions[target.name])))
    return sa.or_(*parts)


def _delete_case_rows(case_id: int) -> int:
    tables = _owned_tables()
    conditions: dict[str, sa.ColumnElement[bool]] = {}
    # Conditions are built parents first (each refers to its parents' conditions)...
    for table in reversed(tables):
        conditions[table.name] = _rows_of(table, case_id, conditions)
    # ...and rows deleted children first. A condition reads its parent table, which is deleted
    # later, so every condition still finds its rows when its own table is deleted.
    deleted = 0
    for table in tables:
        result = db.session.execute(delete(table).where(conditions[table.name]))
        deleted += cast(CursorResult, result).rowcount or 0
    return deleted


def delete_case(item: DueCase, by: User | None) -> DeletedCase:
    """Delete one closed case past its retention date and record that it was deleted."""
    audit.seal_unchained()  # the case's entries must have their hashes before losing their words
    case_row = db.session.get(Case, item.case_id)
    if case_row is None:
        raise LookupError(f"No case {item.reference}")
    child_id, team_id = case_row.child_id, case_row.team_id
    record = audit.record(
        "records.case_deleted",
        actor=by,
        summary=f"Case {item.reference} was deleted under the retention rule",
        reference=item.reference,
        closed_on=item.closed_on.isoformat(),
    )
    db.session.flush()
    redacted = audit.redact_case_events(item.case_id, by_entry=record)
    rows = _delete_case_rows(item.case_id)
    db.session.execute(delete(Case).where(Case.id == item.case_id))
    still_used = db.session.scalar(select(func.count()).where(Case.child_id == child_id))
    if not still_used:
        db.session.execute(delete(Child).where(Child.id == child_id))
    deleted = DeletedCase(
        reference=item.reference,
        team_id=team_id,
        final_stage=item.stage,
        closed_on=item.closed_on,
        deleted_by_id=by.id if by is not None else None,
        rows_deleted=rows + 1,
        audit_entries_redacted=redacted,
    )
    db.session.add(deleted)
    return deleted
