"""Site lifecycle events (第五条–第八条) as dated records, their rules, and their notices.

Each event is a YAML file in ``content/<site-id>/notices/``. The rules are checked when a
record is made (``archive-tool notice``) and again at every build, as of the build date,
because time passes: an overdue deregistration or a missing resumption application
becomes an error. Each record also says which notice stands where, and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from .compliance import Violation
from .domains import GOV_DOMAIN
from .records import as_moment
from .registry import Group, Site, display_path
from .workdays import add_working_days

NOTICE_FOLDER = "notices"
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
        value = self.data.get(key)
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else None

    def moment(self, key: str) -> datetime | None:
        return as_moment(self.data.get(key))

    @property
    def title(self) -> str:
        return KINDS.get(self.kind, "公告")

    def violation(self, field_name: str, message: str, article: str) -> Violation:
        return Violation(self.site, self.file, field_name, message, article)


@dataclass
class Placement:
    """Where and when a notice stands: on the site's home page, and/or on the portal."""

    notice: Notice
    text: str
    site_from: date | None = None
    site_until: date | None = None  # exclusive
    portal_from: date | None = None
    portal_until: date | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)

    def on_site(self, today: date) -> bool:
        return _within(today, self.site_from, self.site_until)

    def on_portal(self, today: date) -> bool:
        return _within(today, self.portal_from, self.portal_until)


def _within(today: date, start: date | None, until: date | None) -> bool:
    return start is not None and start <= today and (until is None or today < until)


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


def load_notices(group: Group) -> tuple[list[Notice], list[Violation]]:
    notices, problems = [], []
    for site in group.sites.values():
        folder = group.root / site.id / NOTICE_FOLDER
        for path in sorted(folder.glob("*.yaml")):
            shown = display_path(path, group.root)
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as error:
                problems.append(
                    Violation(site.id, shown, "(YAML)", f"无法读取：{error}", "公告记录格式")
                )
                continue
            if not isinstance(data, dict) or data.get("type") not in KINDS:
                problems.append(
                    Violation(
                        site.id, shown, "type", f"应为 {' / '.join(KINDS)} 之一", "公告记录格式"
                    )
                )
                continue
            notices.append(Notice(site.id, data["type"], data, shown))
    return notices, problems


# -- rules ---------------------------------------------------------------------------------


def check_notice(
    notice: Notice, siblings: list[Notice], site: Site, today: date
) -> list[Violation]:
    """Every rule a record breaks as of ``today``."""
    return list(RULES[notice.kind](notice, siblings, site, today))


def _required(notice: Notice, *keys: str, article: str):
    for key in keys:
        if notice.get(key) in (None, ""):
            yield notice.violation(key, f"缺少「{key}」", article)


def _open_rules(notice, siblings, site, today):
    yield from _required(notice, "approved", "online", article="第五条（二）")
    approved, online = notice.day("approved"), notice.day("online")
    if approved and online:
        if online < approved:
            yield notice.violation("online", "上线日期早于批准日期", "第五条（二）")
        elif (online - approved).days > OPEN_WITHIN_DAYS:
            yield notice.violation(
                "online",
                f"经批准后 {OPEN_WITHIN_DAYS} 日内须达标上线：批准 {approved}，上线 {online}，"
                f"相隔 {(online - approved).days} 日",
                "第五条（二）",
            )
    if site.missing_filings and online and online <= today:
        yield notice.violation("online", "备案未完成的网站不得上线运行", "第五条（三）")


