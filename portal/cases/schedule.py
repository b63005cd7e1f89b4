"""Keeping each case's stored next deadline (`CaseSchedule`) in step with its facts.

Every change to the rows the deadlines come from (the case, its milestones, advice requests,
school consultations, reviews and lawful delays) marks the case in the session; just before
the transaction commits, the marked cases' schedules are worked out again with the pure rules
in `portal.pathway` and written in the same transaction. One hook, on the session, so no
service can forget it; bulk SQL that bypasses the session (the benchmark's data loader) calls
`rebuild` itself.

A schedule also goes stale with time alone (a review meeting's day comes; a family window
ends): `refresh_stale` works those out again before a page reads the schedules, a handful of
cases a day. Every case has a row from the transaction that opened it; `fill_missing` writes
those that bulk SQL skipped. `flask deadlines rebuild` recomputes all of them and
`flask deadlines check` says whether any stored value differs from the rules.

Each write of a schedule also moves the team tallies the dashboard adds up (`TeamStageCount`,
`TeamDayCount`): the old row's keys down one, the new row's up one, in the same transaction.
And it copies the next deadline to the case's grants (`CaseGrant.next_due_on`), so a school's
caseload pages through its grants in deadline order; a new grant marks its case to get it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import bindparam, delete, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from portal import clock, pathway
from portal.cases.facts import CaseRecord, lists_held, records_for_cases
from portal.cases.models import (
    AdviceRequest,
    Case,
    CaseGrant,
    CaseMilestones,
    CaseSchedule,
    LawfulDelay,
    Review,
    SchoolConsultation,
    TeamDayCount,
    TeamStageCount,
)
from portal.extensions import db

_MARKED = "portal.schedule.cases"
#: Rows whose changes move a case's deadlines, and how to find the case from each.
_SOURCES = (Case, CaseMilestones, AdviceRequest, SchoolConsultation, Review, LawfulDelay)
#: Cases worked out at a time when rebuilding or refreshing many.
BATCH = 500


def _case_id(obj) -> int | None:
    if isinstance(obj, Case):
        return obj.id
    return obj.case_id if obj.case_id is not None else getattr(obj.case, "id", None)


def _final_outcome(facts: pathway.CaseFacts) -> str | None:
    if facts.final_issued_on is None:
        return None
    deadline = pathway.Deadline(
        key=pathway.DeadlineKind.FINAL_PLAN.value,
        kind=pathway.DeadlineKind.FINAL_PLAN,
        label="",
        due=pathway.final_plan_due(facts.request_received_on),
        met_on=facts.final_issued_on,
        delay=facts.delays.get(pathway.DeadlineKind.FINAL_PLAN.value),
    )
    status = pathway.deadline_status(deadline, facts.final_issued_on)
    return {
        pathway.Status.MET_ON_TIME: "in-time",
        pathway.Status.MET_LATE: "late",
        pathway.Status.DELAY_ALLOWED: "exception",
    }.get(status)


def _valid_until(facts: pathway.CaseFacts, today: date) -> date | None:
    """The first day the facts or the next deadline could read differently with no change
    recorded: the next review meeting's day, or the day after a family window ends."""
    days = []
    if facts.next_review_meeting_on is not None:
        days.append(facts.next_review_meeting_on)
    for deadline in pathway.case_deadlines(facts):
        if deadline.is_family_window and deadline.met_on is None and deadline.due >= today:
            days.append(deadline.due + timedelta(days=1))
    return min(days) if days else None


def schedule_values(facts: pathway.CaseFacts, today: date) -> dict:
    """What a case's schedule row says on `today`, from its facts."""
    upcoming = pathway.next_deadline(facts, today)
    return {
        "stage": facts.stage.value,
        "next_due_on": upcoming.due if upcoming else None,
        "next_key": upcoming.key if upcoming else None,
        "next_label": upcoming.label if upcoming else None,
        "next_delay": upcoming.delay.value if upcoming and upcoming.delay else None,
        "next_delayed": bool(upcoming and upcoming.delay and not upcoming.is_family_window),
        "next_family_window": bool(upcoming and upcoming.is_family_window),
        "final_outcome": _final_outcome(facts),
        "final_issued_on": facts.final_issued_on,
        "valid_until": _valid_until(facts, today),
    }


def _row_values(record: CaseRecord, today: date) -> dict:
    """The whole row: the facts' values, the case's team (for the team dashboard) and which
    of its lists have rows (for the case page)."""
    return (
        schedule_values(record.facts(today), today)
        | {"team_id": record.case.team_id}
        | lists_held(record)
    )


# --- The team tallies (the dashboard's numbers) -------------------------------------------------

#: The measures of `TeamDayCount`: a final plan's is FINAL + its outcome ("final-late").
DUE, DUE_FAMILY, FINAL = "due", "due-family", "final-"
_TallyKey = tuple[type, tuple]
#: The columns of a schedule row the tallies count by.
_TALLIED = (
    "team_id",
    "stage",
    "next_due_on",
    "next_delayed",
    "next_family_window",
    "final_outcome",
    "final_issued_on",
)


