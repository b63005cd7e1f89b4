"""Fixtures for the case tests (tracker, caseload, managing a case). Shared by several people:
add fixtures, never remove one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from portal import clock
from portal.audit import Event
from portal.cases.models import AdviceKind, AdviceRequest, Case, CaseMilestones, Child, Review
from portal.extensions import db


def bulk_insert_cases(
    count: int,
    *,
    team,
    officer=None,
    stage: str = "assessment",
    with_facts: bool = True,
    prefix: str = "BULK",
) -> list[int]:
    """Insert `count` cases fast (a few multi-row INSERTs, not one ORM object each) and return
    their ids. With `with_facts`, each case also gets milestones, two advice requests and a
    review, so loading its facts touches every related table."""
    today = clock.today()
    child_ids = db.session.scalars(
        insert(Child).returning(Child.id, sort_by_parameter_order=True),
        [
            {
                "first_name": "Bulk",
                "last_name": f"Child{n}",
                "date_of_birth": today - timedelta(days=3000 + n),
            }
            for n in range(count)
        ],
    ).all()
    case_ids = db.session.scalars(
        insert(Case).returning(Case.id, sort_by_parameter_order=True),
        [
            {
                "public_id": f"{prefix}{n:012d}"[-16:].rjust(16, "x"),
                "reference": f"{prefix}-{n:06d}",
                "child_id": child_id,
                "team_id": team.id,
                "case_officer_id": officer.id if officer else None,
                "request_received_on": today - timedelta(weeks=8, days=n % 30),
                "stage": stage,
            }
            for n, child_id in enumerate(child_ids)
        ],
    ).all()
    if with_facts:
        db.session.execute(
            insert(CaseMilestones),
            [
                {
                    "case_id": case_id,
                    "assessment_decided_on": today - timedelta(weeks=4),
                    "assessment_outcome": "yes",
                }
                for case_id in case_ids
            ],
        )
        db.session.execute(
            insert(AdviceRequest),
            [
                {
                    "public_id": f"A{kind[:2]}{case_id:013d}"[:16],
                    "case_id": case_id,
                    "kind": kind,
                    "service_name": "Bulk service",
                    "sent_on": today - timedelta(weeks=4),
                }
                for case_id in case_ids
                for kind in (AdviceKind.HEALTH.value, AdviceKind.SOCIAL_CARE.value)
            ],
        )
        db.session.execute(
            insert(Review),
            [
                {
                    "public_id": f"R{case_id:015d}",
                    "case_id": case_id,
                    "meeting_on": today + timedelta(weeks=3),
                }
                for case_id in case_ids
            ],
        )
    db.session.flush()
    return list(case_ids)


@pytest.fixture
def bulk_cases():
    """`bulk_cases(1000, team=council, officer=case_officer)`: many cases, inserted fast."""
    return bulk_insert_cases


# --- The tracker's read pages (case page, caseload, dashboard, updates) ------------------------

#: A fixed "today" for the tracker tests: Wednesday 10 March 2027.
TRACKER_TODAY = date(2027, 3, 10)


@pytest.fixture
def tracker_today(app) -> date:
    """Freeze the clock on Wednesday 10 March 2027 so dates and "in 5 days" are predictable."""
    clock.freeze(datetime(2027, 3, 10, 9, 30))
    return TRACKER_TODAY


def set_milestones(case, **dates) -> CaseMilestones:
    """Give a case its dated milestones (the facts its deadlines are counted from)."""
    row = db.session.scalar(select(CaseMilestones).where(CaseMilestones.case_id == case.id))
    if row is None:
        row = CaseMilestones(case_id=case.id)
        db.session.add(row)
    for name, value in dates.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def add_event(case, *, visibility, summary, actor=None, action="case.noted", at=None) -> Event:
    """Put an event on a case's record, as a service would (optionally at a given time)."""
    event = Event(
        action=action,
        actor_id=actor.id if actor else None,
        case_id=case.id,
        visibility=visibility,
        summary=summary,
        detail={},
    )
    if at is not None:
        event.occurred_at = at
    db.session.add(event)
    db.session.flush()
    return event
