"""Typed values of the content folder: every date, time and key name goes through here.

The YAML loader (yamlfile.py) leaves dates as text, so that an impossible date
(``2026-02-30``) is a message rather than a traceback, and ``2026-11-20 08:00`` (no
seconds) is read exactly as ``2026-11-20 08:00:00``. Times are 北京时间: a value with an
offset is converted, so that no naive and aware times ever meet.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import date, datetime, time
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
