"""Notices (who is told what about which case), preferences, and daily summaries.

A notice row is also its email's outbox entry: the worker sends rows whose `email_status` is
`pending`, holding a lease while it does, so the change and its notice are written in one
transaction and the email follows however long the mail server is away.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.cases.models import Case, new_public_id
from portal.clock import utcnow
from portal.extensions import db
from portal.notifications.kinds import Choice, EmailStatus, Kind


class Delivery:
    """The columns the worker uses to send one email exactly once, with retries."""

    email_status: Mapped[EmailStatus] = mapped_column(String(10), default=EmailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    #: Not before this time (backoff after a failure); None means as soon as possible.
    next_attempt_at: Mapped[datetime | None]
    #: The worker holding the row, and until when; another worker may take it after that.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    leased_until: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))


class NoticeDigest(Delivery, db.Model):
    """One person's daily summary email: the notices they chose to hear about once a day."""

    __tablename__ = "notice_digest"
    __table_args__ = (
        UniqueConstraint("user_id", "day"),
        Index("ix_notice_digest_outbox", "email_status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Notice(Delivery, db.Model):
    """Something a person should know about a case: shown in What's new, and emailed."""

    __table_args__ = (
        # What's new (newest first) and the unread count read these.
        Index("ix_notice_user_created", "user_id", "created_at"),
        Index("ix_notice_user_read", "user_id", "read_at"),
        Index("ix_notice_outbox", "email_status", "next_attempt_at"),
        # A reminder is given once per person: running the reminders twice adds nothing.
        UniqueConstraint("user_id", "dedupe_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[Kind] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    #: The date the notice is about (advice due, last day to comment, the meeting), if any.
    due_on: Mapped[date | None]
    dedupe_key: Mapped[str | None] = mapped_column(String(80))
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("notice_digest.id"), index=True)

    user: Mapped[User] = relationship()
    case: Mapped[Case] = relationship(lazy="joined")

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)


class NoticePreference(db.Model):
    """How one person wants to hear about one kind of notice (no row: straight away)."""

    __tablename__ = "notice_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[Kind] = mapped_column(String(30))
    choice: Mapped[Choice] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MessageThread(db.Model):
    """One person's conversation with the council about one case (the case officer's team
    reads and answers it). Only the person and the team see it."""

    __tablename__ = "message_thread"
    __table_args__ = (UniqueConstraint("case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(lazy="joined")
    person: Mapped[User] = relationship(lazy="joined")


class Message(db.Model):
    """A message in a thread: plain text, never edited (documents go in the documents area)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (Index("ix_message_thread_created", "thread_id", "created_at"),)
