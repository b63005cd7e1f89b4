"""Dates in words, the same everywhere: "Friday 12 March 2027", "in 5 days", "3 days late".

Pure functions of their arguments, except the `*_today` template filters, which read the clock.
Built from fixed English names, not strftime, so the words never depend on the server's locale.
"""

from __future__ import annotations

from datetime import date, datetime

from portal import clock

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_long_date(d: date) -> str:
    """A date as "Friday 12 March 2027": weekday, day without a leading zero, full month, year."""
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def days_until(due: date, today: date) -> int:
    """Days from ``today`` to ``due``: 0 on the day, negative once it has passed."""
    return (due - today).days


def day_count(n: int) -> str:
    """ "1 day", "3 days"."""
    return f"{n} day" if n == 1 else f"{n} days"


def relative_phrase(due: date, today: date) -> str:
    """Where ``due`` is from ``today`` in plain words: "today", "tomorrow", "in 5 days",
    "1 day late", "3 days late"."""
    days = days_until(due, today)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    return f"{day_count(-days)} late"


# --- Template filters ----------------------------------------------------------------------------


def long_date(value: date | datetime | None) -> str:
    """ "Friday 12 March 2027" (empty for no date)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_long_date(value)


def date_and_time(value: datetime | None) -> str:
    """ "Friday 12 March 2027 at 3:05pm" (UTC; good enough for a record of who did what)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{format_long_date(value.date())} at {hour}:{value.minute:02d}{suffix}"


def relative_to_today(value: date | None) -> str:
    """ "in 5 days", "today", "3 days late" (empty for no date)."""
    if value is None:
        return ""
    return relative_phrase(value, clock.today())


def closed_day(day: date) -> str | None:
    """Why most schools and offices are shut on ``day``, in words, or None on a working day:
    "a Saturday", "Christmas Day, a bank holiday". England's bank holidays (the same as
    Wales's), from the maintained `holidays` package rather than a list kept by hand."""
    import holidays  # imported when needed: it builds its tables on first use

    name = holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)
    if name:
        return f"{name}, a bank holiday"
    if day.weekday() >= 5:
        return f"a {_WEEKDAYS[day.weekday()]}"
    return None
