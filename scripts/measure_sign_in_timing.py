"""Measure sign-in time for a known email (wrong password) against an unknown one (issue 10,
finding 8). Alternates the two, 15 times each, on a throwaway SQLite database, and prints the
medians and their ratio (1.0 means the time says nothing about whether the account exists).

    .venv/bin/python scripts/measure_sign_in_timing.py
"""

from __future__ import annotations

import contextlib
import statistics
import time

from measuring import sqlite_app

from portal.accounts.models import Role
from portal.accounts.services import SignInRefused, sign_in
from portal.extensions import db
from tests import factories


def _timed(email: str, address: str) -> float:
    started = time.perf_counter()
    with contextlib.suppress(SignInRefused):
        sign_in(email, "not the right password", address)
    return time.perf_counter() - started


def main() -> None:
    with sqlite_app(MAIL_BACKEND="memory"):
        user = factories.make_user(Role.PARENT, email="known@example.org")
        db.session.commit()
        known, unknown = [], []
        for n in range(15):
            address = f"198.51.100.{n}"  # a new address each time: no lockout
            known.append(_timed(user.email, address))
            unknown.append(_timed("unknown@example.org", address))
        k, u = statistics.median(known), statistics.median(unknown)
        print(f"known email:   {k * 1000:.0f} ms (median of 15)")
        print(f"unknown email: {u * 1000:.0f} ms (median of 15)")
        print(f"ratio known/unknown: {k / u:.2f}")


if __name__ == "__main__":
    main()
