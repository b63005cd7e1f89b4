"""Reading and writing a case's EHC plan.

Writes take the acting person, check, change the council's working copy, and record an event
in the same transaction. A frozen version (sent or issued) is never changed: the first edit
after a version is frozen starts a new working copy from it, with every item copied.

Reading a version's contents costs a fixed number of queries, however many needs, outcomes and
items of provision it has (`contents`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select
from sqlalchemy.orm import selectinload

from portal import access, audit, clock
from portal.audit import Visibility
from portal.cases.models import AdviceRequest, Case
from portal.extensions import db
from portal.plans import about_me
from portal.plans.models import (
    NEED_SECTIONS,
    PROVISION_SECTIONS,
    AreaOfNeed,
    PlacementType,
    Plan,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    PlanVersion,
    Section,
    VersionKind,
    outcome_need,
    provision_need,
    provision_outcome,
)
from portal.plans.policy import EDIT, READ, version_rule
from portal.refusals import NotAllowed, Refused

__all__ = ["NotAllowed", "Refused"]


# --- Reading ---------------------------------------------------------------------------------


def plan_for(case: Case) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.case_id == case.id))


def versions_of(plan: Plan) -> list[PlanVersion]:
    """Every version of the plan, oldest first."""
    return list(
        db.session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)
        )
    )


#: Built once (see `portal/extensions.py`): every case overview runs one of them.
_ALL_VERSIONS = (
    select(PlanVersion)
    .join(Plan, Plan.id == PlanVersion.plan_id)
    .where(Plan.case_id == bindparam("case_id"))
    .order_by(PlanVersion.number.desc())
)
_FROZEN_VERSIONS = _ALL_VERSIONS.where(PlanVersion.frozen_at.is_not(None))


_NEWEST = {query: query.limit(1) for query in (_ALL_VERSIONS, _FROZEN_VERSIONS)}


def _readable_query(user: Any, case: Case) -> Select | None:
    """Families and professionals read sent and issued versions; the case officers the working
    copy too; nobody else any."""
    if access.can(user, access.Action.MANAGE, case):
        return _ALL_VERSIONS
    if access.can(user, access.Action.VIEW_DOCUMENTS, case):
        return _FROZEN_VERSIONS
    return None


def readable_versions(user: Any, case: Case) -> list[PlanVersion]:
    """The versions this person may read, newest first (one query)."""
    query = _readable_query(user, case)
    return [] if query is None else list(db.session.scalars(query, {"case_id": case.id}))


def newest_readable_version(user: Any, case: Case) -> PlanVersion | None:
    """The newest version this person may read (one query, one row, however long the plan's
    history): what the case page links to and banded funding reads."""
    query = _readable_query(user, case)
    return None if query is None else db.session.scalar(_NEWEST[query], {"case_id": case.id})


@dataclass
class AdviceLine:
    """One line of Section K: what advice, from whom, when it was received."""

    kind: str
    from_whom: str
    received_on: date

    def older_than_a_year(self, today: date) -> bool:
        return (today - self.received_on).days > 365


@dataclass
class PlanContents:
    """Everything in one version, grouped the way the plan is read."""

    version: PlanVersion
    needs: dict[Section, list[PlanNeed]] = field(default_factory=dict)
    outcomes: list[PlanOutcome] = field(default_factory=list)
    provision: dict[Section, list[PlanProvision]] = field(default_factory=dict)
    advice: list[AdviceLine] = field(default_factory=list)
    has_issued_before: bool = False
    has_sent_before: bool = False
    # "All about me" in the family's words: as frozen with the version, or as it stands now.
    about_me: list = field(default_factory=list)

    def needs_by_area(self) -> list[tuple[AreaOfNeed, list[PlanNeed], list[PlanNeed]]]:
        """Section B by broad area of need: (area, needs, strengths), areas with nothing left
        out."""
        grouped = []
        for area in AreaOfNeed:
            items = [n for n in self.needs.get(Section.B, []) if n.area == area]
            if items:
                grouped.append(
                    (
                        area,
                        [n for n in items if not n.is_strength],
                        [n for n in items if n.is_strength],
                    )
                )
        return grouped

    def all_needs(self) -> list[PlanNeed]:
        return [need for section in NEED_SECTIONS for need in self.needs.get(section, [])]

    def all_provision(self) -> list[PlanProvision]:
        return [item for section in PROVISION_SECTIONS for item in self.provision.get(section, [])]

    @property
    def draft_rules_apply(self) -> bool:
        """Section I must stay blank: no final plan has been issued from this plan yet."""
        return not self.has_issued_before and not self.version.is_issued


def contents(version: PlanVersion) -> PlanContents:
    """Load the whole version in a fixed number of queries (needs; outcomes and their needs;
    provision and its outcomes and needs; the advice received; whether a final was issued)."""
    result = PlanContents(version=version)
    needs = db.session.scalars(
        select(PlanNeed)
        .where(PlanNeed.version_id == version.id)
        .order_by(PlanNeed.position, PlanNeed.id)
    ).all()
    for section in NEED_SECTIONS:
        result.needs[section] = [n for n in needs if n.section == section]
    result.outcomes = list(
        db.session.scalars(
            select(PlanOutcome)
            .where(PlanOutcome.version_id == version.id)
            .options(selectinload(PlanOutcome.needs))
            .order_by(PlanOutcome.position, PlanOutcome.id)
        )
    )
    provision = db.session.scalars(
        select(PlanProvision)
        .where(PlanProvision.version_id == version.id)
        .options(selectinload(PlanProvision.outcomes), selectinload(PlanProvision.needs))
        .order_by(PlanProvision.position, PlanProvision.id)
    ).all()
    for section in PROVISION_SECTIONS:
        result.provision[section] = [p for p in provision if p.section == section]
    case_id = version.plan.case_id
    advice_query = select(AdviceRequest).where(
        AdviceRequest.case_id == case_id, AdviceRequest.received_on.is_not(None)
    )
    if version.frozen_at is not None:
        advice_query = advice_query.where(AdviceRequest.received_on <= version.frozen_at.date())
    result.advice = [
        AdviceLine(a.kind_enum.label, a.from_whom, a.received_on)  # type: ignore[arg-type]
        for a in db.session.scalars(advice_query.order_by(AdviceRequest.received_on))
    ]
    result.has_issued_before = _issued_before(version)
    result.has_sent_before = result.has_issued_before or _sent_before(version)
    result.about_me = (
        list(version.about_me or []) if version.is_frozen else about_me.snapshot(version.plan.case)
    )
    return result


def _sent_before(version: PlanVersion) -> bool:
    """Has an earlier version been sent or issued (so this one may head for a final plan)?"""
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(PlanVersion)
            .where(
                PlanVersion.plan_id == version.plan_id,
                PlanVersion.number < version.number,
                PlanVersion.frozen_at.is_not(None),
            )
        )
    )


def _issued_before(version: PlanVersion) -> bool:
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(PlanVersion)
            .where(
                PlanVersion.plan_id == version.plan_id,
                PlanVersion.number < version.number,
                PlanVersion.kind.in_([VersionKind.FINAL, VersionKind.AMENDED]),
            )
        )
    )


# --- The working copy ------------------------------------------------------------------------


def _require(user: Any, action: str, version: PlanVersion) -> None:
    if not version_rule(user, action, version):
        raise NotAllowed


def require_read(user: Any, version: PlanVersion) -> None:
    """NotAllowed unless `user` may read this version."""
    _require(user, READ, version)


def working_copy(actor: Any, case: Case) -> PlanVersion:
    """The version the council is writing: the unsent one, or a new one copied from the latest
    frozen version (or an empty first one). Only the case's team case officers."""
    if not access.can(actor, access.Action.MANAGE, case):
        raise NotAllowed
    plan = plan_for(case)
    if plan is None:
        plan = Plan(case_id=case.id)
        db.session.add(plan)
        db.session.flush()
    latest = db.session.scalar(
        select(PlanVersion)
        .where(PlanVersion.plan_id == plan.id)
        .order_by(PlanVersion.number.desc())
        .limit(1)
    )
    if latest is not None and not latest.is_frozen:
        return latest
    version = PlanVersion(
        plan=plan,
        number=(latest.number + 1) if latest else 1,
        based_on_id=latest.id if latest else None,
        created_by_id=actor.id,
        updated_by_id=actor.id,
    )
    db.session.add(version)
    db.session.flush()
    if latest is not None:
        _copy_items(latest, version)
    audit.record(
        "plan.working_copy_started",
        actor=actor,
        case=case,
        subject=version,
        visibility=Visibility.COUNCIL,
        summary=(
            f"{actor.name} started a new working copy of the plan from {latest.label.lower()}."
            if latest
            else f"{actor.name} started writing the plan."
        ),
    )
    return version


