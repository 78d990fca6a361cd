"""Working days on the PRC official calendar, make-up workdays (调休) included.

The ``holidays`` package maintains the State Council's yearly holiday arrangement,
including the weekend days that are working days.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=1)
def _calendar():
    return holidays.China()


def is_working_day(day: date) -> bool:
    """True on a working day.

    >>> is_working_day(date(2026, 1, 4))   # a Sunday made a working day (调休)
    True
    >>> is_working_day(date(2026, 10, 1))  # National Day
    False
    """
    return _calendar().is_working_day(day)


def add_working_days(start: date, count: int) -> date:
    """The day ``count`` working days after ``start``.

    >>> add_working_days(date(2026, 2, 13), 3)  # over the Spring Festival
    datetime.date(2026, 2, 25)
    """
    return _calendar().get_nth_working_day(start, count)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start).

    >>> working_days_between(date(2026, 3, 2), date(2026, 3, 5))  # Monday to Thursday
    3
    """
    if end <= start:
        return 0
    return _calendar().get_working_days_count(start, end) - int(is_working_day(start))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or the month's last day).

    >>> add_months(date(2026, 11, 30), 3)
    datetime.date(2027, 2, 28)
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