def _offline_rules(notice, siblings, site, today):
    yield from _required(notice, "start", "end", "reason", article="第八条（二）")
    start, end = notice.moment("start"), notice.moment("end")
    if not (start and end):
        return
    if end <= start:
        yield notice.violation("end", "恢复时间应晚于下线时间", "第八条（二）")
        return
    length = end - start
    if length > OFFLINE_MAX:
        yield notice.violation(
            "end",
            f"临时下线时间不得超过 30 天，实为 {length.days} 天{length.seconds // 3600} 小时",
            "第八条（二）",
        )
    force = bool(notice.get("force_majeure"))
    reported = notice.moment("reported")
    if force:
        if not notice.get("reported"):
            yield notice.violation(
                "reported", "不可抗因素下线须及时书面报备（填写报备日期）", "第八条（二）"
            )
    elif length <= SHORT_OFFLINE:
        if not reported:
            yield notice.violation(
                "reported", "不超过 24 小时的临时下线须提前书面报备市政府办公室", "第八条（二）"
            )
        elif reported >= start:
            yield notice.violation(
                "reported",
                f"书面报备（{reported:%Y-%m-%d}）须在下线（{start:%Y-%m-%d %H:%M}）之前",
                "第八条（二）",
            )
    elif not notice.get("approval"):
        yield notice.violation(
            "approval", "超过 24 小时的临时下线须经省政府办公厅同意（填写批复文号）", "第八条（二）"
        )
    if not force:
        same_year = [
            other
            for other in siblings
            if other is not notice
            and other.kind == "offline"
            and not other.get("force_majeure")
            and other.moment("start")
            and other.moment("start").year == start.year
        ]
        if same_year:
            yield notice.violation(
                "start",
                f"临时下线每年不得超过 1 次：{start.year} 年已有 {same_year[0].file}",
                "第八条（二）",
            )
        if length > SHORT_OFFLINE and today >= end.date() - timedelta(days=RESUME_APPLY_DAYS):
            resumes = [
                other
                for other in siblings
                if other.kind == "resume"
                and other.day("on")
                and other.day("on") >= end.date() - timedelta(days=1)
            ]
            if not resumes:
                yield notice.violation(
                    "end",
                    f"恢复上线前 {RESUME_APPLY_DAYS} 天应提交上线申请：{end:%Y-%m-%d} 恢复，"
                    "尚无恢复上线记录（archive-tool notice resume）",
                    "第八条（三）",
                )


def _resume_rules(notice, siblings, site, today):
    yield from _required(notice, "on", "applied", article="第八条（三）")
    on, applied = notice.day("on"), notice.day("applied")
    if on and applied and (on - applied).days < RESUME_APPLY_DAYS:
        yield notice.violation(
            "applied",
            f"应在正式上线前 {RESUME_APPLY_DAYS} 天提交上线申请：申请 {applied}，上线 {on}",
            "第八条（三）",
        )


def _retire_rules(notice, siblings, site, today):
    yield from _required(notice, "approved", article="第八条（一）")
    approved = notice.day("approved")
    if not approved:
        return
    deadline = approved + timedelta(days=RETIRE_DEREGISTER_DAYS)
    deregistered = notice.day("deregistered")
    if deregistered and deregistered > deadline:
        yield notice.violation(
            "deregistered",
            f"注销标识、证书和域名应在批复后 90 日内（{deadline} 前）完成，实为 {deregistered}",
            "第八条（一）",
        )
    if not deregistered and today > deadline:
        yield notice.violation(
            "deregistered", f"批复（{approved}）已超过 90 日，尚未记录注销完成日期", "第八条（一）"
        )
    target = notice.get("migrate_to")
    if target and not str(target).startswith(("http://", "https://")):
        yield notice.violation(
            "migrate_to", f"应为迁移后的网址（http/https），实为「{target}」", "第八条（一）"
        )


def _domain_rules(notice, siblings, site, today):
    yield from _required(notice, "new_domain", "start", article="第六条（二）")
    new_domain, start = notice.get("new_domain"), notice.day("start")
    if new_domain and not GOV_DOMAIN.match(str(new_domain)):
        yield notice.violation(
            "new_domain", f"应为 .gov.cn 域名，实为「{new_domain}」", "第六条（二）"
        )
    if start:
        deadline = add_working_days(start, DOMAIN_REPORT_WORKING_DAYS)
        reported = notice.day("reported")
        if reported and reported > deadline:
            yield notice.violation(
                "reported",
                f"注册信息变更应在 20 个工作日内（{deadline} 前）报备，实为 {reported}",
                "第六条（二）",
            )
        if not reported and today > deadline:
            yield notice.violation(
                "reported",
                f"变更（{start}）已超过 20 个工作日（{deadline}），尚未报备",
                "第六条（二）",
            )