_COPIED_COLUMNS = (
    "views_text",
    "my_plan_text",
    "health_text",
    "social_care_text",
    "personal_budget_text",
    "placement_name",
    "placement_type",
)


def start_working_copy(actor: Any, case: Case) -> PlanVersion:
    """Start writing (the first working copy, or a new one from the latest frozen version)."""
    version = working_copy(actor, case)
    db.session.commit()
    return version


def _copy_items(source: PlanVersion, target: PlanVersion) -> None:
    """Copy every section and item of `source` into `target`, links included.

    Each kind of item is inserted in one flush (SQLAlchemy batches the INSERTs and reads the new
    ids back), so copying a long plan costs a fixed number of statements, not one per item."""
    for name in _COPIED_COLUMNS:
        setattr(target, name, getattr(source, name))
    target.none_identified = list(source.none_identified or [])
    old = contents(source)
    old_needs = old.all_needs()
    new_needs = [
        PlanNeed(
            version_id=target.id,
            section=need.section,
            area=need.area,
            is_strength=need.is_strength,
            text=need.text,
            position=need.position,
        )
        for need in old_needs
    ]
    new_outcomes = [
        PlanOutcome(
            version_id=target.id,
            text=outcome.text,
            by_when=outcome.by_when,
            steps=outcome.steps,
            preparing_for_adulthood=outcome.preparing_for_adulthood,
            position=outcome.position,
        )
        for outcome in old.outcomes
    ]
    old_items = old.all_provision()
    new_items = [
        PlanProvision(
            version_id=target.id,
            section=item.section,
            what=item.what,
            who=item.who,
            how_often=item.how_often,
            how_long=item.how_long,
            group_size=item.group_size,
            position=item.position,
        )
        for item in old_items
    ]
    db.session.add_all([*new_needs, *new_outcomes, *new_items])
    db.session.flush()
    need_ids = {was.id: now.id for was, now in zip(old_needs, new_needs, strict=True)}
    outcome_ids = {was.id: now.id for was, now in zip(old.outcomes, new_outcomes, strict=True)}
    links: dict[Any, list[dict]] = defaultdict(list)
    for outcome in old.outcomes:
        for need in outcome.needs:
            links[outcome_need].append(
                {"outcome_id": outcome_ids[outcome.id], "need_id": need_ids[need.id]}
            )
    for item, copy_item in zip(old_items, new_items, strict=True):
        for outcome in item.outcomes:
            links[provision_outcome].append(
                {"provision_id": copy_item.id, "outcome_id": outcome_ids[outcome.id]}
            )
        for need in item.needs:
            links[provision_need].append(
                {"provision_id": copy_item.id, "need_id": need_ids[need.id]}
            )
    for table, rows in links.items():
        if rows:
            db.session.execute(insert(table), rows)


