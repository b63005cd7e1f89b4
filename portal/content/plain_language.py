"""Plain-language check for content pages: reading age, long sentences and jargon.

`check_text(markdown_text, audience)` returns a `PlainLanguageReport` that the editor shows beside
the preview, and that the tests use to hold every shipped family and young people's page to its
target.

Why our own code and not a library: the maintained option, `textstat` (0.7.13), depends on `nltk`
and `pyphen` (and `setuptools` at run time); `nltk` is large and wants its CMU pronouncing
dictionary downloaded from the internet at run time, which our servers cannot reach (tried on this
machine: `textstat.flesch_kincaid_grade` raises LookupError for `cmudict`; nltk and pyphen also add
about 20 MB). The formulas
are two lines each; the only hard part is counting syllables, and a rule-based counter with a short
list of exceptions is what such libraries fall back on anyway. Readability scores are rough guides,
so a heuristic that is right for most words is good enough. It is tested on known words below.

What is measured (after Markdown syntax is removed):

- Sentences: paragraph text is split at `.`, `!` and `?`. Each list item and each table cell is a
  sentence of its own, even without a full stop. Headings and table header cells are left out of
  the scores (they are short labels, and counting them would flatter the page) but are still
  checked for jargon. Code blocks, images and link addresses are ignored; link text is kept.
- Flesch reading ease = 206.835 - 1.015 * (words per sentence) - 84.6 * (syllables per word).
- Flesch-Kincaid grade = 0.39 * (words per sentence) + 11.8 * (syllables per word) - 15.59.
- UK reading age = Flesch-Kincaid grade + 5 (a US grade starts the year a child turns 6), shown as
  at least 5.
- Long sentences: more than 25 words, or more than 15 on young people's pages.
- Jargon: words from `GLOSSARY`, each with a plain alternative. Acronyms (all capitals, or mixed
  case like "PfA") match only as written; ordinary words match in any case. A plural "s" is allowed.

The fair rule for jargon: a term is flagged unless its first use on the page is explained in
brackets — either the explanation follows within three words ("SENCO (the teacher who …)",
"EHC plan (education, health and care plan)") or the term itself is the bracketed short form
("special educational needs coordinator (SENCO)", "the UK General Data Protection Regulation
(UK GDPR)"). Once explained, later uses are fine.

Targets per audience (`TARGETS`). Families: reading age 10 at most (Flesch-Kincaid grade ≤ 5) and
reading ease at least 70 — the upper end of the "about 9 to 10" asked for. Young people: simpler,
reading age 9 at most (grade ≤ 4) and reading ease at least 80. Pages for everyone: reading age 11
at most, ease at least 60, since families read them too. Professionals: reading age 13 at most,
ease at least 50. For all but professionals, a page meets its target only with no long sentences and
no unexplained jargon; professionals know the acronyms, so jargon is listed for them but does not
fail the page (long sentences still do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

# ---------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True)
class Target:
    """What a page for one audience must reach."""

    max_reading_age: float
    min_reading_ease: float
    sentence_limit: int
    jargon_fails: bool


TARGETS = {
    "young_people": Target(max_reading_age=9.0, min_reading_ease=80.0, sentence_limit=15,
                           jargon_fails=True),
    "families": Target(max_reading_age=10.0, min_reading_ease=70.0, sentence_limit=25,
                       jargon_fails=True),
    "everyone": Target(max_reading_age=11.0, min_reading_ease=60.0, sentence_limit=25,
                       jargon_fails=True),
    "professionals": Target(max_reading_age=13.0, min_reading_ease=50.0, sentence_limit=25,
                            jargon_fails=False),
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Glossary: term → plain alternative. Acronyms are matched case-sensitively.

GLOSSARY: dict[str, str] = {
    "EHC": "education, health and care",
    "EHCP": "EHC plan (education, health and care plan)",
    "EHCNA": "an assessment of your child's needs",
    "SEN": "special educational needs",
    "SEN support": "extra help at school without an EHC plan",
    "SEND": "special educational needs and disabilities",
    "SENCO": "the teacher who organises extra help at school",
    "SENDCO": "the teacher who organises extra help at school",
    "LA": "the council",
    "EP": "educational psychologist (a specialist in how children learn)",
    "SEMH": "social, emotional and mental health",
    "CAMHS": "children and young people's mental health service",
    "SALT": "speech and language therapy",
    "SLT": "speech and language therapy",
    "OT": "occupational therapist",
    "SENDIASS": "the free local advice service for families",
    "IASS": "the free local advice service for families",
    "SENDIST": "the tribunal that hears appeals",
    "IPSEA": "a national charity that gives free legal advice",
    "PfA": "preparing for adulthood",
    "CoP": "the government's guidance (the SEND Code of Practice)",
    "GDPR": "data protection law",
    "ICO": "the Information Commissioner's Office, which checks data protection",
    "WCAG": "the rules for making websites easy for everyone to use",
    "provision": "help, support",
    "statutory": "required by law",
    "annual review": "yearly meeting to check the plan",
    "local authority": "the council",
    "cease": "end",
    "ceased": "ended",
    "ceasing": "ending",
    "cessation": "ending",
    "amend": "change",
    "amended": "changed",
    "amendment": "change",
    "tribunal": "the court that hears appeals about EHC plans",
    "mediation": "a meeting with an independent person to help you and the council agree",
    "outcome": "goal, what we hope will happen",
    "aspirations": "hopes",
    "phase transfer": "moving to a new stage of school",
    "placement": "school or college",
    "multi-agency": "from several services",
    "holistic": "about the whole child",
    "co-production": "working together as equals",
    "co-produce": "work out together",
    "co-produced": "worked out together",
    "facilitate": "help",
    "utilise": "use",
    "commence": "start",
    "prior to": "before",
    "in accordance with": "under",
    "pursuant to": "under",
    "in relation to": "about",
    "with regard to": "about",
    "notwithstanding": "even though",
    "thereafter": "after that",
    "data controller": "the organisation in charge of your information",
    "special category data": "extra-sensitive information, such as health",
}

# ---------------------------------------------------------------------------------------------
# Report


@dataclass(frozen=True)
class LongSentence:
    """A sentence over the limit for the page's audience."""

    text: str
    words: int


