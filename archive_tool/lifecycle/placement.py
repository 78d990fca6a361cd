"""Where each kind of lifecycle notice stands (a site's home page, the portal), for how long,
and what it says on a given day: the wording follows the date (issue 27), so a notice never
says 「已迁移」 before the move or 「将于…临时下线」 while the site is offline.

One function per kind; the registry (``kinds``) names which one each kind uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..content.registry import Site
from .notices import (
    DOMAIN_NOTICE_MONTHS,
    MIGRATION_NOTICE_DAYS,
    OFFLINE_ANNOUNCE_DAYS,
    OPEN_NOTICE_DAYS,
    RESUME_APPLY_DAYS,
    Notice,
)
from .workdays import add_months

SHOWN_MOMENT = "%Y-%m-%d %H:%M"


@dataclass
class Placement:
    """Where and when a notice stands: on the site's home page, and/or on the portal."""

    notice: Notice
    text: str  # what it says on the day it is built for
    site_from: date | None = None
    site_until: date | None = None  # exclusive
    portal_from: date | None = None
    portal_until: date | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    # Where the notice sends the reader: the new site (开通, 第五条（三）) or the migration
    # target (第八条（一）). ``link_domain`` is a site of the group, linked on its domain.
    link: str | None = None
    link_domain: str | None = None
    during: str = ""  # what it says while the site is offline (the maintenance page)

    def on_site(self, today: date) -> bool:
        return _within(today, self.site_from, self.site_until)

    def on_portal(self, today: date) -> bool:
        return _within(today, self.portal_from, self.portal_until)


def _within(today: date, start: date | None, until: date | None) -> bool:
    return start is not None and start <= today and (until is None or today < until)


def open_notice(notice: Notice, site: Site, today: date) -> Placement:
    """开通 (第五条（三））: site and portal home for 30 days from the online date."""
    online = notice.day("online")
    until = online + timedelta(days=OPEN_NOTICE_DAYS) if online else None
    return Placement(
        notice,
        f"{site.name}（{site.domain}）已于 {online} 开通上线。",
        online,
        until,
        online,
        until,
        [("批准日期", str(notice.day("approved"))), ("上线日期", str(online))],
        link=f"https://{site.domain}/",
        link_domain=site.domain,
    )


def offline_notice(notice: Notice, site: Site, today: date) -> Placement:
    """临时下线 (第八条（二））: site and portal home from 3 days before the start to the end.

    The build knows only the day, so on the first and the last day of a window the notice
    says what holds all day (from … to …); between them, that the site is offline now."""
    start, end = notice.moment("start"), notice.moment("end")
    announce = start.date() - timedelta(days=OFFLINE_ANNOUNCE_DAYS) if start else None
    until = end.date() + timedelta(days=1) if end else None
    text = during = ""
    if start and end:
        name, reason = site.name, f"因{notice.get('reason')}，"
        begins, ends = f"{start:{SHOWN_MOMENT}}", f"{end:{SHOWN_MOMENT}}"
        during = f"{reason}{name}正在临时下线维护，预计于 {ends} 恢复访问。"
        if today < start.date():
            text = f"{reason}{name}将于 {begins} 临时下线，预计 {ends} 恢复访问。"
        elif start.date() < today < end.date():
            text = during
        elif today <= end.date():
            text = f"{reason}{name}于 {begins} 至 {ends} 临时下线维护，预计于 {ends} 恢复访问。"
        else:
            text = f"{reason}{name}于 {begins} 至 {ends} 临时下线维护，已恢复访问。"
    return Placement(
        notice,
        text,
        announce,
        until,
        announce,
        until,
        [
            ("下线时间", f"{start:{SHOWN_MOMENT}}" if start else ""),
            ("恢复时间", f"{end:{SHOWN_MOMENT}}" if end else ""),
        ],
        during=during,
    )


def resume_notice(notice: Notice, site: Site, today: date) -> Placement:
    """恢复上线 (第八条（三））: site home for 7 days."""
    on = notice.day("on")
    until = on + timedelta(days=RESUME_APPLY_DAYS) if on else None
    text = f"{site.name}已于 {on} 恢复上线。"
    return Placement(notice, text, on, until, None, None, [("恢复日期", str(on))])


def retire_notice(notice: Notice, site: Site, today: date) -> Placement:
    """永久下线/迁移 (第八条（一））: site home from approval to the effective date, portal
    home for 30 days after it; 「将于…」 before the effective date, 「已…」 from it."""
    approved, target = notice.day("approved"), notice.get("migrate_to")
    effective = notice.day("effective") or approved
    if effective and today < effective:
        text = (
            f"{site.name}将于 {effective} 迁移至 {target}，届时原有内容见新网址。"
            if target
            else f"{site.name}将于 {effective} 永久下线，原有内容将归档保存。"
        )
    else:
        text = (
            f"{site.name}已于 {effective} 迁移至 {target}，原有内容见新网址。"
            if target
            else f"{site.name}已于 {effective} 永久下线，原有内容已归档。"
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
        link=str(target) if target else None,
    )


def domain_notice(notice: Notice, site: Site, today: date) -> Placement:
    """域名变更 (第六条（二））: site home for 3 months from the change date, while the old
    domain still answers (with 301 to the new one, lifecycle.serving)."""
    start = notice.day("start")
    until = add_months(start, DOMAIN_NOTICE_MONTHS) if start else None
    old = site.registered_domain
    return Placement(
        notice,
        f"{site.name}域名变更为 {notice.get('new_domain')}，原域名 {old} "
        f"将于 {until} 后注销，请更新收藏。",
        start,
        until,
        None,
        None,
        [("变更日期", str(start)), ("新域名", str(notice.get("new_domain")))],
    )
