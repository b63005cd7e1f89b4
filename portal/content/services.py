"""Content pages: reading them for the editor, and every change (save, publish, restore, load).

Writes follow the portal's pattern: they take the acting user, check with `access.can`, change,
record an event in the audit trail and commit. Loading from and exporting to `content/` files
is done by the `flask content` command, with no user.

Saving is safe with two editors on one page. The edit form carries the number of the revision
the editor started from (`based_on`). A save moves the page's `current_number` from `based_on`
to `based_on + 1` in one conditional UPDATE; if another save got there first the UPDATE changes
no row and the save is refused with `EditConflict`, which names who changed the page and when.
The unique (page, number) constraint on revisions is a second guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from flask import current_app
from sqlalchemy import and_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from portal import access, audit, clock
from portal.accounts.models import User
from portal.content.files import HEADER_FENCE, ContentFile, iter_content_files
from portal.content.models import ContentPage, ContentRevision
from portal.content.plain_language import check_text
from portal.content.policy import ContentAction
from portal.content.rendering import render_markdown
from portal.dates import format_long_date
from portal.extensions import db
from portal.refusals import NotAllowed

# --------------------------------------------------------------------------------------------
# Refusals


class EditConflict(Exception):
    """Someone saved the page after this editor opened it. Nothing was saved.

    `theirs` is the page's newest revision now; `missed` is how many revisions were saved since
    the editor's starting point.
    """

    def __init__(self, theirs: ContentRevision, missed: int) -> None:
        super().__init__(f"page changed: now revision {theirs.number}")
        self.theirs = theirs
        self.missed = missed

    @property
    def message(self) -> str:
        """ "Lucy Green changed this page at 3:05pm since you opened it." """
        who = self.theirs.author.name if self.theirs.author else "Loading the content files"
        when = self.theirs.created_at
        hour = when.hour % 12 or 12
        time = f"{hour}:{when.minute:02d}{'am' if when.hour < 12 else 'pm'}"
        if when.date() != clock.utcnow().date():
            time += f" on {format_long_date(when.date())}"
        saves = f" ({self.missed} saves in all)" if self.missed > 1 else ""
        return f"{who} changed this page at {time}{saves} since you opened it."


class RevisionMissing(LookupError):
    """The revision number does not exist for this page."""


class NeedsWork(Exception):
    """The revision misses its readers' plain-language target and no reason was given for
    publishing it anyway. Nothing was published. `problems` says why, in plain sentences."""

    def __init__(self, revision: ContentRevision, problems: list[str]) -> None:
        super().__init__(f"revision {revision.number} needs work")
        self.revision = revision
        self.problems = problems


def _check(actor: User, action: ContentAction, page: ContentPage) -> None:
    if not access.can(actor, action, page):
        raise NotAllowed(action)


# --------------------------------------------------------------------------------------------
# Reading, for the editor


def page_by_slug(slug: str) -> ContentPage | None:
    return db.session.scalar(select(ContentPage).where(ContentPage.slug == slug))


def revision_of(page: ContentPage, number: int) -> ContentRevision | None:
    return db.session.scalar(
        select(ContentRevision).where(
            ContentRevision.page_id == page.id, ContentRevision.number == number
        )
    )


def current_revision(page: ContentPage) -> ContentRevision:
    """The page's newest revision (what the editor opens)."""
    revision = revision_of(page, page.current_number)
    if revision is None:  # a page is never committed without its first revision
        raise RevisionMissing(page.slug)
    return revision


def revisions_of(page: ContentPage) -> list[ContentRevision]:
    """Every revision of a page, newest first, with their authors (one query)."""
    return list(
        db.session.scalars(
            select(ContentRevision)
            .where(ContentRevision.page_id == page.id)
            .order_by(ContentRevision.number.desc())
        )
    )


@dataclass(frozen=True)
class PageRow:
    """A line of the editor's list: the page and its newest revision (who changed it, when)."""

    page: ContentPage
    current: ContentRevision


def page_rows() -> list[PageRow]:
    """Every content page with its newest revision, in one query, ordered by slug."""
    rows = db.session.execute(
        select(ContentPage, ContentRevision)
        .join(
            ContentRevision,
            and_(
                ContentRevision.page_id == ContentPage.id,
                ContentRevision.number == ContentPage.current_number,
            ),
        )
        .order_by(ContentPage.slug)
    ).all()
    return [PageRow(page, current) for page, current in rows]


# --------------------------------------------------------------------------------------------
# Changes made by editors


def _one_line(text: str) -> str:
    """Titles and summaries are one line: newlines would break the file format on export."""
    return " ".join(text.split())


