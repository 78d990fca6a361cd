"""Site lifecycle events (第五条–第八条) as dated records, their rules, and their notices.

Each event is a YAML file in ``content/<site-id>/notices/``. The rules are checked when a
record is made (``archive-tool notice``) and again at every build, as of the build date,
because time passes: an overdue deregistration or a missing resumption application
becomes an error. What each kind of record holds and does: ``kinds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..compliance import Violation
from ..content.loader import NOTICE_FOLDER
from ..content.registry import Site
from ..content.values import parse_day, parse_moment

OPEN_NOTICE_DAYS = 30  # 第五条（三）
OPEN_WITHIN_DAYS = 90  # 第五条（二）
OFFLINE_MAX = timedelta(days=30)  # 第八条（二）
SHORT_OFFLINE = timedelta(hours=24)  # 第八条（二）
OFFLINE_ANNOUNCE_DAYS = 3
RESUME_APPLY_DAYS = 7  # 第八条（三）
RETIRE_DEREGISTER_DAYS = 90  # 第八条（一）
MIGRATION_NOTICE_DAYS = 30  # 第八条（一）
DOMAIN_NOTICE_MONTHS = 3  # 第六条（二）
DOMAIN_REPORT_WORKING_DAYS = 20  # 第六条（二）

# What a record's value is (each kind's fields: lifecycle.kinds).
DAY, MOMENT, TEXT, FLAG = "日期 YYYY-MM-DD", "时间 YYYY-MM-DD HH:MM", "文字", "是否（true/false）"


@dataclass
class Notice:
    """One lifecycle record of a site; ``kind`` is its type, a key of kinds.NOTICE_KINDS."""

    site: str
    kind: str
    data: dict[str, Any]
    file: str = ""

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def day(self, key: str) -> date | None:
        return parse_day(self.data.get(key))

    def moment(self, key: str) -> datetime | None:
        return parse_moment(self.data.get(key))

    def violation(self, field_name: str, message: str, article: str) -> Violation:
        return Violation(self.site, self.file, field_name, message, article)


def record_path(content_root: Path, site: Site, notice: Notice, day: date) -> Path:
    folder = Path(content_root) / site.id / NOTICE_FOLDER
    return folder / f"{day:%Y%m%d}-{notice.kind}.yaml"
