"""Write operations for accounts: signing in and out, sessions, invitations, password resets.

Each takes the acting user where there is one, checks, changes, records an event, and commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import contains_eager, undefer

from portal import audit
from portal.accounts.models import (
    AccountToken,
    Organisation,
    Role,
    SignInFailure,
    TokenPurpose,
    User,
    UserSession,
)
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.clock import utcnow
from portal.extensions import db
from portal.mail import send_email
from portal.refusals import NotAllowed, Refused

LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW = timedelta(minutes=5)
LOCKOUT_PERIOD = timedelta(minutes=5)
LINK_LIFETIME = timedelta(days=7)
RESET_LINK_LIFETIME = timedelta(hours=2)
SESSION_TOUCH_INTERVAL = timedelta(seconds=60)


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email (any case), with its password hash: every caller checks it."""
    return db.session.scalar(
        select(User)
        .where(func.lower(User.email) == normalise_email(email))
        .options(undefer(User.password_hash))
    )


# --- Signing in -----------------------------------------------------------------------------


class SignInRefused(Refused):
    """Signing in did not work. `reason` is safe to show: it never says if the email exists."""

    def __init__(self, reason: str, *, locked: bool = False) -> None:
        super().__init__(reason)
        self.locked = locked


WRONG_DETAILS = "Enter a correct email address and password"


def locked_until(email: str, ip_address: str | None) -> datetime | None:
    """When sign-in to this account from this address may be tried again, or None if it may now.

    Locked when 10 failures from the same address happened within 5 minutes; it stays locked for
    5 minutes after the 10th. Counted per address, so someone guessing from elsewhere cannot keep
    the real person out (the rate limit per address and the lock together slow guessing).
    """
    now = utcnow()
    same_address = (
        SignInFailure.ip_address.is_(None)
        if ip_address is None
        else SignInFailure.ip_address == ip_address
    )
    recent = db.session.scalars(
        select(SignInFailure.failed_at)
        .where(SignInFailure.email == normalise_email(email), same_address)
        .where(SignInFailure.failed_at > now - LOCKOUT_WINDOW - LOCKOUT_PERIOD)
        .order_by(SignInFailure.failed_at.desc())
        .limit(LOCKOUT_FAILURES)
    ).all()
    if len(recent) < LOCKOUT_FAILURES:
        return None
    newest, tenth_newest = recent[0], recent[-1]
    if newest - tenth_newest > LOCKOUT_WINDOW:
        return None
    until = newest + LOCKOUT_PERIOD
    return until if until > now else None


def sign_in(email: str, password: str, ip_address: str | None) -> tuple[User, str]:
    """Check the email and password and start a session. Returns the user and the session token.

    Refuses, with the same message for an unknown email and a wrong password, and records each
    failure. Unknown emails cost the same Argon2 check as known ones, so timing does not say
    which accounts exist. After 10 failures from one address within 5 minutes, sign-in to that
    account from that address is paused for 5 minutes and the account holder is told by email.
    """
    email = normalise_email(email)[:320]
    if locked_until(email, ip_address) is not None:
        audit.record("sign_in.refused_locked", summary=email, ip=ip_address)
        db.session.commit()
        raise SignInRefused(
            "There have been too many attempts to sign in to this account. "
            "Wait 5 minutes, then try again, or reset your password.",
            locked=True,
        )
    user = find_user_by_email(email)
    # Always one Argon2 check: for an unknown email, against a dummy hash.
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        db.session.add(SignInFailure(email=email, ip_address=ip_address))
        audit.record("sign_in.failed", summary=email, ip=ip_address)
        db.session.commit()
        if user is not None and locked_until(email, ip_address) is not None:
            _tell_of_lockout(user, ip_address)
        raise SignInRefused(WRONG_DETAILS)

    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = utcnow()
    token = _start_session(user)
    audit.record("sign_in.succeeded", actor=user, subject=user)
    db.session.commit()
    return user, token


def _tell_of_lockout(user: User, ip_address: str | None) -> None:
    """Email the account holder that sign-in was paused, so a lockout is never unseen."""
    service = current_app.config["SERVICE_NAME"]
    audit.record("sign_in.locked", subject=user, summary=user.email, ip=ip_address)
    db.session.commit()
    send_email(
        user.email,
        f"Someone tried to sign in to your {service} account",
        f"Hello {user.name},\n\nSomeone tried to sign in to your account {LOCKOUT_FAILURES} times "
        f"with the wrong password, from the internet address {ip_address or 'unknown'}. We have "
        "stopped sign-in from that address for 5 minutes. You can still sign in from your "
        "own device.\n\nIf this was not you, you may want to reset your password. If you are "
        f"worried, contact {current_app.config['COUNCIL_CONTACT_EMAIL']}.\n",
    )


def _start_session(user: User) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user=user, token_hash=_hash_secret(token)))
    user.session_token = token
    return token