def _body(text: str) -> str:
    """Keep the editor's Markdown as typed, with Windows line endings made plain."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip() + "\n"


def _advance(page: ContentPage, based_on: int) -> bool:
    """Move the page from revision `based_on` to the next one, if nobody else has."""
    result = db.session.execute(
        update(ContentPage)
        .where(ContentPage.id == page.id, ContentPage.current_number == based_on)
        .values(current_number=based_on + 1)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult, result).rowcount == 1  # an UPDATE's result has a row count


def _conflict(page: ContentPage, based_on: int) -> EditConflict:
    db.session.rollback()
    db.session.refresh(page)
    return EditConflict(current_revision(page), page.current_number - based_on)


def _add_revision(
    page: ContentPage,
    *,
    based_on: int,
    title: str,
    summary: str,
    body: str,
    author: User | None,
    restored_from: int | None = None,
) -> ContentRevision:
    """Add revision `based_on + 1` to the transaction, or raise EditConflict (rolled back)."""
    if not _advance(page, based_on):
        raise _conflict(page, based_on)
    body = _body(body)
    revision = ContentRevision(
        page_id=page.id,
        number=based_on + 1,
        title=_one_line(title),
        summary=_one_line(summary),
        body=body,
        html=str(render_markdown(body)),
        author_id=author.id if author is not None else None,
        restored_from=restored_from,
    )
    db.session.add(revision)
    try:
        db.session.flush()
    except IntegrityError:
        raise _conflict(page, based_on) from None
    # The UPDATE above already stored it: tell the session without a second UPDATE.
    set_committed_value(page, "current_number", revision.number)
    return revision


def _same_words(revision: ContentRevision, title: str, summary: str, body: str) -> bool:
    return (revision.title, revision.summary, revision.body) == (
        _one_line(title),
        _one_line(summary),
        _body(body),
    )


def save_revision(
    actor: User, page: ContentPage, *, title: str, summary: str, body: str, based_on: int
) -> ContentRevision | None:
    """Save the editor's words as the page's next revision (not published yet).

    Content editors only. Returns None (and saves nothing) if nothing changed. Raises
    EditConflict if someone saved the page since revision `based_on`: nothing is saved, and the
    editor is shown the other version. Records `content.saved`.
    """
    _check(actor, ContentAction.EDIT, page)
    if page.current_number != based_on:
        raise _conflict(page, based_on)
    if _same_words(current_revision(page), title, summary, body):
        return None
    revision = _add_revision(
        page, based_on=based_on, title=title, summary=summary, body=body, author=actor
    )
    audit.record(
        "content.saved",
        actor=actor,
        subject=revision,
        summary=f"{actor.name} saved revision {revision.number} of {page.slug}",
        slug=page.slug,
        number=revision.number,
    )
    db.session.commit()
    return revision


def restore_revision(actor: User, page: ContentPage, number: int) -> ContentRevision:
    """Make an old revision's words the newest revision again (a new revision; history stays).

    Content editors only. Does not publish. Records `content.restored`.
    """
    _check(actor, ContentAction.EDIT, page)
    old = revision_of(page, number)
    if old is None:
        raise RevisionMissing(number)
    revision = _add_revision(
        page,
        based_on=page.current_number,
        title=old.title,
        summary=old.summary,
        body=old.body,
        author=actor,
        restored_from=old.number,
    )
    audit.record(
        "content.restored",
        actor=actor,
        subject=revision,
        summary=f"{actor.name} restored revision {old.number} of {page.slug} "
        f"as revision {revision.number}",
        slug=page.slug,
        number=revision.number,
        restored_from=old.number,
    )
    db.session.commit()
    return revision


@dataclass(frozen=True)
class Published:
    """What asking to publish did: published the revision, or (with two editors required)
    recorded the request for a second editor to approve."""

    revision: ContentRevision
    published: bool


def publish_revision(
    actor: User, page: ContentPage, number: int, *, override_reason: str = ""
) -> Published:
    """Make revision `number` the one the public sees (content editors only).

    The editor publishes the revision they were looking at, by number, so a save made by
    someone else in the meantime is never published unseen. A revision whose plain-language
    check says "Needs work" is refused (`NeedsWork`) unless the editor gives a reason to publish
    it anyway: young people may read it on their case page at once.

    Where the council requires two editors (`CONTENT_TWO_EDITORS`), the first editor's request is
    recorded (`content.approval_asked`) and the page is published only when a different editor
    publishes the same revision. Records `content.published`, with the reason when the check
    was overridden and the editor who asked when there were two.
    """
    _check(actor, ContentAction.PUBLISH, page)
    revision = revision_of(page, number)
    if revision is None:
        raise RevisionMissing(number)
    problems = check_text(revision.body, page.audience).problems
    override_reason = override_reason.strip()
    if problems and not override_reason:
        raise NeedsWork(revision, problems)
    detail: dict[str, Any] = {"overridden": True, "reason": override_reason} if problems else {}
    asker: User | None = None
    if current_app.config["CONTENT_TWO_EDITORS"]:
        approving = page.approval_number == revision.number and page.approval_asked_by_id not in (
            None,
            actor.id,
        )
        if not approving:
            page.approval_number = revision.number
            page.approval_asked_by_id = actor.id
            page.approval_asked_at = clock.utcnow()
            audit.record(
                "content.approval_asked",
                actor=actor,
                subject=revision,
                summary=f"{actor.name} asked another editor to publish revision "
                f"{revision.number} of {page.slug}",
                slug=page.slug,
                number=revision.number,
                **detail,
            )
            db.session.commit()
            return Published(revision, published=False)
        asker = page.approval_asked_by
        detail["asked_by"] = page.approval_asked_by_id
    page.published_number = revision.number
    page.published_at = clock.utcnow()
    page.published_by_id = actor.id
    page.approval_number = page.approval_asked_by_id = page.approval_asked_at = None
    audit.record(
        "content.published",
        actor=actor,
        subject=revision,
        summary=f"{actor.name} published revision {revision.number} of {page.slug}"
        + (f", asked for by {asker.name}" if asker else "")
        + (" although its plain-language check said it needs work" if problems else ""),
        slug=page.slug,
        number=revision.number,
        **detail,
    )
    db.session.commit()
    return Published(revision, published=True)


def unpublish_page(actor: User, page: ContentPage) -> None:
    """Take a page off the public site; its revisions are kept (content editors only).

    Records `content.unpublished`.
    """
    _check(actor, ContentAction.PUBLISH, page)
    was = page.published_number
    page.published_number = None
    page.published_at = clock.utcnow()
    page.published_by_id = actor.id
    audit.record(
        "content.unpublished",
        actor=actor,
        subject=page,
        summary=f"{actor.name} unpublished {page.slug}",
        slug=page.slug,
        number=was,
    )
    db.session.commit()


# --------------------------------------------------------------------------------------------
# Loading from and exporting to the files in content/ (the `flask content` command)


@dataclass
class LoadResult:
    """What `load_folder` did, slug by slug."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # exists already; left alone


