"""The demo council's cases carry realistic facts for their stage, made by the real services."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal import clock, pathway
from portal.audit import Event, Visibility
from portal.cases.facts import facts_for_cases
from portal.cases.models import Case
from portal.demo import DEMO_CASES, load_demo_data
from portal.extensions import db


@pytest.fixture
def demo_cases(app) -> dict[str, Case]:
    load_demo_data("demo-portal-password")
    cases = db.session.scalars(select(Case)).all()
    return {case.child.first_name: case for case in cases}


def test_every_demo_case_is_at_its_stage_with_deadlines(demo_cases):
    """Each demo case reached its stage through the services and has something to show."""
    today = clock.today()
    facts = facts_for_cases(list(demo_cases.values()), today)
    for spec in DEMO_CASES:
        case = demo_cases[spec.first_name]
        assert case.stage == spec.stage
        assert pathway.case_deadlines(facts[case.id]), spec.first_name


def test_the_demo_shows_every_kind_of_deadline_status(demo_cases):
    """Something is late, something due soon, something done late, and one exception applies."""
    today = clock.today()
    statuses = {
        pathway.deadline_status(deadline, today)
        for facts in facts_for_cases(list(demo_cases.values()), today).values()
        for deadline in pathway.case_deadlines(facts)
    }
    assert {
        pathway.Status.LATE,
        pathway.Status.DUE_SOON,
        pathway.Status.DUE,
        pathway.Status.MET_LATE,
        pathway.Status.DELAY_ALLOWED,
    } <= statuses


def test_every_no_decision_in_the_demo_can_still_be_appealed(demo_cases):
    """The closed demo cases each have a letter date and an appeal deadline still to come."""
    today = clock.today()
    facts = facts_for_cases(list(demo_cases.values()), today)
    for name in ("Harry", "Mia", "Ethan"):
        deadline = pathway.next_deadline(facts[demo_cases[name].id], today)
        assert deadline is not None and deadline.kind is pathway.DeadlineKind.APPEAL
        assert deadline.due > today


def test_demo_timelines_are_dated_on_the_day_things_happened(demo_cases):
    """A case's story is spread over the weeks it took, not stamped with the moment of loading."""
    jordan = demo_cases["Jordan"]
    days = {
        event.occurred_at.date()
        for event in db.session.scalars(
            select(Event).where(Event.case_id == jordan.id, Event.visibility == Visibility.EVERYONE)
        )
    }
    assert len(days) >= 8
    assert min(days) >= jordan.request_received_on
    assert max(days) <= clock.today()
