"""The caseload: the cases a school, professional or case officer may see, filtered and sorted.

Everything that decides which rows a page shows happens in SQL, so a page costs the same
whether the team has 40 cases or 10,000: which cases the person may see
(`portal.cases.policy.viewer_may_view_case`), the stage filter, the search by child's name or case
number, the due-date filters, the sort, the count and the page of 25 (LIMIT/OFFSET). The due
dates come from each case's stored next deadline (`CaseSchedule`, kept in step with the facts by
`portal.cases.schedule`); "late" and "due soon" are comparisons with today in the query. Only the
25 cases on the page then have their facts loaded, to show each deadline in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import contains_eager
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from portal import pathway
from portal.accounts.models import Role, User
from portal.cases.models import (
    AdviceRequest,
    Case,
    CaseGrant,
    CaseSchedule,
    Child,
    Review,
    TeamStageCount,
)
from portal.cases.policy import holds_live_grant, viewer_may_view_case
from portal.cases.schedule import refresh_stale
from portal.cases.tracker import CaseSummary, DeadlineView, deadline_view, summarise_stored
from portal.dates import long_date
from portal.extensions import db
from portal.forms import BaseForm
from portal.pathway import Stage, Status

PAGE_SIZE = 25

#: Final plans count towards the 20-week figure when issued within this many months.
FINAL_PLAN_WINDOW_MONTHS = 12


class Due:
    """Values of the "due" filter."""

    LATE = "late"
    THIS_WEEK = "this-week"


class FinalPlans:
    """Values of the "final" filter: plans issued in the last 12 months, by how they went."""

    IN_TIME = "in-time"
    LATE = "late"
    DELAYED = "exception"


_FINAL_LABELS = {
    FinalPlans.IN_TIME: "Final plans issued within 20 weeks",
    FinalPlans.LATE: "Final plans issued after 20 weeks",
    FinalPlans.DELAYED: "Final plans delayed for an allowed reason",
}


class CaseloadFilterForm(BaseForm):
    """The caseload's filters: a GET form, so every list has its own URL to share or bookmark.

    Unknown values (an old bookmark, a hand-typed URL) are ignored rather than refused.
    """

    class Meta:
        csrf = False  # a GET form changes nothing

    q = SearchField("Search by child’s name or case number")
    stage = SelectField("Stage", default="")
    due = SelectField(
        "Due",
        choices=[
            SelectChoice("", "Any time"),
            SelectChoice(Due.LATE, "Late"),
            SelectChoice(Due.THIS_WEEK, "Due in the next 7 days"),
        ],
        default="",
    )
    sort = SelectField(
        "Sort by",
        choices=[
            SelectChoice("due", "Next due date"),
            SelectChoice("name", "Child’s name"),
            SelectChoice("newest", "Newest request"),
        ],
        default="due",
    )
    # Set by links from the dashboard only, so not shown as a field.
    final = SelectField(
        "Final plans",
        choices=[SelectChoice("", "All")]
        + [SelectChoice(value, label) for value, label in _FINAL_LABELS.items()],
        default="",
    )

    def __init__(self, *args, audience=pathway.Audience.PROFESSIONAL, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stage.choices = [SelectChoice("", "All stages")] + [
            SelectChoice(stage.value, pathway.stage_label(stage, audience)) for stage in Stage
        ]

    def value(self, name: str) -> str:
        """The field's value if it is one of its choices, else its default."""
        field = self[name]
        if field.type == "SearchField":
            return (field.data or "")[:100]
        allowed = {choice.value for choice in field.choices}
        return field.data if field.data in allowed else field.default

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) for name in ("q", "stage", "due", "final"))


@dataclass(frozen=True)
class CaseloadPage:
    """One page of the caseload, with how many cases matched in all."""

    rows: list[CaseSummary]
    total: int
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def final_plan_outcome(facts: pathway.CaseFacts, today: date) -> str | None:
    """For a final plan issued in the last 12 months: in time, late or excused; else None."""
    issued = facts.final_issued_on
    if issued is None or issued < pathway.add_months(today, -FINAL_PLAN_WINDOW_MONTHS):
        return None
    deadline = pathway.Deadline(
        key=pathway.DeadlineKind.FINAL_PLAN.value,
        kind=pathway.DeadlineKind.FINAL_PLAN,
        label="",
        due=pathway.final_plan_due(facts.request_received_on),
        met_on=issued,
        delay=facts.delays.get(pathway.DeadlineKind.FINAL_PLAN.value),
    )
    return {
        Status.MET_ON_TIME: FinalPlans.IN_TIME,
        Status.MET_LATE: FinalPlans.LATE,
        Status.DELAY_ALLOWED: FinalPlans.DELAYED,
    }.get(pathway.deadline_status(deadline, today))


