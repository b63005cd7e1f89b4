"""Content pages and their revisions: the words Parent Carer Forum staff write and publish.

A page (`ContentPage`) is a slug and an audience. Its words live in numbered revisions
(`ContentRevision`): every save adds one, nothing is ever changed or deleted, so any old version
can be compared or restored. Two numbers on the page say where things stand:

- `current_number`: the newest revision, the one the editor opens (the "draft");
- `published_number`: the revision the public sees, or None when the page is not published.

The page points at revisions by number rather than by revision id so that the two tables do not
refer to each other in a circle (which would need deferred constraints in every migration).
Editors save with the number they started from; `services.save_revision` refuses a save based on
an older number, so one editor never overwrites another without being told.

Each revision stores its HTML, rendered once by the one Markdown renderer when it is saved, so
public pages are not re-rendered on every view.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from markupsafe import Markup
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.clock import utcnow
from portal.extensions import db


class PageStatus(StrEnum):
    """Where a page stands, in the editor's words."""

    DRAFT = "draft"  # not public: never published, or unpublished
    PUBLISHED = "published"  # the public sees the newest revision
    CHANGED = "changed"  # published, but saved since: the public sees an older revision

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "published": "Published",
            "changed": "Changed since publishing",
        }[self.value]


AUDIENCE_LABELS = {
    "young_people": "Young people",
    "families": "Families",
    "professionals": "Professionals",
    "everyone": "Everyone",
}


class ContentPage(db.Model):
    """One page of content: the pledge, a pathway text, a help page."""

    __tablename__ = "content_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    # "young_people", "families", "professionals" or "everyone" (see content/files.py).
    audience: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The newest revision's number (0 only for a moment while the first one is added).
    current_number: Mapped[int] = mapped_column(default=0)
    # The published revision's number; None when the public cannot see the page.
    published_number: Mapped[int | None]
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    # With two editors required (CONTENT_TWO_EDITORS): the revision an editor asked to publish,
    # who asked and when, until a second editor approves it.
    approval_number: Mapped[int | None]
    approval_asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approval_asked_at: Mapped[datetime | None]

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    approval_asked_by: Mapped[User | None] = relationship(foreign_keys=[approval_asked_by_id])

    @property
    def status(self) -> PageStatus:
        if self.published_number is None:
            return PageStatus.DRAFT
        if self.published_number == self.current_number:
            return PageStatus.PUBLISHED
        return PageStatus.CHANGED

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS.get(self.audience, self.audience)

    def __repr__(self) -> str:
        return f"<ContentPage {self.slug}>"


class ContentRevision(db.Model):
    """One saved version of a page. Never changed after it is written."""

    __tablename__ = "content_revision"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("content_page.id"), index=True)
    number: Mapped[int]  # 1, 2, 3... per page
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)  # Markdown, as the editor typed it
    html: Mapped[str] = mapped_column(Text)  # the body through render_markdown, stored once
    # None when the revision came from the files in content/ (`flask content load`).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when this revision restored an older one ("Restored revision 3").
    restored_from: Mapped[int | None]

    page: Mapped[ContentPage] = relationship()
    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def safe_html(self) -> Markup:
        """The stored HTML, marked safe: it was sanitised by render_markdown when saved."""
        return Markup(self.html)  # noqa: S704 (sanitised by render_markdown on save)

    @property
    def author_name(self) -> str:
        return self.author.name if self.author is not None else "Loaded from the content files"

    def __repr__(self) -> str:
        return f"<ContentRevision {self.page_id}#{self.number}>"