def _touch(actor: Any, version: PlanVersion, section: Section, summary: str) -> None:
    version.updated_at = clock.utcnow()
    version.updated_by_id = actor.id
    audit.record(
        "plan.section_changed",
        actor=actor,
        case=version.plan.case,
        subject=version,
        visibility=Visibility.COUNCIL,
        summary=summary,
        section=section.value,
    )


def _editable(actor: Any, case: Case) -> PlanVersion:
    version = working_copy(actor, case)
    _require(actor, EDIT, version)
    return version


# --- Writing sections --------------------------------------------------------------------------


def save_section_text(
    actor: Any,
    case: Case,
    section: Section,
    *,
    text: str = "",
    none_identified: bool = False,
    my_plan_text: str | None = None,
) -> PlanVersion:
    """Save the written part of a section (A's write-up and "My plan"; C and D's context; J)
    and whether it says "none identified". Only the case's team case officers."""
    version = _editable(actor, case)
    column = {
        Section.A: "views_text",
        Section.C: "health_text",
        Section.D: "social_care_text",
        Section.J: "personal_budget_text",
    }.get(section)
    if column is not None:
        setattr(version, column, text)
    if section is Section.A and my_plan_text is not None:
        version.my_plan_text = my_plan_text
    marked = set(version.none_identified or [])
    if none_identified:
        marked.add(section.value)
    else:
        marked.discard(section.value)
    version.none_identified = sorted(marked)
    _touch(actor, version, section, f"{actor.name} changed Section {section.letter} of the plan.")
    db.session.commit()
    return version