def tally_keys(values: Mapping[Any, Any]) -> list[_TallyKey]:
    """The tally rows a schedule row counts in: its team's stage; the day its next deadline
    falls due (unless lawfully delayed); the day its final plan was issued, by outcome."""
    team = values["team_id"]
    if team is None or values["stage"] is None:
        return []
    keys: list[_TallyKey] = [(TeamStageCount, (team, values["stage"]))]
    if values["next_due_on"] is not None and not values["next_delayed"]:
        measure = DUE_FAMILY if values["next_family_window"] else DUE
        keys.append((TeamDayCount, (team, measure, values["next_due_on"])))
    if values["final_outcome"] and values["final_issued_on"] is not None:
        measure = FINAL + values["final_outcome"]
        keys.append((TeamDayCount, (team, measure, values["final_issued_on"])))
    return keys


_TALLY_COLUMNS: dict[Any, tuple[str, ...]] = {
    TeamStageCount: ("team_id", "stage"),
    TeamDayCount: ("team_id", "measure", "day"),
}


def _upsert(model: Any) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE adding to the count (PostgreSQL and SQLite alike)."""
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
    return statement.on_conflict_do_update(
        index_elements=list(_TALLY_COLUMNS[model]),
        set_={"cases": model.__table__.c.cases + statement.excluded.cases},
    )


def _apply(changes: Counter) -> None:
    """Add each change to its tally row (one statement a table), then remove the rows of these
    teams that fell to none. Keys go in a fixed order, so two transactions never wait for each
    other crosswise."""
    for model, columns in _TALLY_COLUMNS.items():
        moved = sorted((key, change) for (kind, key), change in changes.items() if kind is model)
        rows = [
            {**dict(zip(columns, key, strict=True)), "cases": change}
            for key, change in moved
            if change
        ]
        if not rows:
            continue
        db.session.execute(_upsert(model), rows)
        if any(row["cases"] < 0 for row in rows):
            teams = sorted({row["team_id"] for row in rows})
            db.session.execute(delete(model).where(model.cases == 0, model.team_id.in_(teams)))


def tally_disagreements() -> list[str]:
    """The tally rows that differ from a count of the stored schedules (should be none)."""
    expected: Counter = Counter()
    for row in db.session.execute(select(*(CaseSchedule.__table__.c[n] for n in _TALLIED))):
        expected.update(tally_keys(row._mapping))
    stored: Counter = Counter()
    for model, columns in _TALLY_COLUMNS.items():
        for row in db.session.execute(select(model.__table__)):
            stored[(model, tuple(row._mapping[c] for c in columns))] += row.cases
    return [
        f"{kind.__tablename__} {key}: {stored[(kind, key)]} stored, {expected[(kind, key)]} counted"
        for kind, key in sorted(set(expected) | set(stored), key=lambda k: (k[0].__name__, k[1]))
        if stored[(kind, key)] != expected[(kind, key)]
    ]


_GRANTS = CaseGrant.__table__.c
#: The next deadline copied to a case's grants, where it differs (built once).
_COPY_TO_GRANTS = (
    update(CaseGrant.__table__)
    .where(
        _GRANTS.case_id == bindparam("copy_case_id"),
        _GRANTS.next_due_on.is_distinct_from(bindparam("copy_due_on")),
    )
    .values(next_due_on=bindparam("copy_due_on"))
)


def grant_disagreements() -> list[int]:
    """The grants whose copy of the next deadline differs from their case's schedule (should
    be none)."""
    return list(
        db.session.scalars(
            select(CaseGrant.id)
            .join(CaseSchedule, CaseSchedule.case_id == CaseGrant.case_id)
            .where(CaseGrant.next_due_on.is_distinct_from(CaseSchedule.next_due_on))
            .order_by(CaseGrant.id)
        )
    )


def _write(case_ids: Sequence[int], today: date) -> None:
    cases = db.session.scalars(
        select(Case).where(Case.id.in_(case_ids)).options(joinedload(Case.child))
    ).all()
    records = records_for_cases(cases)
    existing = {
        row.case_id: row
        for row in db.session.scalars(
            select(CaseSchedule).where(CaseSchedule.case_id.in_(case_ids))
        )
    }
    changes: Counter = Counter()
    copies = []
    for case_id, record in records.items():
        values = _row_values(record, today)
        row = existing.get(case_id)
        if row is None:
            db.session.add(CaseSchedule(case_id=case_id, **values))
        else:
            changes.subtract(tally_keys({name: getattr(row, name) for name in _TALLIED}))
            for name, value in values.items():
                setattr(row, name, value)
        changes.update(tally_keys(values))
        copies.append({"copy_case_id": case_id, "copy_due_on": values["next_due_on"]})
    _apply(changes)
    if copies:
        db.session.execute(_COPY_TO_GRANTS, copies)


def refresh(case_ids: Iterable[int], today: date | None = None) -> None:
    """Work out these cases' schedules again (in the caller's transaction)."""
    today = today or clock.today()
    if has_app_context() and current_app.extensions.get(_CHECKED, (None,))[0] != today:
        # Rows worked out for another day (a loader making history) may run out on the day
        # this process last found none: look again next time.
        current_app.extensions.pop(_CHECKED, None)
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), BATCH):
        _write(ids[start : start + BATCH], today)


#: Built once (see `portal/extensions.py`): every caseload and dashboard runs it.
_RUN_OUT = select(CaseSchedule.case_id).where(CaseSchedule.valid_until <= bindparam("today"))
#: The day this process last found no schedule run out, and when (`time.monotonic()`).
_CHECKED = "portal.schedule.checked"
#: How long that answer is trusted for the same day. A schedule worked out on a day is right
#: for all of that day, so only a row another process wrote just before midnight, for the day
#: before, can run out after the look: it is caught within this many seconds.
CHECK_EVERY_SECONDS = 60


def refresh_stale(today: date | None = None) -> int:
    """Work out again every schedule that has run out by `today` (on the `valid_until` index),
    and those of cases changed in this session and not yet committed, and commit. Returns how
    many. A page calls this before it reads the schedules.

    Every case has a row: the hook writes it in the transaction that opens the case, and bulk
    loaders call `fill_missing`, so a page need not look for cases without one (that look
    reads every case of the council)."""
    today = today or clock.today()
    db.session.flush()
    pending = db.session.info.pop(_MARKED, set())
    checked_day, checked_at = current_app.extensions.get(_CHECKED, (None, 0.0))
    look = checked_day != today or time.monotonic() - checked_at > CHECK_EVERY_SECONDS
    stale = set(db.session.scalars(_RUN_OUT, {"today": today})) if look else set()
    ids = stale | pending
    if ids:
        refresh(ids, today)
        db.session.commit()
    if look:  # none has run out now: those found are worked out again
        current_app.extensions[_CHECKED] = (today, time.monotonic())
    return len(ids)


def fill_missing(today: date | None = None) -> int:
    """Work out the schedule of every case that has no row (after rows were written with bulk
    SQL, which passes the session's hook), and commit. Returns how many."""
    today = today or clock.today()
    missing = list(
        db.session.scalars(
            select(Case.id)
            .outerjoin(CaseSchedule, CaseSchedule.case_id == Case.id)
            .where(CaseSchedule.case_id.is_(None))
        )
    )
    if missing:
        refresh(missing, today)
        db.session.commit()
    return len(missing)


def rebuild(today: date | None = None) -> int:
    """Every case's schedule from scratch (after a migration or a change to the rules)."""
    db.session.execute(delete(CaseSchedule))
    db.session.execute(delete(TeamStageCount))
    db.session.execute(delete(TeamDayCount))
    ids = list(db.session.scalars(select(Case.id)))
    refresh(ids, today)
    db.session.commit()
    return len(ids)


def disagreements(today: date | None = None) -> list[int]:
    """The cases whose stored schedule differs from what the rules say today (should be none)."""
    today = today or clock.today()
    wrong = []
    stored = {row.case_id: row for row in db.session.scalars(select(CaseSchedule))}
    cases = db.session.scalars(select(Case).options(joinedload(Case.child))).all()
    for start in range(0, len(cases), BATCH):
        batch = cases[start : start + BATCH]
        for case_id, record in records_for_cases(batch).items():
            row = stored.get(case_id)
            values = _row_values(record, today)
            if row is None or any(getattr(row, k) != v for k, v in values.items()):
                wrong.append(case_id)
    return wrong


# --- The hook ------------------------------------------------------------------------------------


def _mark(session: Session, flush_context) -> None:
    """After each flush (which still lists what it wrote, with new ids assigned): note the
    cases whose deadline facts changed."""
    marked = session.info.setdefault(_MARKED, set())
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, _SOURCES) and (case_id := _case_id(obj)) is not None:
            marked.add(case_id)
    for obj in session.new:  # a new grant takes its case's next deadline (`_COPY_TO_GRANTS`)
        if isinstance(obj, CaseGrant) and obj.case_id is not None:
            marked.add(obj.case_id)
    for obj in session.dirty:
        changed = isinstance(obj, _SOURCES) and session.is_modified(obj)
        if changed and (case_id := _case_id(obj)) is not None:
            marked.add(case_id)


def _before_commit(session: Session) -> None:
    """Just before the commit: write the marked cases' schedules into the same transaction."""
    session.flush()  # what is still pending marks its cases too
    marked = session.info.pop(_MARKED, None)
    if marked:
        refresh(marked)


def _forget(session: Session, *args) -> None:
    session.info.pop(_MARKED, None)


def install_schedule_hook() -> None:
    """Listen on every ORM session (once per process)."""
    if not event.contains(Session, "after_flush", _mark):
        event.listen(Session, "after_flush", _mark)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _forget)
