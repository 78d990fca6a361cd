"""站点无法访问 (19号): repeated visits of each site, kept in a visit log that adds up.

Each live run visits every site's home page and a few column pages ``rounds`` times
(``interval`` seconds apart); a visit fails when the page has not loaded after the
timeout (15 s in the national method) or answers with an error. Every visit is appended
to a JSON-lines log (one object a line: time, site, url, status, seconds, error), so
runs through the day and the month add up; the indicator counts the visits in the
window (default 7 days up to the monitoring date) and fails a site at ≥ 5 % failures.
The national method is ≥ 20 visits a day for a week; a smaller sample is reported as
such.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from ..errors import ToolkitError
from ..regions import SHANGHAI
from .indicators import UNREACHABLE, Finding

FAILURE_SHARE = 0.05  # ≥ 5 % of visits failing fails the site
WINDOW_DAYS = 7  # the national monitoring period: one week
NATIONAL_DAILY_VISITS = 20
MAX_LOG_BYTES = 64 * 1024 * 1024  # a month of visits of a large group is far smaller


@dataclass(frozen=True)
class Visit:
    time: str  # ISO 8601 with +08:00
    site: str
    url: str
    status: int | None
    seconds: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300

    @property
    def day(self) -> date:
        return datetime.fromisoformat(self.time).astimezone(SHANGHAI).date()

    @property
    def problem(self) -> str:
        return self.error or f"HTTP {self.status}"


def visit_sites(
    fetcher, targets: dict[str, list[str]], rounds: int, interval: float, sleep=time.sleep
) -> list[Visit]:
    """Visit each site's URLs ``rounds`` times; ``targets`` maps a site id to its URLs."""
    visits = []
    for number in range(rounds):
        if number and interval > 0:
            sleep(interval)
        for site, urls in targets.items():
            for url in urls:
                response = fetcher.get(url)
                moment = datetime.now(SHANGHAI).isoformat(timespec="seconds")
                visits.append(
                    Visit(
                        moment,
                        site,
                        url,
                        response.status,
                        round(response.seconds, 3),
                        response.error,
                    )
                )
    return visits


def append_visits(path: Path, visits: list[Visit]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as stream:
        for visit in visits:
            stream.write(json.dumps(asdict(visit), ensure_ascii=False) + "\n")
        stream.flush()
        os.fsync(stream.fileno())


def read_visits(path: Path) -> tuple[list[Visit], int]:
    """The visits in the log and the number of lines that were not visits."""
    if not path.is_file():
        return [], 0
    if path.stat().st_size > MAX_LOG_BYTES:
        raise ToolkitError(
            f"{path}：访问记录超过 {MAX_LOG_BYTES // 1024 // 1024} MB，请另用一个 --visits 文件"
        )
    visits, bad = [], 0
    with path.open(encoding="utf-8", errors="replace") as stream:
        for line in stream:
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                visit = Visit(
                    str(data["time"]),
                    str(data["site"]),
                    str(data["url"]),
                    data["status"] if isinstance(data["status"], int) else None,
                    float(data["seconds"]),
                    str(data.get("error") or ""),
                )
                visit.day  # noqa: B018 (a time that is not ISO 8601 is not a visit)
            except (ValueError, KeyError, TypeError):
                bad += 1
                continue
            visits.append(visit)
    return visits, bad


def window(today: date, days: int = WINDOW_DAYS) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today


def availability(
    site: str, home: str, visits: list[Visit], today: date, days: int = WINDOW_DAYS
) -> tuple[list[Finding], dict]:
    """The indicator for one site over the window, and the numbers the report shows."""
    first, last = window(today, days)
    counted = [v for v in visits if v.site == site and first <= v.day <= last]
    failed = [v for v in counted if not v.ok]
    share = len(failed) / len(counted) if counted else 0.0
    summary = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "visits": len(counted),
        "failures": len(failed),
        "share": round(share, 4),
    }
    if not counted or share < FAILURE_SHARE:
        return [], summary
    kinds = Counter(_kind(v) for v in failed)
    listed = "、".join(f"{kind} {count} 次" for kind, count in kinds.most_common())
    evidence = (
        f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d} 共访问 {len(counted)} 次，失败 {len(failed)} 次"
        f"（{share:.1%}，≥ {FAILURE_SHARE:.0%}）：{listed}"
    )
    if len(counted) < NATIONAL_DAILY_VISITS * days:
        evidence += f"。样本少于国家监测方法（每天 ≥ {NATIONAL_DAILY_VISITS} 次、连续 {days} 天）"
    return [Finding(site, UNREACHABLE, home, evidence, subject="访问")], summary


def _kind(visit: Visit) -> str:
    if visit.error.startswith("超过"):
        return "超时"
    if visit.error:
        return "无法连接"
    return f"HTTP {visit.status}"
