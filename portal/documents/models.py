"""Documents on a case and their versions.

A `Document` is what people see in the list: a title, a category, who may see it. Its files are
`DocumentVersion`s; a new version never replaces an old one. Nothing here is ever deleted: a
removed document is hidden from every list, but its row and files stay for the council's retention.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.audit import Visibility
from portal.cases.models import Case, new_public_id
from portal.clock import utcnow
from portal.extensions import db


class Category(StrEnum):
    """What a document is, in the order the list shows the groups."""

    REQUEST_EVIDENCE = "request_evidence"
    ADVICE_EDUCATIONAL = "advice_educational"
    ADVICE_PSYCHOLOGICAL = "advice_psychological"
    ADVICE_HEALTH = "advice_health"
    ADVICE_SOCIAL_CARE = "advice_social_care"
    ADVICE_OTHER = "advice_other"
    PARENT_CARER_VIEWS = "parent_carer_views"
    YOUNG_PERSON_VIEWS = "young_person_views"
    DRAFT_PLAN = "draft_plan"
    FINAL_PLAN = "final_plan"
    REVIEW_PAPERS = "review_papers"
    LETTERS_DECISIONS = "letters_decisions"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    @property
    def is_advice(self) -> bool:
        """Advice asked for during the assessment (it counts as the adviser's reply)."""
        return self.value.startswith("advice_")

    @property
    def council_only_to_add(self) -> bool:
        """Plans and decision letters are the council's own papers: only its officers file them."""
        return self in (Category.DRAFT_PLAN, Category.FINAL_PLAN, Category.LETTERS_DECISIONS)


_CATEGORY_LABELS = {
    Category.REQUEST_EVIDENCE: "Request for an assessment and evidence",
    Category.ADVICE_EDUCATIONAL: "Advice: education",
    Category.ADVICE_PSYCHOLOGICAL: "Advice: educational psychology",
    Category.ADVICE_HEALTH: "Advice: health",
    Category.ADVICE_SOCIAL_CARE: "Advice: social care",
    Category.ADVICE_OTHER: "Advice: other",
    Category.PARENT_CARER_VIEWS: "Views of parents and carers",
    Category.YOUNG_PERSON_VIEWS: "Views of the child or young person",
    Category.DRAFT_PLAN: "Draft plan",
    Category.FINAL_PLAN: "Final plan",
    Category.REVIEW_PAPERS: "Review papers",
    Category.LETTERS_DECISIONS: "Letters and decisions",
    Category.OTHER: "Other",
}


class Restriction(StrEnum):
    """Who on the case may see a document. The values are timeline visibilities, so the same
    rule (`portal.cases.policy.may_see_visibility`) decides both; a restriction only ever narrows
    a grant."""

    EVERYONE = Visibility.EVERYONE.value
    PROFESSIONALS = Visibility.PROFESSIONALS.value
    COUNCIL = Visibility.COUNCIL.value

    @property
    def label(self) -> str:
        return {
            "everyone": "Everyone on this case",
            "professionals": "Professionals only",
            "council": "Council only",
        }[self.value]

    @property
    def hint(self) -> str:
        return {
            "everyone": "The family, the school, professionals and the council.",
            "professionals": "Schools, other professionals and the council. Not the family.",
            "council": "Only the council's case officers.",
        }[self.value]

    @property
    def visibility(self) -> Visibility:
        return Visibility(self.value)


class ScanStatus(StrEnum):
    """What the virus scanner said. Infected files are never stored, so there is no such status."""

    CLEAN = "clean"
    NOT_SCANNED = "not_scanned"


# How each detected kind (`filetypes.CheckedFile.kind`) is named in lists.
KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word",
    "odt": "OpenDocument",
    "rtf": "RTF",
    "text": "Text",
    "jpeg": "JPEG image",
    "png": "PNG image",
}


class Document(db.Model):
    """A document on a case. Removal hides it (removed_at/by/reason); the row is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[Category] = mapped_column(String(40))
    restriction: Mapped[Restriction] = mapped_column(String(20), default=Restriction.EVERYONE)
    #: Why advice is kept from the family (needed for advice not shown to everyone). The family
    #: is told that advice is kept from them, never these words.
    restriction_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    removal_reason: Mapped[str | None] = mapped_column(String(500))

    case: Mapped[Case] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id], lazy="joined")
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number.desc()"
    )

    @property
    def category_enum(self) -> Category:
        return Category(self.category)

    @property
    def restriction_enum(self) -> Restriction:
        return Restriction(self.restriction)

    @property
    def latest(self) -> DocumentVersion:
        """The newest version (documents always have at least one)."""
        return self.versions[0]

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def __repr__(self) -> str:
        return f"<Document {self.public_id} {self.title!r}>"


class DocumentVersion(db.Model):
    """One file of a document: what was uploaded, what it really is, and who added it when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    # A generated storage key, never the person's file name (see documents/storage.py).
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    original_filename: Mapped[str] = mapped_column(String(255))  # cleaned for display
    kind: Mapped[str] = mapped_column(String(20))  # decided from the content
    mime_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    scan_status: Mapped[ScanStatus] = mapped_column(String(20))

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User] = relationship(lazy="joined")

    # Two new versions at the same moment must not both become "version 2".
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_scanned(self) -> bool:
        return self.scan_status == ScanStatus.CLEAN

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.public_id} v{self.number}>"


class WhoSees(StrEnum):
    """Who sees what a young person tells us, in their words. The values are timeline
    visibilities, so the same rule (`portal.cases.policy.may_see_visibility`) decides."""

    CASE_OFFICER = Visibility.COUNCIL.value
    WORKING_WITH_ME = Visibility.PROFESSIONALS.value
    FAMILY_AND_WORKING_WITH_ME = Visibility.EVERYONE.value

    @property
    def label(self) -> str:
        return {
            "council": "Just my case officer",
            "professionals": "Everyone working with me",
            "everyone": "My family and everyone working with me",
        }[self.value]

    @property
    def hint(self) -> str:
        return {
            "council": "The person at the council who looks after your plan.",
            "professionals": "Your case officer, your school and the other people who help you.",
            "everyone": "Your parents or carers too.",
        }[self.value]


class YoungPersonMessage(db.Model):
    """Something a young person told the people on their case ("Tell us something"): their
    words, perhaps a picture (a document, with the same people allowed to see it), and who
    may see it. Kept for "All about me" in the plan."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(String(1000))
    visibility: Mapped[str] = mapped_column(String(20))
    picture_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
    picture: Mapped[Document | None] = relationship()

    @property
    def who_sees(self) -> WhoSees:
        return WhoSees(self.visibility)
