"""The caseload: the cases a school, professional or case officer may see, filtered and sorted.

Where the work happens:

- In SQL: which cases the person may see (`portal.cases.policy.visible_cases`), the stage filter
  and the search by child's name or case number. These narrow the list cheaply as someone types.
- In Python: the next due date and its status. They come from the statutory rules in
  `portal.pathway` over each case's facts, loaded for all the matching cases at once by
  `facts.facts_for_cases` (a fixed number of queries). Writing the rules again in SQL would
  give two versions of the law to keep in step; a council's caseload (hundreds to a few
  thousand cases) is small enough to sort in memory. Filters on the due date, the sort by due
  date and the page of 25 are then plain Python.

The number of queries is the same whatever the number of cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from portal import pathway
from portal.accounts.models import Role, User
from portal.cases.facts import facts_for_cases
from portal.cases.models import AdviceRequest, Case, Child, Review
from portal.cases.policy import visible_cases
from portal.cases.tracker import CaseSummary, DeadlineView, deadline_view, summarise
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


def _matches_due(summary: CaseSummary, due: str) -> bool:
    status = summary.next.status if summary.next else None
    if due == Due.LATE:
        return status is Status.LATE
    if due == Due.THIS_WEEK:
        return status is Status.DUE_SOON
    return True


def _search(query, text: str):
    """Child's first name, last name, full name, or the case number, ignoring case."""
    words = text.lower()
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    full_name = func.lower(Child.first_name + " " + Child.last_name)
    return query.where(
        or_(
            full_name.like(pattern, escape="\\"),
            func.lower(Child.last_name).like(pattern, escape="\\"),
            func.lower(Case.reference).like(pattern, escape="\\"),
        )
    )


def _sort_key(sort: str):
    if sort == "name":
        return lambda s: (s.case.child.last_name.lower(), s.case.child.first_name.lower())
    if sort == "newest":
        return lambda s: (-s.case.request_received_on.toordinal(), s.case.reference)
    # Next due date, soonest (or most overdue) first; cases with nothing due go last.
    return lambda s: (s.next_due is None, s.next_due or date.max, s.case.reference)


def caseload_for(user: User, form: CaseloadFilterForm, today: date, page: int = 1) -> CaseloadPage:
    """The page of the person's caseload that the filters ask for, in a fixed number of
    queries: one for the cases, then the facts of the matching cases (see `facts.py`)."""
    query = visible_cases(user).join(Case.child)
    if form.value("stage"):
        query = query.where(Case.stage == form.value("stage"))
    if form.value("q"):
        query = _search(query, form.value("q"))
    cases = db.session.scalars(query).unique().all()
    facts = facts_for_cases(cases, today)
    rows = [summarise(case, facts[case.id], today) for case in cases]
    if form.value("due"):
        rows = [row for row in rows if _matches_due(row, form.value("due"))]
    if form.value("final"):
        rows = [row for row in rows if final_plan_outcome(row.facts, today) == form.value("final")]
    rows.sort(key=_sort_key(form.value("sort")))
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return CaseloadPage(rows[start : start + PAGE_SIZE], len(rows), page, pages)


# --- My tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """Something the person has to do on a case, and by when."""

    case: Case
    what: str
    deadline: DeadlineView


#: Reviews this far ahead show in a school's tasks.
REVIEW_HORIZON = timedelta(weeks=12)


def my_tasks(user: User, today: date) -> list[Task]:
    """Advice the person was asked for and has not sent, and (for a school) the review meetings
    of its pupils in the next 12 weeks. Two queries at most, on cases the person may see."""
    visible = visible_cases(user).with_only_columns(Case.id)
    tasks = []
    advice = db.session.execute(
        select(AdviceRequest, Case)
        .join(Case, AdviceRequest.case_id == Case.id)
        .where(
            AdviceRequest.adviser_id == user.id,
            AdviceRequest.received_on.is_(None),
            Case.stage == Stage.ASSESSMENT,
            Case.id.in_(visible),
        )
    ).all()
    for request, case in advice:
        deadline = pathway.Deadline(
            "advice", pathway.DeadlineKind.ADVICE, "", pathway.advice_due(request.sent_on)
        )
        tasks.append(Task(case, "Send your advice", deadline_view(deadline, today)))
    if user.role == Role.SCHOOL and user.organisation_id is not None:
        reviews = db.session.execute(
            select(Review, Case)
            .join(Case, Review.case_id == Case.id)
            .join(Case.child)
            .where(
                Child.school_id == user.organisation_id,
                Case.stage.in_([Stage.FINAL, Stage.REVIEW]),
                Review.meeting_on >= today,
                Review.meeting_on <= today + REVIEW_HORIZON,
                Case.id.in_(visible),
            )
        ).all()
        for review, case in reviews:
            deadline = pathway.Deadline(
                "review_invitations",
                pathway.DeadlineKind.REVIEW_INVITATIONS,
                "",
                pathway.review_invitations_due(review.meeting_on),
                met_on=review.invitations_sent_on,
            )
            what = (
                f"Review meeting on {long_date(review.meeting_on)}: send the invitations and advice"
            )
            tasks.append(Task(case, what, deadline_view(deadline, today)))
    return sorted(tasks, key=lambda t: (t.deadline.due, t.case.reference))