def search_pattern(text: str) -> str:
    """The LIKE pattern for a search: the words anywhere, ignoring case, taken literally."""
    words = text.lower()[:100]
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _search_condition(pattern: Any):
    """Child's first name, last name, full name, or the case number, ignoring case."""
    full_name = func.lower(Child.first_name + " " + Child.last_name)
    return or_(
        full_name.like(pattern, escape="\\"),
        func.lower(Child.last_name).like(pattern, escape="\\"),
        func.lower(Case.reference).like(pattern, escape="\\"),
    )


def _order(sort: str) -> list:
    if sort == "name":
        return [func.lower(Child.last_name), func.lower(Child.first_name), Case.reference]
    if sort == "newest":
        return [Case.request_received_on.desc(), Case.reference]
    # Next due date, soonest (or most overdue) first; cases with nothing due go last. Plain
    # NULLS LAST (not "IS NULL" first) so the database can walk the next_due_on index and stop
    # after a page. Ties by case (the schedule's own column, without reading the cases; a
    # school's page is chosen in the same order from its grants' copies: `_page_from_grants`).
    return [CaseSchedule.next_due_on.asc().nulls_last(), CaseSchedule.case_id]


def due_condition(due: str, today: Any, soon_until: Any = None):
    """The SQL for the "due" filter, the same rule as `pathway.deadline_status` on the case's
    next deadline: late once past its day (never a lawfully delayed one, never the family's own
    window); due soon from 7 days before it to the day itself (`soon_until`, today + 7 days
    unless given: pass it with a `bindparam` for `today`)."""
    counts = and_(CaseSchedule.next_due_on.is_not(None), CaseSchedule.next_delayed.is_(False))
    if due == Due.LATE:
        return and_(
            counts,
            CaseSchedule.next_family_window.is_(False),
            CaseSchedule.next_due_on < today,
        )
    if soon_until is None:
        soon_until = today + timedelta(days=pathway.DUE_SOON_DAYS)
    return and_(counts, CaseSchedule.next_due_on >= today, CaseSchedule.next_due_on <= soon_until)


def final_window_start(today: date) -> date:
    """The first day of the 12 months whose final plans the 20-week figure counts."""
    return pathway.add_months(today, -FINAL_PLAN_WINDOW_MONTHS)


def final_condition(outcome: Any, since: Any):
    """Final plans issued since `since` (`final_window_start`) that went this way (in time,
    late, excused)."""
    return and_(CaseSchedule.final_outcome == outcome, CaseSchedule.final_issued_on >= since)


def _viewer(case_officer: bool) -> Any:
    """Whoever is asking, as bound parameters (`_params` fills them)."""
    return viewer_may_view_case(case_officer, bindparam("team_id"), bindparam("user_id"))


@dataclass(frozen=True)
class _Shape:
    """What a caseload's queries look like, whatever the values: each shape's statements are
    built once (see `portal/extensions.py`) and run with the values as parameters."""

    case_officer: bool
    stage: bool
    search: bool
    due: str
    final: bool
    sort: str

    @classmethod
    def of(cls, user: User, form: CaseloadFilterForm) -> _Shape:
        return cls(
            case_officer=user.role == Role.CASE_OFFICER,
            stage=bool(form.value("stage")),
            search=bool(form.value("q")),
            due=form.value("due"),
            final=bool(form.value("final")),
            sort=form.value("sort"),
        )

    @property
    def from_grants(self) -> bool:
        """Whether a page can be chosen from the person's grants alone, by the next deadline
        each carries (`_page_from_grants`): someone with grants, sorted by due date, not
        searching by name."""
        return not self.case_officer and not self.search and self.sort == "due"

    def conditions(self, on: type[Case] | type[CaseSchedule] = Case) -> list:
        """The filters, on bound parameters; `on=CaseSchedule` reads the stage from the
        schedule's copy (the search needs the case and child)."""
        conditions = []
        if self.stage:
            stage = Case.stage if on is Case else CaseSchedule.stage
            conditions.append(stage == bindparam("stage"))
        if self.search:
            conditions.append(_search_condition(bindparam("pattern")))
        if self.due:
            conditions.append(due_condition(self.due, bindparam("today"), bindparam("soon_until")))
        if self.final:
            conditions.append(final_condition(bindparam("outcome"), bindparam("since")))
        return conditions


def day_params(today: date) -> dict[str, date]:
    """The days the due and final-plan rules compare with, as the statements' parameters."""
    return {
        "today": today,
        "soon_until": today + timedelta(days=pathway.DUE_SOON_DAYS),
        "since": final_window_start(today),
    }


