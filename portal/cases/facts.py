"""The dated facts of cases, loaded from the database and handed to the rules in `portal.pathway`.

`pathway.CaseFacts` is what every deadline is computed from. This module builds it, for one case
or for many at once in a fixed number of queries (one per related table, whatever the number of
cases), so the caseload and dashboard cost the same for 10 cases as for 1,000.

    facts = facts_for(case)                      # one case
    by_id = facts_for_cases(cases)               # many: {case.id: CaseFacts}
    for deadline, status in deadlines_for(case, clock.today()): ...

A review meeting whose date has come (on or before ``today``) counts as held: its report and
decision deadlines start to show, and the next review is counted from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import g
from sqlalchemy import BindParameter, bindparam, inspect, select

from portal import clock, pathway
from portal.cases.models import (
    AdviceRequest,
    Case,
    CaseMilestones,
    LawfulDelay,
    Review,
    SchoolConsultation,
)
from portal.extensions import db


@dataclass
class CaseRecord:
    """Every dated row about one case, as loaded: what the manage pages read and the facts use."""

    case: Case
    milestones: CaseMilestones | None = None
    advice_requests: list[AdviceRequest] = field(default_factory=list)
    consultations: list[SchoolConsultation] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)  # oldest meeting first
    delays: list[LawfulDelay] = field(default_factory=list)

    def held_reviews(self, today: date) -> list[Review]:
        """Reviews whose meeting date has come, oldest first."""
        return [r for r in self.reviews if r.meeting_on <= today]

    def latest_held_review(self, today: date) -> Review | None:
        held = self.held_reviews(today)
        return held[-1] if held else None

    def upcoming_review(self, today: date) -> Review | None:
        """The next review meeting still to come, if one is arranged."""
        return next((r for r in self.reviews if r.meeting_on > today), None)

    def latest_review(self) -> Review | None:
        """The most recently arranged review, held or not."""
        return self.reviews[-1] if self.reviews else None

    def delay_for(self, key: str) -> LawfulDelay | None:
        return next((e for e in self.delays if e.deadline_key == key), None)

    def facts(self, today: date | None = None) -> pathway.CaseFacts:
        """The `pathway.CaseFacts` of this case on ``today`` (the real today by default)."""
        return _build_facts(self, today or clock.today())


def _under_five(date_of_birth: date, on: date) -> bool:
    return pathway.add_months(date_of_birth, 60) > on


def _build_facts(record: CaseRecord, today: date) -> pathway.CaseFacts:
    case, m = record.case, record.milestones
    last = record.latest_held_review(today)
    upcoming = record.upcoming_review(today)
    final_issued_on = m.final_issued_on if m else None
    # The review interval depends on the child's age when the current review period began.
    since = (last.meeting_on if last else None) or final_issued_on or today
    single: dict[str, Any] = {}
    if m is not None:
        single = {
            "assessment_decided_on": m.assessment_decided_on,
            "not_issuing_notified_on": m.not_issuing_notified_on,
            "draft_sent_on": m.draft_sent_on,
            "family_comments_on": m.family_comments_on,
            "final_issued_on": m.final_issued_on,
            "under_five_interval_months": m.under_five_interval_months,
            "phase_transfer_year": m.phase_transfer_year,
            "phase_transfer_kind": m.phase_transfer_kind or pathway.TransferKind.SCHOOL,
            "phase_transfer_named_on": m.phase_transfer_named_on,
            "ceased_on": m.ceased_on,
        }
    return pathway.CaseFacts(
        stage=pathway.Stage(case.stage),
        request_received_on=case.request_received_on,
        advice_requests=tuple(
            pathway.AdviceRequest(
                ref=str(a.id),
                from_whom=a.from_whom,
                sent_on=a.sent_on,
                received_on=a.received_on,
            )
            for a in record.advice_requests
        ),
        school_consultations=tuple(
            pathway.SchoolConsultation(
                ref=str(c.id),
                school=c.school_name,
                consulted_on=c.consulted_on,
                replied_on=c.replied_on,
            )
            for c in record.consultations
        ),
        under_five=_under_five(case.child.date_of_birth, since),
        last_review_on=last.meeting_on if last else None,
        review_report_sent_on=last.report_sent_on if last else None,
        review_decided_on=last.decided_on if last else None,
        amendments_sent_on=last.amendments_sent_on if last else None,
        amendment_comments_on=last.amendment_comments_on if last else None,
        amended_plan_issued_on=last.amended_plan_issued_on if last else None,
        next_review_meeting_on=upcoming.meeting_on if upcoming else None,
        review_invitations_sent_on=upcoming.invitations_sent_on if upcoming else None,
        delays={e.deadline_key: pathway.DelayReason(e.reason) for e in record.delays},
        **single,
    )


#: Built once (see `portal/extensions.py`): every case page and caseload runs them. Each list
#: table's rows for the cases, in the order the rules read them.
_FOR_CASES: BindParameter[int] = bindparam("ids", expanding=True)
_MILESTONES = select(CaseMilestones).where(CaseMilestones.case_id.in_(_FOR_CASES))
_LISTS: list[tuple[str, Any]] = [
    (
        "advice_requests",
        select(AdviceRequest)
        .where(AdviceRequest.case_id.in_(_FOR_CASES))
        .order_by(AdviceRequest.sent_on, AdviceRequest.id),
    ),
    (
        "consultations",
        select(SchoolConsultation)
        .where(SchoolConsultation.case_id.in_(_FOR_CASES))
        .order_by(SchoolConsultation.consulted_on, SchoolConsultation.id),
    ),
    (
        "reviews",
        select(Review).where(Review.case_id.in_(_FOR_CASES)).order_by(Review.meeting_on, Review.id),
    ),
    (
        "delays",
        select(LawfulDelay).where(LawfulDelay.case_id.in_(_FOR_CASES)).order_by(LawfulDelay.id),
    ),
]


#: The lists of a `CaseRecord`, by attribute name.
LIST_NAMES = tuple(attribute for attribute, _ in _LISTS)


def lists_held(record: CaseRecord) -> dict[str, bool]:
    """Which of the case's lists have rows, as the stored schedule's `has_*` columns."""
    return {f"has_{attribute}": bool(getattr(record, attribute)) for attribute in LIST_NAMES}


def records_for_cases(
    cases: Sequence[Case], *, milestones_loaded: bool = False, lists: Sequence[str] = LIST_NAMES
) -> dict[int, CaseRecord]:
    """Load every dated row for these cases: one query per related table (five in all), or
    none for an empty list. The cases' children must already be loaded (`Case.child` is joined).
    `milestones_loaded`: a reading page fetched `Case.milestones` with the cases (four queries).
    `lists`: only these lists can have rows (the others are left empty, unread).
    """
    records = {case.id: CaseRecord(case) for case in cases}
    if not records:
        return records
    ids = {"ids": list(records)}
    if milestones_loaded:
        for case in cases:
            records[case.id].milestones = case.milestones
    else:
        for row in db.session.scalars(_MILESTONES, ids):
            records[row.case_id].milestones = row
    for attribute, statement in _LISTS:
        if attribute not in lists:
            continue
        grouped: dict[int, list] = defaultdict(list)
        for row in db.session.scalars(statement, ids):
            grouped[row.case_id].append(row)
        for case_id, rows in grouped.items():
            setattr(records[case_id], attribute, rows)
    return records


def record_for(case: Case) -> CaseRecord:
    """Every dated row about one case."""
    return records_for_cases([case])[case.id]


def page_record(case: Case) -> CaseRecord:
    """Every dated row about one case, loaded once for the page being drawn: the case page and
    the sections on it (the officer's next steps) all read it. Only for reading pages (a GET
    changes nothing); a service that changes the facts reads them afresh with `record_for`."""
    records = g.setdefault("_page_case_records", {})
    if case.id not in records:
        # The case page fetches the milestones and the stored schedule with the case
        # (`joinedload`): the schedule says which lists have rows, so the others are not asked
        # for (kept in step with the facts in the transaction that changes them).
        loaded: dict[str, Any] = inspect(case).dict
        schedule = loaded.get("schedule")
        lists = LIST_NAMES
        if schedule is not None:
            lists = tuple(name for name in LIST_NAMES if getattr(schedule, f"has_{name}"))
        records[case.id] = records_for_cases(
            [case], milestones_loaded="milestones" in loaded, lists=lists
        )[case.id]
    return records[case.id]


def facts_for_cases(
    cases: Sequence[Case], today: date | None = None
) -> dict[int, pathway.CaseFacts]:
    """The facts of many cases, keyed by `Case.id`, in a fixed number of queries (five)."""
    today = today or clock.today()
    return {case_id: record.facts(today) for case_id, record in records_for_cases(cases).items()}


def facts_for(case: Case, today: date | None = None) -> pathway.CaseFacts:
    """The facts of one case on ``today`` (the real today by default)."""
    return record_for(case).facts(today)


def deadlines_for(
    case: Case, today: date | None = None
) -> list[tuple[pathway.Deadline, pathway.Status]]:
    """The deadlines that matter at the case's stage, earliest first, each with its status."""
    today = today or clock.today()
    return [
        (deadline, pathway.deadline_status(deadline, today))
        for deadline in pathway.case_deadlines(facts_for(case, today))
    ]
