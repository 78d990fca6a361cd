"""Typed values of the content folder: every date, time and key name goes through here.

The YAML loader (yamlfile.py) leaves dates as text, so that an impossible date
(``2026-02-30``) is a message rather than a traceback, and ``2026-11-20 08:00`` (no
seconds) is read exactly as ``2026-11-20 08:00:00``. Times are 北京时间: a value with an
offset is converted, so that no naive and aware times ever meet.

A date that parses may still be a slip of the keyboard (``0001-01-01``, ``2099-12-31``):
``implausible`` names one outside the window every content date lies in, and ``count_problem``
a count that is negative, not a whole number, NaN or infinite.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from ..compliance import shorten
from ..regions import SHANGHAI

_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)


def parse_moment(value: Any) -> datetime | None:
    """A date or time as written in a record, as a naive 北京时间 datetime; None if it is not
    one (a date alone is midnight).

    >>> parse_moment("2026-11-20 08:00"), parse_moment("2026-02-30") is None
    (datetime.datetime(2026, 11, 20, 8, 0), True)
    >>> parse_moment("2026-11-20T00:00:00Z")
    datetime.datetime(2026, 11, 20, 8, 0)
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return datetime.combine(value, time())
    elif isinstance(value, str) and _ISO.match(value.strip()):
        text = value.strip().replace("Z", "+00:00")
        text = re.sub(r"\s+(?=[+-]\d{2}:?\d{2}$)", "", text)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(SHANGHAI).replace(tzinfo=None)
    return moment


def parse_day(value: Any) -> date | None:
    """A date as written in a record (a time of day, if given, is dropped); None if not one.

    >>> parse_day("2026-11-20"), parse_day("2026-13-01")
    (datetime.date(2026, 11, 20), None)
    """
    moment = parse_moment(value)
    return moment.date() if moment else None


# The window every date of the content folder lies in. No page of a government of the
# People's Republic predates 1949-10-01; a date more than a year after the build date is a
# slip (2099 for 2026), while a notice or consultation may be written months ahead.
EARLIEST = date(1949, 10, 1)
AHEAD = timedelta(days=366)


def implausible(moment: datetime | date | None, today: date | None = None) -> str | None:
    """Why a parsed date lies outside the window as of ``today`` (the build date); None when
    it lies inside, or is no date.

    >>> implausible(datetime(1, 1, 1), date(2026, 11, 26))
    '日期早于 1949-10-01，请检查年份'
    >>> implausible(date(2099, 12, 31), date(2026, 11, 26))
    '日期晚于构建日期一年以上（最晚 2027-11-27），请检查年份'
    >>> implausible(date(2027, 3, 1), date(2026, 11, 26)) is None
    True
    """
    if moment is None:
        return None
    day = moment.date() if isinstance(moment, datetime) else moment
    latest = (today or date.today()) + AHEAD
    if day < EARLIEST:
        return f"日期早于 {EARLIEST.isoformat()}，请检查年份"
    if day > latest:
        return f"日期晚于构建日期一年以上（最晚 {latest.isoformat()}），请检查年份"
    return None


def count_problem(value: Any, least: int = 0) -> str | None:
    """Why a count (份数, 收到意见数) as written is not a whole number of at least ``least``;
    None when it is one, or is text that is no number (「按实际情况」).

    >>> [count_problem(value, 1) for value in (1, "2", "1份", "按实际情况")]
    [None, None, None, None]
    >>> count_problem(-3)
    '应为不小于 0 的整数，实为「-3」'
    >>> count_problem(float("nan")) == count_problem("1e400") == None
    False
    """
    if isinstance(value, bool):
        return f"应为不小于 {least} 的整数，实为「{value}」"
    if isinstance(value, str):
        try:
            number: Any = float(value.strip())
        except ValueError:
            return None  # words, not a number
    elif isinstance(value, (int, float)):
        number = value
    else:
        return None
    whole = isinstance(number, int) or (math.isfinite(number) and number == int(number))
    if whole and number >= least:
        return None
    return f"应为不小于 {least} 的整数，实为「{shorten(value)}」"


def unknown_keys(given: Iterable[Any], known: Iterable[str]) -> list[tuple[str, str | None]]:
    """Each key of ``given`` that is not ``known``, with the known key it most likely means.

    >>> unknown_keys(["status", "stauts", "颜色"], ["status", "name"])
    [('stauts', 'status'), ('颜色', None)]
    """
    known = list(known)
    found = []
    for key in given:
        name = str(key)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            found.append((name, close[0] if close else None))
    return found


def unknown_key_message(key: str, guess: str | None) -> str:
    """
    >>> unknown_key_message("stauts", "status")
    '未知字段「stauts」，是否应为「status」？'
    """
    shown = shorten(key)
    if guess:
        return f"未知字段「{shown}」，是否应为「{guess}」？"
    return f"未知字段「{shown}」（请检查拼写，或删除这一项）"
