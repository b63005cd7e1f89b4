"""Plan quality audits: the write operations. Each takes the acting person, checks, changes, and
records an event in the same transaction; the caller commits."""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select

from portal import access, audit
from portal.accounts.models import OrganisationKind, Role, User
from portal.clock import utcnow
from portal.extensions import db
from portal.quality import grading, policy, sampling
from portal.quality.framework import (
    DEFAULT_FRAMEWORK_PATH,
    LIMITING_SECTIONS,
    Answer,
    Framework,
    FrameworkError,
    Grade,
    parse_framework,
)
from portal.quality.models import (
    ActionWhen,
    Audit,
    AuditAnswer,
    AuditKind,
    AuditRound,
    AuditSection,
    AuditStatus,
    FrameworkDraft,
    FrameworkVersion,
    Moderation,
    QualityAction,
    RoundAuditor,
    SampledPlan,
)
from portal.quality.plan_source import plan_source
from portal.refusals import NotAllowed, Refused

__all__ = ["NotAllowed", "Refused"]

NEEDS_ACTION = (Grade.REQUIRES_IMPROVEMENT.value, Grade.INADEQUATE.value)


# --- The framework ---------------------------------------------------------------------------


def current_framework_version(actor: Any = None) -> FrameworkVersion:
    """The newest published version; the first call publishes the shipped default."""
    row = db.session.scalar(
        select(FrameworkVersion).order_by(FrameworkVersion.version.desc()).limit(1)
    )
    if row is None:
        row = publish(actor, _shipped_body())
    return row


def framework_of(row: FrameworkVersion) -> Framework:
    return parse_framework(row.body)


def _shipped_body() -> dict:
    with DEFAULT_FRAMEWORK_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


def publish_shipped_framework(actor: Any) -> FrameworkVersion:
    """Publish `content/quality-framework.json` as a new version, if it is newer than the last.
    Who may: a quality lead (the view checks)."""
    return publish(actor, _shipped_body())


