"""Small example files of every kind, built in code so no binary fixtures live in the repository.

Each builder returns the bytes of a real, well-formed file (the images decode, the PDF opens), so
"valid files are accepted" tests prove something. Other test modules (the upload views) reuse them.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from collections.abc import Sequence

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCM_CONTENT_TYPES = DOCX_CONTENT_TYPES.replace(
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "vnd.ms-word.document.macroEnabled.main+xml",
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_body(text: str = "Advice from the school") -> str:
    """The main part of a one-paragraph Word document."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )


ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def zip_bytes(
    entries: list[tuple[str, bytes | str]], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A ZIP archive with the given (name, content) entries, in order. Duplicates are allowed."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names; some tests want them
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, content in entries:
                info = zipfile.ZipInfo(name, date_time=(2026, 11, 24, 9, 0, 0))
                info.compress_type = compression
                archive.writestr(info, content)
    return buffer.getvalue()


def docx(
    extra: Sequence[tuple[str, bytes | str]] = (),
    *,
    body: str | None = None,
    content_types: str = DOCX_CONTENT_TYPES,
) -> bytes:
    """A minimal Word document, with optional extra parts."""
    return zip_bytes(
        [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", body if body is not None else docx_body()),
            *extra,
        ]
    )


def xlsx() -> bytes:
    """A minimal Excel workbook (what Word embeds to hold a chart's numbers)."""
    return zip_bytes(
        [
            ("[Content_Types].xml", DOCX_CONTENT_TYPES.replace("word/document", "xl/workbook")),
            ("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/x/main"/>'),
        ]
    )


def odt(
    extra: Sequence[tuple[str, bytes | str]] = (),
    *,
    mimetype: str = ODT_MIMETYPE,
) -> bytes:
    """A minimal OpenDocument text file: `mimetype` first and uncompressed, as the standard says."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        "<office:body><office:text><text:p>Views of the family</text:p></office:text>"
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    stored = zip_bytes([("mimetype", mimetype)], compression=zipfile.ZIP_STORED)
    # Append the deflated parts to the archive whose first entry is the stored mimetype.
    buffer = io.BytesIO(stored)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("META-INF/manifest.xml", manifest), ("content.xml", content), *extra]:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 24, 9, 0, 0)), data)
    return buffer.getvalue()


def pdf(text: str = "Educational psychology advice") -> bytes:
    """A one-page PDF with a line of text and a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def _png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + chunk_type
        + data
        + struct.pack(">I", zlib.crc32(chunk_type + data))
    )


def png(width: int = 4, height: int = 3, extra_chunks: Sequence[tuple[bytes, bytes]] = ()) -> bytes:
    """An RGB PNG of a solid colour, with optional extra chunks before the image data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x1d\x70\xb8" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + b"".join(_png_chunk(kind, data) for kind, data in extra_chunks)
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """A baseline 8x8 grey JPEG.

    Mid grey (128) makes every coefficient zero after the level shift, so two one-symbol Huffman
    tables (code "0") suffice: the image data is the bits "00" (DC unchanged, end of block).
    """

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    one_symbol_table = bytes([1] + [0] * 15) + b"\x00"
    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xDB, b"\x00" + bytes([1] * 64))
        + segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_symbol_table)
        + segment(0xC4, b"\x10" + one_symbol_table)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # 00 then padding ones
        + b"\xff\xd9"
    )


def rtf(text: str = "Parent carer views") -> bytes:
    """A small RTF document."""
    return b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs24 %s\\par\n}" % text.encode(
        "ascii"
    )


def text(
    body: str = "Notes from the review meeting.\nZoë said she likes art. £5 lunch.\n",
) -> bytes:
    """A UTF-8 text file (with non-ASCII letters, as families' notes have)."""
    return body.encode("utf-8")


def eicar() -> bytes:
    """The EICAR anti-virus test string: harmless, but every scanner is meant to flag it.

    Built from two halves so this source file is not itself detected as EICAR.
    """
    return b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def valid_files() -> dict[str, tuple[str, bytes]]:
    """One valid file of each accepted kind: kind name -> (file name, bytes)."""
    return {
        "pdf": ("Educational psychology advice.pdf", pdf()),
        "docx": ("School advice.docx", docx()),
        "odt": ("Family views.odt", odt()),
        "rtf": ("Parent views.rtf", rtf()),
        "text": ("Meeting notes.txt", text()),
        "jpeg": ("Photo of letter.jpg", jpeg()),
        "png": ("Chart.png", png()),
    }
