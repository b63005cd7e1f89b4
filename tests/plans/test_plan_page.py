"""Reading the plan: every section in order, in plain words, linked from the case page, and the
same number of queries however long the plan is."""

from __future__ import annotations

from flask import g

from portal import sqlstats
from portal.plans import services
from portal.plans.models import Section
from tests.plans.conftest import write_plan


def test_the_family_reads_every_section_in_order(client_request, draft_plan, parent):
    """Sections A to K, each labelled with its letter and what it is about in plain words."""
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_version", version_id=draft_plan.public_id)
    headings = page.texts(".portal-plan__section h2")
    assert [h.split(":")[0] for h in headings] == [f"Section {s.letter}" for s in Section]
    assert "What I want to achieve" in headings[4]
    main = page.text("main")
    assert "Need number 0" in main and "Outcome number 0" in main
    assert "30 minutes a week" in main and "Speech and language therapist" in main
    # Section I is blank in a draft, and says why.
    assert "Left blank in a draft plan" in page.text("#section-i")
    assert "None identified" in page.text("#section-c")


def test_section_b_is_grouped_by_area_of_need(app, client_request, family_case, case_officer):
    """Needs and strengths sit under their broad area of need."""
    with app.test_request_context():
        services.save_need(
            case_officer, family_case, Section.B, text="Reads slowly", area="cognition"
        )
        services.save_need(
            case_officer, family_case, Section.B, text="Good at maths", area="cognition",
            is_strength=True,
        )  # fmt: skip
        services.save_need(case_officer, family_case, Section.B, text="Noise", area="semh")
    client_request.sign_in_as(case_officer)
    page = client_request.get("plans.plan_page", case_id=family_case.public_id)
    assert page.texts("#section-b h3") == [
        "Cognition and learning",
        "Social, emotional and mental health",
    ]


def test_the_young_person_reads_my_plan_first(
    app, client_request, family_case, case_officer, young_person
):
    """A young person's page is called "My plan" and starts with the summary in their words."""
    with app.test_request_context():
        write_plan(case_officer, family_case)
        services.save_section_text(
            case_officer, family_case, Section.A, text="Views.", my_plan_text="I want to read."
        )
        services.send_draft(case_officer, family_case)
    client_request.sign_in_as(young_person)
    page = client_request.get("plans.plan_page", case_id=family_case.public_id)
    assert page.h1 == "My plan"
    assert "I want to read." in page.text(".portal-plan__my-plan")


def test_the_case_page_links_to_the_plan(client_request, draft_plan, family_case, parent):
    """The family finds the plan from the case page."""
    client_request.sign_in_as(parent)
    page = client_request.get("cases.case_page", case_id=family_case.public_id)
    link = page.html.select_one("#plan-section-title").find_parent("section").select_one("a")
    assert link["href"].endswith(f"/cases/{family_case.public_id}/plan")
    assert "draft 1" in page.text("#plan-section-title + p")


def test_the_case_page_reads_only_the_newest_version_however_long_the_history(
    app, client_request, draft_plan, family_case, case_officer, parent
):
    """A plan sent six times: the case page links to the newest draft and fetches that one
    version, not all six (each holds the whole plan's words)."""
    client_request.sign_in_as(parent)
    with app.test_request_context():
        for n in range(5):
            g.pop("_grants", None)
            services.save_section_text(case_officer, family_case, Section.A, text=f"Change {n}")
            services.send_draft(case_officer, family_case)
    client_request.get("cases.case_page", case_id=family_case.public_id)
    with sqlstats.counting() as stats:
        page = client_request.get("cases.case_page", case_id=family_case.public_id)
    assert "draft 6" in page.text("#plan-section-title + p")
    versions_read = [
        rows
        for statement, rows in zip(stats.statements, stats.rows_by_statement, strict=True)
        if "FROM plan_version" in statement
    ]
    assert versions_read == [1]


def test_the_plan_prints_without_the_page_furniture(client_request, draft_plan, parent):
    """Navigation within the page is marked so the print stylesheet leaves it out."""
    client_request.sign_in_as(parent)
    page = client_request.get("plans.plan_version", version_id=draft_plan.public_id)
    assert page.html.select_one("nav.portal-no-print")


def _queries(client_request, count_queries, endpoint, **values) -> int:
    client_request.get(endpoint, **values)
    with count_queries() as statements:
        client_request.get(endpoint, **values)
    return len(statements)


def test_plan_page_queries_do_not_grow_with_the_plan(
    app, client_request, count_queries, family_case, case_officer, parent
):
    """A plan with 2 needs and 1 outcome costs the same queries as one with 40 needs, 20
    outcomes and 30 items of help (and the case page the same with or without a plan)."""
    with app.test_request_context():
        small = write_plan(case_officer, family_case, needs=2, outcomes=1, provision=1)
        services.send_draft(case_officer, family_case)
    client_request.sign_in_as(parent)
    few = _queries(client_request, count_queries, "plans.plan_version", version_id=small.public_id)
    case_few = _queries(
        client_request, count_queries, "cases.case_page", case_id=family_case.public_id
    )
    with app.test_request_context():
        g.pop("_grants", None)
        big = write_plan(case_officer, family_case, needs=40, outcomes=20, provision=30)
        services.send_draft(case_officer, family_case)
    many = _queries(client_request, count_queries, "plans.plan_version", version_id=big.public_id)
    case_many = _queries(
        client_request, count_queries, "cases.case_page", case_id=family_case.public_id
    )
    print("plan page queries:", few, many, "case page:", case_few, case_many)
    assert few == many
    assert case_few == case_many
