"""The quality dashboard's figures: every count made in SQL, a fixed number of queries however
many audits there are.

A plan's grade in a round is its first audit's grade, or the grade a moderator agreed when two
auditors differed. Re-audits are counted separately (share of plans improved).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import OrganisationKind, User
from portal.extensions import db
from portal.quality.agreement import Agreement, agreement_from_counts
from portal.quality.framework import Grade
from portal.quality.models import (
    Audit,
    AuditAnswer,
    AuditKind,
    AuditRound,
    AuditSection,
    AuditStatus,
    Moderation,
    RoundAuditor,
    SampledPlan,
)
from portal.quality.sampling import KEY_STAGES, PRIMARY_NEEDS, SETTING_TYPES

GRADES = [g.value for g in Grade]

#: Who audited: the council's quality staff or officers, or a partner service (multi-agency).
DISCIPLINES = {
    "quality": "Council quality team",
    "casework": "Council case officers",
    **{kind.value: kind.label for kind in OrganisationKind},
}


@dataclass
class Row:
    key: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    round_public_id: str | None = None  # for rows that are rounds: the link to the round

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, grade: str) -> int:
        return self.counts.get(grade, 0)


@dataclass
class Breakdown:
    title: str
    heading: str  # the table's first column
    rows: list[Row]


@dataclass
class Dashboard:
    breakdowns: list[Breakdown]
    failing_criteria: list[tuple[str, int]]
    reaudits: int
    improved: int
    agreement_by_round: list[tuple[str, Agreement]]
    total: int


def _final_grade():
    return func.coalesce(Moderation.agreed_grade, Audit.grade)


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to: a round, and the sampled plans' facts."""

    round_id: int | None = None
    key_stage: str | None = None
    primary_need: str | None = None
    setting_type: str | None = None


def _first_audits(team_id: int | None, where: Filters) -> Select:
    round_id = where.round_id
    query = (
        select(Audit.id)
        .join(AuditRound, AuditRound.id == Audit.round_id)
        .join(SampledPlan, SampledPlan.id == Audit.sample_id)
        .where(Audit.kind == AuditKind.FIRST.value, Audit.status == AuditStatus.SUBMITTED.value)
    )
    if team_id is not None:
        query = query.where(AuditRound.team_id == team_id)
    if round_id is not None:
        query = query.where(Audit.round_id == round_id)
    for name in ("key_stage", "primary_need", "setting_type"):
        if getattr(where, name):
            query = query.where(getattr(SampledPlan, name) == getattr(where, name))
    return query


def _grouped(column, team_id: int | None, where: Filters) -> list[tuple[object, str, int]]:
    grade = _final_grade()
    query = (
        select(column, grade, func.count(Audit.id))
        .select_from(Audit)
        .join(SampledPlan, SampledPlan.id == Audit.sample_id)
        .join(AuditRound, AuditRound.id == Audit.round_id)
        .outerjoin(Moderation, Moderation.sample_id == Audit.sample_id)
        .where(Audit.id.in_(_first_audits(team_id, where)))
        .group_by(column, grade)
    )
    return [(key, grade, count) for key, grade, count in db.session.execute(query)]


def _rows(triples, labels: dict | None = None, order: list | None = None) -> list[Row]:
    rows: dict[object, Row] = {}
    for key, grade, count in triples:
        label = (labels or {}).get(key, str(key) if key is not None else "Not recorded")
        row = rows.setdefault(key, Row(str(key) if key is not None else "", label))
        row.counts[grade] = row.counts.get(grade, 0) + count
    if order is not None:
        position = {k: i for i, k in enumerate(order)}
        return sorted(rows.values(), key=lambda r: (position.get(r.key, len(position)), r.label))
    return sorted(rows.values(), key=lambda r: r.label)


