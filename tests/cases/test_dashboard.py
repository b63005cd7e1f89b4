"""The case officer's team dashboard: counts by stage, late, due this week, and final plans
within 20 weeks (allowed delays apart), each number a link to exactly those cases."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal.cases.models import LawfulDelay
from portal.extensions import db
from portal.pathway import DelayReason, Stage
from tests import factories
from tests.cases.conftest import set_milestones


@pytest.fixture
def team(tracker_today, council, case_officer, other_council_officer):
    """Seven team cases in known states, and one case of another council."""

    def case(stage, received, first_name, **milestones):
        made = factories.make_case(
            team=council,
            officer=case_officer,
            stage=stage,
            received=received,
            first_name=first_name,
        )
        if milestones:
            set_milestones(made, **milestones)
        return made

    case(Stage.REQUEST, date(2027, 1, 20), "Late")  # decision was due 3 March
    case(Stage.REQUEST, date(2027, 2, 1), "Soon")  # decision due 15 March
    case(Stage.ASSESSMENT, date(2027, 2, 17), "Assessed")
    case(Stage.FINAL, date(2026, 6, 1), "InTime", final_issued_on=date(2026, 10, 1))
    case(Stage.REVIEW, date(2026, 4, 1), "Overdue", final_issued_on=date(2026, 10, 1))
    excused = case(Stage.FINAL, date(2026, 4, 1), "Excused", final_issued_on=date(2026, 10, 1))
    db.session.add(
        LawfulDelay(
            case_id=excused.id,
            deadline_key="final_plan",
            reason=DelayReason.PERSONAL_CIRCUMSTANCES,
            applies_from=date(2026, 6, 1),
            explanation="The family was abroad caring for a relative.",
        )
    )
    db.session.commit()
    # Issued more than 12 months ago: not in the 20-week figure.
    case(Stage.FINAL, date(2025, 6, 1), "LongAgo", final_issued_on=date(2025, 10, 1))
    factories.make_case(
        team=other_council_officer.organisation, stage=Stage.REQUEST, received=date(2027, 1, 1)
    )


def _dashboard(client_request, case_officer):
    client_request.sign_in_as(case_officer)
    return client_request.get("cases.dashboard")


def test_counts_by_stage(client_request, case_officer, team):
    """Each stage shows how many of the team's cases are at it."""
    page = _dashboard(client_request, case_officer)
    counts = {
        row.select_one("th").get_text(strip=True): row.select_one("td a").contents[0].strip()
        for row in page.html.select("#by-stage + [role=region] table tbody tr")
    }
    assert counts["Request for a needs assessment"] == "2"
    assert counts["Needs assessment"] == "1"
    assert counts["Final plan issued"] == "3"
    assert counts["Reviews"] == "1"
    assert counts["Draft plan"] == "0"
    assert "7 cases in the team" in page.text("main")


def test_late_and_due_this_week(client_request, case_officer, team):
    """What is late and what is due this week are counted and listed by name."""
    page = _dashboard(client_request, case_officer)
    # The request decided late, and the plan whose yearly review was due in October.
    assert page.text("#late").startswith("Late: 2")
    late = page.text("#late + ul")
    assert "Late Child" in late
    assert "LongAgo Child" in late and "Next review meeting" in late
    assert page.text("#due-this-week").startswith("Due in the next 7 days: 1")
    assert "Monday 15 March 2027 (in 5 days)" in page.text("#due-this-week + ul")


def test_final_plans_within_20_weeks_with_allowed_delays_apart(client_request, case_officer, team):
    """Of the final plans issued in the last 12 months, one was on time and one late: 50%. The
    plan delayed for an allowed reason is counted apart, and an older plan not at all."""
    page = _dashboard(client_request, case_officer)
    assert "50% were issued within 20 weeks" in page.text("main")
    figures = {
        row.select_one("dt").get_text(strip=True): row.select_one("dd a").contents[0].strip()
        for row in page.html.select("#final-plans ~ dl .govuk-summary-list__row")
    }
    assert figures == {
        "Within 20 weeks": "1",
        "After 20 weeks": "1",
        "Delayed for an allowed reason (counted apart)": "1",
    }


def test_every_number_opens_the_list_of_exactly_those_cases(client_request, case_officer, team):
    """Following each number's link shows the caseload filtered to that many cases."""
    page = _dashboard(client_request, case_officer)
    links = [a for a in page.html.select("main a") if urlsplit(a["href"]).path == "/home"]
    assert len(links) >= 9 + 3 + 2
    for link in links:
        number = int(re.match(r"\s*(\d+)", link.get_text()).group(1))
        filters = dict(parse_qsl(urlsplit(link["href"]).query))
        listed = client_request.get("cases.home", **filters)
        found = listed.html.select_one("#caseload-results")["data-portal-announce"]
        assert found == f"{number} {'case' if number == 1 else 'cases'} found", link["href"]
        # The cases themselves, not only the count (both numbers may come from the tallies).
        assert len(listed.html.select("#caseload-results tbody tr")) == number, link["href"]


def test_the_final_plan_filter_lists_the_late_plan(client_request, case_officer, team):
    """The list behind "After 20 weeks" is the plan that was issued late, and says what it is."""
    client_request.sign_in_as(case_officer)
    page = client_request.get("cases.home", final="late")
    names = [a.get_text() for a in page.html.select("#caseload-results td a")]
    assert names == [n for n in names if n.startswith("Overdue")] and len(names) == 1
    assert "Final plans issued after 20 weeks" in page.text("#caseload-results")


def test_the_dashboard_is_in_the_case_officers_menu(client_request, case_officer, team):
    """Case officers reach the dashboard from the header menu."""
    page = _dashboard(client_request, case_officer)
    assert page.html.select_one('nav a[href="/dashboard"]') is not None


def test_another_councils_officer_sees_only_their_own_team(
    client_request, other_council_officer, team
):
    """The numbers are the officer's own team's only."""
    page = _dashboard(client_request, other_council_officer)
    assert "1 case in the team" in page.text("main")


def test_a_team_with_nothing_late_or_due_shows_none(
    client_request, tracker_today, other_council_officer
):
    """A new team's one request, weeks from its first deadline: nothing late, nothing due this
    week and no final plans. Each of those numbers is nought, not missing or an error."""
    factories.make_case(
        team=other_council_officer.organisation, stage=Stage.REQUEST, received=tracker_today
    )
    page = _dashboard(client_request, other_council_officer)
    assert page.text("#late").startswith("Late: 0")
    assert page.text("#due-this-week").startswith("Due in the next 7 days: 0")
    assert "1 case in the team" in page.text("main")
    assert "No final plans were issued" in page.text("main")


@pytest.mark.parametrize(
    "who", ["parent", "young_person", "senco", "psychologist", "admin", "editor"]
)
def test_only_case_officers_see_the_dashboard(request, client_request, who):
    """Everyone else is refused."""
    client_request.sign_in_as(request.getfixturevalue(who))
    client_request.get("cases.dashboard", expected_status=403)