#: What the header of every page asks about the signed-in person (how many notices are unread,
#: whether "My audits" is in the menu): each a scalar subquery over the person's `user` row,
#: given by the package that owns the question (`portal.wiring.HEADER_FACTS`), so that a whole
#: page fetches them with the session instead of running a query each. Read with `header_fact`.
_HEADER_FACTS = "portal.header_facts"
_SESSION_BY_TOKEN = (
    select(UserSession)
    .join(UserSession.user)
    .options(contains_eager(UserSession.user))
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def install_header_facts(app: Flask, facts: Mapping[str, Callable[[], ColumnElement[Any]]]) -> None:
    """Give the app its header facts. The two session statements (with the facts, for a whole
    page; without, for everything else) are built once here (see `portal/extensions.py`)."""
    labelled = [build().label(name) for name, build in facts.items()]
    with_facts = _SESSION_BY_TOKEN.add_columns(*labelled)
    app.extensions[_HEADER_FACTS] = (tuple(facts), with_facts)


def header_fact(user: Any, name: str) -> Any:
    """A header fact fetched with the session, or None when this request did not fetch it (a
    form post, an htmx request: neither draws the header)."""
    return getattr(user, "header_facts", {}).get(name)


def _draws_header() -> bool:
    return has_request_context() and request.method == "GET" and "HX-Request" not in request.headers


def load_session(token: str) -> User | None:
    """The user of a live session, or None if the session ended, idled out or is too old.

    `last_seen_at` is refreshed at most once a minute, to keep page views from all writing.
    """
    names, with_facts = current_app.extensions[_HEADER_FACTS]
    whole_page = _draws_header()
    found = db.session.execute(
        with_facts if whole_page else _SESSION_BY_TOKEN, {"token_hash": _hash_secret(token)}
    ).first()
    if found is None:
        return None
    row = found[0]
    if whole_page:
        row.user.header_facts = dict(zip(names, found[1:], strict=True))
    if row.ended_at is not None or not row.user.active:
        return None
    if row.second_factor_at is None and (
        row.second_factor_required or Role(row.user.role).must_use_second_factor
    ):
        return None  # half signed in: the second factor is still to come
    now = utcnow()
    config = current_app.config
    if (
        now - row.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
        or now - row.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
    ):
        row.ended_at = now
        db.session.commit()
        return None
    if now - row.last_seen_at > SESSION_TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.commit()
    row.user.session_token = token
    return row.user


def sign_out(user: User) -> None:
    """End this browser's session for good: a copy of the cookie stops working too."""
    if user.session_token:
        row = db.session.scalar(
            select(UserSession).where(UserSession.token_hash == _hash_secret(user.session_token))
        )
        if row is not None and row.ended_at is None:
            row.ended_at = utcnow()
    audit.record("sign_out", actor=user, subject=user)
    db.session.commit()


def end_all_sessions(user: User) -> None:
    """End every session of a user (after a password change or when an account is switched off)."""
    now = utcnow()
    for row in db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ):
        row.ended_at = now


# --- One-time links ---------------------------------------------------------------------------


class LinkProblem(Refused):
    """A one-time link cannot be used; `reason` says why in plain words."""


def _issue_token(user: User, purpose: TokenPurpose, created_by: User | None) -> str:
    secret = secrets.token_urlsafe(32)
    lifetime = LINK_LIFETIME if purpose is TokenPurpose.INVITATION else RESET_LINK_LIFETIME
    db.session.add(
        AccountToken(
            token_hash=_hash_secret(secret),
            purpose=purpose,
            user=user,
            created_by_id=created_by.id if created_by else None,
            expires_at=utcnow() + lifetime,
        )
    )
    return secret


def check_link(secret: str, purpose: TokenPurpose) -> AccountToken:
    """The token behind a one-time link, or LinkProblem saying plainly why it cannot be used."""
    token = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _hash_secret(secret), AccountToken.purpose == purpose
        )
    )
    if token is None:
        raise LinkProblem("This link is not right. Check you copied the whole link from the email.")
    if token.used_at is not None:
        raise LinkProblem("This link has already been used. Each link works only once.")
    if token.expires_at < utcnow():
        raise LinkProblem("This link has expired.")
    if not token.user.active:
        # A switched-off account stays off: an old invitation must not switch it back on.
        raise LinkProblem(
            "This account has been switched off. Contact the council if you need it again."
        )
    if token.approval_required and token.approved_at is None:
        raise LinkProblem(
            "This invitation is waiting for a second administrator to approve it. "
            "Try the link again once they have."
        )
    return token


