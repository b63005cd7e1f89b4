"""Fixtures for the document area: a real ClamAV daemon with a hand-written EICAR signature.

There is no internet for ClamAV's own signature updates, and clamd refuses to start with an empty
database, so the fixture writes a one-line body signature for the EICAR test string. That is enough
to prove the whole INSTREAM round trip, including finding EICAR inside a ZIP.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CLAMD_START_TIMEOUT = 30.0
EICAR_SIGNATURE_NAME = "Eicar-Test-Signature-Portal"
# The distinctive middle of the EICAR string; enough for a body signature, and not EICAR itself.
_EICAR_MARK = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


def _find_clamd() -> str:
    for candidate in ("/usr/sbin/clamd", shutil.which("clamd")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail(
        "ClamAV's daemon (clamd) is not installed, and the virus-scanning tests need it. "
        "Install it with: apt-get install -y clamav-daemon"
    )


def _answers_ping(socket_path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(socket_path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start clamd on a unix socket in a temporary folder; yield the socket path; stop it after."""
    clamd = _find_clamd()
    folder = tmp_path_factory.mktemp("clamd")
    database = folder / "db"
    database.mkdir()
    (database / "portal-test.ndb").write_text(f"{EICAR_SIGNATURE_NAME}:0:*:{_EICAR_MARK.hex()}\n")
    socket_path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {folder}",
                f"LogFile {folder / 'clamd.log'}",
                f"PidFile {folder / 'clamd.pid'}",
                "Foreground yes",
                "StreamMaxLength 25M",
                "SelfCheck 0",
                "",
            ]
        )
    )
    output = (folder / "clamd.out").open("wb")
    started = time.monotonic()
    process = subprocess.Popen(
        [clamd, f"--config-file={config}"], stdout=output, stderr=subprocess.STDOUT
    )
    try:
        while not _answers_ping(socket_path):
            if process.poll() is not None or time.monotonic() - started > CLAMD_START_TIMEOUT:
                log = (folder / "clamd.out").read_text(errors="replace")[-2000:]
                pytest.fail(f"clamd did not start (exit code {process.poll()}). Its output:\n{log}")
            time.sleep(0.01)
        print(f"\nclamd answered after {time.monotonic() - started:.3f} s")
        yield str(socket_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


# --- The document area: uploads through the real endpoints -----------------------------------


@pytest.fixture
def store(app):
    """The app's document storage (a temporary folder per test)."""
    from portal.documents import intake

    return intake.storage()


def stored_files(store) -> list[Path]:
    """Every file under the uploads folder, temporary ones included."""
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []
