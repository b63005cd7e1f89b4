"""Read the content pages shipped in `content/`: Markdown with a small metadata header.

Format of a content file (`content/<slug>.md`, UTF-8)::

    ---
    slug: pathway-request-families
    title: Asking for an assessment
    summary: What happens when you ask the council to look at your child's needs.
    audience: families
    ---
    The page text, in Markdown. Start headings at `##`: the page supplies the `#` heading.

Rules, kept deliberately small so that Parent Carer Forum staff can edit files by hand:

- The file starts with a line `---`; the header ends at the next line `---`.
- Each header line is `key: value`. The value is everything after the first colon, trimmed; no
  quotes or escapes are needed. Blank lines in the header are ignored.
- The keys are exactly `slug`, `title`, `summary` and `audience`; each appears once, none empty.
- `audience` is one of `young_people`, `families`, `professionals`, `everyone`.
- `slug` is lowercase words joined by hyphens and equals the file name without `.md`.
- The body after the header must not be empty.

We parse this ourselves rather than depend on PyYAML: four flat string fields do not need YAML,
and YAML's surprises (`no` becoming False, `:` in values) would trip up non-developer editors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from portal.pathway import Audience, Stage

AUDIENCES = ("young_people", "families", "professionals", "everyone")

# The stage code names of the case tracker (`portal.pathway.Stage`). Each has one pathway page
# per audience in PATHWAY_AUDIENCES.
PATHWAY_STAGES = tuple(stage.value for stage in Stage)
PATHWAY_AUDIENCES = ("families", "young_people", "professionals")
# Which pathway pages each reader's audience (`portal.pathway.Audience`) reads.
PAGES_FOR_AUDIENCE: dict[str, str] = {
    Audience.YOUNG_PERSON: "young_people",
    Audience.PARENT: "families",
    Audience.SCHOOL: "professionals",
    Audience.PROFESSIONAL: "professionals",
    Audience.CASE_OFFICER: "professionals",
}

HEADER_KEYS = ("slug", "title", "summary", "audience")
HEADER_FENCE = "---"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class ContentFormatError(ValueError):
    """A content file does not follow the format; the message names the file and line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = Path(path)
        self.line = line


@dataclass(frozen=True)
class ContentFile:
    """One content page read from a file."""

    slug: str
    title: str
    summary: str
    audience: str
    body: str


def pathway_slug(stage: str, audience: str) -> str:
    """Return the slug of the page explaining `stage` to `audience`.

    `audience` is a content audience (`families`, `young_people`, `professionals`) or a reader's
    `portal.pathway.Audience` (`parent`, `young_person`, `school`, ...).
    `pathway_slug("not_assessing", "young_person")` → `"pathway-not-assessing-young-people"`.
    """
    stage, audience = str(stage), str(audience)
    audience = PAGES_FOR_AUDIENCE.get(audience, audience)
    if stage not in PATHWAY_STAGES:
        raise ValueError(f"Unknown pathway stage: {stage!r}")
    if audience not in PATHWAY_AUDIENCES:
        raise ValueError(f"No pathway pages for audience: {audience!r}")
    return f"pathway-{stage}-{audience}".replace("_", "-")


def parse_content(text: str, path: Path | str = "<text>") -> ContentFile:
    """Parse the text of a content file; raise ContentFormatError saying what is wrong and where."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != HEADER_FENCE:
        raise ContentFormatError(path, f"the file must start with a line '{HEADER_FENCE}'", 1)

    fields: dict[str, str] = {}
    end = None
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if stripped == HEADER_FENCE:
            end = number
            break
        if not stripped:
            continue
        key, colon, value = stripped.partition(":")
        key = key.strip()
        if not colon:
            raise ContentFormatError(path, f"expected 'key: value', found {stripped!r}", number)
        if key not in HEADER_KEYS:
            expected = ", ".join(HEADER_KEYS)
            raise ContentFormatError(path, f"unknown key {key!r} (expected {expected})", number)
        if key in fields:
            raise ContentFormatError(path, f"the key {key!r} appears twice", number)
        if not value.strip():
            raise ContentFormatError(path, f"the key {key!r} has no value", number)
        fields[key] = value.strip()
    if end is None:
        raise ContentFormatError(path, f"the header has no closing '{HEADER_FENCE}' line")

    missing = [key for key in HEADER_KEYS if key not in fields]
    if missing:
        raise ContentFormatError(path, f"the header is missing: {', '.join(missing)}")
    if fields["audience"] not in AUDIENCES:
        raise ContentFormatError(
            path, f"audience must be one of {', '.join(AUDIENCES)}, not {fields['audience']!r}"
        )
    if not _SLUG.fullmatch(fields["slug"]):
        raise ContentFormatError(
            path, f"slug must be lowercase words joined by hyphens, not {fields['slug']!r}"
        )

    body = "\n".join(lines[end:]).strip()
    if not body:
        raise ContentFormatError(path, "the page has no text after the header")
    return ContentFile(body=body + "\n", **fields)


def load_content_file(path: Path | str) -> ContentFile:
    """Read and parse one content file; its slug must match its file name."""
    path = Path(path)
    page = parse_content(path.read_text(encoding="utf-8"), path)
    if page.slug != path.stem:
        raise ContentFormatError(path, f"slug {page.slug!r} does not match the file name")
    return page


def iter_content_files(folder: Path | str) -> Iterator[ContentFile]:
    """Yield every `*.md` page in `folder`, in file-name order."""
    for path in sorted(Path(folder).glob("*.md")):
        yield load_content_file(path)


def default_content_folder() -> Path:
    """Return the repository's `content/` folder (next to the `portal` package)."""
    return Path(__file__).resolve().parents[2] / "content"
