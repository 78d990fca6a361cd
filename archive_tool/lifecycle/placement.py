"""Where each lifecycle notice stands (a site's home page, the portal) and for how long."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..content.registry import Group, Site
from .notices import (
    DOMAIN_NOTICE_MONTHS,
    MIGRATION_NOTICE_DAYS,
    OFFLINE_ANNOUNCE_DAYS,
    OPEN_NOTICE_DAYS,
    RESUME_APPLY_DAYS,
    Notice,
    notices_of,
)
from .workdays import add_months


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
    # Where the notice sends the reader: the new site (开通, 第五条（三）) or the migration
    # target (第八条（一）). ``link_domain`` is a site of the group, linked on its domain.
    link: str | None = None
    link_domain: str | None = None

    def on_site(self, today: date) -> bool:
        return _within(today, self.site_from, self.site_until)

    def on_portal(self, today: date) -> bool:
        return _within(today, self.portal_from, self.portal_until)


def _within(today: date, start: date | None, until: date | None) -> bool:
    return start is not None and start <= today and (until is None or today < until)


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
            link=f"https://{site.domain}/",
            link_domain=site.domain,
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
            link=str(target) if target else None,
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
    notices, _ = notices_of(group)
    return [placement(notice, group.sites[notice.site]) for notice in notices]