def build(team_id: int | None, where: Filters | None = None) -> Dashboard:
    """Everything the dashboard shows, for one round or for all of a team's rounds."""
    where = where or Filters()
    rounds = db.session.execute(
        select(AuditRound.id, AuditRound.name, AuditRound.starts_on, AuditRound.public_id).where(
            AuditRound.team_id == team_id
        )
    ).all()
    round_names = {r.id: r.name for r in rounds}
    round_order = [r.id for r in sorted(rounds, key=lambda r: r.starts_on)]
    by_round = _rows(
        _grouped(Audit.round_id, team_id, where), round_names, [str(i) for i in round_order]
    )
    public_ids = {str(r.id): r.public_id for r in rounds}
    for row in by_round:
        row.round_public_id = public_ids.get(row.key)

    officers = aliased(User)
    officer_query = (
        select(officers.name, _final_grade(), func.count(Audit.id))
        .select_from(Audit)
        .join(SampledPlan, SampledPlan.id == Audit.sample_id)
        .outerjoin(officers, officers.id == SampledPlan.case_officer_id)
        .outerjoin(Moderation, Moderation.sample_id == Audit.sample_id)
        .where(Audit.id.in_(_first_audits(team_id, where)))
        .group_by(officers.name, _final_grade())
    )
    officer_triples = [tuple(r) for r in db.session.execute(officer_query)]

    discipline_query = (
        select(RoundAuditor.discipline, _final_grade(), func.count(Audit.id))
        .select_from(Audit)
        .join(
            RoundAuditor,
            and_(RoundAuditor.round_id == Audit.round_id, RoundAuditor.user_id == Audit.auditor_id),
        )
        .outerjoin(Moderation, Moderation.sample_id == Audit.sample_id)
        .where(Audit.id.in_(_first_audits(team_id, where)))
        .group_by(RoundAuditor.discipline, _final_grade())
    )
    discipline_triples = [tuple(r) for r in db.session.execute(discipline_query)]

    section_query = (
        select(AuditSection.section, AuditSection.grade, func.count(AuditSection.id))
        .where(
            AuditSection.audit_id.in_(_first_audits(team_id, where)),
            AuditSection.grade.is_not(None),
        )
        .group_by(AuditSection.section, AuditSection.grade)
    )
    letters = ["A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"]
    by_section = _rows(
        [tuple(r) for r in db.session.execute(section_query)],
        {letter: f"Section {letter}" for letter in letters},
        letters,
    )

    failing = [
        (code, count)
        for code, count in db.session.execute(
            select(AuditAnswer.code, func.count(AuditAnswer.id))
            .where(
                AuditAnswer.audit_id.in_(_first_audits(team_id, where)),
                AuditAnswer.answer == "no",
            )
            .group_by(AuditAnswer.code)
            .order_by(func.count(AuditAnswer.id).desc(), AuditAnswer.code)
            .limit(10)
        )
    ]

    # Re-audits and moderation pairs are counted by pairs of grades: at most 16 rows each.
    first = aliased(Audit)
    reaudit_query = (
        select(first.grade, Audit.grade, func.count(Audit.id))
        .join(first, first.id == Audit.reaudit_of_id)
        .where(
            Audit.kind == AuditKind.REAUDIT.value,
            Audit.status == AuditStatus.SUBMITTED.value,
            Audit.reaudit_of_id.in_(_first_audits(team_id, where)),
        )
        .group_by(first.grade, Audit.grade)
    )
    reaudits = improved = 0
    for before, after, count in db.session.execute(reaudit_query):
        reaudits += count
        if before and after and Grade(after).rank < Grade(before).rank:
            improved += count

    second = aliased(Audit)
    pair_query = (
        select(Audit.round_id, Audit.grade, second.grade, func.count(Audit.id))
        .join(
            second,
            and_(
                second.sample_id == Audit.sample_id,
                second.kind == AuditKind.SECOND.value,
                second.status == AuditStatus.SUBMITTED.value,
            ),
        )
        .where(Audit.id.in_(_first_audits(team_id, where)))
        .group_by(Audit.round_id, Audit.grade, second.grade)
    )
    tables: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for rid, a, b, count in db.session.execute(pair_query):
        tables[rid][(a or "", b or "")] = count
    agreement_rows = [
        (round_names.get(rid, str(rid)), agreement_from_counts(tables[rid]))
        for rid in round_order
        if rid in tables
    ]

    breakdowns = [
        Breakdown("Grades by round", "Round", by_round),
        Breakdown("Grades by section", "Section", by_section),
        Breakdown(
            "Grades by key stage",
            "Key stage",
            _rows(_grouped(SampledPlan.key_stage, team_id, where), KEY_STAGES, list(KEY_STAGES)),
        ),
        Breakdown(
            "Grades by primary area of need",
            "Primary need",
            _rows(
                _grouped(SampledPlan.primary_need, team_id, where),
                PRIMARY_NEEDS,
                list(PRIMARY_NEEDS),
            ),
        ),
        Breakdown(
            "Grades by type of setting",
            "Setting",
            _rows(
                _grouped(SampledPlan.setting_type, team_id, where),
                SETTING_TYPES,
                list(SETTING_TYPES),
            ),
        ),
        Breakdown(
            "Grades by case officer",
            "Case officer",
            _rows([(name or "No case officer", g, c) for name, g, c in officer_triples]),
        ),
        Breakdown(
            "Grades by auditor's discipline",
            "Auditor's discipline",
            _rows(discipline_triples, DISCIPLINES),
        ),
    ]
    return Dashboard(
        breakdowns=breakdowns,
        failing_criteria=failing,
        reaudits=reaudits,
        improved=improved,
        agreement_by_round=agreement_rows,
        total=(by_round and sum(r.total for r in by_round)) or 0,
    )


def csv_rows(team_id: int | None, where: Filters | None = None, limit: int = 100_000):
    """Every submitted audit, one row each, for the CSV export (streamed in one query)."""
    officers = aliased(User)
    auditors = aliased(User)
    query = (
        select(
            AuditRound.name,
            SampledPlan.reference,
            Audit.kind,
            Audit.grade,
            Moderation.agreed_grade,
            Audit.score,
            SampledPlan.key_stage,
            SampledPlan.primary_need,
            SampledPlan.setting_type,
            officers.name,
            auditors.name,
            Audit.submitted_at,
        )
        .select_from(Audit)
        .join(AuditRound, AuditRound.id == Audit.round_id)
        .join(SampledPlan, SampledPlan.id == Audit.sample_id)
        .join(auditors, auditors.id == Audit.auditor_id)
        .outerjoin(officers, officers.id == SampledPlan.case_officer_id)
        .outerjoin(Moderation, Moderation.sample_id == Audit.sample_id)
        .where(Audit.status == AuditStatus.SUBMITTED.value)
        .order_by(AuditRound.starts_on, Audit.id)
        .limit(limit)
    )
    where = where or Filters()
    if team_id is not None:
        query = query.where(AuditRound.team_id == team_id)
    if where.round_id is not None:
        query = query.where(Audit.round_id == where.round_id)
    for name in ("key_stage", "primary_need", "setting_type"):
        if getattr(where, name):
            query = query.where(getattr(SampledPlan, name) == getattr(where, name))
    return db.session.execute(query)
