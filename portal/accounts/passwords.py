"""Password rules and hashing (Argon2id).

Rules follow NCSC and NIST guidance: a length of 12 to 128 characters, no composition rules, paste
allowed, and the most common passwords refused.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher()  # argon2-cffi's defaults are Argon2id with RFC 9106 "low memory" costs


@cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(
        line.strip().lower()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Return why a new password is not acceptable, in plain English, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Your password must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        return "This password is too easy to guess. Try 3 or 4 random words together"
    if email and lowered.startswith(email.lower().split("@", 1)[0]) and len(email) > 4:
        return "Your password must not be based on your email address"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against a stored hash; False for accounts without a password."""
    if not password_hash:
        # Spend the same time as a real check so unknown accounts are not revealed by timing.
        _burn_time(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("a dummy password for timing")


def _burn_time(password: str) -> None:
    with suppress(VerificationError):
        _hasher.verify(_dummy_hash(), password + "\0")


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
