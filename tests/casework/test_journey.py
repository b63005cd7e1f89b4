"""A case officer takes a new case from the request to the final plan, through a review and an
amendment, with plain links and form posts only (no JavaScript), as a browser without it would."""

from __future__ import annotations

from datetime import date, datetime

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal import clock
from portal.audit import Event, Visibility
from portal.cases.models import Case, Relationship
from portal.extensions import db
from tests import factories
from tests.conftest import Page, check_page


def _on(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 9, 0))


class Officer:
    """A person using the portal in a browser without JavaScript: reads pages, follows links,
    fills in forms and submits them."""

    def __init__(self, client_request, user) -> None:
        self.cr = client_request
        self.user = user
        self.cr.sign_in_as(user)

    def open(self, url: str) -> Page:
        response = self.cr.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = Page(response)
        check_page(page, fragment=False)
        return page

    def follow(self, page: Page, link_text: str) -> Page:
        """Click the link whose text starts with ``link_text``."""
        links = [
            a for a in page.html.select("main a") if a.get_text(" ").strip().startswith(link_text)
        ]
        assert links, f"no link {link_text!r} in {page.texts('main a')}"
        return self.open(links[0]["href"])

    def submit(self, page: Page, answers: dict[str, str]) -> str:
        """Fill in the page's form and submit it; return where it redirects to (303)."""
        form = page.html.select_one("main form[method=post]")
        data = {
            field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")
        }
        data.update(answers)
        response = self.cr.client.post(form["action"], data=data)
        if response.status_code != 303:
            errors = BeautifulSoup(response.get_data(as_text=True), "html.parser").select(
                ".govuk-error-summary__list li"
            )
            raise AssertionError(f"{form['action']}: {response.status_code} {errors}")
        return response.headers["Location"]

    def act(self, case_url: str, link_text: str, answers: dict[str, str], *, on: date) -> None:
        """On ``on``: from the "Manage this case" page, follow the action's link and submit its
        form (which sends the officer back to the case page)."""
        _on(on)
        self.cr.sign_in_as(self.user)  # time moves on between steps; start a fresh session
        manage = self.open(f"{case_url}/manage")
        form_page = self.follow(manage, link_text)
        assert self.submit(form_page, answers).endswith(case_url)


def dated(name: str, value: date) -> dict[str, str]:
    return {
        f"{name}-day": str(value.day),
        f"{name}-month": str(value.month),
        f"{name}-year": str(value.year),
    }


def test_from_request_to_final_plan_and_through_a_review_and_an_amendment(
    client_request, case_officer, council, school, psychologist, parent
):
    """Every step is a link and a form; the case reaches the review cycle with an amended plan,
    and the family's timeline tells the story in plain words."""
    # Monday 4 January 2027: the request arrives and the officer opens the case.
    _on(date(2027, 1, 4))
    officer = Officer(client_request, case_officer)
    home = officer.open("/home")
    new_case = officer.open(
        next(a["href"] for a in home.html.select("nav a") if "Open a new case" in a.get_text())
    )
    case_url = officer.submit(
        new_case,
        {
            "first_name": "Rosa",
            "last_name": "Lopez",
            **dated("date_of_birth", date(2018, 9, 14)),
            "school": str(school.id),
            **dated("request_received_on", date(2027, 1, 4)),
            "requested_by": "parent",
        },
    )
    case = db.session.scalar(select(Case).where(Case.reference.like("EHC-2027-%")))
    assert case_url.endswith(f"/cases/{case.public_id}")
    case_url = f"/cases/{case.public_id}"
    factories.grant(case, parent, Relationship.PARENT_CARER, by=case_officer)
    factories.grant(case, psychologist, Relationship.EDUCATIONAL_PSYCHOLOGIST, by=case_officer)

    officer.act(
        case_url,
        "Record the decision on assessment",
        {"outcome": "yes", **dated("letter_on", date(2027, 2, 8))},
        on=date(2027, 2, 8),
    )
    officer.act(
        case_url,
        "Ask for advice",
        {
            "kind": "psychological",
            "adviser": str(psychologist.id),
            **dated("sent_on", date(2027, 2, 9)),
        },
        on=date(2027, 2, 9),
    )
    officer.act(
        case_url,
        "Ask for advice",
        {
            "kind": "health",
            "service_name": "Northfield Health",
            **dated("sent_on", date(2027, 2, 9)),
        },
        on=date(2027, 2, 9),
    )
    officer.act(
        case_url,
        f"Record advice from {psychologist.name}",
        dated("received_on", date(2027, 3, 15)),
        on=date(2027, 3, 15),
    )
    officer.act(
        case_url,
        "Record advice from Northfield Health",
        dated("received_on", date(2027, 3, 26)),
        on=date(2027, 3, 26),
    )
    officer.act(
        case_url,
        "Finish the assessment",
        dated("finished_on", date(2027, 3, 26)),
        on=date(2027, 3, 26),
    )
    officer.act(
        case_url, "Send the draft plan", dated("sent_on", date(2027, 4, 12)), on=date(2027, 4, 12)
    )
    officer.act(
        case_url,
        "Record the family's comments",
        {**dated("received_on", date(2027, 4, 20)), "school_preference": school.name},
        on=date(2027, 4, 20),
    )
    officer.act(
        case_url,
        "Issue the final plan",
        {**dated("issued_on", date(2027, 5, 10)), "under_five_interval_months": "6"},
        on=date(2027, 5, 10),
    )
    assert case.stage == "final"

    # The first review, the next spring, decides to change the plan.
    officer.act(
        case_url,
        "Arrange the first review",
        dated("meeting_on", date(2028, 3, 1)),
        on=date(2028, 1, 10),
    )
    assert case.stage == "review"
    officer.act(
        case_url,
        "Record that the review invitations were sent",
        dated("sent_on", date(2028, 2, 1)),
        on=date(2028, 2, 1),
    )
    officer.act(
        case_url,
        "Record the review report",
        dated("sent_on", date(2028, 3, 8)),
        on=date(2028, 3, 8),
    )
    officer.act(
        case_url,
        "Record the decision after the review",
        {"decision": "amend", **dated("decided_on", date(2028, 3, 20))},
        on=date(2028, 3, 20),
    )
    officer.act(
        case_url,
        "Send the proposed changes",
        dated("sent_on", date(2028, 3, 22)),
        on=date(2028, 3, 22),
    )
    officer.act(
        case_url,
        "Issue the changed plan",
        dated("issued_on", date(2028, 4, 26)),
        on=date(2028, 4, 26),
    )

    # The case stays in the review cycle, and the next review can be arranged.
    assert case.stage == "review"
    manage = officer.open(f"{case_url}/manage")
    assert "Arrange the next review" in manage.texts("main ul a")
    family_story = [
        e.summary
        for e in db.session.scalars(
            select(Event)
            .where(Event.case_id == case.id, Event.visibility == Visibility.EVERYONE)
            .order_by(Event.id)
        )
    ]
    assert len(family_story) == 16  # one for each step above
    assert family_story[0].startswith("The council received a request for an assessment")
    assert family_story[-1] == "The council issued the changed plan on Wednesday 26 April 2028."
