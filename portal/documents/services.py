"""Write operations on documents, and the queries their pages share.

Every write takes the acting user, checks through the access policy, changes, records an event
and commits. Document events carry the document's own restriction as their visibility, so the
timeline never tells a family about a "professionals only" document; downloads go to the audit
trail only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import BindParameter, Select, bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import access, audit, clock
from portal.accounts.models import Role, User
from portal.audit import Visibility
from portal.cases import document_hooks
from portal.cases.models import Case
from portal.cases.policy import visibilities_for
from portal.documents import intake
from portal.documents.models import (
    Category,
    Document,
    DocumentVersion,
    Restriction,
    ScanStatus,
    WhoSees,
    YoungPersonMessage,
)
from portal.documents.policy import (
    DocumentAction,
    categories_for,
    may_manage_removed,
    restrictions_for,
)
from portal.documents.storage import LocalStorage
from portal.extensions import db

#: Files older than this that no version refers to are left over from a failed upload.
ORPHAN_AGE = timedelta(hours=1)
_CLEAN_BATCH = 500


# --- Reading -----------------------------------------------------------------------------------


def _may_see(user_id: Any, restrictions: Any):
    """The documents' restriction allows this person, or they added the document themselves
    (the same rule as `policy.document_rule`). Values, or `bindparam`s for a statement built
    once."""
    return or_(Document.restriction.in_(restrictions), Document.created_by_id == user_id)


def documents_for(user: User, case: Case) -> list[Document]:
    """The documents of `case` this person may see, newest first, with their versions loaded
    (two queries, whatever the number of documents). The caller has checked VIEW_DOCUMENTS."""
    restrictions = [r.value for r in restrictions_for(user, case)]
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.case_id == case.id,
                Document.removed_at.is_(None),
                _may_see(user.id, restrictions),
            )
            .options(selectinload(Document.versions))
            .order_by(Document.created_at.desc(), Document.id.desc())
        )
    )


#: At most this many pieces of withheld advice are named to the family (the notice counts all).
KEPT_SHOWN = 10


@dataclass(frozen=True)
class KeptFromYou:
    """Advice on the case the family may not see: how much, and of what kind and when (never
    its title, author's words or reason)."""

    count: int
    items: list[tuple[Category, datetime]]


@dataclass(frozen=True)
class DocumentTally:
    """What a person may know of a case's documents without opening them: how many of each
    category they may see (in the categories' order), and for a family member the advice kept
    from them."""

    counts: list[tuple[Category, int]]
    kept: KeptFromYou | None


#: Built once (see `portal/extensions.py`): every case overview and documents page runs them.
_RESTRICTIONS: BindParameter[list[str]] = bindparam(
    "restrictions", expanding=True
)  # the ones the person may see
_KEPT_ADVICE = (
    Document.category.in_([c.value for c in Category if c.is_advice]),
    Document.restriction.not_in(_RESTRICTIONS),
)
# Both counts in one pass over the case's documents: what the person may see, by category, and
# the advice kept from them (only a family member is ever told of that).
_TALLY_BY_CATEGORY = (
    select(
        Document.category,
        func.count().filter(_may_see(bindparam("user_id"), _RESTRICTIONS)),
        func.count().filter(*_KEPT_ADVICE),
    )
    .where(Document.case_id == bindparam("case_id"), Document.removed_at.is_(None))
    .group_by(Document.category)
)
_NEWEST_KEPT_ADVICE = (
    select(Document.category, Document.created_at)
    .where(Document.case_id == bindparam("case_id"), Document.removed_at.is_(None), *_KEPT_ADVICE)
    .order_by(Document.created_at.desc(), Document.id.desc())
    .limit(KEPT_SHOWN)
)


def document_tally(user: User, case: Case) -> DocumentTally:
    """How many documents of each category this person may see on `case`, and the advice kept
    from a family member: one query whatever the number of documents, and a second only when
    advice is kept from them (its newest few, by kind and date). The caller has checked
    VIEW_DOCUMENTS."""
    params = {
        "case_id": case.id,
        "restrictions": [r.value for r in restrictions_for(user, case)],
        "user_id": user.id,
    }
    rows = db.session.execute(_TALLY_BY_CATEGORY, params).all()
    counts = {str(category): seen for category, seen, _ in rows if seen}
    kept_count = sum(kept for _, _, kept in rows)
    kept = None
    if kept_count and not Role(user.role).is_professional:
        newest = db.session.execute(_NEWEST_KEPT_ADVICE, params).all()
        kept = KeptFromYou(kept_count, [(Category(c), at) for c, at in newest])
    return DocumentTally(
        [(category, counts[category]) for category in Category if category in counts], kept
    )


def removed_documents_for(user: User, case: Case) -> list[Document]:
    """The removed documents of `case`, most recently removed first, with who removed them and
    their versions loaded (two queries, however many). Only for whoever manages the case."""
    if not may_manage_removed(user, case):
        raise PermissionError("Only the case officer may see removed documents.")
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.case_id == case.id, Document.removed_at.is_not(None))
            .options(joinedload(Document.removed_by), selectinload(Document.versions))
            .order_by(Document.removed_at.desc(), Document.id.desc())
        )
    )


