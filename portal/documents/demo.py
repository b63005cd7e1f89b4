"""Demo documents: a few small files, made in code, on the demo families' cases.

They go through the real upload service (type check, scan if a scanner is set up, events on the
timeline), so the demo shows exactly what a real upload looks like.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import g
from sqlalchemy import select

from portal.accounts.models import User
from portal.cases.models import Case, Child
from portal.documents import services
from portal.documents.models import Category, Restriction
from portal.extensions import db


@dataclass(frozen=True)
class _DemoFile:
    filename: str
    stream: io.BytesIO


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` (plain Latin-1 text), with a correct cross-reference table."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(
        f"BT /F1 12 Tf 72 {760 - 18 * n} Td ({escape(line)}) Tj ET" for n, line in enumerate(lines)
    )
    content = text.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# (child's first name, uploader's email, title, category, restriction, file name, lines)
DEMO_DOCUMENTS = [
    (
        "Alfie",
        "parent@example.org",
        "Our request for an assessment",
        Category.REQUEST_EVIDENCE,
        Restriction.EVERYONE,
        "Request for assessment.pdf",
        ["Request for an education, health and care needs assessment", "Child: Alfie Taylor"],
    ),
    (
        "Alfie",
        "senco@example.org",
        "Advice from Oakfield Primary School",
        Category.ADVICE_EDUCATIONAL,
        Restriction.EVERYONE,
        "School advice - Alfie Taylor.pdf",
        ["Advice from the school", "Alfie is a kind and curious boy who loves trains."],
    ),
    (
        "Alfie",
        "psychologist@example.org",
        "Notes from the classroom observation",
        Category.ADVICE_PSYCHOLOGICAL,
        Restriction.PROFESSIONALS,
        "Observation notes.txt",
        ["Observation in class, morning session.", "Working notes for the professionals."],
    ),
    (
        "Alfie",
        "officer@example.org",
        "Decision to carry out an assessment",
        Category.LETTERS_DECISIONS,
        Restriction.EVERYONE,
        "Decision letter.pdf",
        ["We have decided to carry out an assessment of Alfie's needs."],
    ),
    (
        "Alfie",
        "officer@example.org",
        "Panel discussion notes",
        Category.OTHER,
        Restriction.COUNCIL,
        "Panel notes.txt",
        ["Notes from the council's assessment panel."],
    ),
    (
        "Maya",
        "officer@example.org",
        "Draft plan",
        Category.DRAFT_PLAN,
        Restriction.EVERYONE,
        "Draft plan - Maya Sharma.pdf",
        ["Draft education, health and care plan", "Section A: All about me"],
    ),
    (
        "Maya",
        "parent2@example.org",
        "What Maya told us about school",
        Category.YOUNG_PERSON_VIEWS,
        Restriction.EVERYONE,
        "Maya's views.txt",
        ["Maya likes drawing and the quiet room.", "She finds the dinner hall too loud."],
    ),
]


#: Why a demo advice document is kept from the family (the family is told only that it is).
KEPT_REASONS = {
    "Notes from the classroom observation": "The notes name other children in the class.",
}


def load_demo_documents(users: dict[str, User]) -> int:
    """Add the demo documents to the demo cases; return how many were added."""
    added = 0
    for first_name, email, title, category, restriction, filename, lines in DEMO_DOCUMENTS:
        case = db.session.scalar(
            select(Case).join(Child).where(Child.first_name == first_name).order_by(Case.id)
        )
        if case is None:
            continue
        data = (
            make_pdf(lines)
            if filename.endswith(".pdf")
            else ("\n".join(lines) + "\n").encode("utf-8")
        )
        g.pop("_grants", None)  # grants were just created: do not trust an earlier answer
        services.add_documents(
            users[email],
            case,
            title=title,
            category=category,
            restriction=restriction,
            files=[_DemoFile(filename, io.BytesIO(data))],
            restriction_reason=KEPT_REASONS.get(title),
        )
        added += 1
    return added
