"""Passkeys (WebAuthn) as a second factor, beside the authenticator app.

The relying party id and the origin browsers must report come from the configured `PORTAL_URL`,
never from the request's Host header. Each ceremony's challenge is kept by the caller (in the
session), used once, and dies after `CHALLENGE_LIFETIME`. Wrong or replayed assertions count
towards the same lockout as wrong codes (`second_factor._fail`).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portal import audit
from portal.accounts import second_factor, services
from portal.accounts.models import Passkey, User
from portal.accounts.second_factor import LOCKED, CodeRefused
from portal.clock import utcnow
from portal.extensions import db

CHALLENGE_LIFETIME = timedelta(minutes=5)
#: Where views keep the live ceremony's challenge in the session (popped when answered: used once).
CEREMONY_KEY = "passkey_ceremony"
NAME_LENGTH = 60
WRONG_PASSKEY = "That passkey was not accepted. Try again, or enter a code from your app"
_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}


def relying_party_id() -> str:
    return urlsplit(current_app.config["PORTAL_URL"]).hostname or ""


def expected_origin() -> str:
    url = urlsplit(current_app.config["PORTAL_URL"])
    return f"{url.scheme}://{url.netloc}"


def passkeys_of(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id))
    )


has_passkey = second_factor.has_passkey


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=key.credential_id,
            transports=[
                AuthenticatorTransport(t) for t in key.transports.split(",") if t in _TRANSPORTS
            ],
        )
        for key in passkeys_of(user)
    ]


def _state(purpose: str, user: User, challenge: bytes) -> dict[str, Any]:
    return {
        "purpose": purpose,
        "user": user.id,
        "challenge": bytes_to_base64url(challenge),
        "until": (utcnow() + CHALLENGE_LIFETIME).isoformat(),
    }


def _challenge_from(state: dict[str, Any] | None, purpose: str, user: User) -> bytes | None:
    """The challenge of a live ceremony of this kind for this person, or None."""
    if not state or state.get("purpose") != purpose or state.get("user") != user.id:
        return None
    try:
        if utcnow().isoformat() > str(state["until"]):
            return None
        return base64url_to_bytes(str(state["challenge"]))
    except (KeyError, ValueError):
        return None


# --- Adding one -----------------------------------------------------------------------------------


def begin_registration(user: User) -> tuple[str, dict[str, Any]]:
    """Options for `navigator.credentials.create` (JSON), and the state the caller keeps."""
    options = generate_registration_options(
        rp_id=relying_party_id(),
        rp_name=current_app.config["SERVICE_NAME"],
        user_id=f"user-{user.id}".encode(),
        user_name=user.email,
        user_display_name=user.name,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
    )
    return options_to_json(options), _state("register", user, options.challenge)


def finish_registration(
    user: User, credential: str, name: str, state: dict[str, Any] | None
) -> Passkey:
    """Check the browser's answer against the challenge, keep the passkey, email the person.
    Raises CodeRefused. Commits."""
    challenge = _challenge_from(state, "register", user)
    if challenge is None:
        raise CodeRefused("Adding the passkey took too long or was interrupted. Try again")
    name = " ".join((name or "").split())[:NAME_LENGTH] or "Passkey"
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_origin=expected_origin(),
            expected_rp_id=relying_party_id(),
        )
    except (InvalidRegistrationResponse, ValueError, TypeError, KeyError) as error:
        audit.record("passkey.add_failed", actor=user, subject=user, why=str(error)[:200])
        db.session.commit()
        raise CodeRefused("The passkey could not be added. Try again") from error
    taken = db.session.scalar(
        select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
    )
    if taken is not None:
        raise CodeRefused("That passkey is already added")
    transports = _transports_of(credential)
    key = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports,
        name=name,
    )
    db.session.add(key)
    audit.record("passkey.added", actor=user, subject=user, summary=name)
    db.session.commit()
    second_factor._tell(
        user,
        "A passkey was added to your account",
        f"a passkey called \u201c{name}\u201d was added to your account as a second factor.",
    )
    return key


def _transports_of(credential: str) -> str:
    try:
        found = json.loads(credential).get("response", {}).get("transports") or []
    except (ValueError, AttributeError):
        return ""
    return ",".join(t for t in found if isinstance(t, str) and t in _TRANSPORTS)[:200]


# --- Using one ------------------------------------------------------------------------------------


def begin_authentication(user: User) -> tuple[str, dict[str, Any]]:
    """Options for `navigator.credentials.get` naming this person's passkeys only."""
    options = generate_authentication_options(
        rp_id=relying_party_id(),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
        timeout=int(CHALLENGE_LIFETIME.total_seconds() * 1000),
    )
    return options_to_json(options), _state("authenticate", user, options.challenge)


def check_assertion(
    user: User, credential: str, state: dict[str, Any] | None, ip_address: str | None
) -> Passkey:
    """Accept a signature from one of this person's passkeys over the live challenge.

    Raises CodeRefused; every refusal counts towards the sign-in lockout. Commits.
    """
    if services.locked_until(user.email, ip_address) is not None:
        audit.record("second_factor.refused_locked", actor=user, subject=user, ip=ip_address)
        db.session.commit()
        raise CodeRefused(LOCKED)
    challenge = _challenge_from(state, "authenticate", user)
    if challenge is None:
        second_factor._fail(user, ip_address, "passkey: no live challenge")
        raise CodeRefused(WRONG_PASSKEY)
    key = None
    try:
        raw_id = base64url_to_bytes(str(json.loads(credential)["rawId"]))
        key = db.session.scalar(
            select(Passkey).where(Passkey.user_id == user.id, Passkey.credential_id == raw_id)
        )
        if key is None:
            raise InvalidAuthenticationResponse("not one of this person's passkeys")
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=relying_party_id(),
            expected_origin=expected_origin(),
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
        )
    except (InvalidAuthenticationResponse, ValueError, TypeError, KeyError) as error:
        second_factor._fail(user, ip_address, f"passkey: {str(error)[:150]}")
        raise CodeRefused(WRONG_PASSKEY) from error
    key.sign_count = verified.new_sign_count
    key.last_used_at = utcnow()
    audit.record("passkey.used", actor=user, subject=user, summary=key.name)
    db.session.commit()
    return key


# --- Removing one ---------------------------------------------------------------------------------


def remove(user: User, passkey_id: int) -> None:
    """Remove one of the person's passkeys (the caller asked for a fresh second factor). Staff
    may not remove their last second factor. Raises CodeRefused. Commits."""
    key = db.session.scalar(
        select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id)
    )
    if key is None:
        raise CodeRefused("That passkey is not on your account")
    others = len(passkeys_of(user)) - 1
    if second_factor.required(user) and others == 0 and second_factor.active_app(user) is None:
        raise CodeRefused(
            "Council staff must keep a second factor. Add another passkey or set up an "
            "authenticator app first"
        )
    name = key.name
    db.session.delete(key)
    audit.record("passkey.removed", actor=user, subject=user, summary=name)
    db.session.commit()
    second_factor._tell(
        user,
        "A passkey was removed from your account",
        f"the passkey called \u201c{name}\u201d was removed from your account.",
    )
