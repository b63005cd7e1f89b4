"""Local file storage: streamed writes, size limits, generated keys, and cleanup of leftovers."""

from __future__ import annotations

import hashlib
import io
import os
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest

from portal.documents import storage as storage_module
from portal.documents.storage import (
    CHUNK_SIZE,
    TEMP_FOLDER,
    InvalidKey,
    LocalStorage,
    TooLarge,
    format_size,
)

MB = 1024 * 1024


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "uploads")


def _all_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


class CountingStream:
    """A stream that makes `total` bytes on demand and remembers the biggest read asked of it."""

    def __init__(self, total: int, fail_after: int | None = None) -> None:
        self.remaining = total
        self.sent = 0
        self.fail_after = fail_after
        self.largest_read = 0

    def read(self, size: int = -1) -> bytes:
        self.largest_read = max(self.largest_read, size)
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise ConnectionResetError("the browser went away")
        size = min(self.remaining, CHUNK_SIZE if size < 0 else size)
        # A fresh bytes object each time, like a socket read.
        data = (self.sent // 8).to_bytes(8, "big") * (size // 8) + b"x" * (size % 8)
        self.remaining -= size
        self.sent += size
        return data


def test_save_stream_stores_bytes_with_size_and_hash(storage: LocalStorage) -> None:
    """What is uploaded is what is stored, with its exact size and SHA-256."""
    data = os.urandom(300_000)
    stored = storage.save_stream(io.BytesIO(data), max_bytes=1 * MB)
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    with storage.open(stored.key) as f:
        assert f.read() == data
    assert storage.exists(stored.key)


def test_keys_are_random_and_never_the_users_name(storage: LocalStorage) -> None:
    """Files are named by unguessable generated keys, sharded into sub-folders under the root."""
    first = storage.save_stream(io.BytesIO(b"one"), max_bytes=None)
    second = storage.save_stream(io.BytesIO(b"one"), max_bytes=None)
    assert first.key != second.key
    assert len(first.key) == 40
    path = storage.path(first.key)
    assert path == storage.root / first.key[:2] / first.key[2:4] / first.key
    assert path.is_file()


def test_file_exactly_at_the_limit_is_kept(storage: LocalStorage) -> None:
    """A file of exactly the maximum size is accepted."""
    stored = storage.save_stream(io.BytesIO(b"a" * 1000), max_bytes=1000)
    assert stored.size == 1000


def test_one_byte_over_the_limit_is_refused_and_nothing_is_left(storage: LocalStorage) -> None:
    """One byte over the limit raises TooLarge and leaves no file, finished or temporary."""
    with pytest.raises(TooLarge) as refused:
        storage.save_stream(io.BytesIO(b"a" * 1001), max_bytes=1000)
    assert refused.value.max_bytes == 1000
    assert list(storage.keys()) == []
    assert _all_files(storage.root) == []


def test_too_large_stops_reading_early(storage: LocalStorage) -> None:
    """A huge upload is cut off just after the limit, not read to its end."""
    stream = CountingStream(total=500 * MB)
    with pytest.raises(TooLarge):
        storage.save_stream(stream, max_bytes=20 * MB)
    assert stream.sent <= 20 * MB + CHUNK_SIZE
    assert _all_files(storage.root) == []


def test_too_large_message_is_plain_english() -> None:
    """The refusal says the limit in the units people use."""
    assert TooLarge(20 * MB).message == "The file is too big. Files must be smaller than 20 MB."
    assert format_size(1536 * 1024) == "1.5 MB"
    assert format_size(512) == "512 bytes"


def test_failed_upload_leaves_nothing(storage: LocalStorage) -> None:
    """If the upload breaks off half-way, the partial file is removed."""
    with pytest.raises(ConnectionResetError):
        storage.save_stream(CountingStream(total=10 * MB, fail_after=3 * MB), max_bytes=None)
    assert _all_files(storage.root) == []


def test_failure_while_moving_into_place_leaves_nothing(
    storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash-like failure at the final rename leaves neither the temporary nor a final file."""

    def broken_replace(source: object, destination: object) -> None:
        raise OSError("disk failure")

    monkeypatch.setattr(storage_module.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk failure"):
        storage.save_stream(io.BytesIO(b"data"), max_bytes=None)
    assert _all_files(storage.root) == []


def test_reads_in_64_kb_chunks(storage: LocalStorage) -> None:
    """The upload is copied 64 KB at a time, never asked for all at once."""
    stream = CountingStream(total=2 * MB)
    storage.save_stream(stream, max_bytes=None)
    assert stream.largest_read == CHUNK_SIZE


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "../" + "a" * 37,
        "/etc/passwd",
        "aa/bb/" + "a" * 40,
        "A" * 40,
        "a" * 39,
        "a" * 41,
        "a" * 39 + "\0",
        "",
        None,
    ],
)
def test_crafted_keys_are_refused(storage: LocalStorage, key: object) -> None:
    """A key storage could not have generated cannot be opened, deleted or located."""
    with pytest.raises(InvalidKey):
        storage.path(key)  # type: ignore[arg-type]
    with pytest.raises(InvalidKey):
        storage.open(key)  # type: ignore[arg-type]
    with pytest.raises(InvalidKey):
        storage.delete(key)  # type: ignore[arg-type]
    assert storage.exists(key) is False  # type: ignore[arg-type]


def test_delete_removes_the_file_once(storage: LocalStorage) -> None:
    """Deleting removes the file; deleting again is harmless; opening it after fails."""
    stored = storage.save_stream(io.BytesIO(b"data"), max_bytes=None)
    assert storage.delete(stored.key) is True
    assert storage.delete(stored.key) is False
    assert not storage.exists(stored.key)
    with pytest.raises(FileNotFoundError):
        storage.open(stored.key)
    assert _all_files(storage.root) == []


def test_keys_lists_stored_files_only(storage: LocalStorage) -> None:
    """keys() lists every stored file and ignores temporary and foreign files."""
    saved = {storage.save_stream(io.BytesIO(b"%d" % n), max_bytes=None).key for n in range(5)}
    (storage.root / TEMP_FOLDER / "stray.part").write_bytes(b"x")
    (storage.root / "README.txt").write_text("not a stored file")
    misplaced = storage.root / "00" / "00" / ("f" * 40)  # right shape, wrong shard
    misplaced.parent.mkdir(parents=True)
    misplaced.write_bytes(b"x")
    assert set(storage.keys()) == saved


def test_keys_older_than_skips_fresh_files(storage: LocalStorage) -> None:
    """Cleanup can ask only for older files, so uploads still being checked are left alone."""
    old = storage.save_stream(io.BytesIO(b"old"), max_bytes=None).key
    new = storage.save_stream(io.BytesIO(b"new"), max_bytes=None).key
    two_hours_ago = time.time() - 2 * 3600
    os.utime(storage.path(old), (two_hours_ago, two_hours_ago))
    assert set(storage.keys(older_than=timedelta(hours=1))) == {old}
    assert set(storage.keys()) == {old, new}


def test_keys_of_empty_or_missing_root(tmp_path: Path) -> None:
    """A storage folder that does not exist yet simply has no keys."""
    assert list(LocalStorage(tmp_path / "never-created").keys()) == []


def test_remove_stale_temp_removes_only_old_leftovers(storage: LocalStorage) -> None:
    """Temporary files left by crashes are removed; ones from uploads in progress stay."""
    temp = storage.root / TEMP_FOLDER
    temp.mkdir(parents=True)
    stale = temp / "crashed.part"
    fresh = temp / "in-progress.part"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    a_day_ago = time.time() - 86400
    os.utime(stale, (a_day_ago, a_day_ago))
    assert storage.remove_stale_temp(older_than=timedelta(hours=1)) == 1
    assert not stale.exists()
    assert fresh.exists()


def test_root_inside_public_folder_is_refused(tmp_path: Path) -> None:
    """Uploads can never be placed where the web server serves files without checks."""
    static = tmp_path / "static"
    with pytest.raises(ValueError, match="inside the public folder"):
        LocalStorage(static / "uploads", public_folders=[static])
    with pytest.raises(ValueError, match="inside the public folder"):
        LocalStorage(static, public_folders=[static])
    with pytest.raises(ValueError, match="inside the public folder"):
        LocalStorage(tmp_path / "static" / ".." / "static" / "x", public_folders=[static])
    LocalStorage(tmp_path / "instance" / "uploads", public_folders=[static])


def test_stored_files_are_private_to_the_app(storage: LocalStorage) -> None:
    """Stored files are readable by the app's own user only."""
    stored = storage.save_stream(io.BytesIO(b"secret report"), max_bytes=None)
    assert storage.path(stored.key).stat().st_mode & 0o077 == 0


def test_streaming_100_mb_keeps_memory_small(storage: LocalStorage) -> None:
    """Storing a 100 MB upload grows Python's memory far less than 30 MB (a chunk at a time)."""
    stream = CountingStream(total=100 * MB)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        stored = storage.save_stream(stream, max_bytes=None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    growth = peak - before
    print(f"\nPeak memory growth while storing 100 MB: {growth / MB:.2f} MB")
    assert stored.size == 100 * MB
    assert growth < 30 * MB
    assert growth < 1 * MB  # in practice: a couple of 64 KB chunks
