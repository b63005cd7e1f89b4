"""The documents page and the case page's Documents section: grouped by category, newest first,
who added each and when, the restriction in words, versions behind a disclosure."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal import clock
from portal.documents.models import Category, Restriction
from tests.documents import samples
from tests.documents.helpers import add_document

START = datetime(2027, 3, 12, 15, 5)


def test_documents_are_grouped_by_category_newest_first(
    client_request, senco, parent, case_officer, family_case
):
    """Groups follow the category order; inside a group the newest comes first, with who added
    it and when, and who can see it in words."""
    clock.freeze(START)
    add_document(family_case, senco, title="First advice")
    clock.freeze(START + timedelta(days=1))
    add_document(family_case, parent, title="Our views", category=Category.PARENT_CARER_VIEWS)
    clock.freeze(START + timedelta(days=2))
    add_document(family_case, senco, title="Second advice", restriction=Restriction.PROFESSIONALS)
    clock.freeze(START + timedelta(days=3))
    add_document(
        family_case,
        case_officer,
        title="Panel notes",
        category=Category.REQUEST_EVIDENCE,
        restriction=Restriction.COUNCIL,
    )

    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert page.h1 == f"Documents for {family_case.child.full_name}"
    assert page.texts("#documents-area h2.govuk-heading-m")[:3] == [
        "Request for an assessment and evidence (1)",
        "Advice: education (2)",
        "Views of parents and carers (1)",
    ]
    assert page.texts("#documents-area li h3") == [
        "Panel notes",
        "Second advice",
        "First advice",
        "Our views",
    ]
    first = page.html.select("#documents-area li[data-document]")[2]
    text = " ".join(first.get_text(" ").split())
    assert "Added by Sally Senco (Oak Primary School) on Friday 12 March 2027 at 3:05pm" in text
    assert "Everyone on this case" in first.select_one(".govuk-tag").get_text()
    tags = page.texts("#documents-area .govuk-tag")
    assert "Professionals only" in tags and "Council only" in tags
    assert "All versions (1)" in first.select_one("details summary").get_text()


def test_the_documents_page_answers_htmx_with_its_fragment(client_request, parent, family_case):
    """One URL, two renderings: htmx gets the documents area alone."""
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id, htmx=True)
    assert page.html.select_one("#documents-area") is not None
    assert page.html.select_one("h1") is None
    assert "HX-Request" in page.response.headers["Vary"]


def test_only_the_case_officer_is_offered_the_zip(
    client_request, parent, case_officer, senco, family_case
):
    """The "download all" link is for the case officer only, and only when there is something."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert not [a for a in page.texts("a") if "zip" in a]
    add_document(family_case, senco)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert "Download all 1 documents as one zip file" in page.texts("a")
    client_request.sign_in_as(parent)
    page = client_request.get("documents.case_documents", case_id=family_case.public_id)
    assert not [a for a in page.texts("a") if "zip" in a]


def test_the_case_page_has_a_documents_section(client_request, parent, senco, family_case):
    """The case overview counts the documents the reader may see, by kind, and links to the
    documents page and to add documents; the list itself is on the documents page."""
    add_document(family_case, senco, title="School advice")
    add_document(family_case, senco, title="Staff notes", restriction=Restriction.PROFESSIONALS)
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    section = page.html.select_one("section[aria-labelledby=documents-section-title]")
    assert section is not None
    text = " ".join(section.get_text(" ").split())
    assert "1 document, by kind" in text  # the professionals-only one is not counted
    assert "School advice" not in text
    links = {a.get_text(): a["href"] for a in section.select("a")}
    assert links["Read the documents"].endswith("/documents")
    assert "Add documents" in links


def test_the_section_runs_the_same_queries_however_many_documents(
    app, count_queries, senco, case_officer, family_case
):
    """The Documents section costs one query (a count in SQL), however many documents."""
    from portal.documents.views import documents_section

    def queries() -> tuple[int, int]:
        _ = (family_case.team_id, case_officer.role)  # load what the test's own commits expired
        with app.test_request_context():
            with count_queries() as statements:
                section = documents_section(family_case, case_officer)
            return len(statements), section["document_count"]

    add_document(family_case, senco, title="One")
    one, counted = queries()
    assert counted == 1
    for n in range(8):
        add_document(family_case, senco, title=f"More {n}", data=samples.pdf(f"{n}"))
    nine, counted = queries()
    assert counted == 9
    assert nine == one == 1


def test_no_documents_section_without_document_access(client_request, council, case_officer):
    """Someone whose grant does not include documents sees no Documents section."""
    from portal.accounts.models import Role
    from portal.cases.models import Relationship
    from tests import factories

    case = factories.make_case(team=council, officer=case_officer)
    nurse = factories.make_user(Role.PROFESSIONAL)
    factories.grant(case, nurse, Relationship.HEALTH, documents=False, by=case_officer)
    client_request.sign_in_as(nurse)
    page = client_request.get("cases.case_page", case_id=case.public_id)
    assert page.html.select_one("#documents-section-title") is None


def test_the_demo_has_documents_for_each_audience(app, client_request):
    """The demo's family sees the school's advice but not the psychologist's professionals-only
    notes; the school sees those too; the council sees its own council-only notes."""
    from portal.accounts.models import User
    from portal.cases.models import Case, Child
    from portal.demo import load_demo_data
    from portal.extensions import db

    load_demo_data("demo-portal-password")
    case = db.session.query(Case).join(Child).filter(Child.first_name == "Alfie").one()

    def titles(email: str) -> list[str]:
        client_request.sign_in_as(db.session.query(User).filter_by(email=email).one())
        page = client_request.get("documents.case_documents", case_id=case.public_id)
        return page.texts("#documents-area li h3")

    family = titles("parent@example.org")
    assert "Advice from Oakfield Primary School" in family
    assert "Notes from the classroom observation" not in family
    school = titles("senco@example.org")
    assert "Notes from the classroom observation" in school
    assert "Panel discussion notes" not in school
    assert "Panel discussion notes" in titles("officer@example.org")
