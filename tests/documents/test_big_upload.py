"""A 100 MB upload through the real endpoint does not make the process hold 100 MB.

The request body is generated as the server reads it, so the test itself holds almost nothing.
Werkzeug spools the file part to a temporary file, `save_stream` copies it in 64 KB chunks, and
the type check and hash read it in chunks too. We measure the growth of the process's peak
resident memory (Linux lets a process reset its own peak) and print it.
"""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

from sqlalchemy import select

from portal.documents.models import DocumentVersion
from portal.extensions import db
from tests.documents.helpers import multipart_body

MB = 1024 * 1024
SIZE = 100 * MB
LINE = b"Notes from the annual review meeting. Everyone agreed the plan is working well.\n"
MAX_GROWTH = 30 * MB


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # "5": reset the peak resident set size


def _expected_sha256() -> str:
    digest = hashlib.sha256()
    whole, rest = divmod(SIZE, len(LINE))
    block = LINE * 1000
    for _ in range(whole // 1000):
        digest.update(block)
    digest.update(LINE * (whole % 1000) + LINE[:rest])
    return digest.hexdigest()


def test_a_100_mb_upload_keeps_memory_growth_small(app, client_request, senco, family_case, store):
    """Uploading 100 MB grows the process's peak memory by less than 30 MB."""
    app.config["MAX_UPLOAD_BYTES"] = 110 * MB
    app.config["MAX_CONTENT_LENGTH"] = 110 * MB + 64 * 1024
    client_request.sign_in_as(senco)
    body, content_type = multipart_body(
        {
            "csrf_token": client_request.csrf_token(),
            "title": "Recording notes",
            "category": "review_papers",
            "restriction": "everyone",
        },
        "files",
        "big notes.txt",
        [(LINE, SIZE)],
    )
    url = f"/cases/{family_case.public_id}/documents/add"

    _reset_peak_rss()
    before = _peak_rss()
    response = client_request.client.post(url, input_stream=body, content_type=content_type)
    growth = _peak_rss() - before

    print(f"\n100 MB upload: peak resident memory grew by {growth / MB:.1f} MB")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert body.read_bytes == body.size
    version = db.session.scalar(select(DocumentVersion))
    assert version.size == SIZE
    assert version.kind == "text"
    assert version.sha256 == _expected_sha256()
    assert store.path(version.storage_key).stat().st_size == SIZE
    assert growth < MAX_GROWTH

    # The same again, counting Python's own allocations (tracemalloc slows things, so second).
    body, content_type = multipart_body(
        {
            "csrf_token": client_request.csrf_token(),
            "title": "Recording notes",
            "category": "review_papers",
            "restriction": "everyone",
        },
        "files",
        "big notes 2.txt",
        [(LINE, SIZE)],
    )
    tracemalloc.start()
    try:
        response = client_request.client.post(url, input_stream=body, content_type=content_type)
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"100 MB upload: Python allocations peaked at {python_peak / MB:.1f} MB")
    assert response.status_code == 303
    assert python_peak < MAX_GROWTH