@dataclass(frozen=True)
class GlossaryHit:
    """A glossary term found on the page."""

    term: str
    plain: str
    count: int
    explained: bool


@dataclass(frozen=True)
class PlainLanguageReport:
    """The result of `check_text`; everything the editor shows beside the preview."""

    audience: str
    target: Target
    sentences: int
    words: int
    syllables: int
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    reading_age: float
    long_sentences: tuple[LongSentence, ...]
    glossary_words: tuple[GlossaryHit, ...]

    @property
    def sentence_limit(self) -> int:
        """Most words a sentence may have on this page."""
        return self.target.sentence_limit

    @property
    def unexplained_terms(self) -> tuple[GlossaryHit, ...]:
        """Glossary terms used without an explanation in brackets the first time."""
        return tuple(hit for hit in self.glossary_words if not hit.explained)

    @property
    def problems(self) -> list[str]:
        """Plain sentences saying why the page misses its target (empty when it meets it)."""
        found = []
        if self.reading_age > self.target.max_reading_age:
            found.append(
                f"Reading age is {self.reading_age:g}; aim for "
                f"{self.target.max_reading_age:g} or under."
            )
        if self.flesch_reading_ease < self.target.min_reading_ease:
            found.append(
                f"Reading ease is {self.flesch_reading_ease:g}; aim for "
                f"{self.target.min_reading_ease:g} or more."
            )
        for sentence in self.long_sentences:
            found.append(f"Sentence has {sentence.words} words: {sentence.text}")
        if self.target.jargon_fails:
            for hit in self.unexplained_terms:
                found.append(f"Explain or replace {hit.term!r} (try: {hit.plain}).")
        return found

    @property
    def meets_target(self) -> bool:
        """True if the page reads at or below its audience's target with no flagged problems."""
        return not self.problems


