"""The child's subject-access export: everything the portal holds about a child's case, as one zip
with an index, made by the council and recorded in the audit trail.

The case, its timeline and its audit entries are read here; the documents and the plan come from
their own packages through `portal.wiring.SUBJECT_ACCESS_PARTS` (features do not import each
other). Each part yields `ExportFile`s; the zip is written to a temporary file, so a case with
many large documents does not sit in memory.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from flask import Flask, current_app
from sqlalchemy import select

from portal import audit, clock
from portal.audit import Event
from portal.cases.models import Case, CaseGrant
from portal.extensions import db


@dataclass(frozen=True)
class ExportFile:
    """One file in the export: its path in the zip, what it is (for the index), and either its
    bytes or a function that opens it."""

    path: str
    description: str
    content: bytes | None = None
    opener: Callable[[], IO[bytes]] | None = None


#: A package's contribution: `part(case)` yields `(path, description, bytes or opener)` for
#: each file it holds about the case (plain tuples: the packages do not import this one).
Part = Callable[[Case], Iterable[tuple[str, str, Any]]]
_EXTENSION = "portal.subject_access_parts"
_BATCH = 2000


def install_parts(app: Flask, parts: Sequence[Part]) -> None:
    """Give the app the packages' parts of the export (`portal.wiring.SUBJECT_ACCESS_PARTS`)."""
    app.extensions[_EXTENSION] = tuple(parts)


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    return out.getvalue().encode("utf-8-sig")  # spreadsheets read the BOM as UTF-8


def _case_file(case: Case) -> ExportFile:
    child = case.child
    grants = db.session.scalars(
        select(CaseGrant).where(CaseGrant.case_id == case.id).order_by(CaseGrant.granted_at)
    ).all()
    lines = [
        f"Case reference: {case.reference}",
        f"Child: {child.first_name} {child.last_name}",
        f"Date of birth: {child.date_of_birth.isoformat()}",
        f"Stage: {case.stage}",
        f"Request for assessment received: {case.request_received_on.isoformat()}",
        f"Council team: {case.team.name if case.team else ''}",
        f"Case officer: {case.case_officer.name if case.case_officer else ''}",
        "",
        "People given access to the case:",
    ]
    for grant in grants:
        ended = f", ended {grant.revoked_at:%Y-%m-%d}" if grant.revoked_at else ""
        lines.append(
            f"- {grant.user.name} ({grant.relationship_enum.label}), "
            f"from {grant.granted_at:%Y-%m-%d}{ended}"
        )
    return ExportFile(
        "case.txt",
        "The case: the child, the stage, and who has had access",
        "\n".join(lines).encode(),
    )


def _events(case: Case, *, audit_rows: bool) -> Iterator[Event]:
    """The case's events in order, a batch at a time."""
    condition = Event.visibility == "audit" if audit_rows else audit.on_timeline()
    after = 0
    while True:
        rows = db.session.scalars(
            select(Event)
            .where(Event.case_id == case.id, condition, Event.id > after)
            .order_by(Event.id)
            .limit(_BATCH)
        ).all()
        yield from rows
        if len(rows) < _BATCH:
            return
        after = rows[-1].id


def _event_file(case: Case, *, audit_rows: bool) -> ExportFile:
    header = ("when (UTC)", "who", "action", "shown to", "summary", "detail")
    rows = (
        (
            e.occurred_at.isoformat(sep=" ", timespec="seconds"),
            e.actor.name if e.actor else "",
            e.action,
            e.visibility,
            e.summary or "",
            str(e.detail or {}),
        )
        for e in _events(case, audit_rows=audit_rows)
    )
    if audit_rows:
        return ExportFile(
            "audit-trail.csv",
            "Every view of the case and every download (the audit trail)",
            _csv(header, rows),
        )
    return ExportFile(
        "timeline.csv", "Everything that has happened on the case", _csv(header, rows)
    )


def files_for(case: Case) -> Iterator[ExportFile]:
    """Every file of the export, the portal's own first, then each package's."""
    yield _case_file(case)
    yield _event_file(case, audit_rows=False)
    yield _event_file(case, audit_rows=True)
    for part in current_app.extensions.get(_EXTENSION, ()):
        for path, description, content in part(case):
            if isinstance(content, bytes):
                yield ExportFile(path, description, content=content)
            else:
                yield ExportFile(path, description, opener=content)


def make_export(actor: Any, case: Case) -> IO[bytes]:
    """Build the zip (with `index.csv` listing every file in it) and record who made it.

    Who may: the council's case officer for the case (the view checks it). Records
    `case.subject_access_exported` with the number of files, before the zip is handed over.
    """
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    index: list[tuple[str, str]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files_for(case):
            if item.content is not None:
                archive.writestr(item.path, item.content)
            elif item.opener is not None:
                with item.opener() as source, archive.open(item.path, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            index.append((item.path, item.description))
        made = clock.utcnow().isoformat(sep=" ", timespec="seconds")
        archive.writestr(
            "index.csv",
            _csv(
                ("file", "what it is"),
                [*index, ("index.csv", f"This list. Made {made} UTC for case {case.reference}")],
            ),
        )
    audit.record(
        "case.subject_access_exported",
        actor=actor,
        case=case,
        subject=case,
        summary=f"{actor.name} made a subject-access export of the case",
        files=len(index),
    )
    db.session.commit()
    out.seek(0)
    return out
