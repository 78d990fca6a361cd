"""Working time: office hours on the PRC working days (调休 included, lifecycle.workdays).

第十条（四） counts 找错 deadlines in working days ("半个工作日", "1 个工作日"); a message
received in the evening or on a holiday starts counting at the next office session.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ..lifecycle.workdays import is_working_day

# 北京时间 office hours of a working day: the morning and afternoon sessions the city's
# offices keep (the same hours the demo's 办事指南 give as 办理时间). One working day is
# their sum (6.5 hours); half a working day is half of it (3 hours 15 minutes).
OFFICE_HOURS = ((time(8, 30), time(12, 0)), (time(14, 30), time(17, 30)))
WORKING_DAY = sum(
    (
        datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)
        for start, end in OFFICE_HOURS
    ),
    timedelta(),
)
MAX_DAYS = 400  # no deadline lies further ahead than this (a year of holidays included)


def _sessions(moment: datetime):
    """The office sessions from ``moment``'s day on, as (start, end) datetimes."""
    day = moment.date()
    for _ in range(MAX_DAYS):
        if is_working_day(day):
            for start, end in OFFICE_HOURS:
                yield datetime.combine(day, start), datetime.combine(day, end)
        day += timedelta(days=1)


def add_working_time(start: datetime, duration: timedelta) -> datetime:
    """The moment ``duration`` of office time after ``start``.

    >>> add_working_time(datetime(2026, 11, 20, 16, 0), WORKING_DAY / 2)  # Friday afternoon
    datetime.datetime(2026, 11, 23, 10, 15)
    >>> add_working_time(datetime(2026, 9, 30, 20, 0), WORKING_DAY)  # before National Day
    datetime.datetime(2026, 10, 8, 17, 30)
    """
    left = duration
    for begin, end in _sessions(start):
        if end <= start:
            continue
        begin = max(begin, start)
        if begin + left <= end:
            return begin + left
        left -= end - begin
    raise ValueError("deadline beyond the calendar")


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Office time from ``start`` to ``end`` (zero when end <= start).

    >>> working_time_between(datetime(2026, 11, 23, 11, 0), datetime(2026, 11, 23, 15, 0))
    datetime.timedelta(seconds=5400)
    """
    total = timedelta()
    if end <= start:
        return total
    for begin, finish in _sessions(start):
        if begin >= end:
            break
        overlap = min(finish, end) - max(begin, start)
        if overlap > timedelta():
            total += overlap
    return total
