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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import bindparam, delete, event, select
from sqlalchemy.orm import Session, joinedload

from portal import clock, pathway
from portal.cases.facts import CaseRecord, records_for_cases
from portal.cases.models import (
    AdviceRequest,
    Case,
    CaseMilestones,
    CaseSchedule,
    LawfulDelay,
    Review,
    SchoolConsultation,
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
    """The whole row: the facts' values, and the case's team (for the team dashboard)."""
    return schedule_values(record.facts(today), today) | {"team_id": record.case.team_id}


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
    for case_id, record in records.items():
        values = _row_values(record, today)
        row = existing.get(case_id)
        if row is None:
            db.session.add(CaseSchedule(case_id=case_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)


def refresh(case_ids: Iterable[int], today: date | None = None) -> None:
    """Work out these cases' schedules again (in the caller's transaction)."""
    today = today or clock.today()
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), BATCH):
        _write(ids[start : start + BATCH], today)


#: Built once (see `portal/extensions.py`): every caseload and dashboard runs it.
_RUN_OUT = select(CaseSchedule.case_id).where(CaseSchedule.valid_until <= bindparam("today"))


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
    stale = set(db.session.scalars(_RUN_OUT, {"today": today}))
    ids = stale | pending
    if ids:
        refresh(ids, today)
        db.session.commit()
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
