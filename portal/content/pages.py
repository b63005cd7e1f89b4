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
from html.parser import HTMLParser

from flask import g, url_for
from markupsafe import Markup
from sqlalchemy import Row, Select, and_, bindparam, select

from portal.accounts.models import Role
from portal.content.files import PAGES_FOR_AUDIENCE, pathway_slug
from portal.content.models import ContentPage, ContentRevision
from portal.extensions import db

HELP_PAGES = ["what-the-words-mean", "if-you-disagree", "who-can-see-my-information"]
# The banded funding descriptors: one page per broad area of need, each describing bands 1 to 6
# (the council's funding officers edit them like any content page). Public under
# /banded-funding/<slug>; the overview "banded-funding" is /banded-funding.
BAND_PAGES = [
    "bands-communication-and-interaction",
    "bands-cognition-and-learning",
    "bands-social-emotional-and-mental-health",
    "bands-sensory-and-physical",
]
# Content pages with a public address of their own (help pages are under /help/<slug>).
PUBLIC_PAGE_ENDPOINTS = {
    "pledge": "pages.pledge",
    "pathway": "pages.pathway",
    "accessibility-statement": "pages.accessibility",
    "privacy-notice": "pages.privacy",
    "banded-funding": "pages.banded_funding",
}


def public_url(slug: str) -> str | None:
    """Where the public reads a content page, or None (pathway stage texts show on case pages)."""
    if slug in PUBLIC_PAGE_ENDPOINTS:
        return url_for(PUBLIC_PAGE_ENDPOINTS[slug])
    if slug in HELP_PAGES:
        return url_for("pages.help_page", slug=slug)
    if slug in BAND_PAGES:
        return url_for("pages.band_descriptors", slug=slug)
    return None


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
    """The published revision of each page, as plain columns (no ORM objects, no author)."""
    return select(
        ContentPage.slug,
        ContentRevision.title,
        ContentRevision.summary,
        ContentPage.audience,
        ContentRevision.html,
        ContentRevision.id,
        ContentRevision.number,
        ContentPage.published_at,
    ).join(
        ContentRevision,
        and_(
            ContentRevision.page_id == ContentPage.id,
            ContentRevision.number == ContentPage.published_number,
        ),
    )


def _as_published(row: Row) -> PublishedPage:
    return PublishedPage(
        slug=row.slug,
        title=row.title,
        summary=row.summary,
        audience=row.audience,
        html=Markup(row.html),  # noqa: S704 (sanitised by render_markdown when it was saved)
        revision_id=row.id,
        number=row.number,
        published_at=row.published_at,
    )


#: Built once (see `portal/extensions.py`): case pages and public pages run them.
_PUBLISHED_BY_SLUG = _published().where(ContentPage.slug == bindparam("slug"))
_PUBLISHED_AMONG = _published().where(ContentPage.slug.in_(bindparam("slugs", expanding=True)))


def published_page(slug: str) -> PublishedPage | None:
    """The published version of a page, or None if there is no such page or it is unpublished."""
    row = db.session.execute(_PUBLISHED_BY_SLUG, {"slug": slug}).first()
    return _as_published(row) if row else None


def published_pages(slugs: Sequence[str]) -> list[PublishedPage]:
    """The published pages among `slugs`, in the order given (one query)."""
    rows = db.session.execute(_PUBLISHED_AMONG, {"slugs": list(slugs)}).all()
    found = {row.slug: _as_published(row) for row in rows}
    return [found[slug] for slug in slugs if slug in found]


def pathway_text(stage: str, viewer_audience: str) -> PublishedPage | None:
    """The published pathway page for a stage, for a viewer audience (`parent`, `school`...).

    Read once per request (kept on `flask.g` by slug, unpublished pages too): the case page's
    "Where we are" panel and its stage text section both use it, for the price of one query.
    """
    try:
        slug = pathway_slug(stage, viewer_audience)
    except ValueError:
        return None
    loaded = g.setdefault("published_pathway_pages", {})
    if slug not in loaded:
        loaded[slug] = published_page(slug)
    return loaded[slug]


