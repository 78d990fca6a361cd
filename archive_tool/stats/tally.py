"""Page views and visitors per site and per day, and visitors per site and year.

A page view is a successful (2xx or 304) GET of a page: a path ending in ``/``, ``.html``
or ``.htm``, or with no file extension; styles, scripts, images, downloads, feeds and the
search index are not pages. Requests from crawlers (a user agent naming a bot, spider or
crawler, or a command-line client) are not counted. A visitor is one address with one user
agent, counted once a day (and once a year for the year's figure); only a digest of the
pair is kept in memory.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import ToolkitError
from .accesslog import parse_line
from .logfiles import log_files, read_lines, site_of

ROBOTS = re.compile(
    r"bot|spider|crawl|slurp|curl|wget|python-|go-http|java/|headless|monitor|archive",
    re.IGNORECASE,
)
PAGE_SUFFIXES = (".html", ".htm")


def is_page(path: str) -> bool:
    """
    >>> [is_page(p) for p in ("/", "/zwdt/a.html", "/zwdt", "/theme/css/gov.css", "/f.pdf")]
    [True, True, True, False, False]
    """
    last = path.rsplit("/", 1)[-1]
    return path.endswith("/") or last.lower().endswith(PAGE_SUFFIXES) or "." not in last


@dataclass
class DayCount:
    views: int = 0
    visitors: set[int] = field(default_factory=set)


@dataclass
class Stats:
    """What the logs say, and what was read and left out."""

    days: dict[tuple[str, date], DayCount] = field(default_factory=lambda: defaultdict(DayCount))
    yearly: dict[tuple[str, int], set[int]] = field(default_factory=lambda: defaultdict(set))
    files: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # site → files
    lines: int = 0
    unreadable: int = 0  # not in the combined format
    robots: int = 0
    other: int = 0  # not a page, not GET, not successful

    def add_file(self, path: Path, site: str, first: date | None, last: date | None) -> None:
        self.files[site].append(str(path))
        for line in read_lines(path):
            self.lines += 1
            request = parse_line(line) if line is not None else None
            if request is None:
                self.unreadable += 1
                continue
            if (first and request.day < first) or (last and request.day > last):
                continue
            if ROBOTS.search(request.agent):
                self.robots += 1
                continue
            ok = 200 <= request.status < 300 or request.status == 304
            if request.method != "GET" or not ok or not is_page(request.path):
                self.other += 1
                continue
            visitor = _digest(request.address, request.agent)
            count = self.days[(site, request.day)]
            count.views += 1
            count.visitors.add(visitor)
            self.yearly[(site, request.day.year)].add(visitor)

    def rows(self) -> list[tuple[str, date, int, int]]:
        """(site, day, page views, visitors), by site and day."""
        return [
            (site, day, count.views, len(count.visitors))
            for (site, day), count in sorted(self.days.items())
        ]

    def year(self, site: str, year: int) -> tuple[int, int, list[date]]:
        """The year's page views, visitors (each counted once in the year) and the days
        with requests, as read (``collect`` bounds the days)."""
        days = sorted(d for (owner, d) in self.days if owner == site and d.year == year)
        views = sum(self.days[(site, day)].views for day in days)
        return views, len(self.yearly.get((site, year), ())), days


def collect(
    paths: list[Path],
    domains: dict[str, str],
    site: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> Stats:
    """Read every log under ``paths`` into one Stats; ``domains`` maps a domain to its site,
    ``site`` names the site of every log; only requests from ``first`` to ``last`` count."""
    stats = Stats()
    files = log_files(paths)
    owners = {path: site or site_of(path, domains) for path in files}
    unknown = [str(path) for path, owner in owners.items() if owner is None]
    if unknown:
        raise ToolkitError(
            f"无法确定访问日志属于哪个站点：{'、'.join(unknown[:5])}"
            f"（文件名应以站点域名开头，如 www.bozhou.gov.cn.access.log，或用 --site 指定站点）"
        )
    for path, owner in owners.items():
        stats.add_file(path, owner, first, last)
    return stats


def _digest(address: str, agent: str) -> int:
    data = f"{address}\x00{agent}".encode("utf-8", "replace")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")
