"""Decide what an uploaded file really is, from its content, against a short allow-list.

We accept PDF, Word (.docx), OpenDocument text (.odt), RTF, plain text (UTF-8), JPEG and PNG. The
name a file arrives with proves nothing, so we read its bytes: a file is accepted only when its
content is one of those kinds, its name ends in an extension of that kind, and it passes the safety
checks below. Every refusal says why, in plain English, because the person uploading needs to know
what to do next.

Safety rules, beyond "is it one of the kinds":

- Nothing executable (Windows, Linux or Mac programs, Java, scripts starting with ``#!``), no web
  pages (HTML), no SVG images (both can carry scripts).
- Polyglots (one file that is two kinds at once, used to slip past checks like these): web page
  code in the first or last kilobyte of any file, or anywhere in a text file; a PDF header hidden
  in the first kilobyte of a non-PDF (PDF readers look there); a ZIP archive hidden at the end of a
  non-ZIP file (ZIP tools read from the end); a PDF that does not end with its end-of-file marker;
  extra data after the end of a PNG image.
- Word and OpenDocument files are ZIP archives, so they are checked as such: no "zip bombs" (too
  much unpacked data overall, or a part that unpacks to over 100 times its packed size), not too
  many parts, no part names that point outside the document (``../``, ``/``, ``C:``), no
  duplicate names, no password-locked parts, no macros, no programs inside, and no archive hidden
  inside except the spreadsheet Word embeds for a chart (checked the same way, one level deep).
- RTF files may not embed objects (the usual way RTF attacks deliver a program).

JPEGs may carry data after their end marker (some phones store a short video there); a hidden ZIP
or web page code there is still refused by the polyglot rules. We do not look inside PDFs for
JavaScript: council forms use it for harmless field formatting, and the virus scanner and the
download headers (attachment, nosniff, sandbox) are the defence there.

Everything here is pure Python (no libmagic) and reads the file in chunks.
"""

from __future__ import annotations

import codecs
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from portal.documents.filenames import clean_display_name, file_extension

MB = 1024 * 1024
HEAD_SIZE = 8 * 1024  # how much we read to recognise a file
EDGE_SIZE = 1024  # the first/last kilobyte where polyglot tricks live
CHUNK_SIZE = 64 * 1024

ALLOWED_SENTENCE = "You can upload PDF, Word, OpenDocument, RTF, text, JPEG or PNG files."


@dataclass(frozen=True)
class FileKind:
    """One kind of file we accept."""

    name: str  # what we record, e.g. "pdf"
    label: str  # how we name it in a sentence, e.g. "a PDF"
    mime_type: str  # what we send on download
    extensions: tuple[str, ...]  # the first is the usual one


PDF = FileKind("pdf", "a PDF", "application/pdf", ("pdf",))
DOCX = FileKind(
    "docx",
    "a Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
ODT = FileKind(
    "odt", "an OpenDocument text file", "application/vnd.oasis.opendocument.text", ("odt",)
)
RTF = FileKind("rtf", "a Rich Text Format (RTF) file", "application/rtf", ("rtf",))
TEXT = FileKind("text", "a plain text file", "text/plain; charset=utf-8", ("txt",))
JPEG = FileKind("jpeg", "a JPEG image", "image/jpeg", ("jpg", "jpeg"))
PNG = FileKind("png", "a PNG image", "image/png", ("png",))

KINDS: dict[str, FileKind] = {kind.name: kind for kind in (PDF, DOCX, ODT, RTF, TEXT, JPEG, PNG)}
KIND_BY_EXTENSION: dict[str, FileKind] = {
    extension: kind for kind in KINDS.values() for extension in kind.extensions
}
# For the file input's `accept` attribute: a hint to the browser's file picker, not a check.
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in KIND_BY_EXTENSION)


