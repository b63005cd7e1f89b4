"""The caseload of schools, professionals and case officers: only the cases they may see, with
next due dates, filters, search, sort, pages, and the htmx rendering of the results."""

from __future__ import annotations

from datetime import date

import pytest

from portal.cases.models import AdviceKind, AdviceRequest, Relationship, Review
from portal.extensions import db
from portal.pathway import Stage
from tests import factories

LATE = date(2027, 1, 20)  # at the request stage: decision due Wednesday 3 March, 7 days late
DUE_SOON = date(2027, 2, 1)  # decision due Monday 15 March, in 5 days
DUE_LATER = date(2027, 2, 17)  # decision due Wednesday 31 March, in 21 days


@pytest.fixture
def school_cases(tracker_today, council, case_officer, senco, school):
    """Three cases shared with the school (late, due soon, due later) and one that is not."""
    made = {}
    for name, received in (("Lateo", LATE), ("Soonia", DUE_SOON), ("Laterby", DUE_LATER)):
        case = factories.make_case(
            team=council,
            officer=case_officer,
            received=received,
            first_name=name,
            last_name="Smith",
            school=school,
        )
        factories.grant(case, senco, Relationship.SCHOOL, by=case_officer)
        made[name] = case
    made["hidden"] = factories.make_case(
        team=council, officer=case_officer, first_name="Hidden", last_name="Jones"
    )
    return made


def _names(page) -> list[str]:
    return [
        row.select_one("td a").get_text()
        for row in page.html.select("#caseload-results tr")
        if row.select_one("td a")
    ]


def _caseload(client_request, user, q: str | None = None, **filters):
    client_request.sign_in_as(user)
    if q is not None:
        _search(client_request, q, **filters)
    return client_request.get("cases.home", **filters)


def _search(client_request, q: str, **filters):
    """Search as the filter form does: a POST, so the words stay out of the address."""
    return client_request.post("cases.home", {"q": q, **filters}, expected_status=303)


def test_a_school_sees_only_the_cases_shared_with_it(client_request, senco, school_cases):
    """The school's caseload lists its three cases, soonest due first, and not the fourth."""
    page = _caseload(client_request, senco)
    assert page.h1 == "Your caseload"
    assert _names(page) == ["Lateo Smith", "Soonia Smith", "Laterby Smith"]
    assert "Hidden" not in page.text("main")
    assert page.html.select_one("#caseload-results")["data-portal-announce"] == "3 cases found"


def test_each_row_says_the_stage_and_next_due_date_in_words(client_request, senco, school_cases):
    """Each case shows its stage, the next due date with how far away it is, and a "Late" or
    "Due soon" label in words."""
    page = _caseload(client_request, senco)
    rows = [r.get_text(" ") for r in page.html.select("#caseload-results tbody tr")]
    rows = [" ".join(r.split()) for r in rows]
    assert "Request for a needs assessment" in rows[0]
    assert "Wednesday 3 March 2027 (7 days late) Late" in rows[0]
    assert "Monday 15 March 2027 (in 5 days) Due soon" in rows[1]
    assert rows[2].endswith("Wednesday 31 March 2027 (in 21 days)")


def test_filter_by_late_and_by_due_this_week(client_request, senco, school_cases):
    """ "Late" and "Due this week" each narrow the list to exactly those cases."""
    assert _names(_caseload(client_request, senco, due="late")) == ["Lateo Smith"]
    assert _names(_caseload(client_request, senco, due="this-week")) == ["Soonia Smith"]


def test_filter_by_stage(client_request, senco, school_cases):
    """Choosing a stage shows only the cases at that stage."""
    school_cases["Soonia"].stage = Stage.ASSESSMENT
    db.session.commit()
    page = _caseload(client_request, senco, stage="assessment")
    assert _names(page) == ["Soonia Smith"]
    assert page.html.select_one("select[name=stage] option[selected]")["value"] == "assessment"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("soon", ["Soonia Smith"]),
        ("SOON", ["Soonia Smith"]),
        ("soonia smith", ["Soonia Smith"]),
        ("smith", ["Lateo Smith", "Soonia Smith", "Laterby Smith"]),
        ("%", []),
        ("jones", []),  # a case the school cannot see is never found
    ],
)
def test_search_by_child_name(client_request, senco, school_cases, query, expected):
    """Search matches any part of the child's name, ignoring case; wildcards are plain text."""
    assert _names(_caseload(client_request, senco, q=query)) == expected


def test_search_by_case_number(client_request, senco, school_cases):
    """Search also finds a case by its case number."""
    reference = school_cases["Laterby"].reference
    assert _names(_caseload(client_request, senco, q=reference.lower())) == ["Laterby Smith"]


