"""The case officer's team dashboard: the numbers a council is judged on, each one a link.

Counts by stage, what is late, what is due this week, and the share of final plans issued
within 20 weeks over the last 12 months (plans delayed for an allowed reason are counted apart,
as the national figures do). Every number comes from the same rules the caseload uses
(`caseload.final_plan_outcome`, `tracker.summarise`), so the list behind a number — the
caseload with the matching filter — always holds exactly that many cases.

A fixed number of queries: one for the team's cases, then their facts (see `facts.py`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from portal import pathway
from portal.accounts.models import User
from portal.cases.caseload import FinalPlans, final_plan_outcome
from portal.cases.facts import facts_for_cases
from portal.cases.policy import visible_cases
from portal.cases.tracker import CaseSummary, summarise
from portal.extensions import db
from portal.pathway import Audience, Stage, Status


@dataclass(frozen=True)
class StageCount:
    stage: Stage
    label: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    stages: list[StageCount]
    total: int
    late: list[CaseSummary]
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


def team_dashboard(user: User, today: date) -> Dashboard:
    """The dashboard for a case officer's team, on ``today``."""
    cases = db.session.scalars(visible_cases(user)).unique().all()
    facts = facts_for_cases(cases, today)
    summaries = [summarise(case, facts[case.id], today) for case in cases]
    by_stage = Counter(Stage(case.stage) for case in cases)
    outcomes = Counter(final_plan_outcome(facts[case.id], today) for case in cases)

    def soonest(status: Status) -> list[CaseSummary]:
        chosen = [s for s in summaries if s.next is not None and s.next.status is status]
        return sorted(chosen, key=lambda s: (s.next_due, s.case.reference))

    return Dashboard(
        stages=[
            StageCount(stage, pathway.stage_label(stage, Audience.CASE_OFFICER), by_stage[stage])
            for stage in Stage
        ],
        total=len(cases),
        late=soonest(Status.LATE),
        due_this_week=soonest(Status.DUE_SOON),
        final_in_time=outcomes[FinalPlans.IN_TIME],
        final_late=outcomes[FinalPlans.LATE],
        final_delayed=outcomes[FinalPlans.DELAYED],
    )