@dataclass(frozen=True)
class ZipLimits:
    """Limits for ZIP-based documents (Word, OpenDocument)."""

    max_total_size: int = 100 * MB  # all parts unpacked together
    max_ratio: int = 100  # unpacked size / packed size of one part...
    ratio_applies_from: int = 1 * MB  # ...once it unpacks to this much (small XML packs well)
    # All parts together (embedded spreadsheets included) may unpack to this many times the
    # size of the whole file, once past `total_ratio_applies_from`. Real Word and OpenDocument
    # files unpack to 2 to 10 times their size; a bomb spread over many small parts, each under
    # `ratio_applies_from`, is caught here, before anything is decompressed.
    max_total_ratio: int = 20
    total_ratio_applies_from: int = 10 * MB
    max_entries: int = 5000


DEFAULT_ZIP_LIMITS = ZipLimits()


class RejectedFile(Exception):
    """The upload is refused; `message` says why in words the person uploading understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: its kind's name, the type to send on download, and its extension."""

    kind: str
    mime_type: str
    extension: str


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of a file say it is.

    `kind` is set for the kinds we accept; `description` always names what was seen, e.g.
    "a Windows program". `is_zip` means "a ZIP archive: look inside to know more".
    """

    kind: FileKind | None
    description: str
    is_zip: bool = False


class _NotAllowed(Exception):
    """The content is a kind of file we do not accept."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class _Unsafe(Exception):
    """The content is an accepted kind, but something about it is unsafe or broken."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


UNKNOWN = "a kind of file we do not accept"
DAMAGED = "it looks damaged"
HIDDEN_ZIP = "it has a ZIP archive hidden inside it"
NESTED_ARCHIVE = "it has another compressed file packed inside it"
MACROS = "it contains macros (small programs that run inside the document)"
PROGRAM_INSIDE = "it has a program packed inside it"

# --- Recognising content -------------------------------------------------------------------

_PROGRAMS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a Mac program"),
    (b"\xfe\xed\xfa\xcf", "a Mac program"),
    (b"\xce\xfa\xed\xfe", "a Mac program"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"\xca\xfe\xba\xbe", "a Mac or Java program"),
    (b"\x00asm", "a program for web browsers (WebAssembly)"),
    (b"#!", "a script (a kind of program)"),
)
_OTHER_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Microsoft Office file (such as .doc)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a compressed archive"),
    (b"Rar!\x1a\x07", "a compressed archive"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed archive"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a bitmap (BMP) image"),
    (b"%!PS", "a PostScript file"),
)
_ARCHIVES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


def _program(head: bytes, *, scripts: bool = True) -> str | None:
    """Name the kind of program `head` starts, or None. Needs the first 64 bytes at least."""
    for magic, description in _PROGRAMS:
        if not head.startswith(magic) or (magic == b"#!" and not scripts):
            continue
        # A real Windows program header has zero bytes in it; text starting "MZ" does not.
        if magic != b"MZ" or b"\x00" in head[2:64]:
            return description
    return None


# Tags a browser would treat as a web page, and processing instructions for server scripts.
# Each must be followed by a space, "/" or ">" so words like "<header" in a text do not count.
_MARKUP_SOURCE = (
    r"<(?:!doctype\s+html|html|head|body|script|iframe|frame|frameset|object|embed|applet|svg"
    r"|math|style|link|meta|base|form|img|\?php)(?=[\s/>])"
)
_MARKUP_BYTES = re.compile(_MARKUP_SOURCE.encode(), re.IGNORECASE)
_MARKUP_TEXT = re.compile(_MARKUP_SOURCE, re.IGNORECASE)
_SVG_BYTES = re.compile(rb"<svg(?=[\s/>])", re.IGNORECASE)
_PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
# Control characters that do not belong in text (tab, line breaks and form feed do).
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_RTF_OBJECT = re.compile(rb"\\obj[a-z]", re.IGNORECASE)


def _describe_text(head: bytes) -> Sniffed:
    """Classify content that did not start with a known binary signature."""
    if b"\x00" in head:
        return Sniffed(None, UNKNOWN)
    try:
        # Not final: the head may end half-way through a multi-byte character.
        text = codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        printable = sum(32 <= byte < 127 or byte in b"\t\r\n" for byte in head)
        if printable >= 0.9 * len(head):
            return Sniffed(None, "text that is not saved in the UTF-8 format")
        return Sniffed(None, UNKNOWN)
    if _SVG_BYTES.search(head):
        return Sniffed(None, "an SVG image")
    if _MARKUP_BYTES.search(head):
        return Sniffed(None, "a web page (HTML)")
    if _TEXT_CONTROLS.search(text.removeprefix("\ufeff")):
        return Sniffed(None, UNKNOWN)
    return Sniffed(TEXT, TEXT.label)


def sniff(head: bytes) -> Sniffed:
    """Recognise a file from its first bytes (pass at least the first 8 KB, or all of it).

    This only looks at the beginning; `check_upload` adds the checks that need the whole file.
    """
    program = _program(head)
    if program:
        return Sniffed(None, program)
    if head.startswith(b"%PDF-"):
        return Sniffed(PDF, PDF.label)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(PNG, PNG.label)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(JPEG, JPEG.label)
    if head.startswith(b"{\\rtf"):
        return Sniffed(RTF, RTF.label)
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(None, "a ZIP archive", is_zip=True)
    for magic, description in _OTHER_BINARY:
        # A bitmap header has four zero bytes after its size; text starting "BM" does not.
        if head.startswith(magic) and (magic != b"BM" or head[6:10] == b"\x00" * 4):
            return Sniffed(None, description)
    if head[4:8] == b"ftyp":
        if head[8:12] in {b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"}:
            return Sniffed(None, HEIC_DESCRIPTION)
        return Sniffed(None, "a video or audio file")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Sniffed(None, "a WebP image")
    if b"%PDF-" in head[:EDGE_SIZE] and not _MARKUP_BYTES.search(head):
        # PDF readers accept a header anywhere in the first kilobyte; what comes before it is
        # smuggled in. Call it a PDF so the PDF checks can say exactly that.
        return Sniffed(PDF, PDF.label)
    return _describe_text(head)


# --- Reading helpers ---------------------------------------------------------------------


def _chunks(f: IO[bytes], start: int = 0) -> Iterator[bytes]:
    f.seek(start)
    while chunk := f.read(CHUNK_SIZE):
        yield chunk


def _search(f: IO[bytes], pattern: re.Pattern[bytes], start: int = 0, overlap: int = 64) -> bool:
    """Search the whole file for `pattern`, chunk by chunk, without missing matches at edges."""
    carry = b""
    for chunk in _chunks(f, start):
        data = carry + chunk
        if pattern.search(data):
            return True
        carry = data[-overlap:]
    return False


def _edges(f: IO[bytes], head: bytes, size: int) -> tuple[bytes, bytes]:
    f.seek(max(0, size - EDGE_SIZE))
    return head[:EDGE_SIZE], f.read(EDGE_SIZE)


# --- ZIP structure -----------------------------------------------------------------------

_END_RECORD = struct.Struct("<4s4H2LH")  # ZIP "end of central directory" record


@dataclass(frozen=True)
class _ZipEnd:
    position: int
    entries: int
    directory_size: int
    directory_offset: int
    comment_length: int


def _find_zip_end(f: IO[bytes], size: int) -> _ZipEnd | None:
    """Find a ZIP end record the way unzip tools do: searching back from the end of the file.

    Only a record whose central directory really starts where it says counts, so random bytes
    in a photo are not mistaken for a hidden archive.
    """
    window = min(size, 0xFFFF + _END_RECORD.size)
    f.seek(size - window)
    tail = f.read(window)
    position = tail.rfind(b"PK\x05\x06")
    while position >= 0:
        if position + _END_RECORD.size <= len(tail):
            _, _, _, _, entries, directory_size, directory_offset, comment_length = (
                _END_RECORD.unpack_from(tail, position)
            )
            absolute = size - window + position
            directory_start = absolute - directory_size
            if entries and directory_start >= 0:
                f.seek(directory_start)
                if f.read(4) == b"PK\x01\x02":
                    return _ZipEnd(
                        absolute, entries, directory_size, directory_offset, comment_length
                    )
        position = tail.rfind(b"PK\x05\x06", 0, position)
    return None


def _check_zip_layout(f: IO[bytes], size: int, limits: ZipLimits) -> None:
    """Refuse archives with data hidden before, between or after the ZIP's own records."""
    end = _find_zip_end(f, size)
    if end is None:
        raise _Unsafe(DAMAGED)
    if end.entries == 0xFFFF or end.directory_offset == 0xFFFFFFFF:
        raise _Unsafe(DAMAGED)  # ZIP64 layout: no word processor needs it for files this size
    if end.position + _END_RECORD.size + end.comment_length != size:
        raise _Unsafe("it has extra data added at the end")
    if end.directory_offset + end.directory_size != end.position:
        raise _Unsafe("it has extra data hidden inside it")
    # zipfile reads the whole directory by its size, whatever count it claims, so bound both
    # before opening it (300 bytes a part allows names of over 200 characters).
    if end.entries > limits.max_entries or end.directory_size > 300 * limits.max_entries:
        raise _Unsafe(f"it has more than {limits.max_entries:,} parts")


