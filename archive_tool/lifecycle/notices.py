"""Site lifecycle events (第五条–第八条) as dated records, their rules, and their notices.

Each event is a YAML file in ``content/<site-id>/notices/``. The rules are checked when a
record is made (``archive-tool notice``) and again at every build, as of the build date,
because time passes: an overdue deregistration or a missing resumption application
becomes an error. Each record also says which notice stands where, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..compliance import Violation
from ..content.loader import NOTICE_FOLDER
from ..content.registry import Group, Site
from ..content.values import parse_day, parse_moment

KINDS = {
    "open": "开通公告",
    "offline": "临时下线公告",
    "resume": "恢复上线公告",
    "retire": "下线公告",
    "domain": "域名变更公告",
}
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


DAY, MOMENT, TEXT, FLAG = "日期 YYYY-MM-DD", "时间 YYYY-MM-DD HH:MM", "文字", "是否（true/false）"
# Every key a record of each kind may hold, and what its value is (第五条–第八条).
FIELDS = {
    "open": {"approved": DAY, "online": DAY},
    "offline": {
        "start": MOMENT,
        "end": MOMENT,
        "reason": TEXT,
        "reported": DAY,
        "approval": TEXT,
        "force_majeure": FLAG,
    },
    "resume": {"on": DAY, "applied": DAY},
    "retire": {"approved": DAY, "effective": DAY, "migrate_to": TEXT, "deregistered": DAY},
    "domain": {"new_domain": TEXT, "start": DAY, "reported": DAY},
}


@dataclass
class Notice:
    """One lifecycle record of a site."""

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

    @property
    def title(self) -> str:
        return KINDS.get(self.kind, "公告")

    def violation(self, field_name: str, message: str, article: str) -> Violation:
        return Violation(self.site, self.file, field_name, message, article)


def notices_of(group: Group) -> tuple[list[Notice], list[Violation]]:
    """Every site's lifecycle records as loaded, and each file that is not one."""
    notices, problems = [], []
    for site in group.sites.values():
        for file in site.records.get(NOTICE_FOLDER, []):
            if file.error is not None:
                problems.append(
                    Violation(
                        site.id, file.shown, "(YAML)", f"无法读取：{file.error}", "公告记录格式"
                    )
                )
                continue
            data = file.data
            if not isinstance(data, dict) or data.get("type") not in KINDS:
                problems.append(
                    Violation(
                        site.id,
                        file.shown,
                        "type",
                        f"应为 {' / '.join(KINDS)} 之一",
                        "公告记录格式",
                    )
                )
                continue
            notices.append(Notice(site.id, data["type"], data, file.shown))
    return notices, problems


def record_path(content_root: Path, site: Site, notice: Notice, day: date) -> Path:
    folder = Path(content_root) / site.id / NOTICE_FOLDER
    return folder / f"{day:%Y%m%d}-{notice.kind}.yaml"