# ---------------------------------------------------------------------------------------------
# Markdown to sentences

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")
_BLOCKQUOTE = re.compile(r"^\s{0,3}(>\s?)+")

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)?[^>\s]+[@:][^>\s]*>")
_BARE_URL = re.compile(r"https?://\S+")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_EMPHASIS = re.compile(r"\*+|`+|~~|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")

# Split after . ! ? (and any closing quote or bracket) followed by a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u2019\u201d)\]]*\s+")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "vs.")


@dataclass(frozen=True)
class TextUnit:
    """A piece of the page after Markdown is removed: a sentence or a heading."""

    text: str
    is_heading: bool = False


def clean_inline(text: str) -> str:
    """Remove inline Markdown (links keep their words; images and addresses go)."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _AUTOLINK.sub("", text)
    text = _BARE_URL.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = unescape(text)
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split a paragraph of plain text into sentences, keeping common abbreviations whole."""
    pieces = [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and sentences[-1].endswith(_ABBREVIATIONS):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def markdown_to_units(markdown_text: str) -> list[TextUnit]:
    """Turn Markdown into headings and sentences, in page order.

    A paragraph is split into sentences; a list item or table cell is a sentence (or several).
    """
    units: list[TextUnit] = []
    paragraph: list[str] = []

    def flush() -> None:
        text = clean_inline(" ".join(paragraph))
        paragraph.clear()
        units.extend(TextUnit(sentence) for sentence in split_sentences(text))

    in_fence = False
    row_start = 0
    for raw_line in markdown_text.splitlines():
        if _FENCE.match(raw_line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence or _REFERENCE_DEFINITION.match(raw_line):
            continue
        line = _BLOCKQUOTE.sub("", raw_line)
        if not line.strip():
            flush()
        elif heading := _ATX_HEADING.match(line):
            flush()
            units.append(TextUnit(clean_inline(heading.group(1)), is_heading=True))
        elif paragraph and _SETEXT_UNDERLINE.match(line):
            text = clean_inline(" ".join(paragraph))
            paragraph.clear()
            units.append(TextUnit(text, is_heading=True))
        elif _RULE.match(line):
            flush()
        elif line.lstrip().startswith("|"):
            flush()
            if _TABLE_SEPARATOR.match(line):
                # The row above was the header row: its cells are labels, like headings.
                units[row_start:] = [TextUnit(u.text, is_heading=True) for u in units[row_start:]]
            else:
                row_start = len(units)
                for cell in line.strip().strip("|").split("|"):
                    paragraph.append(cell)
                    flush()
        elif item := _LIST_ITEM.match(line):
            flush()
            paragraph.append(item.group(1))
        else:
            paragraph.append(line.strip())
    flush()
    return [unit for unit in units if unit.text]


# ---------------------------------------------------------------------------------------------
# Words and syllables

_PART = r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*"  # a word, with any apostrophe ("child's")
_WORD = re.compile(
    r"\d+(?:[.,:/]\d+)*(?:st|nd|rd|th|am|pm)?"  # numbers, dates, times
    rf"|{_PART}(?:-{_PART})*"  # words; hyphenated words count once
)

# Where the rules below get a common word wrong.
_SYLLABLE_EXCEPTIONS = {
    "area": 3, "areas": 3, "idea": 3, "ideas": 3, "really": 2, "real": 2,
    "create": 2, "creates": 2, "created": 3, "creating": 3,
    "business": 2, "element": 3, "elements": 3, "quiet": 2, "science": 2,
    "client": 2, "clients": 2, "experience": 4, "coordinator": 5, "coordinators": 5,
    "someone": 2, "something": 2, "sometimes": 2, "somewhere": 2, "sometime": 2,
    "everything": 3, "therefore": 2, "maybe": 2, "diet": 2, "poem": 2, "being": 2,
    "people": 2, "whereas": 2, "anyone": 3, "everyone": 3, "lion": 2, "million": 2,
    "opinion": 3, "union": 2, "theatre": 3, "recipe": 3, "fuel": 2,
}  # fmt: skip

# Acronyms said as a word, not letter by letter.
_SPOKEN_ACRONYMS = {
    "SENCO": 2, "SENDCO": 2, "SEND": 1, "SENDIASS": 3, "IASS": 2, "CAMHS": 1, "SALT": 1,
    "SEMH": 4, "IPSEA": 3, "WCAG": 2, "SENDIST": 2, "SOS": 3, "NHS": 3,
}  # fmt: skip

_VOWELS = "aeiou"
# Suffixes counted on their own, so the silent "e" of the stem is handled ("statement").
_SUFFIXES = (("ments", 1), ("ment", 1), ("ness", 1), ("fully", 2), ("ful", 1), ("less", 1),
             ("ly", 1))  # fmt: skip
# Vowel pairs that are usually two syllables, unless after the letters given.
_SPLIT_PAIRS = {"ia": "ctsg", "io": "ctsxgln", "ua": "qg", "iu": ""}


def _is_vowel(word: str, index: int) -> bool:
    letter = word[index]
    if letter in _VOWELS:
        return True
    if letter != "y" or index == 0:
        return False
    # "y" between two vowels is a consonant ("player", "beyond").
    before_vowel = word[index - 1] in _VOWELS
    after_vowel = index + 1 < len(word) and word[index + 1] in _VOWELS
    return not (before_vowel and after_vowel)


def _count_word(word: str) -> int:
    """Syllables of one lowercase word made of letters only."""
    if word in _SYLLABLE_EXCEPTIONS:
        return _SYLLABLE_EXCEPTIONS[word]
    for suffix, syllables in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3:
            return _count_word(stem) + syllables
    if len(word) <= 3:
        return 1

    groups: list[tuple[int, str]] = []
    index = 0
    while index < len(word):
        if _is_vowel(word, index):
            start = index
            while index < len(word) and _is_vowel(word, index):
                index += 1
            groups.append((start, word[start:index]))
        else:
            index += 1
    count = len(groups)

    for start, group in groups:
        for offset in range(len(group) - 1):
            pair = group[offset : offset + 2]
            position = start + offset
            before = word[position - 1] if position > 0 else ""
            if pair in _SPLIT_PAIRS and before not in _SPLIT_PAIRS[pair]:
                count += 1

    def own_vowel(position: int) -> bool:
        # The letter at `position` (counted from the end) has no vowel just before it.
        return not _is_vowel(word, len(word) + position - 1)

    def consonant_l_ending(stem_end: int) -> bool:
        # "table", "tables", "handled": consonant + "le" keeps its syllable (but not "called").
        return word[stem_end] == "l" and word[stem_end - 1] not in _VOWELS + "l"

    if word.endswith("e") and own_vowel(-1) and not consonant_l_ending(-2):
        count -= 1  # silent final e: "make", "place"
    elif (
        word.endswith("es")
        and own_vowel(-2)
        and word[-3] not in "sxzcg"
        and not word.endswith(("shes", "ches"))
        and not consonant_l_ending(-3)
    ):
        count -= 1  # "dates", "lives" (but "places", "wishes", "tables" keep it)
    elif (
        word.endswith("ed")
        and own_vowel(-2)
        and word[-3] not in "td"
        and not (consonant_l_ending(-3))
    ):
        count -= 1  # "asked", "named" (but "wanted", "needed" keep it)
    if word.endswith("ing") and (
        word[-4] in _VOWELS or (word[-4] == "y" and len(word) > 4 and word[-5] not in _VOWELS)
    ):
        count += 1  # "being", "going", "trying": the vowel and "ing" were merged above
    return max(count, 1)


def count_syllables(token: str) -> int:
    """Estimate the syllables in one word as written on a page (numbers and acronyms too).

    Acronyms in capitals are spelt out letter by letter ("EHC" is 3) unless they are said as a
    word ("SENCO" is 2). A number counts 1 syllable per digit, up to 3.
    """
    if token[:1].isdigit():
        return min(len(re.sub(r"\D", "", token)), 3)
    letters = re.sub(r"[^A-Za-z-]", "", token)
    if len(letters) >= 2 and letters.isupper():
        return _SPOKEN_ACRONYMS.get(letters, len(letters))
    parts = [part for part in letters.lower().split("-") if part]
    return sum(_count_word(part) for part in parts) or 1


def words_in(text: str) -> list[str]:
    """Return the words of a piece of plain text (hyphenated words count once)."""
    return _WORD.findall(text)


# ---------------------------------------------------------------------------------------------
# Glossary matching

_EXPLAINED_AFTER = re.compile(r"[ \t]*(?:[A-Za-z\u2019'-]+[ \t]+){0,3}\(")


def _term_pattern(term: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(part) for part in term.split())
    is_acronym = any(letter.isupper() for letter in term)
    flags = 0 if is_acronym else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z0-9]){words}s?(?![A-Za-z0-9])", flags)


