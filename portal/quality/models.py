"""Plan quality audits as data: framework versions, rounds, their samples, audits, moderation and
the actions an audit leaves for the case officer.

A round's sample keeps the facts it was drawn on (key stage, primary need, setting type, case
officer) so that the dashboard groups and counts in SQL without reading the plans again, and a
later change to a plan never moves an old audit between groups.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import new_public_id
from portal.clock import utcnow
from portal.extensions import db


class FrameworkVersion(db.Model):
    """One published version of the quality framework, exactly as audits use it."""

    __tablename__ = "quality_framework"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict] = mapped_column(JSON)  # the framework's JSON form (`framework.parse`)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class AuditRound(db.Model):
    """A round of audits: which plans may be drawn, how many, and the seed that drew them."""

    __tablename__ = "audit_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    percentage: Mapped[int]  # of the plans that fit, 1 to 100
    moderation_percentage: Mapped[int] = mapped_column(default=0)  # of the sample, 0 to 100
    key_stage: Mapped[str | None] = mapped_column(String(20))
    primary_need: Mapped[str | None] = mapped_column(String(30))
    setting_type: Mapped[str | None] = mapped_column(String(30))
    case_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    seed: Mapped[int]
    framework_id: Mapped[int] = mapped_column(ForeignKey("quality_framework.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    drawn_at: Mapped[datetime | None]

    framework: Mapped[FrameworkVersion] = relationship()
    case_officer: Mapped[User | None] = relationship(foreign_keys=[case_officer_id])


class RoundAuditor(db.Model):
    """Someone auditing in a round: council quality staff, or a health or social care
    professional invited into it (multi-agency audit)."""

    __tablename__ = "audit_round_auditor"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_round.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    discipline: Mapped[str] = mapped_column(String(40))  # the organisation kind, or "quality"

    user: Mapped[User] = relationship(lazy="joined")


class SampledPlan(db.Model):
    """A plan version drawn into a round, with the facts the dashboard groups by."""

    __tablename__ = "audit_sample"
    __table_args__ = (UniqueConstraint("round_id", "plan_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_round.id"), index=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    case_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reference: Mapped[str] = mapped_column(String(20))
    issued_on: Mapped[date]
    key_stage: Mapped[str] = mapped_column(String(20))
    primary_need: Mapped[str | None] = mapped_column(String(30))
    setting_type: Mapped[str | None] = mapped_column(String(30))
    #: Who wrote or manages the plan: they may never audit it.
    conflicted_user_ids: Mapped[list] = mapped_column(JSON, default=list)

    case_officer: Mapped[User | None] = relationship(foreign_keys=[case_officer_id])


class AuditKind(StrEnum):
    FIRST = "first"
    SECOND = "second"  # moderation: a blind second audit of the same plan
    REAUDIT = "reaudit"  # after the case officer changed the plan


class AuditStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Audit(db.Model):
    """One auditor's audit of one sampled plan. The grade is computed and stored at submit."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_round_status", "round_id", "status"),
        Index("ix_audit_auditor_status", "auditor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_round.id"))
    sample_id: Mapped[int] = mapped_column(ForeignKey("audit_sample.id"), index=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    framework_id: Mapped[int] = mapped_column(ForeignKey("quality_framework.id"))
    kind: Mapped[str] = mapped_column(String(10), default=AuditKind.FIRST.value)
    reaudit_of_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"))
    #: For a re-audit: the plan version audited now (the sample keeps the first one).
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id"))
    status: Mapped[str] = mapped_column(String(10), default=AuditStatus.DRAFT.value)
    strengths: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[str | None] = mapped_column(String(30))
    score: Mapped[float | None]
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    round: Mapped[AuditRound] = relationship()
    sample: Mapped[SampledPlan] = relationship()
    auditor: Mapped[User] = relationship(lazy="joined")
    framework: Mapped[FrameworkVersion] = relationship()

    @property
    def is_submitted(self) -> bool:
        return self.status == AuditStatus.SUBMITTED


class AuditAnswer(db.Model):
    """The auditor's answer to one criterion: yes, no or not applicable."""

    __tablename__ = "audit_answer"
    __table_args__ = (UniqueConstraint("audit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"))
    section: Mapped[str] = mapped_column(String(4))
    code: Mapped[str] = mapped_column(String(10))
    answer: Mapped[str] = mapped_column(String(4))


class AuditSection(db.Model):
    """The auditor's comment on one section, and the section's grade once submitted."""

    __tablename__ = "audit_section"
    __table_args__ = (UniqueConstraint("audit_id", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"))
    section: Mapped[str] = mapped_column(String(4))
    comment: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[str | None] = mapped_column(String(30))


class Moderation(db.Model):
    """The grade a moderator agreed for a plan two auditors graded differently, and why."""

    __tablename__ = "audit_moderation"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("audit_sample.id"), unique=True)
    agreed_grade: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    moderator: Mapped[User] = relationship()


class ActionWhen(StrEnum):
    NOW = "now"
    NEXT_REVIEW = "next_review"

    @property
    def label(self) -> str:
        return {"now": "Now", "next_review": "At the next annual review"}[self.value]


class QualityAction(db.Model):
    """What the case officer is asked to change in a plan after an audit found it wanting."""

    __tablename__ = "quality_action"
    __table_args__ = (Index("ix_quality_action_officer_done", "officer_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    when: Mapped[str] = mapped_column(String(20), default=ActionWhen.NOW.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    reaudit_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"))

    audit: Mapped[Audit] = relationship(foreign_keys=[audit_id])
    reaudit: Mapped[Audit | None] = relationship(foreign_keys=[reaudit_id])

    @property
    def when_label(self) -> str:
        return ActionWhen(self.when).label


class FrameworkDraft(db.Model):
    """A quality lead's unpublished changes to the framework (one draft each), in the framework's
    JSON form. Publishing it makes a new `FrameworkVersion` and removes the draft."""

    __tablename__ = "quality_framework_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    based_on_version: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