def removed_count(case: Case) -> int:
    """How many documents of `case` are removed (the caller has checked who is asking)."""
    return db.session.execute(
        select(func.count(Document.id)).where(
            Document.case_id == case.id, Document.removed_at.is_not(None)
        )
    ).scalar_one()


@dataclass(frozen=True)
class DocumentRow:
    """A document as one person sees it in a list: what they may do with it too."""

    document: Document
    can_add_version: bool
    can_remove: bool


#: How many of each group's newest documents the documents page lists before "See all".
GROUP_PREVIEW = 5
#: How many documents a page of one group lists.
GROUP_PAGE_SIZE = 20


def _visible(user: User, case: Case) -> tuple:
    restrictions = [r.value for r in restrictions_for(user, case)]
    return (
        Document.case_id == case.id,
        Document.removed_at.is_(None),
        _may_see(user.id, restrictions),
    )


def newest_of_each_category(
    user: User, case: Case, per_group: int = GROUP_PREVIEW
) -> list[Document]:
    """The newest `per_group` documents of each category this person may see on `case`, newest
    first, with their versions: ranked in SQL (a window function), so the rows fetched stay the
    same however many documents the case has (two queries)."""
    rank = (
        func.row_number()
        .over(
            partition_by=Document.category,
            order_by=(Document.created_at.desc(), Document.id.desc()),
        )
        .label("rank")
    )
    ranked = select(Document.id, rank).where(*_visible(user, case)).subquery()
    return list(
        db.session.scalars(
            select(Document)
            .join(ranked, ranked.c.id == Document.id)
            .where(ranked.c.rank <= per_group)
            .options(selectinload(Document.versions))
            .order_by(Document.created_at.desc(), Document.id.desc())
        )
    )


def category_page(
    user: User, case: Case, category: Category, page: int, size: int = GROUP_PAGE_SIZE
) -> list[Document]:
    """One page of one category's documents this person may see, newest first (LIMIT/OFFSET in
    SQL; two queries, whatever the number of documents)."""
    return list(
        db.session.scalars(
            select(Document)
            .where(*_visible(user, case), Document.category == category.value)
            .options(selectinload(Document.versions))
            .order_by(Document.created_at.desc(), Document.id.desc())
            .limit(size)
            .offset((max(page, 1) - 1) * size)
        )
    )


def rows_by_category(user: User, documents: Sequence[Document]) -> list[tuple[Category, list]]:
    """Group documents by category (in the categories' own order), keeping newest first."""
    groups: dict[Category, list[DocumentRow]] = {}
    for document in documents:
        row = DocumentRow(
            document,
            can_add_version=access.can(user, DocumentAction.ADD_VERSION, document),
            can_remove=access.can(user, DocumentAction.REMOVE, document),
        )
        groups.setdefault(Category(document.category), []).append(row)
    return [(category, groups[category]) for category in Category if category in groups]


# --- Adding ------------------------------------------------------------------------------------


def needs_reason(category: Category | str, restriction: Restriction | str) -> bool:
    """Advice not shown to the family needs a recorded reason: families see the advice about
    their child unless someone says why not."""
    return Category(category).is_advice and Restriction(restriction) != Restriction.EVERYONE


def _visibility(restriction: Restriction | str) -> Visibility:
    return Restriction(restriction).visibility


def _version_row(
    document: Document, received: intake.ReceivedFile, actor: User, number: int
) -> DocumentVersion:
    return DocumentVersion(
        document=document,
        number=number,
        storage_key=received.stored.key,
        original_filename=received.filename,
        kind=received.checked.kind,
        mime_type=received.checked.mime_type,
        size=received.stored.size,
        sha256=received.stored.sha256,
        uploaded_by_id=actor.id,
        scan_status=ScanStatus.CLEAN if received.scan.clean else ScanStatus.NOT_SCANNED,
    )


