"""The case officer's team dashboard: the numbers a council is judged on, each one a link.

Counts by stage, what is late, what is due this week, and the share of final plans issued
within 20 weeks over the last 12 months (plans delayed for an allowed reason are counted apart,
as the national figures do). The numbers are added up from the team tallies kept beside the
stored schedules (`portal.cases.schedule`), by the very rules the caseload filters use
(`caseload.due_condition`, `caseload.final_condition`), so the list behind a number — the
caseload with the matching filter — always holds exactly that many cases (a test checks both
ways agree).

A fixed number of queries, and a fixed number of rows read, whatever the size of the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    bindparam,
    func,
    literal,
    select,
    union_all,
)

from portal import pathway
from portal.accounts.models import User
from portal.cases.caseload import (
    Due,
    FinalPlans,
    day_params,
    team_cases_due,
)
from portal.cases.models import TeamDayCount, TeamStageCount
from portal.cases.schedule import DUE, DUE_FAMILY, FINAL, refresh_stale
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
#: The names of the numbers `_numbers` adds up.
_STAGE, _LATE, _SOON = "stage:", "late", "soon"


#: The outcomes a final plan is counted by, each a measure of the team tallies.
_OUTCOMES = (FinalPlans.IN_TIME, FinalPlans.LATE, FinalPlans.DELAYED)


def _numbers_statement() -> CompoundSelect:
    """The team's count at each stage ("stage:<stage>") and its late, due-this-week and final
    plan numbers, in one statement over the team tallies: a few hundred rows at most, whatever
    the number of cases. Each number adds up one range of the tallies' key (team, measure,
    day), by the very rules of `caseload.due_condition` and `caseload.final_condition`, so
    the database reads only those rows on the key's index. Built once (see
    `portal/extensions.py`), run with the team and the days."""
    team_id: BindParameter[int] = bindparam("team_id")
    today: BindParameter[date] = bindparam("today")
    of_team = TeamDayCount.team_id == team_id
    total = func.sum(TeamDayCount.cases)
    by_stage = select(literal(_STAGE) + TeamStageCount.stage, TeamStageCount.cases).where(
        TeamStageCount.team_id == team_id
    )
    # Late: a statutory deadline's day has passed (a family window's passing day is not late).
    late = select(literal(_LATE), total).where(
        of_team, TeamDayCount.measure == DUE, TeamDayCount.day < today
    )
    soon = select(literal(_SOON), total).where(
        of_team,
        TeamDayCount.measure.in_([DUE, DUE_FAMILY]),
        TeamDayCount.day >= today,
        TeamDayCount.day <= bindparam("soon_until"),
    )
    # Final plans of the last 12 months, by outcome ("final-late" and so on).
    final = (
        select(TeamDayCount.measure, total)
        .where(
            of_team,
            TeamDayCount.measure.in_([FINAL + outcome for outcome in _OUTCOMES]),
            TeamDayCount.day >= bindparam("since"),
        )
        .group_by(TeamDayCount.measure)
    )
    return union_all(by_stage, late, soon, final)


_NUMBERS = _numbers_statement()


def _numbers(team_id: int | None, today: date) -> dict[str, int]:
    """The numbers `_numbers_statement` adds up, by name."""
    rows = db.session.execute(_NUMBERS, {"team_id": team_id, **day_params(today)}).all()
    # A number with no rows in its range adds up to NULL: none.
    return {name: int(count or 0) for name, count in rows}


#: The soonest late and due-soon cases of a team: the caseload's lists behind those numbers.
_SOONEST = {due: team_cases_due(due).limit(LISTED) for due in (Due.LATE, Due.THIS_WEEK)}


def team_dashboard(user: User, today: date) -> Dashboard:
    """The dashboard for a case officer's team, on ``today``: the numbers come from the team
    tallies kept beside the stored schedules, and only the few cases it names are read."""
    refresh_stale(today)
    numbers = _numbers(user.organisation_id, today)
    by_stage = {stage: numbers.get(_STAGE + stage, 0) for stage in Stage}
    final = {outcome: numbers.get(FINAL + outcome, 0) for outcome in _OUTCOMES}
    late_count, soon_count = numbers.get(_LATE, 0), numbers.get(_SOON, 0)

    params = {"team_id": user.organisation_id, **day_params(today)}

    def soonest(due: str) -> list[CaseSummary]:
        found = db.session.execute(_SOONEST[due], params).all()
        return [summarise_stored(case, stored, today) for case, stored in found]

    return Dashboard(
        stages=[
            StageCount(stage, pathway.stage_label(stage, Audience.CASE_OFFICER), by_stage[stage])
            for stage in Stage
        ],
        total=sum(by_stage.values()),
        late_count=late_count,
        late=soonest(Due.LATE),
        due_this_week_count=soon_count,
        due_this_week=soonest(Due.THIS_WEEK),
        final_in_time=final[FinalPlans.IN_TIME],
        final_late=final[FinalPlans.LATE],
        final_delayed=final[FinalPlans.DELAYED],
    )
