"""The demo council has plans a newcomer can read, and one whose help the checks flag."""

from __future__ import annotations

from sqlalchemy import select

from portal import clock
from portal.accounts.models import User
from portal.cases.models import Case, Child
from portal.demo import load_demo_data
from portal.extensions import db
from portal.plans import services
from portal.plans.checks import check_plan


def _case(first_name: str) -> Case:
    return db.session.execute(
        select(Case).join(Child).where(Child.first_name == first_name)
    ).scalar_one()


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def test_demo_plans_are_readable_and_one_is_vague(app, client_request):
    """Maya's family reads draft 1; its vague help is flagged; Jordan reads his final plan."""
    load_demo_data("demo-portal-password")
    maya = _case("Maya")
    client_request.sign_in_as(_user("parent2@example.org"))
    page = client_request.get("plans.plan_page", case_id=maya.public_id)
    assert "Draft 1" in page.text(".govuk-caption-l")
    with app.test_request_context():
        draft = services.readable_versions(_user("officer@example.org"), maya)[0]
        findings = check_plan(services.contents(draft), clock.today())
    assert {"vague"} <= {f.kind for f in findings}

    jordan = _case("Jordan")
    client_request.sign_in_as(_user("young.person@example.org"))
    page = client_request.get("plans.plan_page", case_id=jordan.public_id)
    assert page.h1 == "My plan"
    assert "Final plan" in page.text(".govuk-caption-l")
    assert "Riverside Academy" in page.text("#section-i")
    assert "Preparing for adulthood" in page.text("#section-e")


def test_demo_has_family_comments_answered_and_saved(app, client_request):
    """Jordan reads the council's answers to his comments; Maya's mum has hers saved, unsent."""
    load_demo_data("demo-portal-password")
    jordan = _case("Jordan")
    client_request.sign_in_as(_user("young.person@example.org"))
    with app.test_request_context():
        draft = services.readable_versions(_user("young.person@example.org"), jordan)[-1]
    page = client_request.get("plans.plan_comments", version_id=draft.public_id)
    assert "We did not change the plan" in page.text(".portal-plan-comments")
    maya = _case("Maya")
    client_request.sign_in_as(_user("parent2@example.org"))
    with app.test_request_context():
        draft = services.readable_versions(_user("parent2@example.org"), maya)[0]
    page = client_request.get("plans.plan_comments", version_id=draft.public_id)
    assert "every day" in page.html.select_one("textarea#section_f").get_text()