def _receive(actor: User, case: Case, files: Sequence[intake.IncomingFile]):
    """Run the intake; record refusals (an infected file is always recorded) and re-raise."""
    store = intake.storage()
    try:
        return store, intake.receive_all(
            store, intake.scanner(), files, current_app.config["MAX_UPLOAD_BYTES"]
        )
    except intake.UploadRefused as refused:
        for filename, signature in refused.infected:
            audit.record(
                "document.virus_found",
                actor=actor,
                case=case,
                visibility=Visibility.COUNCIL,
                summary=f"A file with a virus was stopped before it was added: {filename}",
                filename=filename,
                signature=signature,
            )
        audit.record("document.upload_refused", actor=actor, case=case, problems=refused.problems)
        db.session.commit()
        raise


def _commit_or_discard(store: LocalStorage, received: Sequence[intake.ReceivedFile]) -> None:
    """Commit the rows naming the stored files; if that fails, delete the files too."""
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        intake.discard(store, received)
        raise


def add_documents(
    actor: User,
    case: Case,
    *,
    title: str,
    category: Category | str,
    restriction: Restriction | str,
    files: Sequence[intake.IncomingFile],
    restriction_reason: str | None = None,
) -> list[Document]:
    """Add one document per file, all with the same title, category and restriction.

    Who may: anyone allowed to add documents to the case; the restriction must be one they can
    see themselves and the category one they may use. Advice kept from the family needs a
    reason (`restriction_reason`), which is recorded. All or nothing: if any file is refused
    (UploadRefused, naming each) or the scanner is down (ScannerUnavailable), nothing is kept.
    Records `document.added` per document, visible to whoever the document is for, and tells
    the document hooks (`portal.wiring.DOCUMENT_HOOKS`: advice uploaded by the person asked for
    it is recorded as received) in the same transaction.
    """
    if not access.can(actor, access.Action.ADD_DOCUMENTS, case):
        raise PermissionError("This person may not add documents to this case.")
    restriction = Restriction(restriction)
    category = Category(category)
    if restriction not in restrictions_for(actor, case):
        raise PermissionError("A person may only choose a restriction they can see themselves.")
    if category not in categories_for(actor, case):
        raise PermissionError("Only the case officer files plans and decision letters.")
    if not files:
        raise ValueError("An upload needs at least one file.")
    reason = (restriction_reason or "").strip()[:500] or None
    if not needs_reason(category, restriction):
        reason = None
    elif reason is None:
        raise ValueError("Advice kept from the family needs a reason.")

    store, received = _receive(actor, case, files)
    try:
        documents = []
        for item in received:
            document = Document(
                case=case,
                title=title,
                category=category,
                restriction=restriction,
                restriction_reason=reason,
                created_by_id=actor.id,
            )
            db.session.add(document)
            db.session.add(_version_row(document, item, actor, number=1))
            db.session.flush()
            audit.record(
                "document.added",
                actor=actor,
                case=case,
                subject=document,
                visibility=_visibility(restriction),
                summary=f"{actor.name} added a document: {title}",
                filename=item.filename,
            )
            if reason is not None:
                audit.record(
                    "document.kept_from_family",
                    actor=actor,
                    case=case,
                    subject=document,
                    visibility=Visibility.COUNCIL,
                    summary=f"{actor.name} kept advice from the family: {title}",
                    reason=reason,
                )
            document_hooks.after_document_added(
                actor,
                case,
                document_hooks.AddedDocument(
                    public_id=document.public_id,
                    title=title,
                    category=category.value,
                    restriction=restriction.value,
                ),
            )
            documents.append(document)
    except BaseException:
        db.session.rollback()
        intake.discard(store, received)
        raise
    _commit_or_discard(store, received)
    return documents


def add_version(actor: User, document: Document, file: intake.IncomingFile) -> DocumentVersion:
    """Add a new version of a document; the older versions stay and can still be downloaded.

    Who may: the person who added the document (while they may add documents) or the team's
    case officer. Refusals and a stopped scanner keep nothing, as for `add_documents`.
    """
    if not access.can(actor, DocumentAction.ADD_VERSION, document):
        raise PermissionError("This person may not add a version of this document.")
    case = document.case
    store, received = _receive(actor, case, [file])
    try:
        number = (
            db.session.scalar(
                select(func.max(DocumentVersion.number)).where(
                    DocumentVersion.document_id == document.id
                )
            )
            or 0
        ) + 1
        version = _version_row(document, received[0], actor, number=number)
        db.session.add(version)
        db.session.flush()
        audit.record(
            "document.version_added",
            actor=actor,
            case=case,
            subject=document,
            visibility=_visibility(document.restriction),
            summary=f"{actor.name} added a new version of a document: {document.title}",
            version=version.public_id,
            filename=version.original_filename,
        )
    except BaseException:
        db.session.rollback()
        intake.discard(store, received)
        raise
    _commit_or_discard(store, received)
    return version


