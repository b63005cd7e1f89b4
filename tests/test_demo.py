"""The demo data a newcomer meets with `make run`."""

import pytest

from portal.accounts.models import User
from portal.cases.policy import visible_cases
from portal.demo import DEMO_ACCOUNTS, load_demo_data
from portal.extensions import db
from tests import factories
from tests.conftest import ClientRequest

DEMO_PASSWORD = "demo-portal-password"


@pytest.fixture
def demo(app):
    load_demo_data(DEMO_PASSWORD)


def test_demo_command_refuses_a_database_with_accounts(app, demo):
    """Demo data is never mixed into a database that has real accounts."""
    result = app.test_cli_runner().invoke(args=["demo", "--password", DEMO_PASSWORD])
    assert result.exit_code != 0
    assert "already has accounts" in result.output
    quiet = app.test_cli_runner().invoke(args=["demo", "--if-empty", "--password", DEMO_PASSWORD])
    assert quiet.exit_code == 0


def test_demo_command_refuses_production(app):
    """Demo data cannot be loaded in production."""
    app.config["PORTAL_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "--password", DEMO_PASSWORD])
    assert result.exit_code != 0
    assert db.session.query(User).count() == 0


def test_demo_command_generates_a_password_when_none_is_given(app):
    """Without --password a strong password is made up and printed."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output and "generated" in result.output


@pytest.mark.parametrize("email", [account[0] for account in DEMO_ACCOUNTS])
def test_every_demo_account_signs_in_to_its_own_home(app, demo, email):
    """Each demo account signs in with the demo password and lands on a working home page;
    council staff give the code `flask accounts code EMAIL` prints for the demo key."""
    client = ClientRequest(app, app.test_client())
    response = client.client.post(
        "/sign-in",
        data={"email": email, "password": DEMO_PASSWORD, "csrf_token": client.csrf_token()},
        follow_redirects=True,
    )
    assert response.status_code == 200
    role = next(account[2] for account in DEMO_ACCOUNTS if account[0] == email)
    if role.must_use_second_factor:
        assert b"Sign out" not in response.data
        code = app.test_cli_runner().invoke(args=["accounts", "code", email])
        assert code.exit_code == 0, code.output
        response = client.client.post(
            "/sign-in/code",
            data={"code": code.output.strip(), "csrf_token": client.csrf_token()},
            follow_redirects=True,
        )
        assert response.status_code == 200
    assert b"Sign out" in response.data


def test_the_code_command_shows_only_demo_codes_and_never_in_production(app, demo, admin):
    """`flask accounts code` reveals nothing but the public demo key's code."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["accounts", "code", "officer@example.org"]).exit_code == 0
    factories.give_authenticator_app(admin)
    db.session.commit()
    refused = runner.invoke(args=["accounts", "code", admin.email])
    assert refused.exit_code != 0 and "Only demo accounts" in refused.output
    assert runner.invoke(args=["accounts", "code", "parent@example.org"]).exit_code != 0
    app.config["PORTAL_ENV"] = "production"
    assert runner.invoke(args=["accounts", "code", "officer@example.org"]).exit_code != 0


def test_demo_families_see_only_their_own_case(app, demo):
    """parent@ and parent2@ belong to different families and see one case each."""
    from portal.accounts.models import User

    for email, child in [("parent@example.org", "Alfie"), ("parent2@example.org", "Maya")]:
        user = db.session.query(User).filter_by(email=email).one()
        cases = db.session.scalars(visible_cases(user)).all()
        assert [c.child.first_name for c in cases] == [child]


def test_demo_bandings_commit_top_up_and_one_was_changed_by_the_panel(app, demo):
    """The demo shows agreed bands (one moderated with a reason) and a proposal still waiting."""
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.clock import today
    from portal.extensions import db
    from portal.funding.finance import committed_in_year
    from portal.funding.models import Banding
    from portal.funding.money import FinancialYear, illustrative_tariff

    bandings = db.session.scalars(select(Banding)).all()
    assert {b.status for b in bandings} == {"agreed", "proposed"}
    changed = [b for b in bandings if b.was_changed]
    assert len(changed) == 1 and changed[0].moderation_reason
    officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    year = FinancialYear.containing(today())
    rows = committed_in_year(illustrative_tariff(year, year.start_year), officer.organisation_id)
    assert sum(row.pupils for row in rows) == 5
    assert all(row.committed > 0 for row in rows)


def test_demo_funding_officer_has_school_proposals_to_agree(app, demo):
    """The funding officer's queue holds proposals from both demo schools, oldest first."""
    from sqlalchemy import select

    from portal.accounts.models import Role, User
    from portal.extensions import db
    from portal.funding.moderation import proposed_queue

    funder = db.session.scalar(select(User).where(User.email == "funding@example.org"))
    queue = proposed_queue(funder.organisation_id)
    proposers = {
        user.email: user.role
        for user in db.session.scalars(
            select(User).where(User.id.in_([r.banding.proposed_by_id for r in queue.rows]))
        )
    }
    assert queue.total == 4
    assert set(proposers) == {"senco@example.org", "senco2@example.org"}
    assert set(proposers.values()) == {Role.SCHOOL}
    assert {r.child_name.split()[0] for r in queue.rows} == {"Maya", "Zara", "Jordan"}


def test_the_demo_audit_trail_is_one_unbroken_chain(app, demo):
    """The demo back-dates its events and then chains them again: `flask audit verify` passes."""
    from portal import audit

    verdict = audit.verify_chain()
    assert verdict.ok, verdict.problem
    assert verdict.checked > 0