def use_link_to_set_password(secret: str, purpose: TokenPurpose, password: str) -> tuple[User, str]:
    """Set the password through a one-time link, mark the link used and sign the person in."""
    token = check_link(secret, purpose)
    user = token.user
    now = utcnow()
    # This link and every other unused link for the account stop working: an older reset
    # link (perhaps in a mailbox someone else can read) must not work after this one.
    for other in db.session.scalars(
        select(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
    ):
        other.used_at = now
    token.used_at = now
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    user.last_signed_in_at = utcnow()
    session_token = _start_session(user)
    action = "invitation.accepted" if purpose is TokenPurpose.INVITATION else "password.reset"
    audit.record(action, actor=user, subject=user)
    db.session.commit()
    return user, session_token


#: Roles that reach cases, plans or accounts across the council: an invitation to one needs a
#: second administrator (quality leads and auditors read any plan sampled for an audit).
ROLES_NEEDING_APPROVAL = frozenset(
    {Role.CASE_OFFICER, Role.ADMIN, Role.QUALITY_LEAD, Role.AUDITOR, Role.FUNDING_OFFICER}
)


@dataclass
class Invitation:
    user: User
    link_secret: str
    new_account: bool
    needs_approval: bool = False


def invite(
    actor: User,
    *,
    email: str,
    name: str,
    role: Role,
    organisation: Organisation | None,
) -> Invitation:
    """Invite a person to the portal: make an account without a password, and a 7-day link.

    Who may: a case officer (family and professional roles only) or an admin (any role); the
    access policy checks the actor before this is called. If the email already has an account,
    that account is reused and no new link is made for it unless it has never been used.
    """
    existing = find_user_by_email(email)
    if existing is not None:
        if existing.password_hash:
            return Invitation(existing, "", new_account=False)
        user = existing
    else:
        user = User(
            email=normalise_email(email),
            name=name.strip(),
            role=role,
            organisation_id=organisation.id if organisation else None,
            active=True,
        )
        db.session.add(user)
        db.session.flush()
    secret = _issue_token(user, TokenPurpose.INVITATION, actor)
    needs_approval = Role(user.role) in ROLES_NEEDING_APPROVAL
    if needs_approval:
        token = db.session.scalar(
            select(AccountToken).where(AccountToken.token_hash == _hash_secret(secret))
        )
        if token is not None:
            token.approval_required = True
    audit.record(
        "invitation.sent",
        actor=actor,
        subject=user,
        summary=user.email,
        role=role,
        needs_approval=needs_approval,
    )
    return Invitation(user, secret, new_account=True, needs_approval=needs_approval)


def pending_approvals() -> list[AccountToken]:
    """Invitations waiting for a second administrator, oldest first (a short list)."""
    return list(
        db.session.scalars(
            select(AccountToken)
            .where(
                AccountToken.purpose == TokenPurpose.INVITATION,
                AccountToken.approval_required.is_(True),
                AccountToken.approved_at.is_(None),
                AccountToken.used_at.is_(None),
                AccountToken.expires_at > utcnow(),
            )
            .order_by(AccountToken.created_at)
            .limit(100)
        )
    )


class ApprovalRefused(Refused):
    """The invitation cannot be approved; `reason` says why."""


def approve_invitation(actor: User, token: AccountToken) -> None:
    """Approve an invitation to a role that can reach cases (council officer, administrator).

    Who may: an administrator other than the one who sent the invitation, so no administrator
    can give themselves case access alone. Records `invitation.approved`; the invited person's
    link (already sent) works from now on.
    """
    if Role(actor.role) is not Role.ADMIN:
        raise NotAllowed("Only an administrator may approve an invitation.")
    if token.created_by_id == actor.id:
        raise ApprovalRefused("You sent this invitation, so another administrator must approve it.")
    if not token.approval_required or token.approved_at is not None or token.used_at:
        raise ApprovalRefused("This invitation does not need approving any more.")
    if token.expires_at < utcnow():
        raise ApprovalRefused("This invitation has expired. Send a new one.")
    token.approved_at = utcnow()
    token.approved_by_id = actor.id
    audit.record("invitation.approved", actor=actor, subject=token.user, summary=token.user.email)
    db.session.commit()


#: At most this many reset links an hour for one account; more asks are silently ignored.
RESET_LINKS_PER_HOUR = 3


def start_password_reset(email: str) -> tuple[User, str] | None:
    """Make a reset link for an active account with that email; None (silently) otherwise.

    None too once the account has had 3 reset links in the last hour, so nobody can fill a
    person's inbox (the answer on the page is the same either way).
    """
    user = find_user_by_email(email)
    if user is None or not user.active or not user.password_hash:
        return None
    recent = db.session.scalar(
        select(func.count(AccountToken.id)).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.PASSWORD_RESET,
            AccountToken.created_at > utcnow() - timedelta(hours=1),
        )
    )
    if (recent or 0) >= RESET_LINKS_PER_HOUR:
        audit.record("password.reset_refused_too_many", subject=user, summary=user.email)
        db.session.commit()
        return None
    secret = _issue_token(user, TokenPurpose.PASSWORD_RESET, None)
    audit.record("password.reset_requested", subject=user, summary=user.email)
    db.session.commit()
    return user, secret
