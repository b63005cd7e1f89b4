"""Small factories for test data. Each makes one thing with sensible defaults and flushes it
(so it has its id); the test client commits before each request, so a test pays for one commit
rather than one per object. Every row is removed after the test either way."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from functools import cache

import pyotp

from portal import clock
from portal.accounts import second_factor
from portal.accounts.models import (
    AuthenticatorApp,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from portal.accounts.passwords import hash_password
from portal.cases.models import Case, CaseGrant, Child, Relationship
from portal.extensions import db

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@cache
def password_hash() -> str:
    """Hash the shared test password once: Argon2 is slow on purpose."""
    return hash_password(PASSWORD)


def make_organisation(name: str | None = None, kind: OrganisationKind = OrganisationKind.SCHOOL):
    org = Organisation(name=name or f"Organisation {next(_numbers)}", kind=kind)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(
    role: Role,
    *,
    email: str | None = None,
    name: str | None = None,
    organisation: Organisation | None = None,
    password: bool = True,
) -> User:
    n = next(_numbers)
    user = User(
        email=email or f"{role.value.replace('_', '.')}{n}@example.org",
        name=name or f"{role.label.split(' ')[0]} Person {n}",
        role=role,
        organisation=organisation,
        password_hash=password_hash() if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_case(
    *,
    team: Organisation,
    officer: User | None = None,
    stage: str = "request",
    received: date | None = None,
    first_name: str = "Alex",
    last_name: str | None = None,
    school: Organisation | None = None,
    age_years: int = 9,
) -> Case:
    n = next(_numbers)
    today = clock.today()
    child = Child(
        first_name=first_name,
        last_name=last_name or f"Child{n}",
        date_of_birth=today - timedelta(days=365 * age_years + 40),
        school=school,
    )
    case = Case(
        reference=f"EHC-2026-{n:04d}",
        child=child,
        team=team,
        case_officer=officer,
        request_received_on=received or today - timedelta(weeks=3),
        stage=stage,
    )
    db.session.add(case)
    db.session.flush()
    return case


def grant(
    case: Case,
    user: User,
    relationship: Relationship,
    *,
    documents: bool = True,
    add_documents: bool = False,
    updates: bool = False,
    by: User | None = None,
) -> CaseGrant:
    row = CaseGrant(
        case=case,
        user=user,
        relationship_to_child=relationship,
        can_view_documents=documents,
        can_add_documents=add_documents,
        can_post_updates=updates,
        granted_by_id=by.id if by else None,
    )
    db.session.add(row)
    db.session.flush()
    return row


#: A known authenticator secret for tests (base32), so tests can work out the current code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_authenticator_app(user: User, secret: str = TOTP_SECRET):
    """Give `user` a confirmed authenticator app with a known secret (and no recovery codes)."""
    app = AuthenticatorApp(user_id=user.id, secret=secret, confirmed_at=clock.utcnow())
    db.session.add(app)
    db.session.flush()
    return app


def totp_code(secret: str = TOTP_SECRET, steps_from_now: int = 0) -> str:
    """The code an authenticator app with `secret` shows (by the portal's clock)."""
    return pyotp.TOTP(secret).generate_otp(second_factor._step(clock.utcnow()) + steps_from_now)
