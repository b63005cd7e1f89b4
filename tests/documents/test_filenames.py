"""Safe display names and download headers for uploaded files."""

from __future__ import annotations

import unicodedata

import pytest
from werkzeug.http import parse_options_header

from portal.documents.filenames import (
    MAX_NAME_LENGTH,
    clean_display_name,
    content_disposition,
    file_extension,
)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        pytest.param("../../etc/passwd", "passwd", id="dot-dot-slash"),
        pytest.param("..\\..\\Windows\\System32\\evil.pdf", "evil.pdf", id="backslashes"),
        pytest.param("C:\\Users\\Zoë\\Desktop\\EP report.pdf", "EP report.pdf", id="windows-path"),
        pytest.param("/var/www/static/x.png", "x.png", id="absolute-path"),
        pytest.param("..", "document", id="only-dots"),
        pytest.param("../", "document", id="dots-and-slash"),
        pytest.param("", "document", id="empty"),
        pytest.param(None, "document", id="missing"),
        pytest.param("   \t ", "document", id="only-whitespace"),
        pytest.param(".htaccess", "htaccess", id="hidden-file"),
        pytest.param("report.pdf.", "report.pdf", id="trailing-dot"),
        pytest.param("report\x00.pdf\r\n", "report.pdf", id="nul-and-newline"),
        pytest.param("a\x07b\x1bc\x7f.txt", "abc.txt", id="control-characters"),
        pytest.param("Year\t6\nreport.pdf", "Year 6 report.pdf", id="tabs-and-newlines-to-spaces"),
        pytest.param("  lots   of\u00a0 space  .pdf", "lots of space .pdf", id="collapse-spaces"),
        pytest.param("invoice\u202efdp.exe", "invoicefdp.exe", id="right-to-left-override"),
        pytest.param(
            "\u2066report\u2069\u200b\u200f.pdf", "report.pdf", id="bidi-isolates-zero-width"
        ),
        pytest.param("line\u2028break.pdf", "line break.pdf", id="unicode-line-separator"),
        pytest.param("Zoe\u0301 plan.pdf", "Zoé plan.pdf", id="composed-accents"),
        pytest.param("تقرير المدرسة.pdf", "تقرير المدرسة.pdf", id="arabic-kept"),
        pytest.param("学校报告.docx", "学校报告.docx", id="chinese-kept"),
    ],
)
def test_clean_display_name(raw: str | None, cleaned: str) -> None:
    """Folders, hidden characters and tricks are removed; real letters in any script are kept."""
    assert clean_display_name(raw) == cleaned


def test_very_long_name_is_shortened_keeping_extension() -> None:
    """A 300-character name is cut to 200 characters and still ends in its extension."""
    cleaned = clean_display_name("a" * 300 + ".pdf")
    assert len(cleaned) == MAX_NAME_LENGTH
    assert cleaned.endswith("aaa.pdf")


def test_very_long_name_without_extension_is_shortened() -> None:
    """A long name with no extension is simply cut to the limit."""
    assert clean_display_name("b" * 1000) == "b" * MAX_NAME_LENGTH


def test_long_name_with_long_fake_extension_is_cut_plainly() -> None:
    """Only a short, real-looking extension is protected when shortening."""
    cleaned = clean_display_name("c" * 250 + "." + "d" * 50)
    assert len(cleaned) == MAX_NAME_LENGTH


def test_cleaned_names_never_contain_invisible_or_path_characters() -> None:
    """Whatever goes in, the result has no slashes, controls or format characters."""
    nasty = "".join(chr(code) for code in range(0x20)) + "/\\\u202e\u2066\ufeff\u200d" + "x.pdf"
    cleaned = clean_display_name(nasty)
    assert cleaned == "x.pdf"
    for char in cleaned:
        assert unicodedata.category(char)[0] != "C"


@pytest.mark.parametrize(
    ("name", "extension"),
    [("report.PDF", "pdf"), ("photo.jpeg", "jpeg"), ("notes", ""), ("archive.tar.gz", "gz")],
)
def test_file_extension(name: str, extension: str) -> None:
    """The extension is the last dotted part, lower-cased."""
    assert file_extension(name) == extension


def _parsed_filename(header: str) -> str | None:
    """The name a browser saves under: RFC 6266 says `filename*` wins over `filename`."""
    disposition, options = parse_options_header(header)
    assert disposition == "attachment"
    return options.get("filename")


@pytest.mark.parametrize(
    ("name", "ascii_fallback"),
    [
        ("EP report.pdf", "EP report.pdf"),
        ("Zoë's plan.pdf", "Zoe's plan.pdf"),
        ("تقرير.pdf", "document.pdf"),
        ('say "hi"; x=1.txt', "say _hi__ x_1.txt"),
        ("100% done\\..\\x.pdf", "x.pdf"),
    ],
)
def test_content_disposition_has_ascii_fallback_and_utf8_name(
    name: str, ascii_fallback: str
) -> None:
    """Downloads are attachments; old clients get an ASCII name, browsers the full UTF-8 one."""
    header = content_disposition(name)
    assert header.startswith("attachment; ")
    assert f'filename="{ascii_fallback}"' in header
    assert header.isascii()
    assert "\r" not in header and "\n" not in header
    assert _parsed_filename(header) == clean_display_name(name)


def test_content_disposition_non_ascii_name_survives() -> None:
    """A name in another script comes back exactly after encoding (RFC 5987)."""
    header = content_disposition("Лист дитини.docx")
    assert "filename*=UTF-8''%D0%9B" in header
    assert _parsed_filename(header) == "Лист дитини.docx"


def test_content_disposition_cleans_dangerous_names() -> None:
    """The download name has no path and no right-to-left trick."""
    header = content_disposition("../../invoice\u202efdp.exe")
    assert _parsed_filename(header) == "invoicefdp.exe"
    assert "%E2%80%AE" not in header


def test_content_disposition_refuses_unknown_disposition() -> None:
    """Only attachment and inline make sense."""
    with pytest.raises(ValueError):
        content_disposition("x.pdf", "form-data")