def test_sort_by_name_or_newest(client_request, senco, school_cases):
    """The list can be sorted by the child's name or by the newest request instead."""
    by_name = _caseload(client_request, senco, sort="name")
    assert _names(by_name) == ["Lateo Smith", "Laterby Smith", "Soonia Smith"]
    newest = _caseload(client_request, senco, sort="newest")
    assert _names(newest) == ["Laterby Smith", "Soonia Smith", "Lateo Smith"]


def test_unknown_filter_values_are_ignored(client_request, senco, school_cases):
    """An old bookmark or a hand-typed URL with odd values shows the whole list, not an error."""
    page = _caseload(client_request, senco, stage="bogus", due="soon-ish", sort="x", page="z")
    assert len(_names(page)) == 3


def test_the_filter_form_is_a_real_post_form_with_active_search(
    client_request, senco, school_cases
):
    """Without JavaScript the filters are a plain form to the same address; htmx updates the
    results as the person types or chooses, keeping the address in step (without the search,
    which is POSTed so a child's name never goes into the address)."""
    page = _caseload(client_request, senco)
    form = page.html.select_one("form.portal-filter-form")
    assert form["method"] == "post" and form["action"] == "/home" == form["hx-post"]
    assert form["hx-trigger"] == ("input changed delay:300ms from:find input[type=search], change")
    assert form["hx-target"] == "#caseload-results"
    assert form.select_one("input[type=search][name=q]") is not None
    assert form.select_one("button[type=submit]") is not None


def test_htmx_gets_only_the_results(client_request, senco, school_cases):
    """An htmx request gets the results fragment only: small, not a page, announced, and the
    response says it varies on HX-Request."""
    client_request.sign_in_as(senco)
    _search(client_request, "soon")
    full = client_request.get("cases.home")
    part = client_request.get("cases.home", htmx=True)
    fragment = part.response.get_data(as_text=True)
    assert part.html.select_one("h1, form.portal-filter-form, nav.portal-header__nav") is None
    root = part.html.find(True)
    assert root["id"] == "caseload-results"
    assert root["data-portal-announce"] == "1 case found"
    assert _names(part) == ["Soonia Smith"]
    assert len(fragment) < len(full.response.get_data(as_text=True)) / 2
    assert "HX-Request" in part.response.headers["Vary"]


def test_pages_of_25_keep_the_filters(client_request, tracker_today, council, case_officer):
    """Thirty cases make two pages of 25 and 5; page links keep the search and filters."""
    for n in range(30):
        factories.make_case(
            team=council, officer=case_officer, first_name="Pat", last_name=f"Page{n:02d}"
        )
    client_request.sign_in_as(case_officer)
    _search(client_request, "pat", sort="name")
    first = client_request.get("cases.home", sort="name")
    assert first.h1 == "Team cases"
    assert len(_names(first)) == 25
    summary = first.html.select_one("#caseload-results p").get_text()
    assert "30 cases found, showing 1 to 25" in " ".join(summary.split())
    following = first.html.select_one(".govuk-pagination__next a")["href"]
    assert following.startswith("/home?")
    assert "q=" not in following and "sort=name" in following and "page=2" in following
    second = client_request.get("cases.home", sort="name", page=2)
    assert _names(second) == [f"Pat Page{n}" for n in range(25, 30)]
    assert (
        client_request.get("cases.home", page=99).text(".govuk-pagination__item--current") == "2"
    ), "a page past the end shows the last page"


def _share_with_school(count, first_name, received, council, officer, school, senco) -> None:
    """`count` cases of the school's pupils ("<first_name> Case00"...), all shared with it."""
    for n in range(count):
        case = factories.make_case(
            team=council,
            officer=officer,
            received=received,
            first_name=first_name,
            last_name=f"Case{n:02d}",
            school=school,
        )
        factories.grant(case, senco, Relationship.SCHOOL, by=officer)


def test_a_schools_pages_by_due_date_list_every_case_once(
    client_request, tracker_today, council, case_officer, senco, school
):
    """Thirty shared cases all due the same day: the two pages, soonest first, list each case
    exactly once (ties are broken the same way on every page)."""
    _share_with_school(30, "Tie", DUE_SOON, council, case_officer, school, senco)
    first = _names(_caseload(client_request, senco))
    second = _names(client_request.get("cases.home", page=2))
    assert len(first) == 25 and len(second) == 5
    assert sorted(first + second) == [f"Tie Case{n:02d}" for n in range(30)]