# --- Removing, downloading ---------------------------------------------------------------------


def remove_document(actor: User, document: Document, reason: str) -> None:
    """Hide a document from every list. Its row and files are kept, with who removed it and why.

    Who may: the person who added it within 24 hours, or the team's case officer.
    """
    if not access.can(actor, DocumentAction.REMOVE, document):
        raise PermissionError("This person may not remove this document.")
    document.removed_at = clock.utcnow()
    document.removed_by_id = actor.id
    document.removal_reason = reason.strip()[:500]
    audit.record(
        "document.removed",
        actor=actor,
        case=document.case,
        subject=document,
        visibility=_visibility(document.restriction),
        summary=f"{actor.name} removed a document: {document.title}",
        reason=document.removal_reason,
    )
    db.session.commit()


def restore_document(actor: User, document: Document) -> None:
    """Bring a removed document back into the lists, for everyone its restriction allows.

    Who may: whoever manages the case (the team's case officer). The event records who restored
    it, and keeps who had removed it, when and why, since the document's row no longer says.
    """
    if not access.can(actor, DocumentAction.RESTORE, document):
        raise PermissionError("This person may not restore this document.")
    removed_by = document.removed_by
    audit.record(
        "document.restored",
        actor=actor,
        case=document.case,
        subject=document,
        visibility=_visibility(document.restriction),
        summary=f"{actor.name} restored a document: {document.title}",
        removed_at=document.removed_at.isoformat() if document.removed_at else None,
        removed_by=removed_by.name if removed_by is not None else None,
        removed_by_id=document.removed_by_id,
        reason=document.removal_reason,
    )
    document.removed_at = None
    document.removed_by_id = None
    document.removal_reason = None
    db.session.commit()


def record_download(actor: User, version: DocumentVersion) -> None:
    """Write to the audit trail who downloaded which version, and when (before it is sent).
    A removed document's version is recorded the same way, saying it was removed."""
    document = version.document
    action = DocumentAction.VIEW_REMOVED if document.is_removed else DocumentAction.VIEW
    if not access.can(actor, action, version):
        raise PermissionError("This person may not download this document.")
    removed = {"removed": True} if document.is_removed else {}
    audit.record_read(
        "document.downloaded",
        actor=actor,
        case=document.case,
        subject=version,
        summary=f"{actor.name} downloaded {document.title} (version {version.number})",
        document=document.public_id,
        version=version.public_id,
        filename=version.original_filename,
        **removed,
    )
    db.session.commit()


def record_zip_download(actor: User, case: Case, documents: Sequence[Document]) -> None:
    """Write to the audit trail that the case officer downloaded these documents as one zip."""
    if not access.can(actor, access.Action.MANAGE, case):
        raise PermissionError("Only the case officer may download every document at once.")
    audit.record(
        "documents.zip_downloaded",
        actor=actor,
        case=case,
        subject=case,
        visibility=Visibility.AUDIT,
        summary=f"{actor.name} downloaded {len(documents)} documents as a zip file",
        versions=[document.latest.public_id for document in documents],
    )
    db.session.commit()


# --- Housekeeping ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cleaned:
    orphans: int
    temporary_files: int


def _unreferenced(keys: list[str]) -> list[str]:
    referenced = set(
        db.session.scalars(
            select(DocumentVersion.storage_key).where(DocumentVersion.storage_key.in_(keys))
        )
    )
    return [key for key in keys if key not in referenced]


def clean_storage(store: LocalStorage, older_than: timedelta = ORPHAN_AGE) -> Cleaned:
    """Delete stored files no document version refers to, and temporary files of interrupted
    uploads, once they are older than `older_than` (younger ones may be uploads in progress).

    Files of removed documents are referred to by their versions, so they are always kept.
    """
    orphans: list[str] = []
    batch: list[str] = []
    for key in store.keys(older_than=older_than):
        batch.append(key)
        if len(batch) >= _CLEAN_BATCH:
            orphans += _unreferenced(batch)
            batch = []
    if batch:
        orphans += _unreferenced(batch)
    # Delete only after listing: deleting tidies empty folders the listing may still walk.
    removed = sum(store.delete(key) for key in orphans)
    temporary = store.remove_stale_temp(older_than)
    if removed or temporary:
        audit.record(
            "documents.storage_cleaned",
            summary=f"Removed {removed} left-over files and {temporary} temporary files",
            orphans=removed,
            temporary_files=temporary,
        )
        db.session.commit()
    return Cleaned(orphans=removed, temporary_files=temporary)


