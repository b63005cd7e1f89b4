"""All of a case's documents as one zip file, made while it is sent (never whole in memory).

`zipfile` writes into a small sink that the response generator empties after every chunk, so
memory use stays at about one chunk whatever the size of the case. The sink cannot seek, so
`zipfile` writes each entry's sizes after its data (a "data descriptor"), which every unzip tool
reads.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from portal.documents.filenames import clean_display_name, file_extension
from portal.documents.models import Category, Document
from portal.documents.storage import CHUNK_SIZE, LocalStorage


class _Sink(io.RawIOBase):
    """A write-only stream that keeps what was written until `take()` collects it."""

    def __init__(self) -> None:
        super().__init__()
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


# Characters Windows does not allow in file or folder names (zips are opened on Windows too).
_NOT_ON_WINDOWS = str.maketrans(dict.fromkeys('<>"|?*\\', "_") | {":": " -"})


def portable_name(name: str) -> str:
    """A cleaned name that every computer can save: "Advice: education" -> "Advice - education"."""
    return clean_display_name(clean_display_name(name).translate(_NOT_ON_WINDOWS))


def _unique(name: str, used: set[str]) -> str:
    """`name`, or "name (2).ext", "name (3).ext"... if already used (compared ignoring case,
    as Windows and macOS do)."""
    extension = file_extension(name)
    stem = name[: -(len(extension) + 1)] if extension else name
    candidate, number = name, 1
    while candidate.lower() in used:
        number += 1
        candidate = f"{stem} ({number}).{extension}" if extension else f"{stem} ({number})"
    used.add(candidate.lower())
    return candidate


def entries_for(documents: Sequence[Document]) -> list[tuple[str, str, datetime]]:
    """(name in the zip, storage key, time) for the newest version of each document.

    Each file goes in a folder named after its category; names are cleaned (no folders, no
    invisible characters from the uploader) and made unique.
    """
    used: set[str] = set()
    entries = []
    order = list(Category)
    # Oldest first within each category, so the first file keeps its own name on every download.
    for document in sorted(
        documents, key=lambda d: (order.index(Category(d.category)), d.created_at, d.id)
    ):
        version = document.latest
        folder = portable_name(Category(document.category).label)
        name = portable_name(version.original_filename)
        entries.append(
            (_unique(f"{folder}/{name}", used), version.storage_key, version.uploaded_at)
        )
    return entries


def stream_zip(
    store: LocalStorage, entries: Iterable[tuple[str, str, datetime]]
) -> Iterator[bytes]:
    """Yield the bytes of a zip holding each stored file under its name."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, key, when in entries:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with store.open(key) as source, archive.open(info, "w") as target:
                while chunk := source.read(CHUNK_SIZE):
                    target.write(chunk)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data
