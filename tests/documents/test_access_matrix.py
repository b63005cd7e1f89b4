"""Who reaches which document endpoint: every role against their own case, someone else's case,
and restricted documents. Anyone who may not see something gets the same 404 as for an id that
does not exist, so nobody can learn a document exists by guessing."""

from __future__ import annotations

import io
import secrets

import pytest

from portal.documents.models import Restriction
from tests.documents import samples
from tests.documents.helpers import add_document

ROLES = [
    "parent",
    "young_person",
    "senco",
    "psychologist",
    "case_officer",
    "other_council_officer",
    "editor",
    "admin",
    "parent2",
]


@pytest.fixture
def docs(family_case, other_family_case, senco, case_officer):
    """Documents on the family's case with each restriction, and one on another family's case."""
    return {
        "everyone": add_document(family_case, senco, title="School advice"),
        "professionals": add_document(
            family_case, senco, title="Staff notes", restriction=Restriction.PROFESSIONALS
        ),
        "council": add_document(
            family_case, case_officer, title="Panel notes", restriction=Restriction.COUNCIL
        ),
        "other_family": add_document(other_family_case, case_officer, title="Maya's report"),
    }


def _expect(allowed: set[str]) -> dict[str, int]:
    return {role: 200 if role in allowed else 404 for role in ROLES}


FAMILY_CASE = {"parent", "young_person", "senco", "case_officer"}
# (endpoint, which object its URL names, who gets 200; everyone else gets 404)
GET_MATRIX = [
    ("documents.case_documents", "family_case", FAMILY_CASE),
    ("documents.case_documents", "other_family_case", {"parent2", "case_officer"}),
    # The young person's grant does not allow adding documents.
    ("documents.upload_documents", "family_case", {"parent", "senco", "case_officer"}),
    ("documents.upload_documents", "other_family_case", {"case_officer"}),
    ("documents.download_version", "everyone", FAMILY_CASE),
    ("documents.download_version", "professionals", {"senco", "case_officer"}),
    ("documents.download_version", "council", {"case_officer"}),
    ("documents.download_version", "other_family", {"parent2", "case_officer"}),
    # New versions and removal: the person who added it, or the case officer.
    ("documents.new_version", "everyone", {"senco", "case_officer"}),
    ("documents.new_version", "council", {"case_officer"}),
    ("documents.remove_document", "everyone", {"senco", "case_officer"}),
    ("documents.remove_document", "professionals", {"senco", "case_officer"}),
    ("documents.remove_document", "other_family", {"case_officer"}),
    ("documents.download_all", "family_case", {"case_officer"}),
    ("documents.download_all", "other_family_case", {"case_officer"}),
]


def _url_values(endpoint: str, target: str, request, docs) -> dict:
    if target.endswith("_case"):
        return {"case_id": request.getfixturevalue(target).public_id}
    document = docs[target]
    if endpoint == "documents.download_version":
        return {"version_id": document.latest.public_id}
    return {"document_id": document.public_id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("endpoint", "target", "allowed"),
    GET_MATRIX,
    ids=[f"{endpoint.split('.')[1]}-{target}" for endpoint, target, _ in GET_MATRIX],
)
def test_get_access_matrix(client_request, request, docs, role, endpoint, target, allowed):
    """Each role gets 200 exactly where its grant and the document's restriction allow, else 404."""
    client_request.sign_in_as(request.getfixturevalue(role))
    values = _url_values(endpoint, target, request, docs)
    expected = _expect(allowed)[role]
    if endpoint.startswith("documents.download"):
        with client_request.app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, **values)
        with client_request.client.get(url) as response:
            assert response.status_code == expected, (role, endpoint, target)
    else:
        client_request.get(endpoint, expected_status=expected, **values)


POST_CASES = [
    # (endpoint, target, data, who may; everyone else 404 and nothing changes)
    ("documents.upload_documents", "family_case", "upload", {"parent", "senco", "case_officer"}),
    ("documents.remove_document", "everyone", {"reason": "Wrong case"}, {"senco", "case_officer"}),
    ("documents.new_version", "everyone", "version", {"senco", "case_officer"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("endpoint", "target", "data", "allowed"),
    POST_CASES,
    ids=[endpoint.split(".")[1] for endpoint, *_ in POST_CASES],
)
def test_post_access_matrix(client_request, request, docs, role, endpoint, target, data, allowed):
    """Changing documents answers 303 for those allowed and 404 for everyone else."""
    client_request.sign_in_as(request.getfixturevalue(role))
    if data == "upload":
        data = {
            "title": "Report",
            "category": "other",
            "restriction": "everyone",
            "files": (io.BytesIO(samples.pdf()), "report.pdf"),
        }
    elif data == "version":
        data = {"file": (io.BytesIO(samples.pdf("v2")), "v2.pdf")}
    client_request.post(
        endpoint,
        data,
        url_values=_url_values(endpoint, target, request, docs),
        expected_status=303 if role in allowed else 404,
    )


def test_restricted_documents_are_not_listed(client_request, docs, parent, senco, family_case):
    """A family never sees a restricted document's title; the school sees professionals-only but
    not council-only documents."""
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    titles = page.texts("#documents-area li h3")
    assert titles == ["School advice"]

    client_request.sign_in_as(senco)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert sorted(page.texts("#documents-area li h3")) == ["School advice", "Staff notes"]


def test_a_family_cannot_reach_another_familys_document_by_guessing(client_request, docs, parent):
    """Random ids, and the real ids of another family's document, both answer 404."""
    client_request.sign_in_as(parent)
    other = docs["other_family"]
    for _ in range(20):
        guess = secrets.token_urlsafe(12)
        with client_request.client.get(f"/document-versions/{guess}/download") as response:
            assert response.status_code == 404
    with client_request.client.get(
        f"/document-versions/{other.latest.public_id}/download"
    ) as response:
        assert response.status_code == 404
    client_request.get(
        "documents.remove_document", document_id=other.public_id, expected_status=404
    )
    # Ids are random, not counters: neighbouring documents share nothing.
    ids = [d.public_id for d in docs.values()] + [d.latest.public_id for d in docs.values()]
    assert len(set(ids)) == len(ids) and all(len(i) == 16 for i in ids)


def test_ending_a_grant_ends_access_to_its_documents(client_request, docs, parent, family_case):
    """Once the parent's grant ends, their document links answer 404."""
    from portal import clock
    from portal.cases.models import CaseGrant
    from portal.extensions import db

    client_request.sign_in_as(parent)
    url = f"/document-versions/{docs['everyone'].latest.public_id}/download"
    with client_request.client.get(url) as response:
        assert response.status_code == 200
    grant = db.session.query(CaseGrant).filter_by(user_id=parent.id).one()
    grant.revoked_at = clock.utcnow()
    db.session.commit()
    with client_request.client.get(url) as response:
        assert response.status_code == 404


def test_a_grant_without_documents_sees_no_documents(client_request, council, case_officer):
    """A grant that does not include documents gives the case but no document pages."""
    from portal.accounts.models import Role
    from portal.cases.models import Relationship
    from tests import factories

    case = factories.make_case(team=council, officer=case_officer)
    nurse = factories.make_user(Role.PROFESSIONAL)
    factories.grant(case, nurse, Relationship.HEALTH, documents=False, by=case_officer)
    document = add_document(case, case_officer, title="Plan")
    client_request.sign_in_as(nurse)
    client_request.get("documents.case_documents", case_id=case.public_id, expected_status=404)
    with client_request.client.get(
        f"/document-versions/{document.latest.public_id}/download"
    ) as response:
        assert response.status_code == 404