def _load_one(file: ContentFile, force: bool, result: LoadResult) -> None:
    page = page_by_slug(file.slug)
    if page is None:
        page = ContentPage(slug=file.slug, audience=file.audience, current_number=0)
        db.session.add(page)
        db.session.flush()
        result.created.append(file.slug)
    elif not force or (
        page.audience == file.audience
        and page.published_number == page.current_number
        and _same_words(current_revision(page), file.title, file.summary, file.body)
    ):
        result.unchanged.append(file.slug)
        return
    else:
        page.audience = file.audience
        result.updated.append(file.slug)
    if page.current_number == 0 or not _same_words(
        current_revision(page), file.title, file.summary, file.body
    ):
        _add_revision(
            page,
            based_on=page.current_number,
            title=file.title,
            summary=file.summary,
            body=file.body,
            author=None,
        )
    page.published_number = page.current_number
    page.published_at = clock.utcnow()
    page.published_by_id = None


def load_folder(folder: Path | str, *, force: bool = False) -> LoadResult:
    """Import the pages in `folder` and publish them.

    Pages that are not in the database yet are created. Pages that exist are left alone, so
    editors' work is never overwritten, unless `force` is given: then the file's words become a
    new, published revision (older revisions are kept). Every file is read and checked before
    anything is saved, so a broken file changes nothing.
    """
    files = list(iter_content_files(folder))
    result = LoadResult()
    for file in files:
        _load_one(file, force, result)
    if result.created or result.updated:
        audit.record(
            "content.loaded",
            summary=f"Content loaded from files: {len(result.created)} new, "
            f"{len(result.updated)} replaced",
            created=result.created,
            updated=result.updated,
            folder=str(folder),
        )
    db.session.commit()
    return result


def content_file_text(page: ContentPage, revision: ContentRevision) -> str:
    """A revision written in the `content/` file format (see portal/content/files.py)."""
    header = [
        HEADER_FENCE,
        f"slug: {page.slug}",
        f"title: {revision.title}",
        f"summary: {revision.summary}",
        f"audience: {page.audience}",
        HEADER_FENCE,
    ]
    return "\n".join(header) + "\n" + revision.body.strip() + "\n"


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    not_published: list[str] = field(default_factory=list)


def export_folder(folder: Path | str) -> ExportResult:
    """Write every published page to `folder/<slug>.md` (unpublished pages are listed, skipped)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    rows = db.session.execute(
        select(ContentPage, ContentRevision)
        .outerjoin(
            ContentRevision,
            and_(
                ContentRevision.page_id == ContentPage.id,
                ContentRevision.number == ContentPage.published_number,
            ),
        )
        .order_by(ContentPage.slug)
    ).all()
    for page, revision in rows:
        if revision is None:
            result.not_published.append(page.slug)
            continue
        path = folder / f"{page.slug}.md"
        path.write_text(content_file_text(page, revision), encoding="utf-8")
        result.written.append(path)
    return result
