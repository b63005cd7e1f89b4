"""Measure the CPU a Word-document zip bomb costs the upload check (issue 10, finding 3).

Two files, both made here:
- the review's bomb: about 224 KB that unpacks to 200 MB, spread over parts each under 1 MB (so the
  per-part ratio check never starts);
- the worst file the check accepts: 20 MB (the upload limit) that unpacks to just under the 100 MB
  total, mostly parts that pack 1,000 to 1.

It prints the CPU time (`time.process_time`) the check takes for each, best of 3, and nine bombs
in a row (what the review uploaded).

    .venv/bin/python scripts/measure_zip_bomb.py
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

import measuring  # noqa: F401 (puts the project on the import path, for `tests`)

from portal.documents.filetypes import RejectedFile, check_upload
from tests.documents import samples

MB = 1024 * 1024


def _docx(parts: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", samples.DOCX_CONTENT_TYPES, zipfile.ZIP_DEFLATED)
        archive.writestr("_rels/.rels", samples._DOCX_RELS, zipfile.ZIP_DEFLATED)
        archive.writestr("word/document.xml", samples.docx_body(), zipfile.ZIP_DEFLATED)
        for name, content, method in parts:
            archive.writestr(name, content, method)
    return buffer.getvalue()


def bomb() -> bytes:
    part = b" " * (MB - 4096)  # under the 1 MB where the per-part ratio check starts
    return _docx([(f"word/media/part{n}.xml", part, zipfile.ZIP_DEFLATED) for n in range(200)])


def worst_accepted() -> bytes:
    padding = os.urandom(19 * MB)  # does not pack: makes the file big, so its ratio allowance is
    part = b" " * (MB - 4096)
    return _docx(
        [("word/media/photo.bin", padding, zipfile.ZIP_STORED)]
        + [(f"word/media/part{n}.xml", part, zipfile.ZIP_DEFLATED) for n in range(80)]
    )


def cpu_seconds(path: Path) -> tuple[float, str]:
    best, verdict = float("inf"), ""
    for _ in range(3):
        started = time.process_time()
        try:
            check_upload(path, "advice.docx")
            verdict = "accepted"
        except RejectedFile as refused:
            verdict = f"refused: {refused.message[:90]}"
        best = min(best, time.process_time() - started)
    return best, verdict


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in (("bomb", bomb()), ("worst accepted", worst_accepted())):
            path = Path(folder) / f"{name}.docx"
            path.write_bytes(data)
            unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
            seconds, verdict = cpu_seconds(path)
            print(
                f"{name}: {len(data) / 1024:,.0f} KB unpacking to {unpacked / MB:,.0f} MB: "
                f"{seconds:.3f} s CPU, {verdict}"
            )
        path = Path(folder) / "bomb.docx"
        started = time.process_time()
        for _ in range(9):
            with contextlib.suppress(RejectedFile):
                check_upload(path, "advice.docx")
        print(f"nine bombs in a row: {time.process_time() - started:.3f} s CPU")


if __name__ == "__main__":
    main()