def save_placement(
    actor: Any, case: Case, *, name: str | None, placement_type: str | None
) -> PlanVersion:
    """Name the school or setting (Section I). Refused while the plan is still a draft: a
    draft plan must leave Section I blank (SEND Regulations 2014, reg 12(1)(i) and 13)."""
    version = _editable(actor, case)
    if (name or placement_type) and not _sent_before(version):
        raise Refused(
            "Leave Section I blank in a draft plan. Once the draft is sent, you name the school "
            "or setting here before you issue the final plan.",
            "placement_name",
        )
    if name and not placement_type:
        raise Refused("Select the type of school or setting", "placement_type")
    version.placement_name = name or None
    version.placement_type = PlacementType(placement_type) if placement_type else None
    _touch(actor, version, Section.I, f"{actor.name} changed Section I of the plan.")
    db.session.commit()
    return version


def _item(model: Any, version: PlanVersion, item_id: int | None):
    if item_id is None:
        return None
    item = db.session.scalar(
        select(model).where(model.id == item_id, model.version_id == version.id)
    )
    if item is None:
        raise LookupError(item_id)
    return item


def _next_position(model: Any, version: PlanVersion) -> int:
    return (
        db.session.scalar(select(func.max(model.position)).where(model.version_id == version.id))
        or 0
    ) + 1


def _pick(model: Any, version: PlanVersion, ids: list[int]) -> list:
    if not ids:
        return []
    return list(
        db.session.scalars(select(model).where(model.version_id == version.id, model.id.in_(ids)))
    )


def save_need(
    actor: Any,
    case: Case,
    section: Section,
    *,
    item_id: int | None = None,
    text: str,
    area: str | None = None,
    is_strength: bool = False,
) -> PlanNeed:
    """Add or change a need or strength in Section B, C or D. B's need an area of need."""
    if section not in NEED_SECTIONS:
        raise LookupError(section)
    if section is Section.B and not area:
        raise Refused("Select the area of need", "area")
    version = _editable(actor, case)
    need = _item(PlanNeed, version, item_id)
    if need is None:
        need = PlanNeed(
            version_id=version.id, section=section, position=_next_position(PlanNeed, version)
        )
        db.session.add(need)
    need.text = text
    need.area = AreaOfNeed(area) if section is Section.B and area else None
    need.is_strength = is_strength
    db.session.flush()
    _touch(actor, version, section, f"{actor.name} changed Section {section.letter} of the plan.")
    db.session.commit()
    return need


