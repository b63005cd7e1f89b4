"""Issue 3's "done when", in a real browser: a case officer takes a new case from the request to
the final plan and through a review, with JavaScript switched off.

JavaScript is off only, on purpose: the issue asks for this journey to work without it (every
action is a link and a form post), and the other journeys already run each step with
JavaScript on. Every page on the way is checked with axe-core; `browsing` fails the test on any
console error, Content-Security-Policy violation or error response.

The case is for a new child with a unique name, so the test can run again on the same database
and never changes the demo cases other tests read. The server runs on the real clock, so every
date is counted back from today: the request arrived 90 days ago, and each step is recorded
with the (past) day it happened, in the order the law allows.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.dates import closed_day
from tests.browser.journeys import fill_date
from tests.browser.support import ROLE_EMAILS, assert_accessible, sign_in

pytestmark = pytest.mark.browser

PSYCHOLOGY = "Northfield Educational Psychology Service"
HEALTH = "Northfield Children's Health Service"
SCHOOL = "Riverside Academy"  # a school in the demo data


def _utc_today() -> date:
    """The server's today: it counts days in UTC."""
    return datetime.now(UTC).date()


def _long(day: date) -> str:
    """A date as the portal writes it: "Friday 12 March 2027"."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"


def _distance(due: date, today: date) -> str:
    """How far a due date is from today, in the portal's words."""
    days = (due - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    return "1 day late" if days == -1 else f"{-days} days late"


def _add_months(day: date, months: int) -> date:
    """`day` plus calendar months; a day the shorter month lacks becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Next:
    """The next deadline the case page should show under "Where we are"."""

    label: str
    due: date


class CaseOfficer:
    """A case officer with JavaScript off, moving one case along through its manage page."""

    def __init__(self, page: Page, *, child: str, today: date) -> None:
        self.page = page
        self.child = child
        self.today = today
        self._manage_pages_checked: set[str] = set()

    def check(self) -> None:
        assert_accessible(self.page, js=False)

    def success(self):
        return self.page.locator(".govuk-notification-banner--success")

    def open_action(self, link: str, title: str) -> None:
        """From the case page, open "Manage this case", then the action's form."""
        page = self.page
        page.get_by_role("link", name="See everything you can do and the time limits").click()
        expect(page.locator("h1")).to_have_text("Manage this case")
        # The manage page looks the same for every step of a stage: check it once per stage.
        stage = page.locator("main p", has_text="Stage:").inner_text()
        if stage not in self._manage_pages_checked:
            self._manage_pages_checked.add(stage)
            self.check()
        page.locator("main").get_by_role("link", name=link, exact=True).click()
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator(".govuk-caption-l")).to_contain_text(self.child)
        self.check()

    def act(
        self,
        link: str,
        title: str,
        fill: Callable[[Page], None],
        button: str,
        *,
        message: str,
        stage: str,
        next_due: Next,
        timeline: str,
    ) -> None:
        """Take one step through its form and check what the case page then says."""
        self.open_action(link, title)
        fill(self.page)
        self.page.get_by_role("button", name=button, exact=True).click()
        self.sees_case(message=message, stage=stage, next_due=next_due, timeline=timeline)

    def sees_case(self, *, message: str, stage: str, next_due: Next, timeline: str) -> None:
        """The case page after a step: the success message, the stage, the next deadline with
        its date in words and how far away it is, and the newest timeline entry."""
        page = self.page
        expect(page.locator("h1")).to_have_text(self.child)
        expect(self.success()).to_contain_text(message)
        where = page.locator(".portal-where-we-are")
        expect(where.locator(".govuk-body-l")).to_have_text(stage)
        sentence = where.locator("p", has_text=f"{next_due.label}:")
        expect(sentence).to_contain_text(
            f"{next_due.label}: {_long(next_due.due)} ({_distance(next_due.due, self.today)})."
        )
        days = (next_due.due - self.today).days
        flag = "Late" if days < 0 else ("Due soon" if days <= 7 else None)
        if flag:
            expect(sentence.locator("strong", has_text=flag)).to_be_visible()
        expect(page.locator(".portal-timeline__title").first).to_have_text(timeline)
        self.check()


