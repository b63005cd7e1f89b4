"""Children, their EHC cases, the grants that give people access, updates, and the dated facts
of a case."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation, User
from portal.audit import Visibility
from portal.clock import utcnow
from portal.extensions import db
from portal.pathway import TransferKind


def new_public_id() -> str:
    """An opaque, unguessable id for URLs (case numbers are guessable, so never used in URLs)."""
    return secrets.token_urlsafe(12)


class Relationship(StrEnum):
    """How a person on a case relates to the child."""

    YOUNG_PERSON = "young_person"
    PARENT_CARER = "parent_carer"
    SCHOOL = "school"
    EDUCATIONAL_PSYCHOLOGIST = "educational_psychologist"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    OTHER_PROFESSIONAL = "other_professional"
    COUNCIL = "council"

    @property
    def label(self) -> str:
        return {
            "young_person": "The young person",
            "parent_carer": "Parent or carer",
            "school": "School or setting",
            "educational_psychologist": "Educational psychologist",
            "health": "Health",
            "social_care": "Social care",
            "other_professional": "Other professional",
            "council": "Council",
        }[self.value]

    @property
    def is_family(self) -> bool:
        return self in (Relationship.YOUNG_PERSON, Relationship.PARENT_CARER)


class Child(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    school_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Case(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    case_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    request_received_on: Mapped[date]
    requested_by: Mapped[str | None] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(30), default="request", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    child: Mapped[Child] = relationship(lazy="joined")
    team: Mapped[Organisation] = relationship(foreign_keys=[team_id])
    case_officer: Mapped[User | None] = relationship(foreign_keys=[case_officer_id])
    grants: Mapped[list[CaseGrant]] = relationship(
        back_populates="case", order_by="CaseGrant.granted_at"
    )
    # For reading pages only, fetched with the case (`joinedload`) to save the case page a
    # query: services read and write milestones through `portal.cases.facts.record_for`.
    milestones: Mapped[CaseMilestones | None] = relationship(viewonly=True, uselist=False)
    # Likewise the grants not revoked, in the order they were given, for the access checks and
    # the people on the case: read only through `portal.cases.policy.live_grants`.
    live_grant_rows: Mapped[list[CaseGrant]] = relationship(
        viewonly=True,
        primaryjoin="and_(CaseGrant.case_id == Case.id, CaseGrant.revoked_at.is_(None))",
        order_by="[CaseGrant.granted_at, CaseGrant.id]",
    )
    # And the stored schedule, whose `has_*` columns tell a reading page which of the case's
    # lists of facts have rows to fetch (`portal.cases.facts.page_record`).
    schedule: Mapped[CaseSchedule | None] = relationship(viewonly=True, uselist=False)

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"


class CaseGrant(db.Model):
    """Access to one case for one person. Ends when `revoked_at` is set; never deleted."""

    __table_args__ = (
        # "Does this person hold a grant on this case?" in one probe, whatever number of grants
        # the case or the person has (and the case's grants, by its first column; migration 0026).
        Index("ix_case_grant_case_user", "case_id", "user_id"),
        # A person's live grants in the order of their cases' next deadlines: a school's
        # caseload reads a page of 25 here, whatever its number of pupils (migration 0029).
        Index(
            "ix_case_grant_live_due",
            "user_id",
            "next_due_on",
            "case_id",
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    relationship_to_child: Mapped[Relationship] = mapped_column(String(40))
    can_view_documents: Mapped[bool] = mapped_column(default=True)
    can_add_documents: Mapped[bool] = mapped_column(default=False)
    can_post_updates: Mapped[bool] = mapped_column(default=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: The case's next deadline, copied from its `CaseSchedule` in the same transaction
    #: (`portal.cases.schedule`): derived, never typed.
    next_due_on: Mapped[date | None] = mapped_column()

    case: Mapped[Case] = relationship(back_populates="grants")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def relationship_enum(self) -> Relationship:
        return Relationship(self.relationship_to_child)


#: An update is short: a few sentences, not a report (reports are documents).
MAX_UPDATE_LENGTH = 2000

#: The only visibilities an update may have.
UPDATE_VISIBILITIES = (Visibility.EVERYONE, Visibility.PROFESSIONALS)


class Update(db.Model):
    """A short update on a case. Never edited or deleted: the timeline is a record.

    The body is Markdown written by a person, so it is only ever shown through the one sanitising
    renderer (`portal.content.rendering.render_markdown`), run once when the update is posted and
    kept in `body_html`: a case page never renders Markdown. "Professionals only" never
    reaches a family: the timeline shows only what `portal.cases.policy.visibilities_for` allows.
    """

    # Not "update": that is an SQL keyword.
    __tablename__ = "case_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(String(20), default=Visibility.EVERYONE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship(lazy="joined")


# --- The dated facts of a case (what the statutory deadlines are counted from) -----------------
#
# Single milestones live in one row per case (`CaseMilestones`) rather than as more columns on
# `Case`: the case row stays small for lists, the facts are in one typed place, and a case with
# no milestones yet simply has no row. Things that happen many times get a table each
# (advice requests, school consultations, reviews, exceptions).


class AssessmentOutcome(StrEnum):
    """The answer to "will the council carry out a needs assessment?"."""

    YES = "yes"
    NO = "no"


class RequestedBy(StrEnum):
    """Who asked the council for an assessment (stored in `Case.requested_by`)."""

    PARENT = "parent"
    YOUNG_PERSON = "young_person"
    SCHOOL = "school"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "parent": "A parent or carer",
            "young_person": "The young person",
            "school": "The school or setting",
            "other": "Someone else (for example a doctor or health visitor)",
        }[self.value]


class CaseMilestones(db.Model):
    """The one-off dated facts of a case: decisions, letters, the draft and final plan.

    Every date is the date on the letter or the day the thing was sent, as the law counts it.
    """

    __tablename__ = "case_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    # The letter saying yes or no to an assessment.
    assessment_decided_on: Mapped[date | None]
    # An `AssessmentOutcome` value (stored and read back as a plain string).
    assessment_outcome: Mapped[str | None] = mapped_column(String(10))
    # Advice gathering finished: the case moved on to deciding about a plan.
    assessment_finished_on: Mapped[date | None]
    # The letter saying there will be no plan.
    not_issuing_notified_on: Mapped[date | None]
    draft_sent_on: Mapped[date | None]
    family_comments_on: Mapped[date | None]
    # The school or college the family asked for, in their words.
    school_preference: Mapped[str | None] = mapped_column(String(200))
    final_issued_on: Mapped[date | None]
    # The council's chosen review interval while the child is under 5 (3 to 6 months).
    under_five_interval_months: Mapped[int] = mapped_column(default=6)
    phase_transfer_year: Mapped[int | None]
    # A `TransferKind` value.
    phase_transfer_kind: Mapped[str] = mapped_column(String(20), default=TransferKind.SCHOOL.value)
    # An amended plan naming the new school or college was issued.
    phase_transfer_named_on: Mapped[date | None]
    # The letter saying the plan will end.
    ceased_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()


class AdviceKind(StrEnum):
    """The kinds of advice a needs assessment gathers (SEND Regulations 2014, reg 6)."""

    EDUCATIONAL = "educational"
    PSYCHOLOGICAL = "psychological"
    HEALTH = "health"
    SOCIAL_CARE = "social_care"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "educational": "Educational advice (school or setting)",
            "psychological": "Psychological advice",
            "health": "Health advice",
            "social_care": "Social care advice",
            "other": "Other advice",
        }[self.value]


#: How a person asked for advice is named, so a family knows who they are.
_ADVISER_WORDS = {
    AdviceKind.EDUCATIONAL: "{name} at the school",
    AdviceKind.PSYCHOLOGICAL: "{name}, the educational psychologist",
    AdviceKind.HEALTH: "{name}, for health",
    AdviceKind.SOCIAL_CARE: "{name}, for social care",
    AdviceKind.OTHER: "{name}",
}


class AdviceRequest(db.Model):
    """A request for advice sent to one person on the case or to a named service.

    Due 6 weeks after it was sent; the due date is always worked out by `portal.pathway`, never
    stored, so a corrected date can never leave a stale deadline behind.
    """

    __tablename__ = "advice_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[AdviceKind] = mapped_column(String(20))
    # Either a person with a grant on the case, or a service named in words.
    adviser_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    service_name: Mapped[str | None] = mapped_column(String(200))
    sent_on: Mapped[date]
    received_on: Mapped[date | None]
    #: Who recorded it as received: the adviser, by uploading it, or the case officer.
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    adviser: Mapped[User | None] = relationship(foreign_keys=[adviser_id], lazy="joined")
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])

    @property
    def from_whom(self) -> str:
        """Who was asked, in words for a deadline label: a person with what they are to the
        case ("Advice from Dr Ruth Patel, the educational psychologist"), or the service."""
        if self.adviser is not None:
            return _ADVISER_WORDS[AdviceKind(self.kind)].format(name=self.adviser.name)
        return self.service_name or "someone asked"

    @property
    def kind_enum(self) -> AdviceKind:
        return AdviceKind(self.kind)


class SchoolConsultation(db.Model):
    """A school or college the family named, asked whether it can meet the child's needs."""

    __tablename__ = "school_consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    school_name: Mapped[str] = mapped_column(String(200))
    consulted_on: Mapped[date]
    replied_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()