def save_outcome(
    actor: Any,
    case: Case,
    *,
    item_id: int | None = None,
    text: str,
    by_when: str = "",
    steps: str = "",
    preparing_for_adulthood: bool = False,
    need_ids: list[int] | None = None,
) -> PlanOutcome:
    """Add or change an outcome in Section E, linked to the needs it answers."""
    version = _editable(actor, case)
    outcome = _item(PlanOutcome, version, item_id)
    if outcome is None:
        outcome = PlanOutcome(version_id=version.id, position=_next_position(PlanOutcome, version))
        db.session.add(outcome)
    outcome.text = text
    outcome.by_when = by_when
    outcome.steps = steps
    outcome.preparing_for_adulthood = preparing_for_adulthood
    outcome.needs = _pick(PlanNeed, version, need_ids or [])
    db.session.flush()
    _touch(actor, version, Section.E, f"{actor.name} changed Section E of the plan.")
    db.session.commit()
    return outcome


def save_provision(
    actor: Any,
    case: Case,
    section: Section,
    *,
    item_id: int | None = None,
    what: str,
    who: str = "",
    how_often: str = "",
    how_long: str = "",
    group_size: str = "",
    outcome_ids: list[int] | None = None,
    need_ids: list[int] | None = None,
) -> PlanProvision:
    """Add or change an item of help in Section F, G, H1 or H2. Saved even when the checks
    find it vague: the checks advise, they do not block."""
    if section not in PROVISION_SECTIONS:
        raise LookupError(section)
    version = _editable(actor, case)
    item = _item(PlanProvision, version, item_id)
    if item is None:
        item = PlanProvision(
            version_id=version.id, section=section, position=_next_position(PlanProvision, version)
        )
        db.session.add(item)
    item.what = what
    item.who = who
    item.how_often = how_often
    item.how_long = how_long
    item.group_size = group_size
    item.outcomes = _pick(PlanOutcome, version, outcome_ids or [])
    item.needs = _pick(PlanNeed, version, need_ids or [])
    db.session.flush()
    _touch(actor, version, section, f"{actor.name} changed Section {section.letter} of the plan.")
    db.session.commit()
    return item


def remove_item(actor: Any, case: Case, section: Section, item_id: int) -> None:
    """Take a need, outcome or item of help out of the working copy (frozen versions keep it)."""
    model: type = (
        PlanNeed
        if section in NEED_SECTIONS
        else PlanOutcome
        if section is Section.E
        else PlanProvision
    )
    version = _editable(actor, case)
    item = _item(model, version, item_id)
    db.session.delete(item)
    db.session.flush()
    _touch(actor, version, section, f"{actor.name} changed Section {section.letter} of the plan.")
    db.session.commit()


# --- Freezing: sending a draft, issuing a final plan ---------------------------------------------


def _freeze(
    actor: Any, version: PlanVersion, kind: VersionKind, day: date | None = None
) -> PlanVersion:
    earlier = db.session.scalar(
        select(func.count())
        .select_from(PlanVersion)
        .where(
            PlanVersion.plan_id == version.plan_id,
            PlanVersion.kind == kind,
            PlanVersion.id != version.id,
        )
    )
    version.kind = kind
    version.kind_number = (earlier or 0) + 1
    version.about_me = about_me.snapshot(version.plan.case)
    now = clock.utcnow()
    # Dated on the day of the letter (a step may be recorded a few days later).
    version.frozen_at = datetime.combine(day, now.time()) if day and day < now.date() else now
    version.frozen_by_id = actor.id
    return version


def _send(actor: Any, case: Case, day: date | None, visibility: Visibility) -> PlanVersion:
    version = _editable(actor, case)
    issued_before = _issued_before(version)
    if not issued_before and (version.placement_name or version.placement_type):
        raise Refused(
            "Section I of the plan names a school or setting. Leave it blank in a draft plan: "
            "change Section I, then send the draft.",
            None,
        )
    _freeze(actor, version, VersionKind.PROPOSED if issued_before else VersionKind.DRAFT, day)
    audit.record(
        "plan.draft_sent",
        actor=actor,
        case=case,
        subject=version,
        visibility=visibility,
        summary=(
            f"The council sent {version.label.lower()} of the plan. "
            "It is under “The plan” on the case page."
        ),
    )
    return version


