"""One place to ask the time, so tests can move it (idle and absolute session expiry, deadlines).

Times are naive UTC datetimes throughout the database; the UK wording is produced at display time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current time as a naive UTC datetime (what the database stores)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date (UK dates are near enough UTC dates for day-based statutory limits)."""
    return utcnow().date()


def freeze(at: datetime | None) -> None:
    """Fix the time (tests only); `None` lets it run again."""
    global _frozen
    _frozen = at