def _safe_member_name(name: str) -> bool:
    parts = name.split("/")
    return not (
        name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or re.match(r"[A-Za-z]:", name)
        or ".." in parts
    )


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Read a small part (such as `mimetype`) but never more than `limit` bytes of it."""
    with archive.open(name) as member:
        return member.read(limit)


_ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": None,
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation",
    "application/vnd.oasis.opendocument.graphics": "an OpenDocument drawing",
    "application/vnd.oasis.opendocument.text-template": "an OpenDocument template",
}


def _identify_zip(archive: zipfile.ZipFile) -> FileKind:
    """Tell a Word or OpenDocument text file from other ZIP-based files."""
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if infos and infos[0].filename == "mimetype":
        mimetype = _read_member(archive, "mimetype", 200).decode("ascii", "replace").strip()
        if mimetype in _ODF_TYPES:
            description = _ODF_TYPES[mimetype]
            if description:
                raise _NotAllowed(description)
            if "content.xml" not in names:
                raise _Unsafe(DAMAGED)
            return ODT
        if mimetype.startswith("application/vnd.oasis.opendocument"):
            raise _NotAllowed("an OpenDocument file of another kind")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            raise _NotAllowed("an Excel spreadsheet")
        if "ppt/presentation.xml" in names:
            raise _NotAllowed("a PowerPoint presentation")
        raise _NotAllowed("a Microsoft Office file of another kind")
    if "classes.dex" in names or "AndroidManifest.xml" in names:
        raise _NotAllowed("an Android app")
    if "META-INF/MANIFEST.MF" in names or any(name.endswith(".class") for name in names):
        raise _NotAllowed("a Java program")
    raise _NotAllowed("a ZIP archive")


def _open_zip(f: IO[bytes]) -> zipfile.ZipFile:
    f.seek(0)
    try:
        return zipfile.ZipFile(f)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _Unsafe(DAMAGED) from error


def _has_macros(archive: zipfile.ZipFile, kind: FileKind) -> bool:
    names = archive.namelist()
    if kind is DOCX:
        content_types = _read_member(archive, "[Content_Types].xml", 1 * MB)
        return (
            b"macroenabled" in content_types.lower()
            or any(name.lower().endswith("vbaproject.bin") for name in names)
            or any(name.startswith("word/activeX/") for name in names)
        )
    return any(name.startswith(("Basic/", "Scripts/")) for name in names)


class _Budget:
    """How many unpacked bytes a document may still use, shared with archives inside it."""

    def __init__(self, limits: ZipLimits, packed_size: int) -> None:
        self.limits = limits
        by_ratio = max(limits.max_total_ratio * packed_size, limits.total_ratio_applies_from)
        self.allowed = min(limits.max_total_size, by_ratio)
        self.remaining = self.allowed

    def spend(self, amount: int) -> None:
        """Count a part's declared size; refuse as soon as the total is over the allowance.

        Called for every part from the archive's directory before any part is unpacked, so a
        bomb costs only the reading of its directory. zipfile never unpacks more than a part's
        declared size, so a part cannot lie its way past this.
        """
        self.remaining -= amount
        if self.remaining < 0:
            if self.allowed < self.limits.max_total_size:
                raise _Unsafe(
                    f"it would unpack to more than {self.limits.max_total_ratio} times its "
                    "size, a trick used to overload computers (a “zip bomb”)"
                )
            raise _Unsafe(
                f"it would unpack to more than {self.limits.max_total_size // MB} MB, "
                "a trick used to overload computers"
            )


def _check_zip_members(archive: zipfile.ZipFile, budget: _Budget, embedded_ok: bool) -> None:
    """Check every part of an archive: names, sizes, ratio, locks, and what each part holds."""
    limits = budget.limits
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _Unsafe(f"it has more than {limits.max_entries:,} parts")
    seen: set[str] = set()
    for info in infos:
        if not _safe_member_name(info.filename):
            raise _Unsafe("it has a part whose name points outside the document")
        if info.filename in seen:
            raise _Unsafe("it has two parts with the same name, a trick used in attacks")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise _Unsafe("part of it is locked with a password, so it cannot be checked")
        if info.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
            raise _Unsafe(DAMAGED)
        if info.file_size >= limits.ratio_applies_from and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _Unsafe(
                f"part of it unpacks to over {limits.max_ratio} times its size, "
                "a trick used to overload computers (a “zip bomb”)"
            )
        budget.spend(info.file_size)
    for info in infos:
        if not info.is_dir():
            _check_member_content(archive, info, budget, embedded_ok)


def _check_member_content(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, embedded_ok: bool
) -> None:
    """Unpack one part in chunks (so lying sizes and damage show up) and look at what it is."""
    with archive.open(info) as member:
        first = member.read(64)
        if _program(first, scripts=False):  # "#!" could start an innocent text part
            raise _Unsafe(PROGRAM_INSIDE)
        if not first.startswith(_ARCHIVES):
            while member.read(CHUNK_SIZE):
                pass  # reading to the end makes zipfile check the size and checksum
            return
        # Word keeps the data of a chart as a small spreadsheet (itself a ZIP) in
        # word/embeddings/. Allow exactly that, one level deep, checked like the document.
        if not (embedded_ok and info.filename.startswith("word/embeddings/")):
            raise _Unsafe(NESTED_ARCHIVE)
        if not first.startswith(b"PK\x03\x04"):
            raise _Unsafe(NESTED_ARCHIVE)
        with tempfile.SpooledTemporaryFile(max_size=1 * MB) as inner:
            inner.write(first)
            while chunk := member.read(CHUNK_SIZE):
                inner.write(chunk)
            inner_size = inner.tell()
            _check_zip_layout(inner, inner_size, budget.limits)
            with _open_zip(inner) as inner_archive:
                # Its parts count towards the same budget (on top of the archive's own size:
                # counting twice errs on the safe side).
                _check_zip_members(inner_archive, budget, embedded_ok=False)


def _check_zip_document(f: IO[bytes], size: int, kind: FileKind, limits: ZipLimits) -> None:
    with _open_zip(f) as archive:
        budget = _Budget(limits, size)
        # Every part's declared size first, from the directory: a bomb is refused before
        # anything (the macro check included) is unpacked.
        for info in archive.infolist():
            budget.spend(info.file_size)
        budget.remaining = budget.allowed
        if _has_macros(archive, kind):
            raise _Unsafe(MACROS)
        _check_zip_members(archive, budget, embedded_ok=kind is DOCX)


# --- Checks for the other kinds --------------------------------------------------------------


def _check_pdf(f: IO[bytes], head: bytes, size: int) -> None:
    if not head.startswith(b"%PDF-"):
        raise _Unsafe("something is added before the start of the PDF, a trick used in attacks")
    if not _PDF_HEADER.match(head):
        raise _Unsafe(DAMAGED)
    f.seek(max(0, size - EDGE_SIZE))
    if b"%%EOF" not in f.read(EDGE_SIZE):
        # PDF readers look for this marker in the last kilobyte; anything beyond is smuggled.
        raise _Unsafe("it looks damaged or has something added at the end")


def _check_png(f: IO[bytes], size: int) -> None:
    """Walk the PNG's chunks to its end marker; refuse damage and data after the end."""
    position = 8
    first = True
    for _ in range(100_000):
        f.seek(position)
        header = f.read(8)
        if len(header) < 8:
            raise _Unsafe(DAMAGED)
        length, chunk_type = struct.unpack(">I4s", header)
        if length > 0x7FFFFFFF or not chunk_type.isalpha() or (first and chunk_type != b"IHDR"):
            raise _Unsafe(DAMAGED)
        first = False
        position += 12 + length
        if position > size:
            raise _Unsafe(DAMAGED)
        if chunk_type == b"IEND":
            if position != size:
                raise _Unsafe("it has extra data hidden after the end of the image")
            return
    raise _Unsafe(DAMAGED)


