"""One line of an nginx access log in the ``combined`` format, as a request::

    $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
    "$http_referer" "$http_user_agent"

Anything after the user agent (a ``main`` format's extra fields) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

COMBINED = re.compile(
    r'^(?P<address>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" '
    r'(?P<status>\d{3}) (?:\d+|-) "(?:[^"\\]|\\.)*" "(?P<agent>(?:[^"\\]|\\.)*)"'
)
TIME_FORMAT = "%d/%b/%Y:%H:%M:%S %z"
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Request:
    address: str
    day: date  # in 北京时间, the day the report counts it on
    method: str
    path: str
    status: int
    agent: str


def parse_line(line: str) -> Request | None:
    """A request, or None when the line is not in the combined format.

    >>> parse_line('1.2.3.4 - - [05/Dec/2026:23:59:59 +0000] "GET /a.html HTTP/1.1" 200 5 "-" "Mozilla"')
    Request(address='1.2.3.4', day=datetime.date(2026, 12, 6), method='GET', path='/a.html', status=200, agent='Mozilla')
    """
    found = COMBINED.match(line)
    if not found:
        return None
    try:
        moment = datetime.strptime(found["time"], TIME_FORMAT)
    except ValueError:
        return None
    parts = found["request"].split(" ")
    if len(parts) != 3:
        return None  # "-" or a malformed request line
    method, target, _ = parts
    path = target.split("?", 1)[0].split("#", 1)[0]
    return Request(
        found["address"],
        moment.astimezone(BEIJING).date(),
        method,
        path,
        int(found["status"]),
        found["agent"],
    )
