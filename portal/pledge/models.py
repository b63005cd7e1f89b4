"""A professional's promise, on one case, to follow the pledge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.clock import utcnow
from portal.content.models import ContentRevision
from portal.extensions import db


class PledgeSignature(db.Model):
    """Someone promised, on this case, to follow the pledge as it read in `revision`.

    One per person per case (signing again changes nothing). Kept when their access ends: it is
    a record of what they promised while they worked on the case.
    """

    __tablename__ = "pledge_signature"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The published revision of the pledge page they read and signed.
    revision_id: Mapped[int] = mapped_column(ForeignKey("content_revision.id"))

    user: Mapped[User] = relationship(lazy="joined")
    revision: Mapped[ContentRevision] = relationship()

    def __repr__(self) -> str:
        return f"<PledgeSignature case={self.case_id} user={self.user_id}>"
