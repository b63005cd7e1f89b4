"""The EHC plan as data: one plan per case, its versions, and the items in sections B to H.

A version is either the council's working copy (being written, seen only by the case officer)
or frozen: a draft sent to the family, a final plan, proposed amendments or an amended final
plan. A frozen version never changes again; editing a plan whose latest version is frozen makes
a new working copy from it (`services.working_copy`). Nothing is ever overwritten.

Sections as the SEND Regulations 2014 (reg 12) name them:
A views, interests and aspirations; B special educational needs (and strengths), by broad area
of need; C health needs; D social care needs; E outcomes; F special educational provision;
G health provision; H1/H2 social care provision; I the school or setting; J personal budget;
K the advice and information gathered (listed from the case's advice, not written here).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case, new_public_id
from portal.clock import utcnow
from portal.extensions import db


class Section(StrEnum):
    """The lettered sections of a plan, in the order the plan prints them."""

    A = "a"
    B = "b"
    C = "c"
    D = "d"
    E = "e"
    F = "f"
    G = "g"
    H1 = "h1"
    H2 = "h2"
    I = "i"  # noqa: E741 (the law's own letter)
    J = "j"
    K = "k"

    @property
    def letter(self) -> str:
        return self.value.upper()

    @property
    def heading(self) -> str:
        return SECTION_TITLES[self]

    @property
    def family_title(self) -> str:
        return FAMILY_TITLES[self]


SECTION_TITLES = {
    Section.A: "Views, interests and aspirations",
    Section.B: "Special educational needs",
    Section.C: "Health needs",
    Section.D: "Social care needs",
    Section.E: "Outcomes",
    Section.F: "Special educational provision",
    Section.G: "Health provision",
    Section.H1: "Social care provision (Chronically Sick and Disabled Persons Act 1970)",
    Section.H2: "Other social care provision",
    Section.I: "School or other setting",
    Section.J: "Personal budget",
    Section.K: "Advice and information",
}

#: What each section is about, in the words a family reads beside the section's letter.
FAMILY_TITLES = {
    Section.A: "All about me",
    Section.B: "What I find hard at school or college, and what I am good at",
    Section.C: "My health needs",
    Section.D: "My social care needs",
    Section.E: "What I want to achieve",
    Section.F: "The help I get with learning",
    Section.G: "The help I get with my health",
    Section.H1: "Help from social care (for disabled children)",
    Section.H2: "Other help from social care",
    Section.I: "My school or college",
    Section.J: "Money to arrange some of my help myself (personal budget)",
    Section.K: "Who gave advice for this plan",
}

NEED_SECTIONS = (Section.B, Section.C, Section.D)
PROVISION_SECTIONS = (Section.F, Section.G, Section.H1, Section.H2)
#: Sections that may say plainly "none identified" instead of listing anything.
MAY_BE_NONE = (Section.C, Section.D, Section.G, Section.H1, Section.H2, Section.J)


class AreaOfNeed(StrEnum):
    """The four broad areas of need (SEND Code of Practice 6.28)."""

    COMMUNICATION = "communication"
    COGNITION = "cognition"
    SEMH = "semh"
    SENSORY_PHYSICAL = "sensory_physical"

    @property
    def label(self) -> str:
        return {
            "communication": "Communication and interaction",
            "cognition": "Cognition and learning",
            "semh": "Social, emotional and mental health",
            "sensory_physical": "Sensory and/or physical",
        }[self.value]


class VersionKind(StrEnum):
    """What a version is. A working copy has no kind yet: it gets one when it is frozen."""

    WORKING = "working"
    DRAFT = "draft"
    FINAL = "final"
    PROPOSED = "proposed"  # proposed amendments after an annual review (reg 22)
    AMENDED = "amended"  # the amended final plan


class PlacementType(StrEnum):
    """The type of school or setting named in Section I."""

    MAINSTREAM = "mainstream"
    RESOURCE_BASE = "resource_base"
    SPECIAL = "special"
    INDEPENDENT = "independent"
    COLLEGE = "college"
    EARLY_YEARS = "early_years"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "mainstream": "Mainstream school",
            "resource_base": "Mainstream school with a resourced provision",
            "special": "Special school",
            "independent": "Independent or non-maintained special school",
            "college": "Further education college",
            "early_years": "Early years setting",
            "other": "Other setting",
        }[self.value]


class Plan(db.Model):
    """The one EHC plan of a case, across all its versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()


