"""首页不更新, 栏目不更新 and their 扣分 counterparts, and pages without a publish date.

The dates are the ones the published pages show (pages.Page.dates), as of the monitoring
date: a date after it does not count. Which columns a site has and how often each must
be updated come from site.yaml (``Column.kind`` → ``Column.update_days``: 动态 14 days,
通知公告/政策文件 183, 人事规划 365, 静态 none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..content.articles import parse_date
from ..content.registry import Column
from .context import SiteContext
from .indicators import COLUMN_LATE, COLUMNS_STALE, HOME_STALE, UNDATED_PAGE, Finding

HOME_DAYS = 14  # 首页: a dated update within 2 weeks (19号)
DYNAMIC_KINDS = ("动态",)  # 动态/要闻: 2 weeks
NOTICE_POLICY_KINDS = ("通知公告", "政策文件")  # 6 months
STALE_TOTAL = 5  # 动态要闻 + 通知公告/政策文件 columns not updated: ≥ 5 fails the site
LONG_STALE = 10  # columns that should update and have not, for their period: ≥ 10
BLANK_TOTAL = 5  # 空白栏目: ≥ 5


def newest(dates: list[date], today: date) -> date | None:
    """The latest of ``dates`` on or before ``today``.

    >>> newest([date(2026, 11, 1), date(2026, 12, 1)], date(2026, 11, 26))
    datetime.date(2026, 11, 1)
    """
    shown = [day for day in dates if day <= today]
    return max(shown) if shown else None


def home_findings(ctx: SiteContext) -> list[Finding]:
    home = ctx.page(ctx.home)
    if home is None:
        return []
    where = "首页"
    latest = newest(home.dates, ctx.today)
    articles = [ctx.page(link) for link in home.main_links]
    if not home.dates and not any(page and page.is_article for page in articles):
        # A navigation-only home page: its second-level pages must show no update (19号).
        where = "首页为导航页，其链接的二级页面"
        second = [
            ctx.page(link)
            for link in home.links
            if ctx.crawl.within(link) and link != ctx.home and ctx.page(link)
        ]
        latest = newest([day for page in second for day in page.dates], ctx.today)
    if latest is not None and latest >= ctx.today - timedelta(days=HOME_DAYS):
        return []
    if latest is None:
        evidence = f"{where}没有任何标注日期的信息（未标注日期的视为未更新）"
    else:
        days = (ctx.today - latest).days
        evidence = (
            f"{where}最近一次标注日期的更新为 {latest:%Y-%m-%d}，距监测日 {days} 天"
            f"（应在 {HOME_DAYS} 天内）"
        )
    return [Finding(ctx.site.id, HOME_STALE, ctx.home, evidence, subject="首页")]


@dataclass
class ColumnState:
    column: Column
    url: str
    opened: bool
    items: int
    latest: date | None

    @property
    def blank(self) -> bool:
        return self.items == 0

    def stale(self, today: date) -> bool:
        days = self.column.update_days
        if days is None:
            return False
        return self.blank or self.latest is None or self.latest < today - timedelta(days=days)

    def describe(self, today: date) -> str:
        name = self.column.name or self.column.id
        if not self.opened:
            return f"{name}（栏目页打不开）"
        if self.blank:
            return f"{name}（空白栏目）"
        period = f"应 {self.column.update_days} 天内更新" if self.column.update_days else "静态"
        if self.latest is None:
            return f"{name}（{period}，信息均未标注日期）"
        return f"{name}（{period}，最近 {self.latest:%Y-%m-%d}，{(today - self.latest).days} 天前）"


def column_states(ctx: SiteContext) -> list[ColumnState]:
    states = []
    for column in ctx.site.columns:
        url = ctx.column_url(column)
        page = ctx.page(url)
        latest = newest(page.dates, ctx.today) if page else None
        states.append(
            ColumnState(column, url, page is not None, len(ctx.column_items(column)), latest)
        )
    return states


def column_findings(ctx: SiteContext) -> list[Finding]:
    if ctx.crawl is None or ctx.page(ctx.home) is None:
        return []
    today = ctx.today
    states = column_states(ctx)
    timed = [s for s in states if s.column.kind in DYNAMIC_KINDS + NOTICE_POLICY_KINDS]
    timed_stale = [s for s in timed if s.stale(today)]
    periodic = [s for s in states if s.column.update_days is not None]
    periodic_stale = [s for s in periodic if s.stale(today)]
    blank = [s for s in states if s.blank]
    reasons = []
    if timed_stale and len(timed_stale) >= min(STALE_TOTAL, len(timed)):
        reasons.append(
            f"动态要闻类（2 周）和通知公告/政策文件类（6 个月）栏目未更新 {len(timed_stale)} 个"
            + _few(len(timed), STALE_TOTAL)
        )
    if periodic_stale and len(periodic_stale) >= min(LONG_STALE, len(periodic)):
        reasons.append(
            f"应更新栏目超过更新周期未更新 {len(periodic_stale)} 个"
            + _few(len(periodic), LONG_STALE)
        )
    if len(blank) >= BLANK_TOTAL:
        reasons.append(f"空白栏目 {len(blank)} 个")
    late = [s for s in states if s.stale(today) or s.blank]
    if reasons:
        listed = "、".join(s.describe(today) for s in late)
        evidence = "；".join(reasons) + f"。栏目：{listed}"
        return [Finding(ctx.site.id, COLUMNS_STALE, ctx.home, evidence, subject="栏目")]
    return [
        Finding(ctx.site.id, COLUMN_LATE, s.url, s.describe(today), subject=s.column.id)
        for s in late
    ]


def _few(count: int, threshold: int) -> str:
    if count < threshold:
        return f"（本站此类栏目共 {count} 个，不足 {threshold} 个，全部未更新）"
    return f"（≥ {threshold} 个）"


def undated_findings(ctx: SiteContext) -> list[Finding]:
    if ctx.crawl is None:
        return []
    found = []
    for url, page in ctx.crawl.pages.items():
        if not page.is_article or page.guide is not None:
            continue  # 办事指南 are service records: they carry no publish date
        missing = []
        if parse_date(page.meta.get("PubDate", "")) is None:
            missing.append("页面元数据没有有效的 PubDate")
        if not page.dates:
            missing.append("页面上没有显示发布日期")
        if missing:
            found.append(Finding(ctx.site.id, UNDATED_PAGE, url, "；".join(missing)))
    return found