def publish(actor: Any, body: dict) -> FrameworkVersion:
    """Publish a framework (its JSON form) as a new version. Rounds opened afterwards use it;
    audits keep the version their round used, so old grades never change. The version number
    must be higher than the last one published. Records `quality.framework_published`."""
    framework = parse_framework(body)
    latest = db.session.scalar(select(func.max(FrameworkVersion.version)))
    if latest is not None and framework.version <= latest:
        raise Refused(
            f"This framework is version {framework.version}; version {latest} is already "
            "published. Raise its version number to publish it."
        )
    row = FrameworkVersion(
        version=framework.version,
        name=framework.name,
        body=body,
        published_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("quality.framework_published", actor=actor, subject=row, version=row.version)
    return row


# --- Changing the framework in forms: a draft per quality lead, published as a new version ----


@dataclass
class CriterionEdit:
    code: str
    text: str
    limiting: bool = False


def framework_draft(actor: Any) -> FrameworkDraft | None:
    return db.session.scalar(select(FrameworkDraft).where(FrameworkDraft.user_id == actor.id))


def draft_body(actor: Any) -> dict:
    """The framework the lead is changing: their draft, or (before their first change) a copy of
    the version published now. Reading it changes nothing."""
    draft = framework_draft(actor)
    if draft is not None:
        return copy.deepcopy(draft.body)
    return copy.deepcopy(current_framework_version(actor).body)


def section_problems(
    letter: str, weight: int | None, guidance: str, criteria: Sequence[CriterionEdit]
) -> list[tuple[str, str]]:
    """What is wrong with a section as typed, as (field name, plain-English message) pairs:
    the field name is "weight", "guidance", "criteria" or "criteria-N-code|text|limiting"."""
    problems: list[tuple[str, str]] = []
    if weight is None or weight < 1 or weight > 100:
        problems.append(("weight", "Enter a weight for the section, a whole number from 1 to 100"))
    if not guidance:
        problems.append(("guidance", "Enter what good looks like for this section"))
    if not criteria:
        problems.append(("criteria", f"Section {letter} must have at least one criterion"))
    seen: set[str] = set()
    for index, criterion in enumerate(criteria):
        name = f"criteria-{index}"
        if not criterion.code:
            problems.append((f"{name}-code", f"Enter a code for criterion {index + 1}"))
        elif not criterion.code.startswith(letter) or criterion.code == letter:
            problems.append(
                (
                    f"{name}-code",
                    f"The code of criterion {index + 1} must start with {letter} and a number, "
                    f"for example {letter}{index + 1}",
                )
            )
        elif criterion.code in seen:
            problems.append(
                (
                    f"{name}-code",
                    f"Criterion {index + 1} has the code {criterion.code} already used",
                )
            )
        seen.add(criterion.code)
        if not criterion.text:
            problems.append((f"{name}-text", f"Enter the wording of criterion {index + 1}"))
        if criterion.limiting and letter not in LIMITING_SECTIONS:
            problems.append(
                (
                    f"{name}-limiting",
                    f"Criterion {criterion.code or index + 1} cannot be limiting: only criteria "
                    "in sections B, E and F can stop a plan being Good",
                )
            )
    return problems


def save_draft_section(
    actor: Any, letter: str, weight: int, guidance: str, criteria: Sequence[CriterionEdit]
) -> FrameworkDraft:
    """Save one section of the lead's draft (made from the published version if they have none).
    Refuses what the framework's own check refuses. Records `quality.framework_draft_saved`."""
    problems = section_problems(letter, weight, guidance, criteria)
    if problems:
        raise Refused(problems[0][1], field=problems[0][0])
    draft = framework_draft(actor)
    if draft is None:
        current = current_framework_version(actor)
        draft = FrameworkDraft(
            user_id=actor.id, based_on_version=current.version, body=copy.deepcopy(current.body)
        )
        db.session.add(draft)
    body = copy.deepcopy(draft.body)
    section = next((s for s in body["sections"] if s["letter"] == letter), None)
    if section is None:
        raise Refused("This section is not in the framework.")
    section["weight"] = weight
    section["guidance"] = guidance
    section["criteria"] = [
        {"code": c.code, "text": c.text, **({"limiting": True} if c.limiting else {})}
        for c in criteria
    ]
    try:
        parse_framework(body)
    except FrameworkError as error:
        raise Refused(str(error)) from error
    draft.body = body  # a new object, so the JSON column is written
    db.session.flush()
    audit.record("quality.framework_draft_saved", actor=actor, subject=draft, section=letter)
    return draft


def save_draft_bands(actor: Any, name: str, minimums: Sequence[float]) -> FrameworkDraft:
    """Save the framework's name and the lowest share of criteria met for Outstanding, Good and
    Requires improvement (Inadequate is everything below).
    Records `quality.framework_draft_saved`."""
    draft = framework_draft(actor)
    if draft is None:
        current = current_framework_version(actor)
        draft = FrameworkDraft(
            user_id=actor.id, based_on_version=current.version, body=copy.deepcopy(current.body)
        )
        db.session.add(draft)
    body = copy.deepcopy(draft.body)
    body["name"] = name
    body["bands"] = [
        {"grade": grade.value, "minimum": minimum}
        for grade, minimum in zip(list(Grade), [*minimums, 0], strict=True)
    ]
    try:
        parse_framework(body)
    except FrameworkError as error:
        raise Refused(str(error)) from error
    draft.body = body
    db.session.flush()
    audit.record("quality.framework_draft_saved", actor=actor, subject=draft, section="grades")
    return draft


def publish_draft(actor: Any) -> FrameworkVersion:
    """Publish the lead's draft as the next version (through `publish`, which records
    `quality.framework_published`) and remove the draft. Old audits keep their version."""
    draft = framework_draft(actor)
    if draft is None:
        raise Refused("You have not changed the framework: there is nothing to publish.")
    latest = db.session.scalar(select(func.max(FrameworkVersion.version))) or 0
    body = copy.deepcopy(draft.body)
    body["version"] = latest + 1
    try:
        row = publish(actor, body)
    except FrameworkError as error:
        raise Refused(str(error)) from error
    db.session.delete(draft)
    return row


def discard_draft(actor: Any) -> None:
    """Throw away the lead's unpublished changes. Records `quality.framework_draft_discarded`."""
    draft = framework_draft(actor)
    if draft is not None:
        audit.record("quality.framework_draft_discarded", actor=actor, subject=draft)
        db.session.delete(draft)


# --- Rounds and samples ----------------------------------------------------------------------


@dataclass
class RoundRule:
    name: str
    starts_on: date
    ends_on: date
    percentage: int
    moderation_percentage: int = 0
    key_stage: str | None = None
    primary_need: str | None = None
    setting_type: str | None = None
    case_officer_id: int | None = None


def eligible_auditors(actor: User) -> list[User]:
    """People a quality lead may invite into a round: quality staff, officers of their team,
    and health, social care and psychology professionals."""
    query = (
        select(User)
        .where(User.active.is_(True), User.role.in_([r.value for r in policy.INVITABLE_ROLES]))
        .order_by(User.name)
    )
    return [
        user
        for user in db.session.scalars(query)
        if user.role == Role.PROFESSIONAL or user.organisation_id == actor.organisation_id
    ]


def open_round(
    actor: User, rule: RoundRule, auditor_ids: Sequence[int], seed: int | None = None
) -> AuditRound:
    """Open a round with its rule and auditors, and store the seed its sample will be drawn
    from. Who may: a quality lead. Records `quality.round_opened`."""
    if Role(actor.role) is not Role.QUALITY_LEAD or actor.organisation_id is None:
        raise NotAllowed("Only a quality lead of a council team opens audit rounds.")
    if rule.ends_on < rule.starts_on:
        raise Refused("The end date must be the same as or after the start date", "ends_on")
    allowed = {user.id: user for user in eligible_auditors(actor)}
    chosen = [allowed[i] for i in dict.fromkeys(auditor_ids) if i in allowed]
    if not chosen:
        raise Refused("Choose at least one auditor", "auditors")
    round_ = AuditRound(
        name=rule.name,
        team_id=actor.organisation_id,
        starts_on=rule.starts_on,
        ends_on=rule.ends_on,
        percentage=rule.percentage,
        moderation_percentage=rule.moderation_percentage,
        key_stage=rule.key_stage or None,
        primary_need=rule.primary_need or None,
        setting_type=rule.setting_type or None,
        case_officer_id=rule.case_officer_id or None,
        seed=seed if seed is not None else secrets.randbelow(2**31),
        framework_id=current_framework_version(actor).id,
        created_by_id=actor.id,
    )
    db.session.add(round_)
    db.session.flush()
    for user in chosen:
        db.session.add(
            RoundAuditor(round_id=round_.id, user_id=user.id, discipline=_discipline(user))
        )
    audit.record("quality.round_opened", actor=actor, subject=round_, summary=round_.name)
    return round_


def _discipline(user: User) -> str:
    if Role(user.role) in (Role.QUALITY_LEAD, Role.AUDITOR):
        return "quality"
    if Role(user.role) is Role.CASE_OFFICER:
        return "casework"
    kind = user.organisation.kind if user.organisation else None
    return OrganisationKind(kind).value if kind else "other"


def round_auditors(round_: AuditRound) -> list[RoundAuditor]:
    return list(
        db.session.scalars(
            select(RoundAuditor).where(RoundAuditor.round_id == round_.id).order_by(RoundAuditor.id)
        )
    )


def candidates(round_: AuditRound) -> list[Any]:
    """The issued plans that fit the round's rule (one latest version per plan)."""
    found = []
    for facts in plan_source().issued_plans(round_.starts_on, round_.ends_on, round_.team_id):
        stage = sampling.key_stage(facts.date_of_birth, facts.issued_on)
        if round_.key_stage and stage != round_.key_stage:
            continue
        if round_.primary_need and facts.primary_need != round_.primary_need:
            continue
        if round_.setting_type and facts.setting_type != round_.setting_type:
            continue
        if round_.case_officer_id and facts.case_officer_id != round_.case_officer_id:
            continue
        found.append(facts)
    return found


def draw_sample(actor: User, round_: AuditRound) -> list[SampledPlan]:
    """Draw the round's sample from its stored seed and assign auditors, balancing their load;
    nobody gets a plan they wrote or manage. Who may: the round's quality lead. Once only."""
    if not access.can(actor, policy.RUN, round_):
        raise NotAllowed("Only the round's quality lead draws its sample.")
    if round_.drawn_at is not None:
        raise Refused("This round's sample has already been drawn.")
    by_version = {facts.version_id: facts for facts in candidates(round_)}
    picked = [
        by_version[i] for i in sampling.draw(list(by_version), round_.percentage, round_.seed)
    ]
    samples = []
    for facts in picked:
        conflicted = sorted(set(facts.writer_ids) | {facts.case_officer_id} - {None})
        sample = SampledPlan(
            round_id=round_.id,
            plan_version_id=facts.version_id,
            case_id=facts.case_id,
            case_officer_id=facts.case_officer_id,
            reference=facts.reference,
            issued_on=facts.issued_on,
            key_stage=sampling.key_stage(facts.date_of_birth, facts.issued_on),
            primary_need=facts.primary_need,
            setting_type=facts.setting_type,
            conflicted_user_ids=conflicted,
        )
        db.session.add(sample)
        samples.append(sample)
    db.session.flush()
    auditor_ids = [member.user_id for member in round_auditors(round_)]
    assignments = sampling.assign(
        [frozenset(s.conflicted_user_ids) for s in samples],
        auditor_ids,
        round_.moderation_percentage,
        round_.seed,
    )
    for assignment in assignments:
        sample = samples[assignment.sample_index]
        for auditor_id, kind in (
            (assignment.first, AuditKind.FIRST),
            (assignment.second, AuditKind.SECOND),
        ):
            if auditor_id is not None:
                db.session.add(_new_audit(round_, sample, auditor_id, kind, sample.plan_version_id))
    round_.drawn_at = utcnow()
    audit.record(
        "quality.sample_drawn",
        actor=actor,
        subject=round_,
        summary=f"{len(samples)} of {len(by_version)} plans",
        seed=round_.seed,
    )
    return samples


def _new_audit(
    round_: AuditRound, sample: SampledPlan, auditor_id: int, kind: AuditKind, version_id: int
) -> Audit:
    return Audit(
        round_id=round_.id,
        sample_id=sample.id,
        auditor_id=auditor_id,
        framework_id=round_.framework_id,
        kind=kind.value,
        plan_version_id=version_id,
    )


# --- The audit -------------------------------------------------------------------------------


def answers_of(item: Audit) -> dict[str, str]:
    return dict(
        db.session.execute(
            select(AuditAnswer.code, AuditAnswer.answer).where(AuditAnswer.audit_id == item.id)
        ).all()
    )


def comments_of(item: Audit) -> dict[str, AuditSection]:
    rows = db.session.scalars(select(AuditSection).where(AuditSection.audit_id == item.id))
    return {row.section: row for row in rows}


def _require_auditor(actor: Any, item: Audit) -> None:
    if not access.can(actor, policy.AUDIT, item):
        raise NotAllowed("Only the assigned auditor changes a draft audit.")


def save_section(
    actor: Any, item: Audit, letter: str, answers: Mapping[str, str], comment: str
) -> None:
    """Save the auditor's answers and comment for one section (answers left blank stay blank).
    Who may: the assigned auditor, while the audit is a draft."""
    _require_auditor(actor, item)
    framework = framework_of(item.framework)
    section = next((s for s in framework.sections if s.letter == letter), None)
    if section is None:
        raise Refused("This section is not in the framework.")
    valid = {a.value for a in Answer}
    codes = [c.code for c in section.criteria]
    db.session.execute(
        delete(AuditAnswer).where(AuditAnswer.audit_id == item.id, AuditAnswer.code.in_(codes))
    )
    for code in codes:
        value = answers.get(code, "")
        if value in valid:
            db.session.add(AuditAnswer(audit_id=item.id, section=letter, code=code, answer=value))
    row = db.session.scalar(
        select(AuditSection).where(AuditSection.audit_id == item.id, AuditSection.section == letter)
    )
    if row is None:
        row = AuditSection(audit_id=item.id, section=letter)
        db.session.add(row)
    row.comment = comment
    item.updated_at = utcnow()
    audit.record("quality.audit_saved", actor=actor, subject=item, section=letter)


def save_summary(actor: Any, item: Audit, strengths: str, improvements: str) -> None:
    _require_auditor(actor, item)
    item.strengths = strengths
    item.improvements = improvements
    item.updated_at = utcnow()


def result_for(item: Audit) -> grading.Result:
    """The grade the answers give now (raises `grading.Unanswered` while any are missing)."""
    framework = framework_of(item.framework)
    return grading.grade(framework, {k: Answer(v) for k, v in answers_of(item).items()})


def submit(
    actor: Any, item: Audit, *, strengths: str, improvements: str, when: str
) -> grading.Result:
    """Submit the audit: compute and store the grade per section and overall. A plan that
    Requires improvement or is Inadequate gets an action for its case officer (not for a blind
    second audit: moderation settles those). Records `quality.audit_submitted`."""
    _require_auditor(actor, item)
    item.strengths = strengths
    item.improvements = improvements
    result = result_for(item)
    if result.grade.value in NEEDS_ACTION and item.kind != AuditKind.SECOND and not improvements:
        raise Refused(
            "Say what would make the plan better: the case officer is asked to change it",
            "improvements",
        )
    item.grade = result.grade.value
    item.score = result.score
    item.explanation = result.explanation
    item.status = AuditStatus.SUBMITTED.value
    item.submitted_at = item.updated_at = utcnow()
    sections = comments_of(item)
    for section_result in result.sections:
        row = sections.get(section_result.letter)
        if row is None:
            row = AuditSection(audit_id=item.id, section=section_result.letter)
            db.session.add(row)
        row.grade = section_result.grade.value if section_result.grade else None
    if result.grade.value in NEEDS_ACTION and item.kind != AuditKind.SECOND:
        db.session.add(
            QualityAction(
                audit_id=item.id,
                officer_id=item.sample.case_officer_id,
                text=improvements,
                when=ActionWhen(when).value if when in {w.value for w in ActionWhen} else "now",
            )
        )
    if item.reaudit_of_id is not None:
        first_action = db.session.scalar(
            select(QualityAction).where(QualityAction.reaudit_id == item.id)
        )
        if first_action is not None and first_action.done_at is None:
            first_action.done_at = utcnow()
    audit.record("quality.audit_submitted", actor=actor, subject=item, summary=result.grade.value)
    return result


# --- Moderation ------------------------------------------------------------------------------


@dataclass
class Pair:
    sample: SampledPlan
    first: Audit
    second: Audit
    moderation: Moderation | None

    @property
    def differ(self) -> bool:
        return self.first.grade != self.second.grade


def moderation_pairs(round_: AuditRound) -> list[Pair]:
    """The round's plans audited twice, both submitted (three queries)."""
    audits = db.session.scalars(
        select(Audit)
        .where(
            Audit.round_id == round_.id,
            Audit.kind.in_([AuditKind.FIRST.value, AuditKind.SECOND.value]),
            Audit.status == AuditStatus.SUBMITTED.value,
        )
        .order_by(Audit.id)
    ).all()
    by_sample: dict[int, dict[str, Audit]] = {}
    for item in audits:
        by_sample.setdefault(item.sample_id, {})[item.kind] = item
    ids = [sid for sid, kinds in by_sample.items() if len(kinds) == 2]
    if not ids:
        return []
    samples = {
        s.id: s for s in db.session.scalars(select(SampledPlan).where(SampledPlan.id.in_(ids)))
    }
    moderations = {
        m.sample_id: m
        for m in db.session.scalars(select(Moderation).where(Moderation.sample_id.in_(ids)))
    }
    return [
        Pair(samples[sid], by_sample[sid]["first"], by_sample[sid]["second"], moderations.get(sid))
        for sid in ids
    ]


def moderate(actor: Any, sample: SampledPlan, agreed: str, reason: str) -> Moderation:
    """Record the grade a moderator agreed for a plan two auditors graded differently, and why.
    Who may: the round's quality lead, if neither auditor nor conflicted."""
    if not access.can(actor, policy.RUN, sample):
        raise NotAllowed("Only the round's quality lead moderates.")
    auditors = set(db.session.scalars(select(Audit.auditor_id).where(Audit.sample_id == sample.id)))
    if actor.id in auditors:
        raise Refused("You audited this plan: another quality lead must moderate it.")
    if agreed not in {g.value for g in Grade}:
        raise Refused("Choose the agreed grade", "grade")
    if not reason:
        raise Refused("Say why this grade was agreed", "reason")
    row = db.session.scalar(select(Moderation).where(Moderation.sample_id == sample.id))
    if row is None:
        row = Moderation(
            sample_id=sample.id, moderator_id=actor.id, agreed_grade=agreed, reason=reason
        )
        db.session.add(row)
    else:
        row.agreed_grade, row.reason, row.moderator_id = agreed, reason, actor.id
        row.decided_at = utcnow()
    first = db.session.scalar(
        select(Audit).where(Audit.sample_id == sample.id, Audit.kind == AuditKind.FIRST.value)
    )
    has_action = first is not None and db.session.scalar(
        select(func.count(QualityAction.id)).where(QualityAction.audit_id == first.id)
    )
    if agreed in NEEDS_ACTION and first is not None and not has_action:
        # The agreed grade stands for the plan: its case officer is asked to act on it.
        db.session.add(
            QualityAction(
                audit_id=first.id,
                officer_id=sample.case_officer_id,
                text=first.improvements or reason,
                when=ActionWhen.NOW.value,
            )
        )
    audit.record("quality.moderated", actor=actor, subject=sample, summary=agreed)
    return row


# --- Closing the loop ------------------------------------------------------------------------


def complete_action(actor: Any, item: QualityAction) -> None:
    """The case officer says they changed the plan. Who may: the officer the action is for."""
    if not access.can(actor, policy.COMPLETE, item):
        raise NotAllowed("Only the case officer it is for completes an action.")
    if item.done_at is None:
        item.done_at = utcnow()
        audit.record("quality.action_done", actor=actor, subject=item)


def start_reaudit(actor: Any, item: QualityAction) -> Audit:
    """Audit the plan again, as it is now, linked to the first audit so that improvement can be
    measured. Given to the first audit's auditor. Who may: the round's quality lead."""
    if not access.can(actor, policy.RUN, item):
        raise NotAllowed("Only the round's quality lead asks for a re-audit.")
    if item.reaudit_id is not None:
        raise Refused("A re-audit has already been started.")
    first = item.audit
    facts = plan_source().latest_issued(first.sample.case_id)
    version_id = facts.version_id if facts else first.plan_version_id
    again = _new_audit(first.round, first.sample, first.auditor_id, AuditKind.REAUDIT, version_id)
    again.reaudit_of_id = first.id
    db.session.add(again)
    db.session.flush()
    item.reaudit_id = again.id
    audit.record("quality.reaudit_started", actor=actor, subject=again)
    return again


def open_actions_count(officer: Any) -> int:
    return (
        db.session.scalar(
            select(func.count(QualityAction.id)).where(
                QualityAction.officer_id == officer.id, QualityAction.done_at.is_(None)
            )
        )
        or 0
    )