_GLOSSARY_PATTERNS = {term: _term_pattern(term) for term in GLOSSARY}


def _is_short_form(text: str, match: re.Match[str]) -> bool:
    """True if the term closes a bracket opened at most two words before it: "... (UK GDPR)"."""
    if text[match.end() : match.end() + 1] != ")":
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    opening = text.rfind("(", line_start, match.start())
    between = text[opening + 1 : match.start()]
    return opening >= 0 and ")" not in between and len(between.split()) <= 2


# Names of organisations that contain a glossary term but are not jargon themselves.
PROPER_NAMES = ("SOS!SEN",)


def find_glossary_terms(units: list[TextUnit]) -> list[GlossaryHit]:
    """Find glossary terms in page order; note whether the first use is explained in brackets."""
    text = "\n".join(unit.text for unit in units)
    for name in PROPER_NAMES:
        text = text.replace(name, "#" * len(name))
    hits = []
    for term, pattern in _GLOSSARY_PATTERNS.items():
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        first = matches[0]
        explained = _is_short_form(text, first) or _EXPLAINED_AFTER.match(text, first.end())
        hits.append(GlossaryHit(term, GLOSSARY[term], len(matches), bool(explained)))
    return sorted(hits, key=lambda hit: hit.term.lower())


# ---------------------------------------------------------------------------------------------
# The check


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    """Flesch reading ease: higher is easier (90-100 very easy, 60-70 plain English)."""
    if not words or not sentences:
        return 100.0
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """Flesch-Kincaid grade: the US school grade that can read the text."""
    if not words or not sentences:
        return 0.0
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def check_text(markdown_text: str, audience: str) -> PlainLanguageReport:
    """Check Markdown text against the plain-language target for `audience`."""
    if audience not in TARGETS:
        raise ValueError(f"Unknown audience {audience!r}: use one of {', '.join(TARGETS)}")
    target = TARGETS[audience]
    units = markdown_to_units(markdown_text)
    sentence_words = [(unit.text, words_in(unit.text)) for unit in units if not unit.is_heading]
    sentence_words = [(text, words) for text, words in sentence_words if words]

    sentence_count = len(sentence_words)
    word_count = sum(len(words) for _, words in sentence_words)
    syllable_count = sum(count_syllables(word) for _, words in sentence_words for word in words)
    grade = flesch_kincaid_grade(word_count, sentence_count, syllable_count)
    return PlainLanguageReport(
        audience=audience,
        target=target,
        sentences=sentence_count,
        words=word_count,
        syllables=syllable_count,
        flesch_reading_ease=round(
            flesch_reading_ease(word_count, sentence_count, syllable_count), 1
        ),
        flesch_kincaid_grade=round(grade, 1),
        reading_age=round(max(grade + 5, 5.0), 1),
        long_sentences=tuple(
            LongSentence(text, len(words))
            for text, words in sentence_words
            if len(words) > target.sentence_limit
        ),
        glossary_words=tuple(find_glossary_terms(units)),
    )
