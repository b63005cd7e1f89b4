"""Reading published content: what the public pages and the case page show.

Only published revisions are ever read here, with the HTML stored when they were saved (the one
Markdown renderer ran then), so a view costs one query and no rendering. An editor's unpublished
changes never reach these functions.

The case page's "stage text" section lives here too: the published pathway page for the case's
stage, in the words for the person reading (families, young people or professionals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import Select, and_, select

from portal.cases.sections import case_section
from portal.content.files import VIEWER_AUDIENCES, pathway_slug
from portal.content.models import ContentPage, ContentRevision
from portal.extensions import db


@dataclass(frozen=True)
class PublishedPage:
    """A page as the public sees it."""

    slug: str
    title: str
    summary: str
    audience: str
    html: Markup  # sanitised when the revision was saved
    revision_id: int
    number: int
    published_at: datetime | None


def _published() -> Select:
    return select(ContentPage, ContentRevision).join(
        ContentRevision,
        and_(
            ContentRevision.page_id == ContentPage.id,
            ContentRevision.number == ContentPage.published_number,
        ),
    )


def _as_published(page: ContentPage, revision: ContentRevision) -> PublishedPage:
    return PublishedPage(
        slug=page.slug,
        title=revision.title,
        summary=revision.summary,
        audience=page.audience,
        html=revision.safe_html,
        revision_id=revision.id,
        number=revision.number,
        published_at=page.published_at,
    )


def published_page(slug: str) -> PublishedPage | None:
    """The published version of a page, or None if there is no such page or it is unpublished."""
    row = db.session.execute(_published().where(ContentPage.slug == slug)).first()
    return _as_published(*row) if row else None


def published_pages(slugs: Sequence[str]) -> list[PublishedPage]:
    """The published pages among `slugs`, in the order given (one query)."""
    rows = db.session.execute(_published().where(ContentPage.slug.in_(list(slugs)))).all()
    found = {page.slug: _as_published(page, revision) for page, revision in rows}
    return [found[slug] for slug in slugs if slug in found]


def pathway_text(stage: str, viewer_audience: str) -> PublishedPage | None:
    """The published pathway page for a stage, for a viewer audience (`parent`, `school`...)."""
    try:
        slug = pathway_slug(stage, viewer_audience)
    except ValueError:
        return None
    return published_page(slug)


_HEADING_TAG = re.compile(r"<(/?)h([234])\b")


def demote_headings(html: Markup) -> Markup:
    """Move headings in sanitised content one level down (h2 → h3 ...; h4 stays h4).

    For content shown inside a section that has its own h2. Only tag names change; the HTML was
    sanitised when saved, and renaming a heading tag cannot add an attribute or a script.
    """
    renamed = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 4)}", html)
    renamed = renamed.replace('<h3 class="govuk-heading-m"', '<h3 class="govuk-heading-s"')
    return Markup(renamed)  # noqa: S704 (sanitised content; only tag names changed)


@case_section("stage_text", "content/partials/stage_text_section.html", order=15)
def stage_text_section(case, user) -> dict | None:
    """The published words about the case's stage, for this reader's audience (one query)."""
    audience = VIEWER_AUDIENCES.get(str(user.role), "professionals")
    page = pathway_text(case.stage, audience)
    if page is None:
        return None
    return {"page": page, "html": demote_headings(page.html)}
