"""The group as the intake shows it: each published site's header and footer, and its
意见征集 with the days they are open, read once from ``content/`` at start."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..content.loader import CONSULTATION_FOLDER, load_content
from ..content.values import parse_moment
from .errors import IntakeError


@dataclass(frozen=True)
class Consultation:
    slug: str
    title: str
    unit: str
    opens: date
    closes: date
    about: str

    def open_on(self, day: date) -> bool:
        return self.opens <= day <= self.closes


@dataclass
class SiteView:
    """What a page of the intake shows of the site it was reached from."""

    id: str
    name: str
    domain: str
    sponsor: str
    operator: str
    phone: str
    address: str
    email: str
    site_code: str
    icp: str
    psb: str
    main: bool
    consultations: dict[str, Consultation] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://{self.domain}/"


def group_sites(content_root: Path) -> dict[str, SiteView]:
    """The published sites of the group by id, the portal first."""
    if not content_root.is_dir():
        raise IntakeError(f"内容文件夹 {content_root} 不存在")
    group = load_content(content_root)
    views = {}
    for site in sorted(group.published_sites(), key=lambda s: (not s.kind.main, s.id)):
        views[site.id] = SiteView(
            site.id,
            site.name,
            site.domain or "",
            site.get("主办单位") or "",
            site.get("承办单位") or "",
            site.get("contact.phone") or "",
            site.get("contact.address") or "",
            site.get("contact.email") or "",
            site.get("site_code") or "",
            site.get("ICP备案号") or "",
            site.get("公安机关备案号") or "",
            site.kind.main,
            _consultations(site),
        )
    if not views:
        raise IntakeError(f"{content_root} 中没有已上线的站点（site.yaml 的 status: online）")
    return views


def _consultations(site) -> dict[str, Consultation]:
    found = {}
    for file in site.records.get(CONSULTATION_FOLDER, []):
        data = file.data if isinstance(file.data, dict) else {}
        opens, closes = parse_moment(data.get("开始日期")), parse_moment(data.get("截止日期"))
        if file.error is None and opens and closes and data.get("标题"):
            found[file.slug] = Consultation(
                file.slug,
                str(data["标题"]),
                str(data.get("征集单位") or site.name),
                opens.date(),
                closes.date(),
                str(data.get("说明") or ""),
            )
    return found
