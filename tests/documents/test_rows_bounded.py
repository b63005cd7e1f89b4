"""The documents page fetches rows bounded by what it shows, not by how many documents the case
has (issue 11): each kind of document is counted in SQL and only its newest few are listed, and
a kind's own pages are read with LIMIT/OFFSET. Read at 20 and at 500 documents, the statements
and the rows are the same. Counted, not timed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import clock, sqlstats
from portal.documents.models import Category, Document, DocumentVersion, Restriction, ScanStatus
from portal.extensions import db

#: Kinds the documents are spread over (the officer sees all; the parent not "council only").
KINDS = (Category.ADVICE_EDUCATIONAL, Category.PARENT_CARER_VIEWS, Category.OTHER)


def _add_documents(case, user, count: int, start: int = 0) -> None:
    """`count` documents with one version each, straight into the database (no files: the
    list never opens them)."""
    now = clock.utcnow()
    for n in range(start, start + count):
        document = Document(
            case_id=case.id,
            title=f"Document {n}",
            category=KINDS[n % len(KINDS)].value,
            # Some "Other" documents are the council's only (the notice of advice kept from a
            # family reads at most 10 rows and a count: a constant, left out here).
            restriction=(
                Restriction.COUNCIL if n % 7 == 0 and n % 3 == 2 else Restriction.EVERYONE
            ).value,
            created_by_id=user.id,
            created_at=now - timedelta(minutes=n),
        )
        db.session.add(document)
        db.session.add(
            DocumentVersion(
                document=document,
                number=1,
                storage_key=f"key{n:06d}".ljust(32, "0"),
                original_filename=f"document-{n}.pdf",
                kind="pdf",
                mime_type="application/pdf",
                size=1000,
                sha256="0" * 64,
                uploaded_by_id=user.id,
                scan_status=ScanStatus.CLEAN,
            )
        )
    db.session.commit()


EVERY_KIND: dict = {}
PAGE_2_OF_A_KIND = {"group": Category.OTHER.value, "page": 2}


def _measure(client_request, case, values: dict) -> tuple[int, int, int]:
    """(statements, rows fetched, documents listed) for the documents page, warmed up once."""
    client_request.get("documents.case_documents", case_id=case.public_id, **values)
    with sqlstats.counting() as stats:
        page = client_request.get("documents.case_documents", case_id=case.public_id, **values)
    return stats.queries, stats.rows, len(page.html.select("[data-document]"))


@pytest.mark.parametrize("who", ["case_officer", "parent"])
def test_the_documents_page_reads_the_same_rows_at_20_and_500_documents(
    request, client_request, family_case, case_officer, who
):
    """Every kind with its count and its newest 5: the same statements, rows and documents
    listed at 20 documents as at 500, for the officer and for a parent (who cannot see the
    "council only" ones)."""
    client_request.sign_in_as(request.getfixturevalue(who))
    _add_documents(family_case, case_officer, 20)
    small = _measure(client_request, family_case, EVERY_KIND)
    _add_documents(family_case, case_officer, 480, start=20)
    large = _measure(client_request, family_case, EVERY_KIND)
    assert small == large, f"(statements, rows, listed) at 20 and at 500 documents: {small} {large}"
    assert large[2] == 5 * len(KINDS)

    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    expected_other = sum(
        1 for n in range(500) if n % len(KINDS) == 2 and (who == "case_officer" or n % 7)
    )
    assert f"Other ({expected_other})" in page.texts("[data-group]")
    assert f"See all {expected_other}" in page.text("#documents-area")


@pytest.mark.parametrize("who", ["case_officer", "parent"])
def test_a_page_of_one_kind_reads_the_same_rows_at_150_and_500_documents(
    request, client_request, family_case, case_officer, who
):
    """Page 2 of one kind (20 a page, LIMIT/OFFSET in SQL): the same statements, rows and
    documents listed at 150 documents (page 2 just full) as at 500."""
    client_request.sign_in_as(request.getfixturevalue(who))
    _add_documents(family_case, case_officer, 150)
    small = _measure(client_request, family_case, PAGE_2_OF_A_KIND)
    _add_documents(family_case, case_officer, 350, start=150)
    large = _measure(client_request, family_case, PAGE_2_OF_A_KIND)
    assert small == large, (
        f"(statements, rows, listed) at 150 and at 500 documents: {small} {large}"
    )
    assert large[2] == 20
    page = client_request.get(
        "documents.case_documents", case_id=family_case.public_id, **PAGE_2_OF_A_KIND
    )
    assert "Page 2 of" in page.text("#documents-area")
    assert page.html.select_one("a[rel=prev]") is not None
