"""A plan's bands: one row per banding decision for an area of need, never overwritten.

A school or the case officer proposes a band for an area of need, with the descriptor statements
that fit best and the evidence relied on. The case officer or funding panel then agrees it as
proposed, or agrees a different band with a recorded reason (moderation). An agreed banding is in
force from its effective date until a later agreed banding for the same case and area starts
(at an annual review, say); the older rows stay as the history.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db

#: The four broad areas of need, by the code names the plan uses in Section B
#: (`portal.plans.models.AreaOfNeed`; tests check the two agree).
AREAS_OF_NEED = {
    "communication": "Communication and interaction",
    "cognition": "Cognition and learning",
    "semh": "Social, emotional and mental health",
    "sensory_physical": "Sensory and physical",
}


class BandingStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    WITHDRAWN = "withdrawn"


class Banding(db.Model):
    __tablename__ = "banding"
    __table_args__ = (
        CheckConstraint("proposed_band BETWEEN 1 AND 6", name="ck_banding_proposed_band"),
        CheckConstraint(
            "agreed_band IS NULL OR agreed_band BETWEEN 1 AND 6", name="ck_banding_agreed_band"
        ),
        Index("ix_banding_case_area", "case_id", "area_of_need", "effective"),
        Index("ix_banding_status_effective", "status", "effective"),
        #: The council's "Bands to agree" queue: proposals waiting, oldest first, paged with
        #: OFFSET (`moderation.queue_query` filters on status, orders by proposed_at, id).
        Index("ix_banding_status_proposed_at", "status", "proposed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    area_of_need: Mapped[str] = mapped_column(String(20))
    primary: Mapped[bool] = mapped_column(default=False)
    setting_type: Mapped[str] = mapped_column(String(30))
    proposed_band: Mapped[int]
    #: The descriptor statements chosen, one a line, as the proposer wrote or picked them.
    statements: Mapped[str] = mapped_column(Text, default="")
    #: The evidence relied on: which needs (Section B) and provision (Section F) it rests on.
    evidence: Mapped[str] = mapped_column(Text, default="")
    effective: Mapped[date]
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=BandingStatus.PROPOSED.value)
    agreed_band: Mapped[int | None]
    #: Why the panel agreed a different band from the one proposed (required when it did).
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]

    @property
    def area_label(self) -> str:
        return AREAS_OF_NEED[self.area_of_need]

    @property
    def was_changed(self) -> bool:
        return self.agreed_band is not None and self.agreed_band != self.proposed_band


class BandPrompt(db.Model):
    """The council decided to issue a plan or to keep it after a review, so the plan's areas of
    need should carry agreed bands. Written by the step hook (`portal.funding.prompts`), one row
    per case, refreshed at each such step; the case page asks the people who may propose bands
    to do so while an area in `areas` (or, with none recorded, the whole plan) has no agreed band.
    """

    __tablename__ = "band_prompt"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), primary_key=True)
    #: The areas of need of the plan's Section B when the step was taken, comma-separated.
    areas: Mapped[str] = mapped_column(String(100), default="")
    #: The step that raised it: "draft_sent", "final_issued", "review_decided", ...
    step: Mapped[str] = mapped_column(String(30))
    raised_on: Mapped[date]