class PlanVersion(db.Model):
    """One version of a plan: the council's working copy, or a frozen draft, final plan,
    proposed amendments or amended final plan. Frozen when `frozen_at` is set, for good."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    # 1, 2, 3 ... in the order versions were started.
    number: Mapped[int]
    kind: Mapped[VersionKind] = mapped_column(String(20), default=VersionKind.WORKING)
    # Draft 1, 2 ...; proposed amendments 1, 2 ...: counted within the kind once frozen.
    kind_number: Mapped[int | None]
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    frozen_at: Mapped[datetime | None]
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    # Section A as the council writes it up (the family's own words come from their
    # contributions); "My plan", the young person's summary in simple words.
    views_text: Mapped[str] = mapped_column(Text, default="")
    my_plan_text: Mapped[str] = mapped_column(Text, default="")
    # Free text that goes with the listed items: C and D may add context; J the budget.
    health_text: Mapped[str] = mapped_column(Text, default="")
    social_care_text: Mapped[str] = mapped_column(Text, default="")
    personal_budget_text: Mapped[str] = mapped_column(Text, default="")
    # Section I: blank in a draft, named with its type in a final plan.
    placement_name: Mapped[str | None] = mapped_column(String(200))
    placement_type: Mapped[PlacementType | None] = mapped_column(String(30))
    # The sections that say plainly "none identified" (section values, e.g. ["c", "h1"]).
    none_identified: Mapped[list] = mapped_column(JSON, default=list)
    # "All about me" in the family's own words, as it stood when this version was frozen:
    # [{"author": name, "relationship": label, "answers": [[question, answer], ...]}].
    about_me: Mapped[list] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    frozen_by: Mapped[User | None] = relationship(foreign_keys=[frozen_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def kind_enum(self) -> VersionKind:
        return VersionKind(self.kind)

    @property
    def is_issued(self) -> bool:
        return self.kind in (VersionKind.FINAL, VersionKind.AMENDED)

    @property
    def label(self) -> str:
        """ "Draft 2", "Final plan", "Proposed amendments 1", "Amended plan 1", "Working copy"."""
        kind = self.kind_enum
        if kind is VersionKind.WORKING:
            return "Working copy (not sent yet)"
        if kind is VersionKind.FINAL:
            return "Final plan"
        word = {
            VersionKind.DRAFT: "Draft",
            VersionKind.PROPOSED: "Proposed amendments",
            VersionKind.AMENDED: "Amended plan",
        }[kind]
        return f"{word} {self.kind_number}"

    def says_none(self, section: Section) -> bool:
        return section.value in (self.none_identified or [])

    @property
    def placement_type_label(self) -> str:
        return PlacementType(self.placement_type).label if self.placement_type else ""


outcome_need = Table(
    "plan_outcome_need",
    db.metadata,
    Column("outcome_id", ForeignKey("plan_outcome.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("plan_need.id", ondelete="CASCADE"), primary_key=True),
)
provision_outcome = Table(
    "plan_provision_outcome",
    db.metadata,
    Column("provision_id", ForeignKey("plan_provision.id", ondelete="CASCADE"), primary_key=True),
    Column("outcome_id", ForeignKey("plan_outcome.id", ondelete="CASCADE"), primary_key=True),
)
provision_need = Table(
    "plan_provision_need",
    db.metadata,
    Column("provision_id", ForeignKey("plan_provision.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("plan_need.id", ondelete="CASCADE"), primary_key=True),
)


class PlanNeed(db.Model):
    """A need (or a strength) in Section B, C or D. B's are grouped by broad area of need."""

    __tablename__ = "plan_need"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"), index=True)
    section: Mapped[Section] = mapped_column(String(4))
    area: Mapped[AreaOfNeed | None] = mapped_column(String(30))
    is_strength: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def area_label(self) -> str:
        return AreaOfNeed(self.area).label if self.area else ""


