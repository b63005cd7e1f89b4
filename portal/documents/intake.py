"""The upload sequence: store the file, check what it is, scan it, and throw it away if refused.

The database is not touched here: `services.py` adds the rows and commits only after every file of
an upload has passed. The order, and why:

1. `storage.save_stream` streams the bytes to a temporary file and moves it under a new key (a
   100 MB upload is never held in memory; more than the limit is refused as it arrives);
2. `filetypes.check_upload` decides the type from the stored content;
3. the virus scanner reads the stored file (INSTREAM to clamd, or "not scanned" without one);
4. any refusal or error deletes the stored file before it is reported.

If the process dies between 1 and the service's commit, the file is an orphan that nothing refers
to; `flask --app app documents clean` removes it (see `services.clean_storage`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from portal.documents.filenames import clean_display_name
from portal.documents.filetypes import CheckedFile, RejectedFile, check_upload
from portal.documents.scanning import Scanner, ScanResult, scanner_from_config
from portal.documents.storage import LocalStorage, Readable, StoredFile, TooLarge, format_size


class IncomingFile(Protocol):
    """What an upload gives us: the name the person's computer used, and the bytes.

    Werkzeug's `FileStorage` (an item of `request.files`) is one.
    """

    @property
    def filename(self) -> str | None: ...

    @property
    def stream(self) -> Readable: ...


@dataclass(frozen=True)
class ReceivedFile:
    """A file that passed every check and is stored, but that no database row names yet."""

    filename: str  # cleaned, safe to show
    stored: StoredFile
    checked: CheckedFile
    scan: ScanResult


class InfectedFile(RejectedFile):
    """The virus scanner found something. The file was not kept."""

    def __init__(self, filename: str, signature: str | None) -> None:
        super().__init__(f"The file '{filename}' has a virus in it, so it was not added.")
        self.filename = filename
        self.signature = signature or "unknown"


class UploadRefused(Exception):
    """One or more files of an upload were refused, so nothing of the upload was kept.

    `problems` has one plain-English sentence per refused file, naming it; `infected` lists
    (file name, signature) for files the virus scanner caught, for the record.
    """

    def __init__(self, problems: list[str], infected: list[tuple[str, str]] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.infected = infected or []


def storage() -> LocalStorage:
    """The document storage the app's settings name (outside the public static folder)."""
    public = [current_app.static_folder] if current_app.static_folder else []
    return LocalStorage(current_app.config["UPLOAD_DIR"], public_folders=public)


def scanner() -> Scanner:
    """The virus scanner the settings ask for (clamd when CLAMD_SOCKET is set)."""
    return scanner_from_config(current_app.config["CLAMD_SOCKET"])


def receive(
    store: LocalStorage, scanner: Scanner, incoming: IncomingFile, max_bytes: int
) -> ReceivedFile:
    """Store, check and scan one file. On any refusal or error nothing of it is kept.

    Raises RejectedFile (too big, wrong type, unsafe), InfectedFile, or ScannerUnavailable.
    """
    name = clean_display_name(incoming.filename)
    try:
        stored = store.save_stream(incoming.stream, max_bytes)  # removes its own partial file
    except TooLarge:
        raise RejectedFile(
            f"The file '{name}' is too big. Files must be smaller than {format_size(max_bytes)}."
        ) from None
    try:
        checked = check_upload(store.path(stored.key), incoming.filename)
        with store.open(stored.key) as f:
            result = scanner.scan(f)
        if result.infected:
            raise InfectedFile(name, result.signature)
    except BaseException:
        store.delete(stored.key)
        raise
    return ReceivedFile(filename=name, stored=stored, checked=checked, scan=result)


def receive_all(
    store: LocalStorage, scanner: Scanner, files: Sequence[IncomingFile], max_bytes: int
) -> list[ReceivedFile]:
    """Receive every file of one upload, all or nothing.

    Every file is checked, so the person learns about each problem at once; if any is refused,
    the ones that passed are deleted too and UploadRefused lists the problems (nothing
    half-done). If the scanner stops answering, everything is deleted and ScannerUnavailable is
    raised.
    """
    received: list[ReceivedFile] = []
    problems: list[str] = []
    infected: list[tuple[str, str]] = []
    try:
        for incoming in files:
            try:
                received.append(receive(store, scanner, incoming, max_bytes))
            except InfectedFile as found:
                problems.append(found.message)
                infected.append((found.filename, found.signature))
            except RejectedFile as refused:
                problems.append(refused.message)
    except BaseException:
        discard(store, received)
        raise
    if problems:
        discard(store, received)
        raise UploadRefused(problems, infected)
    return received


def discard(store: LocalStorage, received: Iterable[ReceivedFile]) -> None:
    """Delete the stored files of an upload that will not be kept."""
    for item in received:
        store.delete(item.stored.key)
