"""Calendar helpers shared by the scripts and the grader."""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """Shift by whole months, clamping the day (Mar 31 - 1 month = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def days(n: int) -> timedelta:
    return timedelta(days=n)


def between(rng: random.Random, lo: date, hi: date) -> date:
    """A uniform day in [lo, hi]; lo when the range is empty."""
    span = (hi - lo).days
    return lo + timedelta(days=rng.randint(0, span)) if span > 0 else lo


def stamp(rng: random.Random, day: date, lag_days: int = 0, latest: date | None = None) -> str:
    """A business-hours timestamp on (or a few days after) a date, never after `latest`.

    Audit columns derive from event dates, never the wall clock, so output is reproducible.
    """
    when = day + timedelta(days=lag_days)
    if latest is not None and when > latest:
        when = latest
    hour, minute, second = rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)
    return f"{when.isoformat()} {hour:02d}:{minute:02d}:{second:02d}"