def _issue(
    actor: Any,
    case: Case,
    day: date | None,
    visibility: Visibility,
    placement_name: str | None = None,
    placement_type: str | None = None,
) -> PlanVersion:
    version = _editable(actor, case)
    if placement_name is not None:
        version.placement_name = placement_name or None
    if placement_type is not None:
        version.placement_type = (
            PlacementType(placement_type)
            if placement_type in {t.value for t in PlacementType}
            else None
        )
    if not version.placement_name:
        raise Refused(
            "Name the school or setting in Section I of the plan before you issue it.",
            "placement_name",
        )
    if not version.placement_type:
        raise Refused(
            "Select the type of school or setting in Section I of the plan before you issue it.",
            "placement_type",
        )
    kind = VersionKind.AMENDED if _issued_before(version) else VersionKind.FINAL
    _freeze(actor, version, kind, day)
    audit.record(
        "plan.issued",
        actor=actor,
        case=case,
        subject=version,
        visibility=visibility,
        summary=(
            f"The council issued the {version.label.lower()}. "
            "It is under “The plan” on the case page."
        ),
    )
    return version


def send_draft(actor: Any, case: Case, *, day: date | None = None) -> PlanVersion:
    """Freeze the working copy as the draft (or, once a final plan exists, as proposed
    amendments) that the family reads and comments on. Refused if Section I is filled in a
    draft. The family sees it from now on."""
    version = _send(actor, case, day, Visibility.EVERYONE)
    db.session.commit()
    return version


def issue_final(
    actor: Any,
    case: Case,
    *,
    placement_name: str | None = None,
    placement_type: str | None = None,
    day: date | None = None,
) -> PlanVersion:
    """Freeze the working copy as the final plan (or the amended plan). Section I must name
    the school or setting and its type (given here, or already in the working copy)."""
    version = _issue(actor, case, day, Visibility.EVERYONE, placement_name, placement_type)
    db.session.commit()
    return version


# --- The council's statutory steps (`portal.wiring.STEP_HOOKS`) ----------------------------------
#
# They run inside the step's own transaction and never commit: a refusal here undoes the step.
# A case whose plan is not written in the portal (no plan yet) is left alone. The step itself
# puts the family's entry on the timeline, so the plan's own event is for the council.


def _has_unsent_changes(case: Case) -> bool | None:
    """None: no plan in the portal; else whether the latest version is a working copy."""
    plan = plan_for(case)
    if plan is None:
        return None
    latest = db.session.scalar(
        select(PlanVersion)
        .where(PlanVersion.plan_id == plan.id)
        .order_by(PlanVersion.number.desc())
        .limit(1)
    )
    return latest is not None and not latest.is_frozen


def freeze_after_draft_sent(actor: Any, case: Case, day: date) -> None:
    """The draft (or proposed amendments) was sent: freeze the working copy the family reads."""
    if _has_unsent_changes(case):
        _send(actor, case, day, Visibility.COUNCIL)


def freeze_after_plan_issued(actor: Any, case: Case, day: date) -> None:
    """The final (or amended) plan was issued: freeze it, Section I named. The latest draft
    becomes the final plan if nothing changed since; refused if Section I is not filled in."""
    if _has_unsent_changes(case) is None:
        return
    _issue(actor, case, day, Visibility.COUNCIL)


def record_read(user: Any, version: PlanVersion) -> None:
    """Every reading of a plan is on the audit trail."""
    _require(user, READ, version)
    audit.record(
        "plan.viewed", actor=user, case=version.plan.case, subject=version, version=version.label
    )
    db.session.commit()
