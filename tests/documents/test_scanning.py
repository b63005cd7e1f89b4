"""Virus scanning against a real clamd (see conftest.py), and the answers when it is not there."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.documents.scanning import (
    ClamdScanner,
    NoScanner,
    ScannerUnavailable,
    ScanStatus,
    parse_reply,
    scanner_from_config,
)
from portal.documents.storage import CHUNK_SIZE
from tests.documents import samples
from tests.documents.conftest import EICAR_SIGNATURE_NAME


@pytest.fixture
def scanner(clamd_socket: str) -> ClamdScanner:
    return ClamdScanner(clamd_socket, timeout=10)


def test_eicar_is_found(scanner: ClamdScanner) -> None:
    """The EICAR test file is reported as infected, with the signature's name."""
    result = scanner.scan(io.BytesIO(samples.eicar()))
    assert result.status is ScanStatus.INFECTED
    assert result.infected and not result.clean
    assert result.signature is not None
    assert result.signature.startswith(EICAR_SIGNATURE_NAME)


def test_clean_text_is_clean(scanner: ClamdScanner) -> None:
    """An ordinary text file comes back clean."""
    result = scanner.scan(io.BytesIO(samples.text()))
    assert result.status is ScanStatus.CLEAN
    assert result.clean and not result.infected
    assert result.signature is None


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda data: samples.zip_bytes([("readme.txt", data)]), id="zip"),
        pytest.param(lambda data: samples.docx([("word/media/notes.txt", data)]), id="docx"),
    ],
)
def test_eicar_inside_an_archive_is_found(scanner: ClamdScanner, wrap) -> None:
    """EICAR packed (compressed) inside a ZIP or a Word document is still found."""
    result = scanner.scan(io.BytesIO(wrap(samples.eicar())))
    assert result.infected
    assert result.signature is not None
    assert result.signature.startswith(EICAR_SIGNATURE_NAME)


def test_eicar_split_across_stream_chunks_is_found(scanner: ClamdScanner) -> None:
    """The file reaches clamd whole even when the virus straddles two 64 KB chunks."""
    data = b"a" * (CHUNK_SIZE - 20) + samples.eicar() + b"b" * 1000
    assert scanner.scan(io.BytesIO(data)).infected


def test_clean_valid_files_are_clean(scanner: ClamdScanner) -> None:
    """Every sample of an accepted kind scans clean (no false alarms from our own samples)."""
    for name, data in samples.valid_files().values():
        assert scanner.scan(io.BytesIO(data)).clean, name


def test_scanner_answers_ping(scanner: ClamdScanner) -> None:
    """A health check succeeds while clamd runs."""
    scanner.ping()


def test_stream_over_clamd_limit_is_an_error_not_clean(scanner: ClamdScanner) -> None:
    """A file bigger than clamd's StreamMaxLength is never reported clean: the scanner 'fails'."""
    big = io.BytesIO(b"\0" * (26 * 1024 * 1024))
    with pytest.raises(ScannerUnavailable, match="size limit exceeded"):
        scanner.scan(big)


def test_missing_socket_raises_unavailable(tmp_path: Path) -> None:
    """A configured scanner that is not running makes the scan fail, never pass."""
    scanner = ClamdScanner(tmp_path / "no-such.sock", timeout=1)
    with pytest.raises(ScannerUnavailable, match="Cannot reach"):
        scanner.scan(io.BytesIO(b"hello"))
    with pytest.raises(ScannerUnavailable):
        scanner.ping()


def test_dead_socket_raises_unavailable(tmp_path: Path) -> None:
    """A socket file left behind by a crashed clamd (nobody listening) makes the scan fail."""
    path = tmp_path / "dead.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()  # the file stays, but nothing listens on it
    with pytest.raises(ScannerUnavailable, match="Cannot reach"):
        ClamdScanner(path, timeout=1).scan(io.BytesIO(b"hello"))


@pytest.fixture
def silent_server(tmp_path: Path) -> Iterator[Path]:
    """A unix socket that accepts connections and reads, but never answers (a hung clamd)."""
    path = tmp_path / "silent.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    stop = threading.Event()
    connections: list[socket.socket] = []

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            connections.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield path
    stop.set()
    thread.join()
    for connection in connections:
        connection.close()
    server.close()


def test_scanner_that_never_answers_times_out(silent_server: Path) -> None:
    """A hung scanner makes the scan fail after the timeout instead of hanging the upload."""
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(silent_server, timeout=0.3).scan(io.BytesIO(b"hello"))


@pytest.mark.parametrize(
    "reply",
    [
        "INSTREAM size limit exceeded. ERROR",
        "stream: Can't allocate memory ERROR",
        "UNKNOWN COMMAND",
        "stream: maybe",
        "",
    ],
)
def test_error_or_unexpected_replies_are_not_clean(reply: str) -> None:
    """Any clamd answer other than OK or FOUND is treated as 'scanner not working'."""
    with pytest.raises(ScannerUnavailable):
        parse_reply(reply)


def test_found_reply_keeps_signature_name() -> None:
    """The signature name is kept so the refusal can be recorded."""
    result = parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND")
    assert result.infected
    assert result.signature == "Win.Test.EICAR_HDB-1"


def test_no_scanner_marks_files_not_scanned() -> None:
    """Without a configured scanner, files are 'not scanned': neither clean nor infected."""
    result = NoScanner().scan(io.BytesIO(samples.eicar()))
    assert result.status is ScanStatus.NOT_SCANNED
    assert not result.clean
    assert not result.infected


def test_scanner_from_config_chooses_by_setting(tmp_path: Path) -> None:
    """CLAMD_SOCKET set means ClamAV; unset or empty means no scanner."""
    assert isinstance(scanner_from_config(None), NoScanner)
    assert isinstance(scanner_from_config(""), NoScanner)
    chosen = scanner_from_config(str(tmp_path / "clamd.sock"), timeout=5)
    assert isinstance(chosen, ClamdScanner)
    assert chosen.socket_path == str(tmp_path / "clamd.sock")
    assert chosen.timeout == 5
