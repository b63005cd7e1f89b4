"""'Who has looked at this case': the family and the council's case officer see every read of the
case, newest first and paged; nobody else can reach the page."""

from __future__ import annotations

import pytest

from portal import audit
from portal.accounts.models import Role
from portal.audit import Visibility
from portal.extensions import db
from portal.records import looked


def _viewed(case, actor, page="case", **detail):
    audit.record("case.viewed", actor=actor, case=case, subject=case, page=page, **detail)
    db.session.commit()


def test_the_parent_sees_who_looked_newest_first_with_council_names_and_family_relationships(
    client_request, family_case, parent, young_person, case_officer
):
    """Council staff are named with their role; the young person is shown by relationship."""
    _viewed(family_case, young_person)
    _viewed(family_case, case_officer, page="documents")
    client_request.sign_in_as(parent)
    page = client_request.get("records.who_has_looked", case_id=family_case.public_id)
    assert page.h1 == "Who has looked at this case"
    rows = page.texts("tbody tr")
    assert "Council case officer" in rows[0] and case_officer.name in rows[0]
    assert "Looked at the list of documents" in rows[0]
    assert "The young person" in rows[1] and young_person.name not in rows[1]
    assert "Looked at the case" in rows[1]


def test_looking_at_the_page_is_itself_recorded(client_request, family_case, parent):
    """Opening the page is a read of the case, and the next visit shows it."""
    client_request.sign_in_as(parent)
    client_request.get("records.who_has_looked", case_id=family_case.public_id)
    page = client_request.get("records.who_has_looked", case_id=family_case.public_id)
    assert "You" in page.texts("tbody tr")[0]
    assert "Looked at who has looked at the case" in page.texts("tbody tr")[0]


def test_a_restricted_document_is_not_named_to_the_family(
    client_request, family_case, parent, case_officer
):
    """A download of a 'council only' document shows as 'a document', its title unseen."""
    from portal.documents.models import Document

    secret = Document(
        public_id="doc-secret-1",
        case_id=family_case.id,
        title="Safeguarding note",
        category="other",
        restriction="council",
        created_by_id=case_officer.id,
    )
    shared = Document(
        public_id="doc-shared-1",
        case_id=family_case.id,
        title="School report",
        category="other",
        restriction="everyone",
        created_by_id=case_officer.id,
    )
    db.session.add_all([secret, shared])
    db.session.flush()
    for doc in (secret, shared):
        audit.record(
            "document.downloaded",
            actor=case_officer,
            case=family_case,
            subject=doc,
            visibility=Visibility.AUDIT,
            summary=f"downloaded {doc.title}",
            document=doc.public_id,
        )
    db.session.commit()
    client_request.sign_in_as(parent)
    text = " ".join(
        client_request.get("records.who_has_looked", case_id=family_case.public_id).texts(
            "tbody tr"
        )
    )
    assert "Safeguarding note" not in text
    assert "Downloaded a document" in text
    assert "Downloaded the document “School report”" in text
    client_request.sign_in_as(case_officer)
    text = " ".join(
        client_request.get("records.who_has_looked", case_id=family_case.public_id).texts(
            "tbody tr"
        )
    )
    assert "Safeguarding note" in text


def test_timeline_events_are_not_listed_as_looks(client_request, family_case, parent, senco):
    """Only reads are listed: an update on the timeline is not 'looking'."""
    audit.record("update.posted", actor=senco, case=family_case, visibility=Visibility.EVERYONE)
    db.session.commit()
    client_request.sign_in_as(parent)
    page = client_request.get("records.who_has_looked", case_id=family_case.public_id)
    assert page.texts("tbody tr") == []
    assert "Nobody has looked at this case yet." in page.text("main")


def test_the_list_is_paged_in_sql_with_a_fixed_number_of_queries(
    app, family_case, parent, case_officer, count_queries
):
    """A case read hundreds of times costs the same few queries a page; the link goes older."""
    for n in range(looked.PAGE_SIZE * 2 + 3):
        audit.record("case.viewed", actor=case_officer, case=family_case, page="case", n=n)
    db.session.commit()
    with app.test_request_context():
        with count_queries() as counted:
            first = looked.looks_at(family_case, parent)
        assert len(first.looks) == looked.PAGE_SIZE
        assert first.older_than is not None
        assert len(counted) <= 4
        second = looked.looks_at(family_case, parent, before=first.older_than)
        third = looked.looks_at(family_case, parent, before=second.older_than)
    assert len(third.looks) == 3 and third.older_than is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("parent", 200),
        ("young_person", 200),
        ("case_officer", 200),
        ("senco", 404),  # on the case, but not family or council
        ("parent2", 404),  # another family
        ("other_council_officer", 404),  # another council team
        ("admin", 404),  # administrators see the audit search, not the case
        ("editor", 404),
    ],
)
def test_who_may_see_who_has_looked(client_request, family_case, request, who, status):
    """Only the child's family and the case's council officer; everyone else gets 404."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get(
        "records.who_has_looked", case_id=family_case.public_id, expected_status=status
    )


def test_the_case_page_links_to_who_has_looked_for_the_family_only(
    client_request, family_case, parent, senco
):
    """The parent sees the link on the case page; the school does not."""
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "Who has looked at this case" in page.text("main")
    client_request.sign_in_as(senco)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "Who has looked at this case" not in page.text("main")


def test_a_professional_is_named_with_their_organisation(
    client_request, family_case, parent, senco
):
    """A school's coordinator is shown by name, role and school."""
    _viewed(family_case, senco)
    client_request.sign_in_as(parent)
    row = client_request.get("records.who_has_looked", case_id=family_case.public_id).texts(
        "tbody tr"
    )[0]
    assert senco.name in row and senco.organisation.name in row
    assert Role.SCHOOL.label.split(" (")[0] in row
