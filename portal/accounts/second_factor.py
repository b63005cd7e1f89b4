"""A second factor: authenticator-app codes (TOTP) with single-use recovery codes.

Council staff must use one; schools and professionals may; families are not asked. A session of
someone who needs one counts as signed in only after the second step (`UserSession.
second_factor_at`); sensitive actions ask for it again when it is older than
`SECOND_FACTOR_FRESH_FOR` (the `fresh_second_factor` decorator, in `second_factor_views`).

Wrong codes count as failed sign-ins for the account from that address, so the same lockout as
the password (10 in 5 minutes) stops anyone guessing codes; a code is never accepted twice.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, select

from portal import audit
from portal.accounts import services
from portal.accounts.models import (
    AuthenticatorApp,
    Passkey,
    RecoveryCode,
    Role,
    SignInFailure,
    User,
    UserSession,
)
from portal.clock import utcnow
from portal.extensions import db
from portal.mail import send_email
from portal.refusals import Refused

#: Roles that must use a second factor: everyone on the council's side.
REQUIRED_FOR = frozenset(role for role in Role if role.must_use_second_factor)
#: Roles offered one (not forced). Families are not asked.
OFFERED_TO = frozenset({Role.SCHOOL, Role.PROFESSIONAL})

RECOVERY_CODE_COUNT = 10
#: Codes one step (30 seconds) either side of now are accepted, for clocks a little out.
VALID_WINDOW = 1
#: The documented secret the demo gives its staff (`flask accounts code EMAIL` shows its code).
DEMO_SECRET = "EHCPORTALDEMOSECRETSTAFFONLY2345"  # noqa: S105 - public on purpose, demo only
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def required(user: User) -> bool:
    return Role(user.role) in REQUIRED_FOR


def offered(user: User) -> bool:
    return Role(user.role) in REQUIRED_FOR | OFFERED_TO


def active_app(user: User) -> AuthenticatorApp | None:
    return db.session.scalar(
        select(AuthenticatorApp)
        .where(AuthenticatorApp.user_id == user.id, AuthenticatorApp.confirmed_at.is_not(None))
        .order_by(AuthenticatorApp.confirmed_at.desc())
        .limit(1)
    )


def has_passkey(user: User) -> bool:
    return (
        db.session.scalar(select(Passkey.id).where(Passkey.user_id == user.id).limit(1)) is not None
    )


def has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey (either counts as the second factor)."""
    return active_app(user) is not None or has_passkey(user)


def needs_second_step(user: User) -> bool:
    """Must this person give a second factor (or set one up) before they are signed in?"""
    return required(user) or has_second_factor(user)


# --- Sessions -----------------------------------------------------------------------------------


def session_row(token: str | None) -> UserSession | None:
    if not token:
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.token_hash == services._hash_secret(token))
    )


def half_signed_in(token: str | None) -> UserSession | None:
    """The live session waiting for its second step, or None (ended, timed out, or done)."""
    row = session_row(token)
    if row is None or row.ended_at is not None or row.second_factor_at is not None:
        return None
    if not row.user.active:
        return None
    if utcnow() - row.created_at > current_app.config["SESSION_IDLE_TIMEOUT"]:
        return None
    return row


def mark_done(row: UserSession) -> None:
    """The person proved their second factor in this session, now."""
    row.second_factor_at = utcnow()


def is_fresh(row: UserSession | None) -> bool:
    if row is None or row.second_factor_at is None:
        return False
    return utcnow() - row.second_factor_at <= current_app.config["SECOND_FACTOR_FRESH_FOR"]


# --- Checking codes -----------------------------------------------------------------------------


class CodeRefused(Refused):
    """A code was not accepted; `reason` is safe to show."""


WRONG_CODE = "Enter the 6-digit code your authenticator app shows now, or an unused recovery code"
LOCKED = (
    "There have been too many attempts to sign in to this account. Wait 5 minutes, then try again."
)


