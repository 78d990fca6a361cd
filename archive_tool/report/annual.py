"""Each site's 年度工作报表 and the group's summary, from a checked group and the figures files.

``group_reports`` is what ``archive-tool annual-report`` uses; ``site_report_page`` and
``previous_year_page`` are what the build calls to publish a report on its site (from
1 January, the previous year's: 第十条（五） asks for it by 31 January).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import urls
from ..compliance import WARNING, Violation
from ..content.registry import Site
from ..errors import ToolkitError
from ..group.rules.check import GroupReport
from .counters import COUNTERS
from .counts import MEAN, Count, Scope
from .fields import (
    COMPUTED,
    NUMERIC,
    REGISTRY,
    REGISTRY_KEYS,
    SECTIONS,
    YESNO,
    Field,
)
from .figures import ARTICLE, read_figures
from .model import PAGE_FOLDER, AnnualPage, Entry, GroupSummary, SiteReport, SummaryRow
from .page import site_fragment
from .tables import site_files


def as_of_day(year: int, today: date) -> date:
    """The day a year's figures are counted to: 31 December, or today for the running year."""
    if year > today.year:
        raise ToolkitError(f"{year} 年尚未开始，无法编制年度工作报表（今天是 {today:%Y-%m-%d}）")
    return min(date(year, 12, 31), today)


def registry_value(site: Site, name: str) -> str:
    if name == "url":
        return urls.site_url(site.domain or "") + "/"
    if name == "type":
        # 网站类型 as the national form names it (content.sitetypes)
        return site.kind.national_name or site.type or ""
    return site.get(REGISTRY_KEYS[name]) or ""


# Figures measured elsewhere, by site and field key: (value, where it came from), e.g. the
# 访问量 the access logs give (archive-tool stats); they replace the figures file's.
Measured = dict[str, dict[str, tuple[Any, str]]]


VISITS = "网站基本信息.网站总访问量"
VISITORS = "网站基本信息.独立用户访问总量"


def logged_visits(views: int, visitors: int, days: list[date], files: list[str]) -> dict:
    """The two 访问量 figures as the access logs give them, saying where they came from."""
    span = f"{days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}" if days else "无记录"
    where = f"访问日志（{len(files)} 个文件，{len(days)} 天有记录：{span}）"
    return {
        VISITS: (views, f"{where}：网页浏览量，不含爬虫和静态资源"),
        VISITORS: (visitors, f"{where}：同一地址和浏览器全年计一次"),
    }


def site_report(
    report: GroupReport, site: Site, year: int, as_of: date, measured: Measured | None = None
) -> tuple[SiteReport | None, list[Violation]]:
    """One site's report for ``year`` counted to ``as_of``, or the problems that stop it
    (its figures file); warnings (a figure left incomplete) come with a report."""
    measured_here = (measured or {}).get(site.id, {})
    figures, problems = read_figures(report.group, site.id, year)
    if figures is None:
        return None, problems
    scope = Scope(report, site, year, as_of)
    entries = []
    for section in SECTIONS:
        for item in section.fields:
            if item.source == COMPUTED:
                count = COUNTERS[item.counter](scope)
                entries.append(Entry(item, count.value, count))
                problems += _incomplete(site, item, count)
            elif item.source == REGISTRY:
                entries.append(Entry(item, registry_value(site, item.registry)))
            elif item.key in measured_here:
                value, source = measured_here[item.key]
                entries.append(Entry(item, value, source=source))
            else:
                entries.append(Entry(item, figures.values[item.key]))
    result = SiteReport(
        site.id, site.name, site.kind, site.domain or "", year, as_of, figures.file, entries
    )
    return result, problems


def _incomplete(site: Site, item: Field, count: Count) -> list[Violation]:
    """A figure some items could not add to: a warning per item, naming its file."""
    return [
        Violation(
            site.id,
            unknown.file,
            "收到意见数",
            f"「{unknown.title}」未填写收到意见数，年度工作报表「{item.key}」未计入该期",
            ARTICLE,
            WARNING,
        )
        for unknown in count.unknown
    ]


def group_reports(
    report: GroupReport,
    year: int,
    as_of: date,
    site_ids: list[str] | None = None,
    measured: Measured | None = None,
) -> tuple[list[SiteReport], list[Violation]]:
    """The report of every site published on ``as_of`` (or of ``site_ids``), and every
    problem found on the way."""
    group = report.group
    published = [site.id for site in group.published_sites()]
    unknown = [site_id for site_id in site_ids or [] if site_id not in group.sites]
    if unknown:
        known = "、".join(sorted(group.sites))
        raise ToolkitError(f"没有站点「{'、'.join(unknown)}」（已登记：{known}）")
    chosen = site_ids or published
    reports, problems = [], []
    for site_id in chosen:
        result, found = site_report(report, group.sites[site_id], year, as_of, measured)
        problems += found
        if result is not None:
            reports.append(result)
    return reports, problems


# -- the group's summary ------------------------------------------------------------------


def group_summary(
    report: GroupReport, reports: list[SiteReport], year: int, as_of: date
) -> GroupSummary:
    """Every numeric and 是/否 field across the sites, with the group's total: a sum, the
    mean over every letter of the group, or how many sites answer 是."""
    portal = report.group.portal
    name = f"{portal.name}网站群" if portal else "政府网站群"
    summary = GroupSummary(name, year, as_of, reports)
    for section in SECTIONS:
        for item in section.fields:
            if item.type not in NUMERIC and item.type != YESNO:
                continue
            entries = {r.site_id: r.entry(item.key) for r in reports}
            values = {site_id: entry.value for site_id, entry in entries.items()}
            summary.rows.append(SummaryRow(item, values, _total(item, entries.values())))
    return summary


def _total(item: Field, entries) -> Any:
    entries = list(entries)
    if item.type == YESNO:
        return sum(entry.value == "是" for entry in entries)
    if item.counter and entries and entries[0].count.how == MEAN:
        amounts = [i.amount for e in entries for i in e.count.items if i.amount is not None]
        return round(sum(amounts) / len(amounts), 1) if amounts else None
    return sum(entry.value for entry in entries if entry.value is not None)


# -- publishing on the site (the build) -----------------------------------------------------


def site_report_page(report: GroupReport, site: Site, year: int) -> AnnualPage | None:
    """``site``'s report for the completed ``year`` as its build publishes it; None when the
    figures file is missing or wrong (``due.annual_report_due`` reports that)."""
    result, problems = site_report(report, site, year, date(year, 12, 31))
    if result is None or any(p.severity != WARNING for p in problems):
        return None
    downloads = {f"{PAGE_FOLDER}/{name}": data for name, data in site_files(result).items()}
    names = {name.rsplit(".", 1)[1]: name.split("/")[-1] for name in downloads}
    body = site_fragment(result, base="..", downloads=names)
    return AnnualPage(year, result.title, f"{PAGE_FOLDER}/{year}.html", body, downloads)


def previous_year_page(report: GroupReport, site: Site, today: date) -> AnnualPage | None:
    """From 1 January on, the build publishes the previous year's report (第十条（五）)."""
    return site_report_page(report, site, today.year - 1)