def _params(user: User, form: CaseloadFilterForm, today: date) -> dict[str, Any]:
    return {
        "team_id": user.organisation_id,
        "user_id": user.id,
        "stage": form.value("stage"),
        "pattern": search_pattern(form.value("q")),
        "outcome": form.value("final"),
        **day_params(today),
    }


#: Built once (see `portal/extensions.py`): the unfiltered counts.
_TEAM_CASES = select(func.coalesce(func.sum(TeamStageCount.cases), 0)).where(
    TeamStageCount.team_id == bindparam("team_id")
)
_TEAM_CASES_AT_STAGE = _TEAM_CASES.where(TeamStageCount.stage == bindparam("stage"))
_GRANTED_CASES = select(func.count(CaseGrant.case_id.distinct())).where(
    CaseGrant.user_id == bindparam("user_id"), CaseGrant.revoked_at.is_(None)
)


@cache
def _count_statement(shape: _Shape) -> Select:
    """How many cases match. A case officer's whole team, or one stage of it, is added up from
    the team's stage tallies (a row a stage, kept in step with every case in the same
    transaction: `portal.cases.schedule`); counting the rows of a team of 10,000 took longer
    than the rest of the page. Everyone else's unfiltered count is of their live grants.
    Searches and the due filters count the matching cases."""
    unfiltered = not (shape.search or shape.due or shape.final)
    if shape.case_officer and unfiltered:
        return _TEAM_CASES_AT_STAGE if shape.stage else _TEAM_CASES
    if not shape.case_officer and unfiltered and not shape.stage:
        return _GRANTED_CASES
    # The count joins only what the filters read: at 10,000 cases every join costs. count(*),
    # not count(case.id): PostgreSQL can then count a team's cases from the team index alone.
    counted = select(func.count()).select_from(Case).where(_viewer(shape.case_officer))
    if shape.search:
        counted = counted.join(Case.child)
    if shape.due or shape.final:
        counted = counted.join(CaseSchedule, CaseSchedule.case_id == Case.id)
    return counted.where(*shape.conditions())


#: A row names the child, never their school: not joined (and an error if anything reads it).
_JUST_THE_CHILD = contains_eager(Case.child).raiseload(Child.school)


def _page_from_grants(shape: _Shape, paged: bool) -> Select:
    """A page of a granted caseload by due date: the 25 are chosen from the person's live
    grants, in the order of the next deadline each carries (`CaseGrant.next_due_on`, the
    schedule's copy), on their index; only then are their cases, children and schedules read.
    Joining first read a case and a child for each of a school's 400 grants before keeping 25
    (3 ms of the database a page); choosing from the schedules read all 400 schedules and
    sorted them. A filter reads the schedule of each grant it passes over."""
    # Distinct: a case is listed once, should someone hold two live grants on it.
    chosen = (
        select(CaseGrant.next_due_on, CaseGrant.case_id)
        .distinct()
        .where(*holds_live_grant(bindparam("user_id")))
    )
    if conditions := shape.conditions(on=CaseSchedule):
        chosen = chosen.join(CaseSchedule, CaseSchedule.case_id == CaseGrant.case_id).where(
            *conditions
        )
    chosen = chosen.order_by(CaseGrant.next_due_on.asc().nulls_last(), CaseGrant.case_id).limit(
        PAGE_SIZE
    )
    if paged:
        chosen = chosen.offset(bindparam("offset"))
    page = chosen.subquery("chosen")
    return (
        select(Case, CaseSchedule)
        .join(page, page.c.case_id == Case.id)
        .join(Case.child)
        .join(CaseSchedule, CaseSchedule.case_id == Case.id)
        .options(_JUST_THE_CHILD)
        .order_by(*_order(shape.sort))
    )


@cache
def _page_statement(shape: _Shape, paged: bool = False) -> Select:
    """A page of the matching cases, each with its child and stored next deadline (from the
    `offset` parameter if `paged`: a statement of its own for each page would be compiled
    afresh, its cache key worked out again, on every request)."""
    if shape.from_grants:
        return _page_from_grants(shape, paged)
    query = (
        select(Case, CaseSchedule)
        .join(Case.child)
        .join(CaseSchedule, CaseSchedule.case_id == Case.id)
        .where(_viewer(shape.case_officer), *shape.conditions())
        .options(_JUST_THE_CHILD)
        .order_by(*_order(shape.sort))
        .limit(PAGE_SIZE)
    )
    # The team (and stage) again, on the schedule's copies: PostgreSQL can then walk the team's
    # deadlines in order on their index, a page at a time (the conditions on the case decide).
    if shape.case_officer:
        query = query.where(CaseSchedule.team_id == bindparam("team_id"))
        if shape.stage:
            query = query.where(CaseSchedule.stage == bindparam("stage"))
    return query.offset(bindparam("offset")) if paged else query