def _step(now: datetime, interval: int = 30) -> int:
    return int(now.replace(tzinfo=UTC).timestamp()) // interval


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code this is, or None."""
    totp = _totp(secret)
    now_step = _step(utcnow(), totp.interval)
    found = None
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        # Compare every candidate, so the time taken does not say which one matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def current_code(secret: str) -> str:
    return _totp(secret).generate_otp(_step(utcnow()))


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _fail(user: User, ip_address: str | None, why: str) -> None:
    db.session.add(SignInFailure(email=user.email, ip_address=ip_address))
    audit.record("second_factor.failed", actor=user, subject=user, why=why, ip=ip_address)
    db.session.commit()
    if services.locked_until(user.email, ip_address) is not None:
        services._tell_of_lockout(user, ip_address)


def check_code(user: User, code: str, ip_address: str | None) -> str:
    """Accept an authenticator code (never the same one twice) or an unused recovery code.

    Returns "app" or "recovery"; raises CodeRefused, recording the failure against the same
    lockout as wrong passwords. A used recovery code is spent, and the holder is emailed.
    Commits.
    """
    if services.locked_until(user.email, ip_address) is not None:
        audit.record("second_factor.refused_locked", actor=user, subject=user, ip=ip_address)
        db.session.commit()
        raise CodeRefused(LOCKED)
    code = (code or "").strip().replace(" ", "")
    app = active_app(user)
    if app is not None and len(code) == 6 and code.isdigit():
        step = _matching_step(app.secret, code)
        if step is None:
            _fail(user, ip_address, "wrong code")
            raise CodeRefused(WRONG_CODE)
        if app.last_used_step is not None and step <= app.last_used_step:
            _fail(user, ip_address, "code used before")
            raise CodeRefused(
                "That code has been used already. Wait for your app to show a new one, then "
                "enter it"
            )
        app.last_used_step = step
        audit.record("second_factor.used", actor=user, subject=user)
        db.session.commit()
        return "app"
    normalised = _normalise_recovery(code)
    recovery = (
        db.session.scalar(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == services._hash_secret(normalised),
            )
        )
        if normalised
        else None
    )
    if recovery is None or recovery.used_at is not None:
        _fail(user, ip_address, "wrong recovery code" if recovery is None else "recovery reused")
        raise CodeRefused(WRONG_CODE)
    recovery.used_at = utcnow()
    left = db.session.scalar(
        select(db.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    audit.record("second_factor.recovery_code_used", actor=user, subject=user, left=left)
    db.session.commit()
    _tell(
        user,
        "A recovery code was used to sign in",
        f"a recovery code was used to sign in to your account. You have {left} left. If you "
        "have lost your authenticator app, set up a new one from your account page (Second "
        "factor), which also gives you new recovery codes.",
    )
    return "recovery"


# --- Setting one up, and removing it ------------------------------------------------------------


def pending_app(user: User) -> AuthenticatorApp | None:
    return db.session.scalar(
        select(AuthenticatorApp)
        .where(AuthenticatorApp.user_id == user.id, AuthenticatorApp.confirmed_at.is_(None))
        .order_by(AuthenticatorApp.id.desc())
        .limit(1)
    )


def start_setup(user: User) -> AuthenticatorApp:
    """A new secret for the person to add to their app (not in use until confirmed)."""
    db.session.execute(
        delete(AuthenticatorApp).where(
            AuthenticatorApp.user_id == user.id, AuthenticatorApp.confirmed_at.is_(None)
        )
    )
    app = AuthenticatorApp(user_id=user.id, secret=pyotp.random_base32())
    db.session.add(app)
    db.session.commit()
    return app


def provisioning_uri(user: User, app: AuthenticatorApp) -> str:
    return _totp(app.secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SERVICE_NAME"]
    )


def qr_code_svg(user: User, app: AuthenticatorApp) -> Markup:
    """The secret as an inline SVG QR code (made here: no request leaves the page)."""
    svg = segno.make(provisioning_uri(user, app), error="m").svg_inline(
        scale=5,
        dark="#0b0c0c",
        light="#ffffff",
        title="QR code to add this service to your authenticator app",
    )
    # segno writes only the QR code's own path: nothing of the person's is in it but the
    # otpauth address, which it does not put in the markup as text.
    return Markup(svg)  # noqa: S704


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass
class Confirmed:
    recovery_codes: list[str]


def confirm_setup(
    user: User, code: str, ip_address: str | None, session: UserSession | None
) -> Confirmed:
    """The first code from the app proves it is set up: it replaces any earlier app, new
    recovery codes are made (shown once), and the holder is emailed. Commits."""
    app = pending_app(user)
    if app is None:
        raise CodeRefused("Start again: set up your authenticator app")
    if services.locked_until(user.email, ip_address) is not None:
        raise CodeRefused(LOCKED)
    code = (code or "").strip().replace(" ", "")
    step = _matching_step(app.secret, code) if len(code) == 6 and code.isdigit() else None
    if step is None:
        _fail(user, ip_address, "wrong code while setting up")
        raise CodeRefused("Enter the 6-digit code your authenticator app shows now")
    replacing = has_second_factor(user)
    db.session.execute(
        delete(AuthenticatorApp).where(
            AuthenticatorApp.user_id == user.id, AuthenticatorApp.id != app.id
        )
    )
    app.confirmed_at = utcnow()
    app.last_used_step = step
    codes = _new_recovery_codes(user)
    if session is not None:
        mark_done(session)
        session.second_factor_required = True
    audit.record("second_factor.added", actor=user, subject=user, replacing=replacing)
    db.session.commit()
    _tell(
        user,
        "A second factor was added to your account",
        "an authenticator app was set up as the second factor for your account"
        + (", replacing the one you had before" if replacing else "")
        + ". You will be asked for a code from it when you sign in.",
    )
    return Confirmed(codes)


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=services._hash_secret(raw)))
    return codes


def recovery_codes_left(user: User) -> int:
    return (
        db.session.scalar(
            select(db.func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def remove(user: User, code: str, ip_address: str | None) -> None:
    """Remove the authenticator app (and its recovery codes): a current code is asked. Staff may
    do so only while a passkey stays as their second factor."""
    keeps_passkey = has_passkey(user)
    if required(user) and not keeps_passkey:
        raise CodeRefused("Council staff must keep a second factor. You can set up a new app.")
    check_code(user, code, ip_address)
    db.session.execute(delete(AuthenticatorApp).where(AuthenticatorApp.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("second_factor.removed", actor=user, subject=user)
    db.session.commit()
    _tell(
        user,
        "The second factor was removed from your account"
        if not keeps_passkey
        else "The authenticator app was removed from your account",
        "the authenticator app was removed from your account. "
        + (
            "You now sign in with your passkey as the second factor."
            if keeps_passkey
            else "You now sign in with your password alone."
        ),
    )


def reset_by_administrator(actor: User, user: User) -> None:
    """A lost phone and no recovery codes left: an administrator removes the person's app,
    recovery codes and passkeys and signs them out everywhere. Staff set up a new app when they
    next sign in. The person is emailed. Commits (the caller checks the actor is an
    administrator)."""
    db.session.execute(delete(AuthenticatorApp).where(AuthenticatorApp.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))
    services.end_all_sessions(user)
    audit.record("second_factor.reset", actor=actor, subject=user, summary=user.email)
    db.session.commit()
    _tell(
        user,
        "The second factor was removed from your account",
        f"{actor.name}, an administrator, removed the authenticator app and any passkeys from "
        "your account and signed you out everywhere."
        + (
            " When you next sign in, you will be asked to set up an app again."
            if required(user)
            else ""
        ),
    )


def use_demo_secret(user: User) -> None:
    """Demo data only: give a staff account the documented demo secret, already confirmed."""
    db.session.add(AuthenticatorApp(user_id=user.id, secret=DEMO_SECRET, confirmed_at=utcnow()))


def _tell(user: User, subject: str, what: str) -> None:
    service = current_app.config["SERVICE_NAME"]
    send_email(
        user.email,
        f"{subject} ({service})",
        f"Hello {user.name},\n\nThis is to let you know that {what}\n\nIf this was not you, "
        f"contact {current_app.config['COUNCIL_CONTACT_EMAIL']} straight away.\n",
    )


def start_session_as_if_given(user: User) -> str:
    """A session with the second factor already given (tests, benchmarks and measuring scripts,
    which sign people in without a browser). Returns the session token; the caller commits."""
    token = services._start_session(user)
    row = session_row(token)
    assert row is not None
    mark_done(row)
    return token