# --- "Tell us something": a young person's words, perhaps a picture --------------------------

#: The kinds of file a picture may be (decided from its content, never its name).
PICTURE_KINDS = ("jpeg", "png")
PICTURE_NOT_PHOTO = (
    "The picture must be a photo in JPEG or PNG format. On an iPhone, take a screenshot of the "
    "photo and choose the screenshot."
)
#: How many of a young person's messages their case page lists (the newest).
MESSAGES_SHOWN = 5
#: How many messages "All about me" shows the case officer writing Section A (the newest).
ABOUT_ME_MESSAGES = 50


@cache
def _messages_query(limit: int) -> Select:
    """What a person may see of the young person's messages on a case, newest first, with their
    pictures: built once for each length of list (see `portal/extensions.py`)."""
    return (
        select(YoungPersonMessage)
        .where(
            YoungPersonMessage.case_id == bindparam("case_id"),
            or_(
                YoungPersonMessage.visibility.in_(bindparam("visibilities", expanding=True)),
                YoungPersonMessage.author_id == bindparam("user_id"),
            ),
        )
        .options(selectinload(YoungPersonMessage.picture).selectinload(Document.versions))
        .order_by(YoungPersonMessage.created_at.desc(), YoungPersonMessage.id.desc())
        .limit(limit)
    )


def messages_for(user: User, case: Case, limit: int = MESSAGES_SHOWN) -> list[YoungPersonMessage]:
    """What young people told us on `case` that this person may see (their own always, others'
    as the young person chose), newest first, with pictures (two queries at most)."""
    params = {
        "case_id": case.id,
        "visibilities": visibilities_for(user, case),
        "user_id": user.id,
    }
    return list(db.session.scalars(_messages_query(limit), params))


def about_me_messages(case: Case, user: User) -> list[YoungPersonMessage]:
    """For the plan's "All about me" (handed to the plans package by `portal.wiring`): what the
    young person told us that this person may see, newest first."""
    return messages_for(user, case, limit=ABOUT_ME_MESSAGES)


def tell_us(
    actor: User,
    case: Case,
    *,
    body: str,
    who_sees: WhoSees | str,
    picture: intake.IncomingFile | None = None,
) -> YoungPersonMessage:
    """A young person tells the people on their case something: words, perhaps a picture
    (JPEG or PNG, checked by its content, within the upload limit, virus-scanned like any
    document), seen by whom they choose.

    Who may: the young person on their own case (TELL_US). The picture is kept as a document
    ("Views of the child or young person") that the same people may see. Records
    `young_person.told_us` on the timeline, with the chosen visibility. All or nothing: a refused
    picture (UploadRefused) or a stopped scanner (ScannerUnavailable) keeps nothing.
    """
    if not access.can(actor, access.Action.TELL_US, case):
        raise PermissionError("Only the young person may tell us something on their case.")
    who_sees = WhoSees(who_sees)
    body = body.strip()
    if not body:
        raise ValueError("A message needs words.")
    store, received = (None, [])
    if picture is not None:
        store, received = _receive(actor, case, [picture])
        if received[0].checked.kind not in PICTURE_KINDS:
            intake.discard(store, received)
            audit.record(
                "document.upload_refused",
                actor=actor,
                case=case,
                problems=[PICTURE_NOT_PHOTO],
            )
            db.session.commit()
            raise intake.UploadRefused([PICTURE_NOT_PHOTO])
    try:
        message = YoungPersonMessage(
            case_id=case.id, author_id=actor.id, body=body[:1000], visibility=who_sees.value
        )
        if received:
            document = Document(
                case=case,
                title=f"A picture from {actor.name}",
                category=Category.YOUNG_PERSON_VIEWS,
                restriction=Restriction(who_sees.value),
                created_by_id=actor.id,
            )
            db.session.add(document)
            db.session.add(_version_row(document, received[0], actor, number=1))
            message.picture = document
        db.session.add(message)
        db.session.flush()
        words = body if len(body) <= 300 else body[:299] + "…"
        audit.record(
            "young_person.told_us",
            actor=actor,
            case=case,
            subject=message,
            visibility=Visibility(who_sees.value),
            summary=f"{actor.name} told us: “{words}”"
            + (" They added a picture." if received else ""),
            who_sees=who_sees.value,
        )
    except BaseException:
        db.session.rollback()
        if store is not None:
            intake.discard(store, received)
        raise
    if store is not None:
        _commit_or_discard(store, received)
    else:
        db.session.commit()
    return message
