"""The descriptor statements a banding is proposed from, read from the published descriptor pages.

The descriptors are content pages (`content/bands-*.md`, edited and published by the funding
officers like any content page). Each has a `## Band N` section per band whose paragraphs open
with a bold label ("What the need looks like.", "Typical help.", "Proof we expect.") followed by
short sentences. Each sentence is one statement a proposer can tick. Only the published version
is read, so an editor's unpublished changes never reach a proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from portal.content.pages import published_page
from portal.funding.case_section import DESCRIPTOR_SLUGS
from portal.funding.money import BANDS

_BAND_HEADING = re.compile(r"^band\s+([1-6])$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Statement:
    key: str  # "3-2": band 3, its third statement (stable while the page is unchanged)
    part: str  # "Typical help"
    text: str


@dataclass
class BandDescriptor:
    band: int
    parts: dict[str, list[Statement]] = field(default_factory=dict)  # part → statements

    @property
    def statements(self) -> list[Statement]:
        return [s for items in self.parts.values() for s in items]

    def part_text(self, part_prefix: str) -> str:
        """A part's sentences as one paragraph ("Typical help" → "Short, clear steps. ...")."""
        for part, items in self.parts.items():
            if part.casefold().startswith(part_prefix.casefold()):
                return " ".join(s.text for s in items)
        return ""


class _BandReader(HTMLParser):
    """Collects, per `## Band N`, each paragraph's bold label and the words after it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.band: int | None = None
        self.in_h2 = False
        self.h2: list[str] = []
        self.in_p = False
        self.in_strong = False
        self.label: list[str] = []
        self.rest: list[str] = []
        self.paragraphs: dict[int, list[tuple[str, str]]] = {}

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "h2":
            self.in_h2, self.h2 = True, []
        elif tag == "p" and self.band is not None:
            self.in_p, self.label, self.rest = True, [], []
        elif tag == "strong" and self.in_p and not self.rest:
            self.in_strong = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self.in_h2:
            self.in_h2 = False
            match = _BAND_HEADING.match(_words("".join(self.h2)))
            self.band = int(match.group(1)) if match else None
        elif tag == "strong":
            self.in_strong = False
        elif tag == "p" and self.in_p and self.band is not None:
            self.in_p = False
            label = _words("".join(self.label)).rstrip(".:")
            rest = _words("".join(self.rest))
            if rest:
                self.paragraphs.setdefault(self.band, []).append((label, rest))

    def handle_data(self, data: str) -> None:
        if self.in_h2:
            self.h2.append(data)
        elif self.in_strong:
            self.label.append(data)
        elif self.in_p:
            self.rest.append(data)


def _words(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def parse(html: str) -> dict[int, BandDescriptor]:
    """The bands described in a descriptor page's HTML, by band number."""
    reader = _BandReader()
    reader.feed(str(html))
    reader.close()
    bands: dict[int, BandDescriptor] = {}
    for band, paragraphs in reader.paragraphs.items():
        descriptor = bands.setdefault(band, BandDescriptor(band))
        number = 0
        for label, text in paragraphs:
            part = label or "What it says"
            for sentence in _SENTENCE_END.split(text):
                if sentence.strip():
                    descriptor.parts.setdefault(part, []).append(
                        Statement(f"{band}-{number}", part, sentence.strip())
                    )
                    number += 1
    return {band: bands.get(band, BandDescriptor(band)) for band in BANDS}


def for_area(area_of_need: str) -> dict[int, BandDescriptor]:
    """The published descriptor of an area of need, band by band (one query). Bands with no
    published words have no statements (the proposer then writes their own)."""
    page = published_page(DESCRIPTOR_SLUGS[area_of_need])
    if page is None:
        return {band: BandDescriptor(band) for band in BANDS}
    return parse(page.html)