def _check_jpeg(f: IO[bytes], size: int) -> None:
    """Walk the JPEG's header segments to the image data, then require an end marker."""
    position = 2
    seen_frame = False
    while True:
        f.seek(position)
        marker = f.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            raise _Unsafe(DAMAGED)
        code = marker[1]
        if code == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if 0xD0 <= code <= 0xD9 or code in {0x01, 0x00}:
            raise _Unsafe(DAMAGED)  # no image data before the end, or a stray marker
        length_bytes = f.read(2)
        if len(length_bytes) < 2:
            raise _Unsafe(DAMAGED)
        (length,) = struct.unpack(">H", length_bytes)
        if length < 2 or position + 2 + length > size:
            raise _Unsafe(DAMAGED)
        if code in {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}:
            seen_frame = True
        position += 2 + length
        if code == 0xDA:  # start of scan: image data follows
            break
    if not seen_frame:
        raise _Unsafe(DAMAGED)
    # In image data 0xFF is always escaped, so FF D9 is the real end marker.
    if not _search(f, re.compile(rb"\xff\xd9"), start=position, overlap=1):
        raise _Unsafe("it looks damaged: the image has no end")


def _check_rtf(f: IO[bytes]) -> None:
    if _search(f, _RTF_OBJECT):
        raise _Unsafe("it has an embedded object, which can hide a program")


