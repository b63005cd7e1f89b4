"""The documents' part of a child's subject-access export (`portal.records.subject_access`).

Yields plain `(path in the zip, description, opener)` tuples: features do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import IO

from sqlalchemy import select

from portal.cases.models import Case
from portal.documents import intake
from portal.documents.archive import portable_name
from portal.documents.models import Category, Document
from portal.extensions import db


def document_files(case: Case) -> Iterator[tuple[str, str, Callable[[], IO[bytes]]]]:
    """Every version of every document on the case, removed ones included."""
    store = intake.storage()
    used: set[str] = set()
    for document in db.session.scalars(
        select(Document).where(Document.case_id == case.id).order_by(Document.id)
    ):
        removed = " (taken off the case)" if document.removed_at else ""
        for version in document.versions:
            name = f"documents/{document.id}-v{version.number}-" + portable_name(
                version.original_filename
            )
            while name in used:
                name = "x" + name
            used.add(name)
            yield (
                name,
                f"{Category(document.category).label}: {document.title}, version "
                f"{version.number}, added {version.uploaded_at:%Y-%m-%d}{removed}",
                partial(store.open, version.storage_key),
            )
