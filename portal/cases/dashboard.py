"""The case officer's team dashboard: the numbers a council is judged on, each one a link.

Counts by stage, what is late, what is due this week, and the share of final plans issued
within 20 weeks over the last 12 months (plans delayed for an allowed reason are counted apart,
as the national figures do). Every number is counted in SQL with the very conditions the
caseload filters use (`caseload.due_condition`, `caseload.final_condition`), so the list behind
a number — the caseload with the matching filter — always holds exactly that many cases.

A fixed number of queries whatever the size of the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
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
from portal.cases.facts import facts_for_cases
from portal.cases.models import Case, CaseSchedule
from portal.cases.schedule import refresh_stale
from portal.cases.tracker import CaseSummary, summarise
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
    team = scheduled_cases(user).subquery()
    by_stage: dict[str, int] = dict(
        db.session.execute(select(team.c.stage, func.count()).group_by(team.c.stage)).all()
    )

    def count(condition) -> int:
        query = scheduled_cases(user).where(condition)
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0

    def soonest(condition) -> list[CaseSummary]:
        cases = db.session.scalars(
            scheduled_cases(user)
            .where(condition)
            .options(contains_eager(Case.child))
            .order_by(CaseSchedule.next_due_on, Case.reference)
            .limit(LISTED)
        ).all()
        facts = facts_for_cases(cases, today)
        return [summarise(case, facts[case.id], today) for case in cases]

    late, soon = due_condition(Due.LATE, today), due_condition(Due.THIS_WEEK, today)
    return Dashboard(
        stages=[
            StageCount(
                stage, pathway.stage_label(stage, Audience.CASE_OFFICER), by_stage.get(stage, 0)
            )
            for stage in Stage
        ],
        total=sum(by_stage.values()),
        late_count=count(late),
        late=soonest(late),
        due_this_week_count=count(soon),
        due_this_week=soonest(soon),
        final_in_time=count(final_condition(FinalPlans.IN_TIME, today)),
        final_late=count(final_condition(FinalPlans.LATE, today)),
        final_delayed=count(final_condition(FinalPlans.DELAYED, today)),
    )
