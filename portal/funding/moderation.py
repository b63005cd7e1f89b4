"""Reading bandings for the pages: the council's queue of proposals and a case's history.

Both read in a fixed number of queries: the queue pages in SQL (oldest proposal first), so it
costs the same with 10 proposals waiting or 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from portal import clock
from portal.accounts.models import Organisation, User
from portal.cases.models import Case, Child
from portal.extensions import db
from portal.funding.models import Banding, BandingStatus

QUEUE_PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueRow:
    banding: Banding
    case_public_id: str
    reference: str
    child_name: str
    proposer: str
    proposer_organisation: str | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: int
    pages: int
    total: int


def _waiting(team_id: int) -> tuple:
    return (Banding.status == BandingStatus.PROPOSED.value, Case.team_id == team_id)


def queue_query(team_id: int) -> Select:
    """The council's waiting proposals in queue order, oldest first. The order is the index
    `ix_banding_status_proposed_at` (status, proposed_at, id), so a page is read in order from
    the index rather than by sorting every waiting proposal."""
    proposer = aliased(User)
    return (
        select(
            Banding,
            Case.public_id,
            Case.reference,
            Child.first_name,
            Child.last_name,
            proposer.name,
            Organisation.name,
        )
        .join(Case, Case.id == Banding.case_id)
        .join(Child, Child.id == Case.child_id)
        .join(proposer, proposer.id == Banding.proposed_by_id)
        .outerjoin(Organisation, Organisation.id == proposer.organisation_id)
        .where(*_waiting(team_id))
        .order_by(Banding.proposed_at, Banding.id)
    )


def proposed_queue(team_id: int, page: int = 1, size: int = QUEUE_PAGE_SIZE) -> QueuePage:
    """Proposals waiting for the council `team_id` to agree, oldest first (two queries)."""
    total = db.session.scalar(
        select(func.count())
        .select_from(Banding)
        .join(Case, Case.id == Banding.case_id)
        .where(*_waiting(team_id))
    )
    pages = max(1, -(-int(total or 0) // size))
    page = min(max(page, 1), pages)
    query = queue_query(team_id).limit(size).offset((page - 1) * size)
    rows = [
        QueueRow(banding, public_id, reference, f"{first} {last}", name, organisation)
        for banding, public_id, reference, first, last, name, organisation in db.session.execute(
            query
        )
    ]
    return QueuePage(rows, page, pages, int(total or 0))


@dataclass(frozen=True)
class HistoryRow:
    banding: Banding
    proposer: str
    decider: str | None

    @property
    def band(self) -> int:
        return self.banding.agreed_band or self.banding.proposed_band


def case_history(case: Case) -> list[HistoryRow]:
    """Every banding of the case with who proposed and decided it, newest first (one query)."""
    proposer = aliased(User)
    decider = aliased(User)
    query = (
        select(Banding, proposer.name, decider.name)
        .join(proposer, proposer.id == Banding.proposed_by_id)
        .outerjoin(decider, decider.id == Banding.decided_by_id)
        .where(Banding.case_id == case.id)
        .order_by(Banding.effective.desc(), Banding.id.desc())
    )
    return [HistoryRow(b, p, d) for b, p, d in db.session.execute(query)]


def in_force(history: list[HistoryRow], day: date | None = None) -> list[HistoryRow]:
    """The agreed band in force on `day` for each area of need, the primary area first."""
    day = day or clock.today()
    found: dict[str, HistoryRow] = {}
    for row in history:  # newest effective date first
        banding = row.banding
        if banding.status == BandingStatus.AGREED.value and banding.effective <= day:
            found.setdefault(banding.area_of_need, row)
    return sorted(found.values(), key=lambda r: (not r.banding.primary, r.banding.area_of_need))


def waiting(history: list[HistoryRow]) -> list[HistoryRow]:
    return [r for r in history if r.banding.status == BandingStatus.PROPOSED.value]


def agreed_later(history: list[HistoryRow], day: date | None = None) -> list[HistoryRow]:
    """Agreed bands that start after `day` (after an annual review, say)."""
    day = day or clock.today()
    return [
        r
        for r in history
        if r.banding.status == BandingStatus.AGREED.value and r.banding.effective > day
    ]