class PlanOutcome(db.Model):
    """An outcome in Section E: what the child will achieve, the needs it answers, the shorter-
    term steps towards it, and whether it is about preparing for adulthood (from Year 9)."""

    __tablename__ = "plan_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    by_when: Mapped[str] = mapped_column(String(200), default="")
    steps: Mapped[str] = mapped_column(Text, default="")
    preparing_for_adulthood: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    needs: Mapped[list[PlanNeed]] = relationship(secondary=outcome_need, order_by=PlanNeed.id)


class PlanProvision(db.Model):
    """One item of help in Section F, G, H1 or H2, specified and quantified: what, who gives
    it, how often, for how long or until when, in what group size, for which outcomes and needs."""

    __tablename__ = "plan_provision"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"), index=True)
    section: Mapped[Section] = mapped_column(String(4))
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(300), default="")
    how_often: Mapped[str] = mapped_column(String(300), default="")
    how_long: Mapped[str] = mapped_column(String(300), default="")
    group_size: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)

    outcomes: Mapped[list[PlanOutcome]] = relationship(
        secondary=provision_outcome, order_by=PlanOutcome.id
    )
    needs: Mapped[list[PlanNeed]] = relationship(secondary=provision_need, order_by=PlanNeed.id)


#: The prompts of "All about me", in the order they are asked: (column, question).
ABOUT_ME_PROMPTS = (
    ("liked_for", "What people like and admire about me"),
    ("matters", "What is important to me"),
    ("hard", "What I find hard"),
    ("how_to_help", "How best to help me"),
    ("hopes", "My hopes for the future"),
)


class AboutMe(db.Model):
    """One person's part of Section A ("All about me"), in their own words: the young person or
    a parent or carer on the case. One per person per case, written at any stage; a copy goes
    into each plan version when it is frozen (`PlanVersion.about_me`). If the council changes it,
    `changed_by` says so, and the family sees who made the change."""

    __tablename__ = "about_me"
    __table_args__ = (UniqueConstraint("case_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    liked_for: Mapped[str] = mapped_column(Text, default="")
    matters: Mapped[str] = mapped_column(Text, default="")
    hard: Mapped[str] = mapped_column(Text, default="")
    how_to_help: Mapped[str] = mapped_column(Text, default="")
    hopes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id], lazy="joined")

    def answers(self) -> list[tuple[str, str]]:
        """(question, answer) for each prompt answered."""
        return [(q, getattr(self, c)) for c, q in ABOUT_ME_PROMPTS if getattr(self, c).strip()]

    @property
    def changed_by_council(self) -> bool:
        return self.changed_by_id is not None and self.changed_by_id != self.author_id


class FeedbackRound(db.Model):
    """One family member's response to a sent draft (or proposed amendments): comments on
    sections, a request for a meeting, the school or college they want. Saved as they go;
    submitted once (`submitted_at`), which records the date the comments arrived."""

    __tablename__ = "plan_feedback"
    __table_args__ = (UniqueConstraint("version_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    wants_meeting: Mapped[bool] = mapped_column(default=False)
    school_preference: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="joined")
    comments: Mapped[list[PlanComment]] = relationship(
        back_populates="feedback", order_by="PlanComment.position"
    )


class Response(StrEnum):
    """The council's answer to a comment: "you said, we did"."""

    CHANGED = "changed"
    NOT_CHANGED = "not_changed"

    @property
    def label(self) -> str:
        return {"changed": "We changed the plan", "not_changed": "We did not change the plan"}[
            self.value
        ]


class PlanComment(db.Model):
    """A family member's comment on one section of a sent version, and the council's answer."""

    __tablename__ = "plan_comment"
    __table_args__ = (UniqueConstraint("feedback_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("plan_feedback.id"), index=True)
    section: Mapped[Section] = mapped_column(String(4))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    response: Mapped[Response | None] = mapped_column(String(20))
    response_text: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    responded_at: Mapped[datetime | None]

    feedback: Mapped[FeedbackRound] = relationship(back_populates="comments")
    responded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def section_enum(self) -> Section:
        return Section(self.section)

    @property
    def response_label(self) -> str:
        return Response(self.response).label if self.response else ""
