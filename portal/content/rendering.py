"""The one Markdown renderer: Markdown → HTML → nh3 with explicit allow-lists → GOV.UK classes.

Everything a person writes (content pages, case updates, comments) goes through `render_markdown`.
Two layers stop script injection, so one mistake does not open a hole:

1. Markdown is told not to trust raw HTML: its raw-HTML block and inline handlers are removed, so
   `<script>` or `<div hx-get=…>` typed into the text comes out as visible text, not as tags.
2. nh3 (the Rust `ammonia` sanitiser) then cleans the HTML Markdown produced with explicit lists of
   tags, attributes and URL schemes. Anything not listed is dropped. This layer alone is enough; the
   tests push the XSS corpus through both layers and through this one on its own.

Headings: the page template supplies the only `<h1>`, so a `#` heading in content is demoted to
`<h2>`, and `#####`/`######` are capped at `<h4>`. Other levels are kept as written.

GOV.UK Frontend classes are added by nh3 itself (`set_tag_attribute_values`) after every `class`
attribute from the input has been removed, so a writer cannot choose classes. Links get
`rel="noopener noreferrer"`.

No images, not even from our own site: a browser fetches an image by itself, with the reader's
cookies, so `![](/cases/…/download-all)` in an update made the case officer's browser download the
whole case (recorded in their name). An image is replaced by its alt text.

Cost: Python-Markdown's link parsing is quadratic on unclosed `[` or `(` (an open upstream issue):
each one makes it scan the rest of the text, so 2,000 `[` took a second. `_defuse_brackets` escapes
every unclosed or deeply nested one first (it then shows as written), which keeps rendering linear.
Text written by people is also rendered once, when it is saved, and the HTML stored (see
`Update.body_html` and `ContentRevision.html`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "p", "br", "ul", "ol", "li", "strong", "em", "a", "blockquote",
        "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

# Only these attributes may come from the writer's text. `class`, `style`, `id`, `on*`, `hx-*` and
# `data-*` are never listed, so nh3 drops them.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
}

ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Tags removed together with everything inside them (not just unwrapped).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "noscript", "textarea",
     "title", "xmp", "noembed", "noframes", "svg", "math", "select", "option"}
)  # fmt: skip

# Classes added after cleaning. The writer cannot influence these.
GOVUK_CLASSES = {
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}

# A path on our own origin: one leading slash, then no second slash or backslash (browsers read
# `/\host` and `//host` as another site), and no whitespace or control characters (browsers strip
# tabs and newlines from URLs, so `/\t/host` would become `//host`).
_OWN_ORIGIN_PATH = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")

_URL_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")

_HEADING_RENAMES = {"h1": "h2", "h5": "h4", "h6": "h4"}


def is_own_origin_path(url: str) -> bool:
    """Return True if `url` is a path on this site (e.g. `/static/images/x.png`), nothing else."""
    return _OWN_ORIGIN_PATH.fullmatch(url) is not None


def _is_allowed_link(href: str) -> bool:
    """Return True if a link target is relative or uses an allowed scheme (browser-style parse)."""
    # Browsers ignore tabs, newlines and leading control characters or spaces in URLs.
    cleaned = re.sub(r"[\t\n\r]", "", unescape(href)).lstrip("\x00- ")
    match = _URL_SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in ALLOWED_URL_SCHEMES


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Final say on attribute values nh3 would otherwise keep."""
    if tag == "ol" and attribute == "start":
        return value if value.isdigit() and len(value) <= 6 else None
    return value


def sanitise_html(html: str) -> str:
    """Clean an HTML fragment with the portal's allow-lists and add GOV.UK classes.

    This is the security boundary: it is safe on any input, not only on Markdown output.
    """
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
        set_tag_attribute_values={tag: {"class": cls} for tag, cls in GOVUK_CLASSES.items()},
    )


class _TidyTree(Treeprocessor):
    """Demote headings; turn images and unsafe links into plain words.

    A friendliness step, not a security one: nh3 enforces the same rules afterwards.
    """

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in _HEADING_RENAMES:
                element.tag = _HEADING_RENAMES[element.tag]
        parents = {child: parent for parent in root.iter() for child in parent}
        for image in list(root.iter("img")):
            _replace_with_text(image, parents[image], image.get("alt", ""))
        for link in root.iter("a"):
            if not _is_allowed_link(link.get("href", "")):
                # nh3 unwraps tags it does not know, so the words stay but stop looking like a link.
                link.tag = "span"


def _replace_with_text(element: ET.Element, parent: ET.Element, text: str) -> None:
    """Remove `element` from `parent`, leaving `text` (and the element's tail) in its place."""
    replacement = text + (element.tail or "")
    children = list(parent)
    index = children.index(element)
    if index == 0:
        parent.text = (parent.text or "") + replacement
    else:
        previous = children[index - 1]
        previous.tail = (previous.tail or "") + replacement
    parent.remove(element)


class _PortalExtension(Extension):
    """Switch off raw HTML and add the tidy step."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Raw HTML is never trusted: without these handlers it is escaped and shown as text.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After inline patterns (20) and un-escaping (0), so we see final tags and attributes.
        md.treeprocessors.register(_TidyTree(md), "portal_tidy", -10)


#: Brackets nested deeper than this are shown as written (no link is nested that deep).
MAX_NESTING = 3

_OPENERS = {"]": "[", ")": "("}


def _defuse_brackets(text: str) -> str:
    """Escape each `[` or `(` that is never closed, or is nested too deep, so Markdown shows it
    as written instead of scanning the rest of the text for its end (see "Cost" above).

    One pass and linear; a balanced, shallow `[text](url)` is left alone, so links still work.
    """
    stacks: dict[str, list[int]] = {"[": [], "(": []}
    escape: list[int] = []
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in stacks:
            if len(stacks[char]) >= MAX_NESTING:
                escape.append(index)
            else:
                stacks[char].append(index)
        elif char in _OPENERS and stacks[_OPENERS[char]]:
            stacks[_OPENERS[char]].pop()
    escape.extend(stacks["["] + stacks["("])
    if not escape:
        return text
    pieces = []
    last = 0
    for index in sorted(escape):
        pieces.append(text[last:index])
        pieces.append("\\")
        last = index
    pieces.append(text[last:])
    return "".join(pieces)


def _markdown_to_html(text: str) -> str:
    text = _defuse_brackets(text)
    # A new instance per call: Markdown objects keep state and are not thread-safe.
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code", _PortalExtension()],
        output_format="html",
    )
    return md.convert(text)


def render_markdown(text: str) -> Markup:
    """Render Markdown written by a person to safe HTML with GOV.UK Frontend classes.

    Use this for every piece of user-written text; wrap the output in an `hx-disable` container
    (or call `render_markdown_block`) so htmx never processes anything inside it.
    """
    return Markup(sanitise_html(_markdown_to_html(text)))  # noqa: S704 (sanitised just above)


def render_markdown_block(text: str) -> Markup:
    """Render Markdown inside `<div class="portal-prose" hx-disable>`, ready to put in a page."""
    return _block(render_markdown(text))


def prose_block(stored_html: str) -> Markup:
    """HTML that `render_markdown` made and the database kept, inside the same container.

    Only for HTML from `render_markdown`: it is sanitised again here (nh3 is fast, and linear),
    so a row changed by hand cannot put script on a page either.
    """
    return _block(Markup(sanitise_html(stored_html)))  # noqa: S704 (sanitised just here)


def _block(inner: Markup) -> Markup:
    return Markup('<div class="portal-prose" hx-disable>') + inner + Markup("</div>")
