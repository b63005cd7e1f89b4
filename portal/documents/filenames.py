"""Safe names for uploaded files: what we show on pages and what we send with a download.

The name a person's computer gave a file is only ever a label. It never becomes a path on disk
(storage uses generated keys), but it is shown on pages and offered back on download, so it must not
carry folders, invisible characters, or tricks such as a right-to-left override that makes
``invoice\u202efdp.exe`` look like ``invoiceexe.pdf``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME_LENGTH = 200
FALLBACK_NAME = "document"

# An extension we keep when shortening: short and made of letters and digits, like "pdf" or "jpeg".
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")
_WHITESPACE = re.compile(r"\s+")
# Characters that must not reach the quoted ASCII `filename="..."` of a Content-Disposition header.
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 ._()\-+!#$&'@\[\]^`{}~]")
# Line and paragraph separators are not "control" characters to Unicode, but they break lines.
_LINE_BREAKS = {"\u2028", "\u2029", "\x85"}


def _drop_invisible(text: str) -> str:
    """Remove control, format (bidi overrides, zero-width), surrogate and unassigned characters."""
    kept = []
    for char in text:
        if char in _LINE_BREAKS:
            kept.append(" ")
        elif unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            kept.append(char)
        elif char in "\t\n\r\v\f":
            kept.append(" ")  # whitespace controls separate words; the rest simply vanish
    return "".join(kept)


def file_extension(name: str) -> str:
    """Return the lower-case extension of `name` without the dot ("" when it has none)."""
    match = _EXTENSION.search(name)
    return match.group(1).lower() if match else ""


def _shorten(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    match = _EXTENSION.search(name)
    suffix = match.group(0) if match else ""
    stem = name[: len(name) - len(suffix)]
    return stem[: limit - len(suffix)].rstrip(" .") + suffix


def clean_display_name(name: str | None, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """Return a file name that is safe to show and to offer back on download.

    Keeps only the last path part (``/`` and ``\\`` both count, so ``..\\..\\x.pdf`` is ``x.pdf``),
    removes control and invisible characters (including bidi overrides such as U+202E), collapses
    whitespace, strips leading and trailing dots and spaces (no hidden ``.htaccess`` names, no
    Windows-style ``x.pdf.`` endings), and shortens to `max_length` characters while keeping the
    extension. An empty result becomes "document".
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _drop_invisible(text)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _WHITESPACE.sub(" ", text).strip(" .")
    text = _shorten(text, max_length)
    return text or FALLBACK_NAME


def _ascii_fallback(name: str) -> str:
    """An ASCII-only version of a cleaned name for old clients: accents dropped, others replaced."""
    decomposed = unicodedata.normalize("NFKD", name)
    # Accents come apart from their letters and are dropped; characters with no ASCII form
    # (Chinese, Arabic, emoji) become "_" rather than vanishing.
    ascii_only = "".join(
        c if c.isascii() else "_" for c in decomposed if not unicodedata.combining(c)
    )
    ascii_only = _UNSAFE_ASCII.sub("_", ascii_only)
    ascii_only = _WHITESPACE.sub(" ", ascii_only).strip(" .")
    extension = file_extension(name)
    stem = ascii_only.removesuffix(f".{extension}") if extension else ascii_only
    if not stem.strip(" ._"):
        return f"{FALLBACK_NAME}.{extension}" if extension else FALLBACK_NAME
    return ascii_only


def content_disposition(name: str | None, disposition: str = "attachment") -> str:
    """Build a Content-Disposition header value that makes the browser save the file as `name`.

    The name is cleaned first. Old clients read the ASCII ``filename="..."``; current browsers read
    the RFC 6266 / RFC 5987 ``filename*=UTF-8''...`` form, so names such as "Zoë's report.pdf" or
    "تقرير.pdf" survive the download.
    """
    if disposition not in {"attachment", "inline"}:
        raise ValueError(f"Unknown disposition {disposition!r}")
    cleaned = clean_display_name(name)
    fallback = _ascii_fallback(cleaned)
    encoded = quote(cleaned, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