RULES = {
    "open": _open_rules,
    "offline": _offline_rules,
    "resume": _resume_rules,
    "retire": _retire_rules,
    "domain": _domain_rules,
}


def check_notices(group: Group, today: date) -> list[Violation]:
    notices, problems = load_notices(group)
    for notice in notices:
        siblings = [n for n in notices if n.site == notice.site]
        problems += check_notice(notice, siblings, group.sites[notice.site], today)
    return problems


# -- placement -----------------------------------------------------------------------------


def placement(notice: Notice, site: Site) -> Placement:
    """Where and for how long the notice of a record stands."""
    name = site.name
    if notice.kind == "open":
        online = notice.day("online")
        until = online + timedelta(days=OPEN_NOTICE_DAYS) if online else None
        return Placement(
            notice,
            f"{name}（{site.domain}）已于 {online} 开通上线。",
            online,
            until,
            online,
            until,
            [("批准日期", str(notice.day("approved"))), ("上线日期", str(online))],
        )
    if notice.kind == "offline":
        start, end = notice.moment("start"), notice.moment("end")
        announce = start.date() - timedelta(days=OFFLINE_ANNOUNCE_DAYS) if start else None
        text = (
            (
                f"因{notice.get('reason')}，{name}将于 {start:%Y-%m-%d %H:%M} 临时下线，"
                f"预计 {end:%Y-%m-%d %H:%M} 恢复访问。"
            )
            if start and end
            else ""
        )
        until = end.date() + timedelta(days=1) if end else None
        return Placement(
            notice,
            text,
            announce,
            until,
            announce,
            until,
            [
                ("下线时间", f"{start:%Y-%m-%d %H:%M}" if start else ""),
                ("恢复时间", f"{end:%Y-%m-%d %H:%M}" if end else ""),
            ],
        )
    if notice.kind == "resume":
        on = notice.day("on")
        until = on + timedelta(days=RESUME_APPLY_DAYS) if on else None
        return Placement(
            notice, f"{name}已于 {on} 恢复上线。", on, until, None, None, [("恢复日期", str(on))]
        )
    if notice.kind == "retire":
        approved, target = notice.day("approved"), notice.get("migrate_to")
        effective = notice.day("effective") or approved
        text = (
            f"{name}已迁移，原有内容见 {target}。"
            if target
            else f"{name}已永久下线，原有内容已归档。"
        )
        until = effective + timedelta(days=MIGRATION_NOTICE_DAYS) if effective else None
        return Placement(
            notice,
            text,
            approved,
            effective,
            effective,
            until,
            [("批复日期", str(approved)), ("下线日期", str(effective))],
        )
    start = notice.day("start")
    until = add_months(start, DOMAIN_NOTICE_MONTHS) if start else None
    return Placement(
        notice,
        f"{name}域名变更为 {notice.get('new_domain')}，原域名 {site.domain} "
        f"将于 {until} 后注销，请更新收藏。",
        start,
        until,
        None,
        None,
        [("变更日期", str(start)), ("新域名", str(notice.get("new_domain")))],
    )


def placements(group: Group) -> list[Placement]:
    notices, _ = load_notices(group)
    return [placement(notice, group.sites[notice.site]) for notice in notices]


def record_path(content_root: Path, site: Site, notice: Notice, day: date) -> Path:
    folder = Path(content_root) / site.id / NOTICE_FOLDER
    return folder / f"{day:%Y%m%d}-{notice.kind}.yaml"