class ReviewDecision(StrEnum):
    """What the council decides after a review meeting (reg 20)."""

    KEEP = "keep"
    AMEND = "amend"
    CEASE = "cease"

    @property
    def label(self) -> str:
        return {
            "keep": "Keep the plan as it is",
            "amend": "Change (amend) the plan",
            "cease": "End (cease) the plan",
        }[self.value]


class Review(db.Model):
    """One review of a plan: the meeting, the report, the decision and any amendments.

    A meeting whose date has come is treated as held, so the report and decision deadlines
    appear the day after it without anyone having to say so.
    """

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    #: Indexed for a school's "review meetings coming up" (migration 0027).
    meeting_on: Mapped[date] = mapped_column(index=True)
    invitations_sent_on: Mapped[date | None]
    report_sent_on: Mapped[date | None]
    decision: Mapped[str | None] = mapped_column(String(10))  # a `ReviewDecision` value
    decided_on: Mapped[date | None]
    amendments_sent_on: Mapped[date | None]
    amendment_comments_on: Mapped[date | None]
    amended_plan_issued_on: Mapped[date | None]
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()

    @property
    def decision_enum(self) -> ReviewDecision | None:
        return ReviewDecision(self.decision) if self.decision else None


class LawfulDelay(db.Model):
    """A lawful reason a time limit need not be met, recorded by the case officer.

    `deadline_key` is a `pathway.Deadline.key` ("final_plan", "advice:17"); `reason` is a
    `pathway.DelayReason` value (staff shortages are not one). One per deadline.
    """

    __tablename__ = "deadline_exception"
    __table_args__ = (UniqueConstraint("case_id", "deadline_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    deadline_key: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(40))
    applies_from: Mapped[date]
    explanation: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class CaseSchedule(db.Model):
    """Each case's next statutory deadline, stored so the caseload and the dashboard can filter,
    count, sort and page in SQL (`portal.cases.schedule` keeps it in step with the facts).

    Derived, never typed: `pathway.next_deadline` over the case's facts stays the one source of
    the arithmetic. The facts themselves depend on the date (a review meeting counts as held once
    its day comes; a family window that has ended is skipped), so the row also says until when
    it holds: on or after `valid_until` it is worked out again.
    """

    __tablename__ = "case_schedule"
    __table_args__ = (
        # A team's deadlines in order (and a team's at one stage): the caseload reads a page of
        # them, not every team's deadlines until it has found one (migration 0025).
        Index("ix_case_schedule_team_due", "team_id", "next_due_on"),
        Index("ix_case_schedule_team_stage_due", "team_id", "stage", "next_due_on"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), primary_key=True)
    next_due_on: Mapped[date | None] = mapped_column(index=True)
    next_key: Mapped[str | None] = mapped_column(String(60))
    #: The next deadline has a lawful delay recorded: never "late" or "due soon".
    next_delayed: Mapped[bool] = mapped_column(default=False)
    #: The next deadline is the family's own window (comments, appeal): never "late".
    next_family_window: Mapped[bool] = mapped_column(default=False)
    #: The next deadline's words ("Advice from Dr Ruth Patel") and its recorded lawful delay,
    #: so a caseload row is drawn from this row alone.
    next_label: Mapped[str | None] = mapped_column(Text)
    next_delay: Mapped[str | None] = mapped_column(String(40))
    #: For a final plan issued: "in-time", "late" or "exception" (20 weeks from the request),
    #: and the day it was issued (the dashboard counts the last 12 months).
    final_outcome: Mapped[str | None] = mapped_column(String(20))
    final_issued_on: Mapped[date | None] = mapped_column()
    valid_until: Mapped[date | None] = mapped_column(index=True)
    #: The case's team and stage, copied so the team dashboard counts this table alone and the
    #: caseload walks a team's deadlines on the indexes above.
    team_id: Mapped[int | None] = mapped_column()
    stage: Mapped[str | None] = mapped_column(String(30))
    #: Whether the case has any advice requests, school consultations, reviews and lawful
    #: delays, so a page drawing one case fetches only the lists that have rows (most cases
    #: have one or two of the four, and each fetch costs a round trip). True when not known.
    has_advice_requests: Mapped[bool] = mapped_column(default=True, server_default=true())
    has_consultations: Mapped[bool] = mapped_column(default=True, server_default=true())
    has_reviews: Mapped[bool] = mapped_column(default=True, server_default=true())
    has_delays: Mapped[bool] = mapped_column(default=True, server_default=true())


class TeamStageCount(db.Model):
    """How many of a team's cases are at each stage, kept in step with the stored schedules
    (`portal.cases.schedule`) so that the team dashboard adds up a few rows, not every case."""

    __tablename__ = "team_stage_count"

    team_id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(30), primary_key=True)
    cases: Mapped[int]


class TeamDayCount(db.Model):
    """How many of a team's cases have, on a day, their next deadline (`measure` "due", or
    "due-family" for the family's own window; a lawfully delayed one is not counted) or their
    final plan issued ("final-in-time", "final-late", "final-exception"). The dashboard's late,
    due-this-week and 20-week numbers add up these rows: a few hundred whatever the number of
    cases. Kept in step like `TeamStageCount`; a row that falls to none is removed."""

    __tablename__ = "team_day_count"

    team_id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(30), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    cases: Mapped[int]