def team_cases_due(due: str) -> Select:
    """A case officer's team's cases that are late (or due in the next 7 days), soonest first,
    a page at a time: the caseload's own statement for that filter, to run with `team_id`
    and `day_params`."""
    return _page_statement(
        _Shape(True, stage=False, search=False, due=due, final=False, sort="due")
    )


def caseload_for(user: User, form: CaseloadFilterForm, today: date, page: int = 1) -> CaseloadPage:
    """The page of the person's caseload that the filters ask for: a count and a page of 25
    from SQL, each row drawn from its stored next deadline (two queries after the refresh)."""
    refresh_stale(today)
    shape, params = _Shape.of(user, form), _params(user, form, today)
    total = db.session.scalar(_count_statement(shape), params) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    params["offset"] = (page - 1) * PAGE_SIZE
    found = db.session.execute(_page_statement(shape, paged=True), params).all()
    rows = [summarise_stored(case, stored, today) for case, stored in found]
    return CaseloadPage(rows, total, page, pages)


# --- My tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """Something the person has to do on a case, and by when."""

    case: Case
    what: str
    deadline: DeadlineView


#: Reviews this far ahead show in a school's tasks.
REVIEW_HORIZON = timedelta(weeks=12)
#: The soonest tasks of each kind shown on the home page (the caseload below lists every case).
TASKS_SHOWN = 10


# Only what a task shows (the case's link and child's name, the dates): every joined table costs
# PostgreSQL more to plan than these queries take to run. The policy's condition is on the
# joined case: `Case.id IN (SELECT id FROM case ...)` made PostgreSQL read every case of the
# council for a school's 400. Built once (see `portal/extensions.py`).
_ADVICE_TASKS = {
    case_officer: select(AdviceRequest.sent_on, Case)
    .join(Case, AdviceRequest.case_id == Case.id)
    .join(Case.child)
    .options(_JUST_THE_CHILD)
    .where(
        AdviceRequest.adviser_id == bindparam("user_id"),
        AdviceRequest.received_on.is_(None),
        Case.stage == Stage.ASSESSMENT,
        _viewer(case_officer),
    )
    .order_by(AdviceRequest.sent_on, AdviceRequest.id)
    .limit(TASKS_SHOWN)
    for case_officer in (True, False)
}
_REVIEW_TASKS = (
    select(Review.meeting_on, Review.invitations_sent_on, Case)
    .join(Case, Review.case_id == Case.id)
    .join(Case.child)
    .options(_JUST_THE_CHILD)
    .where(
        Child.school_id == bindparam("team_id"),
        Case.stage.in_([Stage.FINAL, Stage.REVIEW]),
        Review.meeting_on >= bindparam("today"),
        Review.meeting_on <= bindparam("horizon"),
        _viewer(case_officer=False),
    )
    .order_by(Review.meeting_on, Review.id)
    .limit(TASKS_SHOWN)
)


def my_tasks(user: User, today: date) -> list[Task]:
    """Advice the person was asked for and has not sent, and (for a school) the review meetings
    of its pupils in the next 12 weeks: the 10 soonest of each. Two queries at most, on cases
    the person may see."""
    params = {
        "user_id": user.id,
        "team_id": user.organisation_id,  # the person's organisation: a school, for reviews
        "today": today,
        "horizon": today + REVIEW_HORIZON,
    }
    tasks = []
    advice = db.session.execute(_ADVICE_TASKS[user.role == Role.CASE_OFFICER], params).all()
    for sent_on, case in advice:
        deadline = pathway.Deadline(
            "advice", pathway.DeadlineKind.ADVICE, "", pathway.advice_due(sent_on)
        )
        tasks.append(Task(case, "Send your advice", deadline_view(deadline, today)))
    if user.role == Role.SCHOOL and user.organisation_id is not None:
        for meeting_on, invitations_sent_on, case in db.session.execute(_REVIEW_TASKS, params):
            deadline = pathway.Deadline(
                "review_invitations",
                pathway.DeadlineKind.REVIEW_INVITATIONS,
                "",
                pathway.review_invitations_due(meeting_on),
                met_on=invitations_sent_on,
            )
            what = f"Review meeting on {long_date(meeting_on)}: send the invitations and advice"
            tasks.append(Task(case, what, deadline_view(deadline, today)))
    return sorted(tasks, key=lambda t: (t.deadline.due, t.case.reference))