def test_a_schools_pages_follow_a_deadline_that_moves(
    client_request, senco, case_officer, council, school, school_cases
):
    """Deciding to assess the late case moves its next deadline months on: of the school's 27
    cases, soonest first, it moves from the top of page 1 to the end of page 2 (which 25 make
    a page is read from the grants' copy of each case's next deadline, kept in step in the
    decision's own commit)."""
    from portal.casework.steps import assessment

    _share_with_school(24, "Later", DUE_LATER, council, case_officer, school, senco)
    first = _names(_caseload(client_request, senco))
    assert first[:3] == ["Lateo Smith", "Soonia Smith", "Laterby Smith"] and len(first) == 25
    lateo = school_cases["Lateo"]
    assessment.decide_assessment(
        case_officer, lateo, outcome="yes", letter_on=lateo.request_received_on
    )
    first = _names(client_request.get("cases.home"))
    second = _names(client_request.get("cases.home", page=2))
    assert first[:2] == ["Soonia Smith", "Laterby Smith"] and "Lateo Smith" not in first
    assert second == ["Later Case23", "Lateo Smith"]
    assert _names(client_request.get("cases.home", due="late")) == []


def test_a_case_officer_sees_the_team_cases_only(
    client_request, case_officer, other_council_officer, family_case
):
    """Team cases are the team's: another council's officer does not see them."""
    assert _names(_caseload(client_request, case_officer)) == [family_case.child.full_name]
    assert _names(_caseload(client_request, other_council_officer)) == []


def test_my_tasks_lists_advice_due_from_me(
    client_request, tracker_today, psychologist, family_case, case_officer
):
    """A professional asked for advice sees it in "My tasks" with its due date until it is
    received."""
    family_case.stage = Stage.ASSESSMENT
    factories.grant(family_case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST)
    request = AdviceRequest(
        case_id=family_case.id,
        kind=AdviceKind.PSYCHOLOGICAL,
        adviser_id=psychologist.id,
        sent_on=date(2027, 2, 3),
    )
    db.session.add(request)
    db.session.commit()
    page = _caseload(client_request, psychologist)
    tasks = " ".join(page.text("main").split())
    assert "My tasks" in tasks
    assert "Send your advice Wednesday 17 March 2027 (in 7 days) Due soon" in tasks
    request.received_on = date(2027, 3, 9)
    db.session.commit()
    assert "My tasks" not in _caseload(client_request, psychologist).text("main")


def test_my_tasks_lists_review_meetings_for_my_pupils(
    client_request, tracker_today, senco, family_case
):
    """A school sees the coming review meetings of its pupils, with the date invitations are
    due (2 weeks before)."""
    family_case.stage = Stage.REVIEW
    db.session.add(Review(case_id=family_case.id, meeting_on=date(2027, 4, 14)))
    db.session.commit()
    page = _caseload(client_request, senco)
    text = " ".join(page.text("main").split())
    assert "Review meeting on Wednesday 14 April 2027" in text
    assert "Wednesday 31 March 2027 (in 21 days)" in text


def test_families_see_their_case_and_its_next_date_at_home(
    client_request, tracker_today, parent, family_case
):
    """A parent's home shows the child's case, where it is and the next date, with a link."""
    family_case.request_received_on = DUE_SOON
    db.session.commit()
    page = _caseload(client_request, parent)
    assert page.h1 == "Your child’s case"
    text = " ".join(page.text("main").split())
    assert "Asking for an assessment" in text
    assert "Monday 15 March 2027 (in 5 days) Due soon" in text
    link = page.html.select_one(f'a[href="/cases/{family_case.public_id}"]')
    assert link is not None


def test_a_young_person_is_greeted_by_name(
    client_request, tracker_today, young_person, family_case
):
    """A young person's home greets them and uses their words for where they are."""
    page = _caseload(client_request, young_person)
    assert page.h1 == "Hello Yara"
    assert "Asking for help" in page.text("main")


def test_a_schools_count_is_of_cases_not_grants(client_request, senco, school_cases):
    """A second live grant on one case, and a revoked grant on another, change neither the list
    nor the number found (the count is taken from the grants)."""
    from portal.clock import utcnow

    listed = _names(_caseload(client_request, senco))
    factories.grant(school_cases["Lateo"], senco, Relationship.SCHOOL)
    revoked = factories.grant(school_cases["hidden"], senco, Relationship.SCHOOL)
    revoked.revoked_at = utcnow()
    db.session.commit()
    page = _caseload(client_request, senco)
    assert _names(page) == listed
    assert page.html.select_one("#caseload-results")["data-portal-announce"] == "3 cases found"