def test_case_officer_takes_a_new_case_from_request_through_a_review_without_javascript(
    browsing,
):
    """Open a case, record each step of the pathway through its form, from the decision to
    assess to the decision after the first review; an impossible date is refused on the way."""
    today = _utc_today()
    day = {n: today - timedelta(days=n) for n in range(91)}  # day[5] is 5 days ago
    received = day[90]
    child = f"Nia Marsh-{uuid.uuid4().hex[:8]}"
    first_name, last_name = child.split(" ", 1)

    page = browsing.page(js=False)
    sign_in(page, ROLE_EMAILS["officer"])
    officer = CaseOfficer(page, child=child, today=today)

    # --- The request arrives: open the case from the header menu.
    page.locator("header").get_by_role("link", name="Open a new case").click()
    expect(page.locator("h1")).to_have_text("Open a new case")
    officer.check()
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    fill_date(page, "Date of birth", date(today.year - 9, today.month, 1))
    page.get_by_label("School or setting", exact=True).select_option(label=SCHOOL)
    fill_date(page, "When did the council receive the request?", received)
    page.get_by_label("A parent or carer").check()
    page.get_by_role("button", name="Open the case").click()
    decision_due = received + timedelta(weeks=6)
    officer.sees_case(
        message=(
            f"is open for {child}. The decision on assessment is due by {_long(decision_due)}."
        ),
        stage="Request for a needs assessment",
        next_due=Next("Decision on whether to do an assessment", decision_due),
        timeline=(
            f"The council received a request for an assessment on {_long(received)}. "
            "It will decide within 6 weeks whether to do one."
        ),
    )
    case_url = page.url

    # --- A decision dated before the request is refused, in plain English, keeping the answers.
    officer.open_action("Record the decision on assessment", "Record the decision on assessment")
    page.get_by_label("Yes, carry out a needs assessment").check()
    too_early = received - timedelta(days=1)
    fill_date(page, "Date of the letter to the family", too_early)
    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    problem = (
        "The date of the letter must be on or after the day the request was received, "
        f"{_long(received)}"
    )
    link = summary.get_by_role("link", name=problem)
    expect(link).to_have_attribute("href", "#letter_on-day")
    letter = page.get_by_role("group", name="Date of the letter to the family")
    expect(letter.locator(".govuk-error-message")).to_have_text(f"Error: {problem}")
    expect(letter.get_by_label("Day")).to_have_value(str(too_early.day))
    expect(letter.get_by_label("Month")).to_have_value(str(too_early.month))
    expect(letter.get_by_label("Year")).to_have_value(str(too_early.year))
    expect(page.get_by_label("Yes, carry out a needs assessment")).to_be_checked()
    expect(page).to_have_title(re.compile(r"^Error: Record the decision on assessment"))
    officer.check()

    # Corrected, the decision goes through (the letter went within the 6 weeks).
    fill_date(page, "Date of the letter to the family", day[60])
    page.get_by_role("button", name="Record the decision").click()
    plan_decision_due = received + timedelta(weeks=16)
    officer.sees_case(
        message="The decision to carry out a needs assessment is recorded.",
        stage="Needs assessment",
        next_due=Next("Decision on whether to make a plan", plan_decision_due),
        timeline=(
            "The council decided to carry out a needs assessment "
            f"(letter dated {_long(day[60])}). It will now ask people for advice."
        ),
    )
    assert page.url == case_url

    # --- Advice from two services, each due 6 weeks after it was asked for.
    def ask(kind: str, service: str, sent: date) -> Callable[[Page], None]:
        def fill(page: Page) -> None:
            page.get_by_label(kind).check()
            page.get_by_label("Or, the person or service not on this case").fill(service)
            fill_date(page, "When was the request sent?", sent)

        return fill

    psychology_due = day[58] + timedelta(weeks=6)
    health_due = day[57] + timedelta(weeks=6)
    officer.act(
        "Ask for advice",
        "Ask for advice",
        ask("Psychological advice", PSYCHOLOGY, day[58]),
        "Record the request",
        message=f"The request to {PSYCHOLOGY} is recorded. The advice is due by "
        f"{_long(psychology_due)}.",
        stage="Needs assessment",
        next_due=Next(f"Advice from {PSYCHOLOGY}", psychology_due),
        timeline=(
            f"The council asked {PSYCHOLOGY} for psychological advice. "
            f"It is due by {_long(psychology_due)}."
        ),
    )
    officer.act(
        "Ask for advice",
        "Ask for advice",
        ask("Health advice", HEALTH, day[57]),
        "Record the request",
        message=f"The request to {HEALTH} is recorded.",
        stage="Needs assessment",
        next_due=Next(f"Advice from {PSYCHOLOGY}", psychology_due),
        timeline=f"The council asked {HEALTH} for health advice. It is due by {_long(health_due)}.",
    )

    # The psychology advice came on time; the health advice 3 days after its due date.
    officer.act(
        f"Record advice from {PSYCHOLOGY} as received",
        f"Record advice from {PSYCHOLOGY}",
        lambda page: fill_date(page, "When did the advice arrive?", day[30]),
        "Record the advice",
        message=f"The advice from {PSYCHOLOGY} is recorded as received.",
        stage="Needs assessment",
        next_due=Next(f"Advice from {HEALTH}", health_due),
        timeline=f"Advice from {PSYCHOLOGY} arrived on time.",
    )
    officer.act(
        f"Record advice from {HEALTH} as received",
        f"Record advice from {HEALTH}",
        lambda page: fill_date(page, "When did the advice arrive?", day[12]),
        "Record the advice",
        message=f"The advice from {HEALTH} is recorded as received.",
        stage="Needs assessment",
        next_due=Next("Decision on whether to make a plan", plan_decision_due),
        timeline=f"Advice from {HEALTH} arrived after the due date of {_long(health_due)}.",
    )
    officer.act(
        "Finish the assessment",
        "Finish the assessment",
        lambda page: fill_date(page, "When did the assessment finish?", day[12]),
        "Finish the assessment",
        message="The assessment is finished. Next, decide whether to make a plan.",
        stage="Decision whether to issue a plan",
        next_due=Next("Decision on whether to make a plan", plan_decision_due),
        timeline=(
            "The council has the advice it needs. It is now deciding whether to make a plan. "
            f"If it will not, it must tell you by {_long(plan_decision_due)}."
        ),
    )

    # --- The council will make a plan: the draft goes to the family for 15 days, counting
    # the day it was sent.
    comments_due = day[12] + timedelta(days=14)
    officer.act(
        "Send the draft plan",
        "Send the draft plan",
        lambda page: fill_date(page, "When was the draft plan sent to the family?", day[12]),
        "Record the draft as sent",
        message=(
            "The draft plan is recorded as sent. The family can comment until "
            f"{_long(comments_due)}."
        ),
        stage="Draft plan",
        next_due=Next("Family's comments on the draft plan", comments_due),
        timeline=(
            f"The council sent the draft plan on {_long(day[12])}. You can comment, ask for a "
            "meeting and say which school or college you want until "
            f"{_long(comments_due)}."
        ),
    )

    def comments(page: Page) -> None:
        fill_date(page, "When did the family's comments arrive?", day[10])
        page.get_by_label("Which school or college did they ask for? (optional)").fill(SCHOOL)

    final_due = received + timedelta(weeks=20)
    officer.act(
        "Record the family's comments",
        "Record the family's comments",
        comments,
        "Record the comments",
        message="The family's comments are recorded.",
        stage="Draft plan",
        next_due=Next("Final plan", final_due),
        timeline=f"The council received your comments on the draft plan. You asked for {SCHOOL}.",
    )

    # --- The school the family asked for is consulted, and replies.
    def consult(page: Page) -> None:
        page.get_by_label("School or setting", exact=True).select_option(label=SCHOOL)
        fill_date(page, "When was the school asked?", day[10])

    reply_due = day[10] + timedelta(days=14)
    officer.act(
        "Ask a school about a place",
        "Ask a school about a place",
        consult,
        "Record the request",
        message=f"{SCHOOL} is recorded as asked. It should reply by {_long(reply_due)}.",
        stage="Draft plan",
        next_due=Next(f"Reply from {SCHOOL}", reply_due),
        timeline=(
            f"The council asked {SCHOOL} if it can meet {first_name}'s needs. "
            f"It should reply by {_long(reply_due)}."
        ),
    )
    officer.act(
        f"Record the reply from {SCHOOL}",
        f"Record the reply from {SCHOOL}",
        lambda page: fill_date(page, "When did the school reply?", day[9]),
        "Record the reply",
        message=f"The reply from {SCHOOL} is recorded.",
        stage="Draft plan",
        next_due=Next("Final plan", final_due),
        timeline=f"{SCHOOL} replied to the council.",
    )

    # --- The final plan, within the 20 weeks; the next review is due within 12 months.
    officer.act(
        "Issue the final plan",
        "Issue the final plan",
        lambda page: fill_date(page, "When was the final plan issued?", day[8]),
        "Record the final plan as issued",
        message="The final plan is recorded as issued.",
        stage="Final plan issued",
        next_due=Next("Next review meeting", _add_months(day[8], 12)),
        timeline=(
            f"The council issued the final plan on {_long(day[8])}, within the 20 weeks. "
            "The help in it must now be given."
        ),
    )

    # --- A review meeting, held yesterday: its report is due 2 weeks after it and the
    # decision 4 weeks after it.
    # (The latest working day: a weekend or bank holiday asks the officer to confirm the date.)
    meeting = next(day[n] for n in range(1, 8) if closed_day(day[n]) is None)
    officer.act(
        "Arrange the first review",
        "Arrange a review",
        lambda page: fill_date(page, "When is the review meeting?", meeting),
        "Arrange the review",
        message=(
            f"The review meeting on {_long(meeting)} is arranged. The invitations were due by "
            f"{_long(meeting - timedelta(weeks=2))}."
        ),
        stage="Reviews",
        next_due=Next("Review report", meeting + timedelta(weeks=2)),
        timeline=(
            f"A review meeting is arranged for {_long(meeting)}. Invitations go out at least "
            "2 weeks before it."
        ),
    )
    officer.act(
        "Record the review report",
        "Record the review report",
        lambda page: fill_date(page, "When was the review report sent?", day[0]),
        "Record the report",
        message="The review report is recorded as sent.",
        stage="Reviews",
        next_due=Next("Decision after the review", meeting + timedelta(weeks=4)),
        timeline=f"The report of the review meeting on {_long(meeting)} was sent.",
    )

    def keep(page: Page) -> None:
        page.get_by_label("Keep the plan as it is").check()
        fill_date(page, "Date of the decision letter", day[0])

    officer.act(
        "Record the decision after the review",
        "Record the decision after the review",
        keep,
        "Record the decision",
        message="The decision after the review is recorded.",
        stage="Reviews",
        next_due=Next("Next review meeting", _add_months(meeting, 12)),
        timeline="After the review, the council decided to keep the plan as it is.",
    )

    # The plan goes on: the next step offered is to arrange the next review.
    page.get_by_role("link", name="See everything you can do and the time limits").click()
    expect(page.locator("h1")).to_have_text("Manage this case")
    expect(page.locator("main").get_by_role("link", name="Arrange the next review")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Stage: Reviews")