def _check_text(f: IO[bytes]) -> None:
    """The whole file must be UTF-8 text with no stray control characters and no web page code."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    carry = ""
    first = True
    try:
        for chunk in _chunks(f):
            text = decoder.decode(chunk)
            if first:
                text = text.removeprefix("\ufeff")
                first = False
            if _TEXT_CONTROLS.search(text):
                raise _Unsafe("part of it is not plain text")
            if _MARKUP_TEXT.search(carry + text):
                raise _Unsafe("it contains web page code (HTML)")
            carry = (carry + text)[-64:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise _Unsafe("part of it is not plain text") from error


def _check_polyglot(f: IO[bytes], head: bytes, size: int, kind: FileKind) -> None:
    """Rules for every kind: refuse files that are also a web page, a PDF or a ZIP archive."""
    first, last = _edges(f, head, size)
    if _MARKUP_BYTES.search(first) or _MARKUP_BYTES.search(last):
        raise _Unsafe("it also contains web page code (HTML), a trick used in attacks")
    if kind is not PDF and b"%PDF-" in first:
        raise _Unsafe("it also contains the start of a PDF, a trick used in attacks")
    if kind not in {DOCX, ODT} and _find_zip_end(f, size) is not None:
        raise _Unsafe(HIDDEN_ZIP)


# --- The check an upload goes through --------------------------------------------------------


def _identify(f: IO[bytes], head: bytes, size: int, limits: ZipLimits) -> FileKind:
    sniffed = sniff(head)
    if sniffed.is_zip:
        _check_zip_layout(f, size, limits)
        with _open_zip(f) as archive:
            return _identify_zip(archive)
    if sniffed.kind is None:
        raise _NotAllowed(sniffed.description)
    return sniffed.kind


def _check_kind(f: IO[bytes], head: bytes, size: int, kind: FileKind, limits: ZipLimits) -> None:
    _check_polyglot(f, head, size, kind)
    if kind is PDF:
        _check_pdf(f, head, size)
    elif kind is PNG:
        _check_png(f, size)
    elif kind is JPEG:
        _check_jpeg(f, size)
    elif kind is RTF:
        _check_rtf(f)
    elif kind is TEXT:
        _check_text(f)
    else:
        _check_zip_document(f, size, kind, limits)


HEIC_DESCRIPTION = "a HEIC photo (the iPhone camera format)"
#: How to turn an iPhone photo into one we accept, said with the refusal.
HEIC_FIX = "Add a screenshot of the photo instead."


def _not_allowed_message(name: str, extension: str, description: str) -> str:
    expected = KIND_BY_EXTENSION.get(extension)
    fix = f" {HEIC_FIX}" if description == HEIC_DESCRIPTION else ""
    if expected:
        return (
            f"The file '{name}' is not {expected.label}: its content is {description}. "
            f"{ALLOWED_SENTENCE}{fix}"
        )
    return f"The file '{name}' is {description}. {ALLOWED_SENTENCE}{fix}"


def _mismatch_message(name: str, extension: str, kind: FileKind) -> str:
    usual = kind.extensions[0]
    expected = KIND_BY_EXTENSION.get(extension)
    if expected:
        return (
            f"The file '{name}' is not {expected.label}: its content is {kind.label}. "
            f"Rename it to end in .{usual}, or choose another file."
        )
    return (
        f"The file '{name}' is {kind.label}, but its name does not end in .{usual}. "
        f"Rename it to end in .{usual}, or choose another file."
    )


def check_upload(
    path: Path | str, original_filename: str | None, *, zip_limits: ZipLimits = DEFAULT_ZIP_LIMITS
) -> CheckedFile:
    """Decide whether the file at `path`, uploaded as `original_filename`, may be accepted.

    Returns the detected kind, the MIME type to send it with, and its (lower-case) extension.
    Raises RejectedFile with a plain-English message naming the file and saying why when the file
    is empty, is not an accepted kind, does not match its name's extension, or fails a safety
    check (see the module docstring). The file itself is left alone: deleting a refused upload is
    the caller's job.
    """
    name = clean_display_name(original_filename)
    extension = file_extension(name)
    with Path(path).open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            raise RejectedFile(f"The file '{name}' is empty.")
        head = f.read(HEAD_SIZE)
        try:
            kind = _identify(f, head, size, zip_limits)
            if extension not in kind.extensions:
                raise RejectedFile(_mismatch_message(name, extension, kind))
            _check_kind(f, head, size, kind, zip_limits)
        except _NotAllowed as refusal:
            raise RejectedFile(_not_allowed_message(name, extension, refusal.description)) from None
        except _Unsafe as refusal:
            raise RejectedFile(f"The file '{name}' cannot be accepted: {refusal.reason}.") from None
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error):
            # zipfile's ways of saying a part is damaged, oddly compressed or encrypted.
            raise RejectedFile(f"The file '{name}' cannot be accepted: {DAMAGED}.") from None
    return CheckedFile(kind=kind.name, mime_type=kind.mime_type, extension=extension)
