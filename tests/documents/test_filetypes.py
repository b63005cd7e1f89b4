"""File type detection: genuine files pass, and ordinary content is not mistaken for attacks.

The refusals themselves are in test_attack_corpus.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal.documents.filetypes import (
    ACCEPT_ATTRIBUTE,
    KINDS,
    CheckedFile,
    RejectedFile,
    ZipLimits,
    check_upload,
    sniff,
)
from tests.documents import samples

MB = 1024 * 1024


@pytest.fixture
def upload(tmp_path: Path):
    """Write bytes to a temporary file and check them as an upload with the given name."""

    def check(name: str, data: bytes, **options) -> CheckedFile:
        path = tmp_path / "upload"
        path.write_bytes(data)
        return check_upload(path, name, **options)

    return check


@pytest.mark.parametrize("kind", list(samples.valid_files()))
def test_valid_file_of_each_kind_is_accepted(upload, kind: str) -> None:
    """A genuine file of every accepted kind passes, with its kind and download type."""
    name, data = samples.valid_files()[kind]
    checked = upload(name, data)
    assert checked.kind == kind
    assert checked.mime_type == KINDS[kind].mime_type
    assert checked.extension == KINDS[kind].extensions[0]


@pytest.mark.parametrize(
    ("name", "extension"), [("PHOTO.JPG", "jpg"), ("photo.jpeg", "jpeg"), ("Photo.JpEg", "jpeg")]
)
def test_jpeg_extensions_in_any_case_are_accepted(upload, name: str, extension: str) -> None:
    """Both JPEG extensions, in upper or lower case, are fine; the extension is reported lower."""
    assert upload(name, samples.jpeg()).extension == extension


def test_check_leaves_the_file_in_place(tmp_path: Path) -> None:
    """Checking never deletes or changes the file; that is the caller's decision."""
    path = tmp_path / "upload"
    path.write_bytes(samples.pdf())
    with pytest.raises(RejectedFile):
        check_upload(path, "x.docx")
    assert path.read_bytes() == samples.pdf()


def test_word_document_with_a_chart_is_accepted(upload) -> None:
    """Word keeps a chart's numbers as a small spreadsheet inside the document: that is allowed."""
    data = samples.docx([("word/embeddings/Microsoft_Excel_Worksheet.xlsx", samples.xlsx())])
    assert upload("Progress chart.docx", data).kind == "docx"


def test_embedded_chart_counts_towards_the_unpacked_limit(upload) -> None:
    """A bomb hidden in the embedded spreadsheet is caught by the same limits as the document."""
    inner = samples.zip_bytes([("xl/workbook.xml", "<w/>"), ("xl/big.xml", " " * (5 * MB))])
    data = samples.docx([("word/embeddings/Microsoft_Excel_Worksheet.xlsx", inner)])
    with pytest.raises(RejectedFile, match="zip bomb"):
        upload("advice.docx", data)


def test_word_document_with_photos_is_accepted(upload) -> None:
    """Photos inside a Word document (already compressed, so they barely shrink) are fine."""
    data = samples.docx([("word/media/image1.jpeg", samples.jpeg() + os.urandom(2 * MB))])
    assert upload("advice.docx", data).kind == "docx"


def test_small_parts_that_pack_very_well_are_accepted(upload) -> None:
    """Repetitive XML under 1 MB (such as an empty table) may pack more than 100 to 1."""
    body = samples.docx_body() + "<w:tbl/>" * 100_000  # 800 KB of repeats
    assert upload("advice.docx", samples.docx(body=body)).kind == "docx"


def test_total_unpacked_size_is_limited(upload) -> None:
    """The unpacked size of all parts together is capped (a lower cap here to keep it quick)."""
    data = samples.docx([("word/media/photo.bin", os.urandom(2 * MB))])
    with pytest.raises(RejectedFile, match="would unpack to more than 1 MB"):
        upload("advice.docx", data, zip_limits=ZipLimits(max_total_size=1 * MB))
    assert upload("advice.docx", data).kind == "docx"  # under the default 100 MB


def test_jpeg_with_data_after_its_end_is_accepted(upload) -> None:
    """Phones store extra data (such as a short video) after the image; that alone is fine."""
    assert upload("photo.jpg", samples.jpeg() + b"\x00\x00ftypmp42" + os.urandom(5000)).kind


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("Is 3 < 5? Yes. Is <header> a tag? Only <b>sometimes</b>.\n", id="angles"),
        pytest.param("\ufeffNotes saved by Windows Notepad.\r\n", id="bom-and-crlf"),
        pytest.param("Zoë • “quotes” — dashes • 😀 emoji • 日本語\n", id="unicode"),
        pytest.param("Page 1\fPage 2\n\tIndented\n", id="form-feed-and-tabs"),
        pytest.param("MZ is my initials? No: M. Z. Smith.\n", id="starts-like-a-program"),
        pytest.param("BMX club on Tuesdays.\n", id="starts-like-a-bitmap"),
        pytest.param("a" * 10_000 + "é" + "b" * 70_000, id="multibyte-across-chunks"),
    ],
)
def test_ordinary_text_is_accepted(upload, body: str) -> None:
    """Everyday text, including angle brackets and any language, is not mistaken for HTML."""
    assert upload("notes.txt", body.encode("utf-8")).kind == "text"


def test_invalid_utf8_late_in_a_text_file_is_refused(upload) -> None:
    """The whole text file is checked, not only its beginning."""
    data = b"fine text\n" * 10_000 + b"\xff\xfe broken"
    with pytest.raises(RejectedFile, match="part of it is not plain text"):
        upload("notes.txt", data)


def test_pdf_mentioning_html_deep_inside_is_accepted(upload) -> None:
    """Web page words deep inside a PDF's body are not a polyglot (only the edges matter)."""
    middle = b"% " + b"padding " * 300 + b"\n% <html> appears in the middle\n" + b"% x\n" * 300
    data = samples.pdf().replace(b"1 0 obj", middle + b"1 0 obj", 1)
    assert upload("advice.pdf", data).kind == "pdf"


@pytest.mark.parametrize(
    ("head", "description"),
    [
        (b"MZ\x90\x00\x03", "a Windows program"),
        (b"\x7fELF\x02", "a Linux program"),
        (b"#!/usr/bin/env python\n", "a script (a kind of program)"),
        (b"GIF89a", "a GIF image"),
        (b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00", "a bitmap (BMP) image"),
        (b"<svg xmlns='x'>", "an SVG image"),
        (b"  <!DOCTYPE HTML>", "a web page (HTML)"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"%PDF-1.7\n", "a PDF"),
        (b"hello", "a plain text file"),
    ],
)
def test_sniff_names_what_it_sees(head: bytes, description: str) -> None:
    """Recognition from the first bytes names the kind in words used in messages."""
    assert sniff(head).description == description


def test_accept_attribute_lists_allowed_extensions() -> None:
    """The file picker hint lists exactly the allowed extensions."""
    assert ACCEPT_ATTRIBUTE == ".pdf,.docx,.odt,.rtf,.txt,.jpg,.jpeg,.png"


def test_message_for_an_unknown_extension_lists_what_is_allowed(upload) -> None:
    """A refusal tells the family which kinds they can upload."""
    with pytest.raises(RejectedFile) as refused:
        upload("page.html", b"<html><body>Hi</body></html>")
    assert refused.value.message == (
        "The file 'page.html' is a web page (HTML). "
        "You can upload PDF, Word, OpenDocument, RTF, text, JPEG or PNG files."
    )
