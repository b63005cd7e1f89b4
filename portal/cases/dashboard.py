"""The case officer's team dashboard: the numbers a council is judged on, each one a link.

Counts by stage, what is late, what is due this week, and the share of final plans issued
within 20 weeks over the last 12 months (plans delayed for an allowed reason are counted apart,
as the national figures do). Every number is counted in SQL with the very conditions the
caseload filters use (`caseload.due_condition`, `caseload.final_condition`), so the list behind
a number — the caseload with the matching filter — always holds exactly that many cases.

A fixed number of queries whatever the size of the team.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import contains_eager

from portal import pathway
from portal.accounts.models import User
from portal.cases.caseload import (
    Due,
    FinalPlans,
    due_condition,
    final_condition,
    scheduled_cases,
)
from portal.cases.models import Case, CaseSchedule
from portal.cases.policy import visible_schedules
from portal.cases.schedule import refresh_stale
from portal.cases.tracker import CaseSummary, summarise_stored
from portal.extensions import db
from portal.pathway import Audience, Stage


@dataclass(frozen=True)
class StageCount:
    stage: Stage
    label: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    stages: list[StageCount]
    total: int
    late_count: int
    late: list[CaseSummary]  # the soonest few: the caseload lists them all
    due_this_week_count: int
    due_this_week: list[CaseSummary]
    final_in_time: int
    final_late: int
    final_delayed: int

    @property
    def final_counted(self) -> int:
        """Final plans in the 20-week figure: those without an allowed reason for delay."""
        return self.final_in_time + self.final_late

    @property
    def final_in_time_percent(self) -> int | None:
        """Whole per cent issued within 20 weeks, or None when no plan was issued."""
        if not self.final_counted:
            return None
        return round(100 * self.final_in_time / self.final_counted)


#: How many late and due-soon cases the dashboard names (each number links to them all).
LISTED = 10


def team_dashboard(user: User, today: date) -> Dashboard:
    """The dashboard for a case officer's team, on ``today``: counts are SQL aggregates over
    the stored next deadlines, and only the few cases it names have their facts loaded."""
    refresh_stale(today)
    late, soon = due_condition(Due.LATE, today), due_condition(Due.THIS_WEEK, today)
    finals = {
        outcome: final_condition(outcome, today)
        for outcome in (FinalPlans.IN_TIME, FinalPlans.LATE, FinalPlans.DELAYED)
    }
    # Every number in one pass over the team's stored schedules (each holds its case's team
    # and stage): a count per stage, and beside it the cases of that stage meeting each condition.
    rows: Sequence[Any] = db.session.execute(
        visible_schedules(user)
        .with_only_columns(
            CaseSchedule.stage,
            func.count(),
            func.count().filter(late),
            func.count().filter(soon),
            *(func.count().filter(condition) for condition in finals.values()),
        )
        .group_by(CaseSchedule.stage)
    ).all()  # (stage, count, then a count per condition)
    by_stage = {row[0]: row[1] for row in rows}
    totals = [sum(int(row[column]) for row in rows) for column in range(2, 4 + len(finals))]
    late_count, soon_count, *final_counts = totals
    final = dict(zip(finals, final_counts, strict=True))

    def soonest(condition) -> list[CaseSummary]:
        found = db.session.execute(
            scheduled_cases(user)
            .add_columns(CaseSchedule)
            .where(condition)
            .options(contains_eager(Case.child))
            .order_by(CaseSchedule.next_due_on.asc().nulls_last(), Case.reference)
            .limit(LISTED)
        ).all()
        return [summarise_stored(case, stored, today) for case, stored in found]

    return Dashboard(
        stages=[
            StageCount(
                stage, pathway.stage_label(stage, Audience.CASE_OFFICER), by_stage.get(stage, 0)
            )
            for stage in Stage
        ],
        total=sum(by_stage.values()),
        late_count=late_count,
        late=soonest(late),
        due_this_week_count=soon_count,
        due_this_week=soonest(soon),
        final_in_time=final[FinalPlans.IN_TIME],
        final_late=final[FinalPlans.LATE],
        final_delayed=final[FinalPlans.DELAYED],
    )
