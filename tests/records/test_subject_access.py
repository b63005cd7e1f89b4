"""The subject-access export: the case officer downloads everything held about a child as one zip
with an index (case, timeline, documents with every version, the audit trail), and it is
recorded; nobody else can make it."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlalchemy import select

from portal import audit
from portal.audit import Event
from portal.extensions import db
from tests.documents import samples
from tests.documents.helpers import add_document


def test_the_case_officer_downloads_everything_with_an_index(
    client_request, app, family_case, case_officer, parent
):
    """The zip holds the case, the timeline, the document's bytes and the audit trail, each listed
    in index.csv; making it is recorded in the audit trail."""
    with app.test_request_context():
        add_document(family_case, case_officer, title="Speech report", data=samples.pdf())
    audit.record("case.viewed", actor=parent, case=family_case, page="case")
    db.session.commit()
    client_request.sign_in_as(case_officer)
    page = client_request.get("records.subject_access_export", case_id=family_case.public_id)
    assert page.h1 == "Everything we hold about this child"
    response = client_request.client.post(
        f"/cases/{family_case.public_id}/subject-access",
        data={"csrf_token": client_request.csrf_token()},
    )
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    body = response.get_data()
    response.close()  # what the server does once the file is sent: the temporary file goes
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = set(archive.namelist())
    assert {"case.txt", "timeline.csv", "audit-trail.csv", "index.csv"} <= names
    index = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    listed = {row[0] for row in index[1:]}
    assert listed == names
    (document,) = [n for n in names if n.startswith("documents/")]
    assert archive.read(document) == samples.pdf()
    assert any("Speech report" in row[1] for row in index)
    assert family_case.reference in archive.read("case.txt").decode()
    assert parent.name in archive.read("audit-trail.csv").decode("utf-8-sig")
    recorded = db.session.scalar(
        select(Event).where(Event.action == "case.subject_access_exported")
    )
    assert recorded.actor_id == case_officer.id and recorded.case_id == family_case.id
    assert audit.verify_chain().ok
    client_request.sign_in_as(parent)
    looks = client_request.get("records.who_has_looked", case_id=family_case.public_id)
    assert "Downloaded everything held about the child" in looks.texts("tbody tr")[0]


def test_making_the_export_needs_a_post_with_a_csrf_token(
    client_request, family_case, case_officer
):
    """A GET only explains; a forged POST is refused and nothing is recorded."""
    client_request.sign_in_as(case_officer)
    response = client_request.client.post(f"/cases/{family_case.public_id}/subject-access")
    assert response.status_code in (200, 400)
    assert response.mimetype != "application/zip"
    assert (
        db.session.scalar(select(Event).where(Event.action == "case.subject_access_exported"))
        is None
    )


@pytest.mark.parametrize(
    "who", ["parent", "young_person", "senco", "other_council_officer", "admin", "editor"]
)
def test_only_the_case_officer_may_export(client_request, family_case, request, who):
    """Families, schools, other council teams and administrators get 404."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get(
        "records.subject_access_export", case_id=family_case.public_id, expected_status=404
    )
    client_request.post(
        "records.subject_access_export",
        url_values={"case_id": family_case.public_id},
        expected_status=404,
    )


def test_the_export_holds_every_version_of_the_plan(app, client_request, family_case, case_officer):
    """The plan's working copy is in the zip, with the words written in its sections."""
    from tests.plans.conftest import write_plan

    with app.test_request_context():
        write_plan(case_officer, family_case)
    client_request.sign_in_as(case_officer)
    response = client_request.client.post(
        f"/cases/{family_case.public_id}/subject-access",
        data={"csrf_token": client_request.csrf_token()},
    )
    body = response.get_data()
    response.close()
    archive = zipfile.ZipFile(io.BytesIO(body))
    (plan,) = [n for n in archive.namelist() if n.startswith("plan/")]
    assert "Alfie loves trains." in archive.read(plan).decode()