_VOID_TAGS = frozenset({"br", "hr", "img"})
_SPACES = re.compile(r"\s+")


def _words(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class _SectionReader(HTMLParser):
    """Finds the top-level <h2> with the given words and the element straight after it."""

    def __init__(self, heading: str) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive decoded: "&amp;" is "&"
        self.heading = _words(heading).casefold()
        self.depth = 0
        self.in_h2 = False
        self.h2_text: list[str] = []
        self.found = False  # the heading was found; waiting for the next element
        self.in_p = False
        self.paragraph: list[str] | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.done:
            return
        if self.depth == 0:
            if self.found:
                # The first element after the heading: a paragraph, or nothing for the panel.
                if tag == "p":
                    self.in_p, self.paragraph = True, []
                else:
                    self.done = True
                    return
            elif tag == "h2":
                self.in_h2, self.h2_text = True, []
        if tag == "br" and self.paragraph is not None:
            self.paragraph.append(" ")
        if tag not in _VOID_TAGS:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.done or tag in _VOID_TAGS:
            return
        self.depth -= 1
        if self.depth == 0 and self.in_h2:
            self.in_h2 = False
            self.found = _words("".join(self.h2_text)).casefold() == self.heading
        elif self.depth == 0 and self.in_p:
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.done:
            return
        if self.in_h2:
            self.h2_text.append(data)
        elif self.paragraph is not None:
            self.paragraph.append(data)


def section_paragraph(html: str, heading: str) -> str | None:
    """The first paragraph under the `## heading` of sanitised page HTML, as plain text.

    None when there is no such heading, the section is empty, or it opens with something other
    than a paragraph (a list, a table...). A paragraph ending in ":" only introduces a list, so
    it is None too: the caller shows its own words rather than half a sentence.
    """
    reader = _SectionReader(heading)
    reader.feed(str(html))
    reader.close()
    text = _words("".join(reader.paragraph or []))
    if not text or text.endswith(":"):
        return None
    return text


#: `page_paragraph`'s answers by (HTML, heading): a page's paragraphs are read from its HTML once
#: a process, not on every case page. Keyed by the HTML itself (hashing it is far cheaper than
#: parsing it), so a new revision, or another database's page, is never answered from memory.
_PARAGRAPHS: dict[tuple[str, str], str | None] = {}
_PARAGRAPHS_KEPT = 512


def page_paragraph(page: PublishedPage, heading: str) -> str | None:
    """`section_paragraph` of a published page, remembered for its HTML."""
    key = (str(page.html), heading)
    if key not in _PARAGRAPHS:
        if len(_PARAGRAPHS) >= _PARAGRAPHS_KEPT:
            _PARAGRAPHS.clear()  # a bound that one council's pathway pages never reach
        _PARAGRAPHS[key] = section_paragraph(page.html, heading)
    return _PARAGRAPHS[key]


_HEADING_TAG = re.compile(r"<(/?)h([234])\b")


def demote_headings(html: Markup) -> Markup:
    """Move headings in sanitised content one level down (h2 → h3 ...; h4 stays h4).

    For content shown inside a section that has its own h2. Only tag names change; the HTML was
    sanitised when saved, and renaming a heading tag cannot add an attribute or a script.
    """
    renamed = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 4)}", html)
    renamed = renamed.replace('<h3 class="govuk-heading-m"', '<h3 class="govuk-heading-s"')
    return Markup(renamed)  # noqa: S704 (sanitised content; only tag names changed)


def stage_text_section(case, user) -> dict | None:
    """The published words about the case's stage, for this reader's audience (one query)."""
    audience = PAGES_FOR_AUDIENCE[Role(user.role).audience]
    page = pathway_text(case.stage, audience)
    if page is None:
        return None
    return {"page": page, "html": demote_headings(page.html)}
