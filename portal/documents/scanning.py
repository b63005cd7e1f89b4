"""Virus scanning of uploads with ClamAV's daemon (clamd), or an explicit "not scanned".

We stream the file's bytes to clamd over its unix socket (the INSTREAM command) rather than asking
it to open a path: clamd may run as another user or in another container, and streaming never
depends on it being able to read our uploads folder.

Operators: set clamd's ``StreamMaxLength`` at least as large as the portal's upload limit, or big
files are answered with "size limit exceeded", which we treat as the scanner not working.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from portal.documents.storage import CHUNK_SIZE, Readable

DEFAULT_TIMEOUT = 30.0


class ScannerUnavailable(Exception):
    """The scanner is configured but did not give an answer we can trust; do not accept the file."""


class ScanStatus(StrEnum):
    """What is recorded on a document version."""

    CLEAN = "clean"
    INFECTED = "infected"
    NOT_SCANNED = "not_scanned"


@dataclass(frozen=True)
class ScanResult:
    """The outcome of one scan. `signature` names what was found when infected."""

    status: ScanStatus
    signature: str | None = None

    @property
    def clean(self) -> bool:
        """True only when a scanner looked and found nothing ("not scanned" is not clean)."""
        return self.status is ScanStatus.CLEAN

    @property
    def infected(self) -> bool:
        """True when the scanner found something: refuse the file."""
        return self.status is ScanStatus.INFECTED


NOT_SCANNED = ScanResult(ScanStatus.NOT_SCANNED)


class Scanner(Protocol):
    """Anything that can look at a file's bytes and say whether they are safe."""

    def scan(self, stream: Readable) -> ScanResult:
        """Read `stream` to the end and return the verdict; raise ScannerUnavailable if unsure."""
        ...


class NoScanner:
    """Used when no scanner is configured: every file is recorded as "not scanned"."""

    def scan(self, stream: Readable) -> ScanResult:
        """Return "not scanned" without reading anything."""
        return NOT_SCANNED


class ClamdScanner:
    """Talks to clamd on a unix socket using the INSTREAM command.

    The protocol: send ``zINSTREAM\\0``, then the file as chunks each preceded by its length as a
    4-byte big-endian number, then a zero length. clamd answers ``stream: OK``,
    ``stream: <signature> FOUND`` or ``<reason> ERROR``, ended by a NUL byte.
    """

    def __init__(
        self,
        socket_path: str | Path,
        timeout: float = DEFAULT_TIMEOUT,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self.socket_path = str(socket_path)
        self.timeout = timeout
        self.chunk_size = chunk_size

    def _connect(self) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError as error:
            sock.close()
            raise ScannerUnavailable(
                f"Cannot reach the virus scanner at {self.socket_path}: {error}"
            ) from error
        return sock

    def _command(self, command: bytes, stream: Readable | None = None) -> str:
        """Send one z-command (optionally streaming `stream`), return clamd's reply as text."""
        with self._connect() as sock:
            send_error: OSError | None = None
            try:
                sock.sendall(b"z" + command + b"\0")
                if stream is not None:
                    while chunk := stream.read(self.chunk_size):
                        sock.sendall(struct.pack("!I", len(chunk)) + chunk)
                    sock.sendall(struct.pack("!I", 0))
            except TimeoutError as error:
                raise ScannerUnavailable("The virus scanner did not answer in time.") from error
            except OSError as error:
                # clamd closes the connection early when it refuses a stream (for example when
                # it is over StreamMaxLength); its reason may still be waiting to be read.
                send_error = error
            try:
                reply = self._read_reply(sock)
            except OSError as error:
                raise ScannerUnavailable(
                    f"The virus scanner stopped answering: {send_error or error}"
                ) from error
        if not reply:
            raise ScannerUnavailable(f"The virus scanner closed the connection: {send_error}")
        return reply

    @staticmethod
    def _read_reply(sock: socket.socket) -> str:
        data = b""
        while not data.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            data += part
            if len(data) > 64 * 1024:
                raise ScannerUnavailable("The virus scanner sent an unexpectedly long answer.")
        return data.rstrip(b"\0").decode("utf-8", "replace").strip()

    def scan(self, stream: Readable) -> ScanResult:
        """Stream the file to clamd and return CLEAN or INFECTED (with the signature name).

        Raises ScannerUnavailable if clamd cannot be reached, times out, or reports an error:
        the caller must then refuse the upload rather than accept it unscanned.
        """
        return parse_reply(self._command(b"INSTREAM", stream))

    def ping(self) -> None:
        """Check clamd is answering; raise ScannerUnavailable if not (for health checks)."""
        reply = self._command(b"PING")
        if reply != "PONG":
            raise ScannerUnavailable(f"Unexpected answer from the virus scanner: {reply!r}")


def parse_reply(reply: str) -> ScanResult:
    """Turn a clamd INSTREAM reply into a ScanResult; anything unexpected is ScannerUnavailable."""
    if reply.endswith("ERROR"):
        raise ScannerUnavailable(f"The virus scanner reported an error: {reply}")
    name, _, verdict = reply.partition(": ")
    if name != "stream":
        raise ScannerUnavailable(f"Unexpected answer from the virus scanner: {reply!r}")
    if verdict == "OK":
        return ScanResult(ScanStatus.CLEAN)
    if verdict.endswith(" FOUND"):
        signature = verdict.removesuffix(" FOUND").strip()
        return ScanResult(ScanStatus.INFECTED, signature or "unknown")
    raise ScannerUnavailable(f"Unexpected answer from the virus scanner: {reply!r}")


def scanner_from_config(clamd_socket: str | None, timeout: float = DEFAULT_TIMEOUT) -> Scanner:
    """The scanner the settings ask for: clamd when a socket is set, otherwise NoScanner."""
    if clamd_socket:
        return ClamdScanner(clamd_socket, timeout=timeout)
    return NoScanner()
