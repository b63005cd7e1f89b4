"""Where uploaded files live: a small storage interface and a local-folder implementation.

Files are named by generated keys, never by the name a person gave them, and live outside the web
root. An upload is streamed to a temporary file in chunks, hashed on the way, and moved into place
with one atomic rename, so a half-written file is never visible under a key.

How a caller keeps the files and the database in step (two phases):

1. ``save_stream()`` writes the final file and returns its key. Nothing refers to it yet.
2. The caller checks the file (type, virus scan) and commits the database row naming the key.
3. If the check refuses the file, or the commit fails, the caller calls ``delete(key)``.
4. If the process dies between 1 and 3, the file is an orphan. The ``documents clean`` command
   lists ``keys(older_than=...)`` and deletes every key no database row refers to; the age limit
   stops it deleting the file of an upload that is still being checked. Temporary files left by a
   crash during step 1 are removed by ``remove_stale_temp()``.

So a failure at any step leaves no visible document, and after cleanup no file nothing refers to.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_SIZE = 64 * 1024
TEMP_FOLDER = ".tmp"
TEMP_SUFFIX = ".part"
# 160 random bits as lower-case hex: safe on case-insensitive file systems, easy to validate.
_KEY_PATTERN = re.compile(r"[0-9a-f]{40}")


class StorageError(Exception):
    """Base class for storage problems."""


class InvalidKey(StorageError, ValueError):
    """A key that storage could not have generated (for example one containing ``../``)."""


class TooLarge(StorageError):
    """The stream was longer than the limit; nothing was kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """A plain-English sentence for the person uploading."""
        return f"The file is too big. Files must be smaller than {format_size(self.max_bytes)}."


def format_size(size: int) -> str:
    """Show a byte count the way people say it: "20 MB", "512 KB", "300 bytes"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


@dataclass(frozen=True)
class StoredFile:
    """What storage knows about a file it has just saved."""

    key: str
    size: int
    sha256: str


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class Storage(Protocol):
    """The operations the document area needs from wherever files are kept."""

    def save_stream(self, stream: Readable, max_bytes: int | None) -> StoredFile:
        """Store everything `stream` yields under a new key; raise TooLarge past `max_bytes`."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open a stored file for reading (binary). Raises FileNotFoundError if it is gone."""
        ...

    def path(self, key: str) -> Path:
        """The local path of a stored file, for checks that need one (type detection)."""
        ...

    def delete(self, key: str) -> bool:
        """Remove a stored file; True if there was one. Deleting twice is harmless."""
        ...

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key`."""
        ...

    def keys(self, older_than: timedelta | None = None) -> Iterator[str]:
        """Every stored key (only those last written more than `older_than` ago, if given)."""
        ...

    def remove_stale_temp(self, older_than: timedelta) -> int:
        """Delete temporary files left by interrupted uploads; return how many were removed."""
        ...


def validate_key(key: object) -> str:
    """Return `key` if it has the exact shape storage generates; raise InvalidKey otherwise."""
    if not isinstance(key, str) or not _KEY_PATTERN.fullmatch(key):
        raise InvalidKey(f"Not a storage key: {key!r}")
    return key


def new_key() -> str:
    """A fresh random key (160 bits): unguessable, and unrelated to any user's file name."""
    return secrets.token_hex(20)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` survive a power cut (best effort: not every OS allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class LocalStorage:
    """Files in a local folder, sharded as ``root/ab/cd/abcd…`` so no folder grows too large.

    `public_folders` are folders the web server serves directly (Flask's ``static/``); the root must
    not be inside any of them, so a stored file can never be fetched without the access checks.
    """

    def __init__(self, root: Path | str, *, public_folders: Iterable[Path | str] = ()) -> None:
        self.root = Path(root).resolve()
        for public in public_folders:
            public_path = Path(public).resolve()
            if self.root == public_path or public_path in self.root.parents:
                raise ValueError(
                    f"Uploads folder {self.root} is inside the public folder {public_path}."
                )

    @property
    def _temp_folder(self) -> Path:
        return self.root / TEMP_FOLDER

    def path(self, key: str) -> Path:
        """The path of `key`; validated, so a crafted key cannot point outside the root."""
        validate_key(key)
        return self.root / key[:2] / key[2:4] / key

    def save_stream(self, stream: Readable, max_bytes: int | None) -> StoredFile:
        """Copy `stream` in 64 KB chunks into a new file, hashing as it goes.

        At most one chunk is held in memory. If more than `max_bytes` arrive, TooLarge is raised
        and the partial file is removed. The file appears under its key only once complete
        (written, flushed to disk, then renamed into place).
        """
        self._temp_folder.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=self._temp_folder, suffix=TEMP_SUFFIX)
        temp_path = Path(temp_name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as temp_file:
                while chunk := stream.read(CHUNK_SIZE):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    temp_file.write(chunk)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            key = new_key()
            final_path = self.path(key)
            final_path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_path, final_path)  # atomic: same file system, same tree
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        _fsync_folder(final_path.parent)
        return StoredFile(key=key, size=size, sha256=digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        """Open the stored file for reading. Raises FileNotFoundError if it is not there."""
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        """Whether a file is stored under `key` (False for keys storage could not have made)."""
        try:
            return self.path(key).is_file()
        except InvalidKey:
            return False

    def delete(self, key: str) -> bool:
        """Remove the file under `key`; True if there was one. Raises InvalidKey for bad keys."""
        path = self.path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        # Tidy now-empty shard folders; another upload may race us, so failure is fine.
        for folder in (path.parent, path.parent.parent):
            with contextlib.suppress(OSError):
                folder.rmdir()
        return True

    def keys(self, older_than: timedelta | None = None) -> Iterator[str]:
        """Yield every stored key; with `older_than`, only files last written before that age.

        The cleanup command passes an age so it never removes the file of an upload that is
        still being checked and has no database row yet.
        """
        cutoff = None if older_than is None else time.time() - older_than.total_seconds()
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            key = path.name
            if (
                not _KEY_PATTERN.fullmatch(key)
                or path.parent.parent.name + path.parent.name != (key[:4])
            ):
                continue  # not something storage wrote (or in the wrong shard): leave it alone
            if cutoff is not None:
                try:
                    if path.stat().st_mtime > cutoff:
                        continue
                except FileNotFoundError:
                    continue  # deleted while we looked
            yield key

    def remove_stale_temp(self, older_than: timedelta) -> int:
        """Delete temporary files older than `older_than` left by interrupted uploads.

        Younger ones may belong to uploads in progress in another worker, so they stay.
        """
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        if not self._temp_folder.is_dir():
            return 0
        for path in self._temp_folder.glob(f"*{TEMP_SUFFIX}"):
            try:
                if path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
