"""A readable comparison of two versions of a text, for editors: what was added and removed.

Lines are compared first; where a run of lines was changed, the words in it are compared, so a
one-word edit shows as one word crossed out and one word added rather than a whole paragraph
twice. The result is HTML with `<del>` and `<ins>` around the changes. Every piece of the
editors' text is escaped: a diff of `<script>` shows the characters, never a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

# Words, runs of spaces, and single punctuation marks: joining the tokens gives back the text.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Diff:
    """The comparison of two texts: HTML for the page and counts for a summary line."""

    html: Markup
    added_words: int
    removed_words: int

    @property
    def changed(self) -> bool:
        return bool(self.added_words or self.removed_words)


def _words(tokens: list[str]) -> int:
    return sum(1 for token in tokens if not token.isspace() and token)


def _wrap(tag: str, text: str) -> Markup:
    if not text:
        return Markup("")
    return Markup(f"<{tag}>") + escape(text) + Markup(f"</{tag}>")  # noqa: S704 (escaped)


class _Builder:
    def __init__(self) -> None:
        self.parts: list[Markup] = []
        self.added = 0
        self.removed = 0

    def same(self, text: str) -> None:
        self.parts.append(escape(text))

    def removed_text(self, text: str) -> None:
        self.parts.append(_wrap("del", text))
        self.removed += _words(_TOKEN.findall(text))

    def added_text(self, text: str) -> None:
        self.parts.append(_wrap("ins", text))
        self.added += _words(_TOKEN.findall(text))

    def words(self, old: str, new: str) -> None:
        """Compare two changed pieces of text word by word."""
        old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
        matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                self.same("".join(old_tokens[i1:i2]))
                continue
            if op in ("delete", "replace"):
                self.removed_text("".join(old_tokens[i1:i2]))
            if op in ("insert", "replace"):
                self.added_text("".join(new_tokens[j1:j2]))


def diff_text(old: str, new: str) -> Diff:
    """Compare `old` with `new`: lines first, then words within changed lines."""
    # Lines keep their line breaks, so a removed line takes its break with it; they are matched
    # without them, so a last line with no break still matches the same line with one.
    old_lines = old.replace("\r\n", "\n").splitlines(keepends=True)
    new_lines = new.replace("\r\n", "\n").splitlines(keepends=True)
    out = _Builder()
    matcher = SequenceMatcher(
        None,
        [line.rstrip("\n") for line in old_lines],
        [line.rstrip("\n") for line in new_lines],
        autojunk=False,
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_block = "".join(old_lines[i1:i2])
        new_block = "".join(new_lines[j1:j2])
        if op == "equal":
            out.same(new_block)
        elif op == "delete":
            out.removed_text(old_block)
        elif op == "insert":
            out.added_text(new_block)
        else:
            out.words(old_block, new_block)
    return Diff(Markup("").join(out.parts), out.added, out.removed)
