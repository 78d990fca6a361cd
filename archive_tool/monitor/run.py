"""One monitoring run: the whole group (the 政务公开办's monthly 监测) or one site (its 自查).

Content is loaded once and checked as of the date (group.rules.check.check_content decides
which sites are published, offline or retired that day, and reads letters and service
items); each published site is then read as published, from the build output or live,
and every indicator runs on it. A group run updates the 整改清单; a site's 自查 shows the
site's items but does not change them (销号 needs the office's 复核, 第十一条（一）).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..content.loader import load_content
from ..content.registry import Site, display_path
from ..errors import ToolkitError
from ..group.rules.check import check_content
from ..group.rules.deadlines import ReplyLimits
from ..lifecycle.kinds import OFFLINE
from ..lifecycle.serving import SiteState
from ..regions import SHANGHAI
from ..urls import site_url
from . import availability, deadlinks, freshness, interaction, jiucuo, services, wording
from .context import SiteContext
from .crawl import Crawl, Limits, crawl_site
from .fetch import VISIT_TIMEOUT, FolderFetcher, HttpFetcher
from .indicators import (
    BROKEN_IMAGE,
    COLUMN_LATE,
    COLUMNS_STALE,
    GUIDE_INCOMPLETE,
    HOME_DEAD_LINK,
    HOME_STALE,
    JIUCUO_LATE,
    LETTER_LATE,
    PAGE_DEAD_LINK,
    POOR_RESPONSE,
    SERIOUS_ERROR,
    SERVICE_UNUSABLE,
    UNDATED_PAGE,
    UNREACHABLE,
    Finding,
)
from .ledger import (
    LEDGER_NAME,
    MONITORING_FOLDER,
    Item,
    Ledger,
    check_date,
    read_ledger,
    update_ledger,
)

PAGE_INDICATORS = {
    HOME_STALE.name,
    COLUMNS_STALE.name,
    COLUMN_LATE.name,
    SERIOUS_ERROR.name,
    POOR_RESPONSE.name,
    SERVICE_UNUSABLE.name,
    GUIDE_INCOMPLETE.name,
    HOME_DEAD_LINK.name,
    PAGE_DEAD_LINK.name,
    BROKEN_IMAGE.name,
    UNDATED_PAGE.name,
}
RECORD_INDICATORS = {LETTER_LATE.name, JIUCUO_LATE.name}
# Problems tied to one page: closing their item needs that page read in the run.
PAGE_BOUND = {SERIOUS_ERROR.name, SERVICE_UNUSABLE.name}


@dataclass
class Options:
    content_root: Path = Path("content")
    today: date | None = None  # default: today in 北京时间
    site: str | None = None  # one site's 自查
    live: bool = False
    build_dir: Path = Path("output")
    url_pattern: str = "https://{domain}/"
    timeout: float = VISIT_TIMEOUT
    rounds: int = 3  # visits of each page per live run
    interval: float = 0.0  # seconds between rounds
    sample: int = 2  # column pages visited besides the home page
    visits_file: Path | None = None
    window_days: int = availability.WINDOW_DAYS
    limits: Limits = field(default_factory=Limits)
    ledger_file: Path | None = None  # default content/_monitoring/整改清单.yaml
    use_ledger: bool = True

    @property
    def mode(self) -> str:
        return "live" if self.live else "built"

    @property
    def ledger_path(self) -> Path:
        return self.ledger_file or self.content_root / MONITORING_FOLDER / LEDGER_NAME


@dataclass
class SiteResult:
    site: Site
    home: str
    state: str  # "monitored", "offline" (临时下线: not monitored) or "unreachable"
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: int = 0
    visits: dict | None = None
    items: list[Item] = field(default_factory=list)  # its 整改清单 items shown in the report
    evaluated: set[str] = field(default_factory=set)  # indicator names this run checked
    read: set[str] = field(default_factory=set)  # pages read in this run

    @property
    def failed(self) -> bool:
        return any(finding.veto for finding in self.findings)

    @property
    def verdict(self) -> str:
        if self.state == "offline":
            return "未监测"
        return "不合格" if self.failed else "合格"


@dataclass
class MonitorResult:
    options: Options
    today: date
    generated: datetime
    sites: list[SiteResult]
    notes: list[str] = field(default_factory=list)
    ledger: Ledger | None = None
    changes: dict[str, list[Item]] = field(default_factory=dict)
    numbers: dict[str, Item] = field(default_factory=dict)  # finding key → its open item

    @property
    def scope(self) -> str:
        return "site" if self.options.site else "group"

    @property
    def writes_ledger(self) -> bool:
        return self.ledger is not None and self.scope == "group"


def monitor(options: Options, progress: Callable[[str], None] = lambda _: None) -> MonitorResult:
    """Run every indicator as of ``options.today``; nothing is written here."""
    today = options.today or datetime.now(SHANGHAI).date()
    content_root = Path(options.content_root)
    group = load_content(content_root)
    if not group.sites:
        problems = "\n".join(str(v) for v in group.load_violations[:20])
        raise ToolkitError(f"{content_root} 中没有可读的站点：\n{problems}")
    monitoring = content_root / MONITORING_FOLDER
    records = jiucuo.read_records(monitoring / jiucuo.JIUCUO_FOLDER, content_root)
    for record in records:
        if record.site not in group.sites:
            raise ToolkitError(f"{record.file}：「站点」{record.site} 不是本网站群的站点")
    ledger = None
    if options.use_ledger:
        path = options.ledger_path
        ledger = read_ledger(path, display_path(path, content_root))
        if options.site is None:
            check_date(ledger, today)
    report = check_content(group, today)
    published = group.published_sites()
    sites = published
    if options.site:
        if options.site not in group.sites:
            raise ToolkitError(f"没有站点「{options.site}」（content/{options.site}/site.yaml）")
        sites = [site for site in published if site.id == options.site]
        if not sites:
            raise ToolkitError(f"站点「{options.site}」在 {today:%Y-%m-%d} 未上线，无需监测")
    result = MonitorResult(options, today, datetime.now(SHANGHAI), [], ledger=ledger)
    not_published = sorted(set(group.sites) - {site.id for site in published})
    if not_published and not options.site:
        result.notes.append(f"未上线或已下线、不在监测范围的站点：{'、'.join(not_published)}")
    domains = frozenset(s.domain.lower() for s in group.sites.values() if s.domain)
    if options.live:
        fetcher = HttpFetcher(set(domains), options.url_pattern, options.timeout)
    else:
        fetcher = FolderFetcher(options.build_dir, set(domains))
    lexicon = wording.lexicon_of(group.policy)
    if not lexicon.size:
        result.notes.append("content/_policy/ 中没有词库，未检查严重表述错误和敏感词")
    homes = {site.id: f"{site_url(site.domain)}/" for site in sites if site.domain}
    online = [s for s in sites if report.states.get(s.id, SiteState("")).state != OFFLINE and s.id in homes]
    visits: list[availability.Visit] = []
    if options.live:
        visits = _visits(options, fetcher, online, homes, result, progress)
    for site in sites:
        if site.id not in homes:
            result.notes.append(f"站点「{site.id}」没有登记域名，未监测")
            continue
        ctx = SiteContext(
            site,
            homes[site.id],
            today,
            options.mode,
            None,
            lexicon,
            report.services.get(site.id, []),
            report.interaction.get(site.id),
            domains,
            report.deadlines[site.id][0] if site.id in report.deadlines else ReplyLimits(),
        )
        if site not in online:
            result.sites.append(
                SiteResult(site, ctx.home, "offline", notes=["临时下线（已报备），本次不监测"])
            )
            continue
        progress(f"检查 {site.name}（{site.domain}）")
        result.sites.append(_site(ctx, fetcher, options, visits, records))
    if result.writes_ledger:
        covered = _coverage(result)
        result.changes = update_ledger(
            ledger, [f for s in result.sites for f in s.findings], covered, today, options.mode
        )
    if ledger is not None:
        result.numbers = ledger.by_key()
        shown = {item.number for items in result.changes.values() for item in items}
        for site_result in result.sites:
            site_result.items = [
                item
                for item in ledger.for_site(site_result.site.id)
                if item.open or item.number in shown
            ]
    return result


def _visits(options, fetcher, sites: list[Site], homes, result, progress):
    targets = {}
    for site in sites:
        columns = [f"{homes[site.id]}{c.id}/" for c in site.columns if c.update_days]
        targets[site.id] = [homes[site.id], *columns[: max(options.sample, 0)]]
    if options.rounds > 0 and targets:
        progress(f"访问 {len(targets)} 个站点 {options.rounds} 轮")
    new = availability.visit_sites(fetcher, targets, options.rounds, options.interval)
    log = options.visits_file
    availability.append_visits(log, new)
    visits, bad = availability.read_visits(log)
    if bad:
        result.notes.append(f"访问记录 {log} 中有 {bad} 行无法读取，已跳过")
    result.notes.append(f"访问记录：{log}（本次新增 {len(new)} 次访问）")
    return visits


def _site(ctx: SiteContext, fetcher, options: Options, visits, records) -> SiteResult:
    site = ctx.site
    result = SiteResult(site, ctx.home, "monitored")
    if options.live:
        found, result.visits = availability.availability(
            site.id, ctx.home, visits, ctx.today, options.window_days
        )
        result.findings += found
        if result.visits["visits"]:
            result.evaluated.add(UNREACHABLE.name)
    seeds = [ctx.column_url(column) for column in site.columns]
    seeds += [interaction.channel_url(ctx)] if site.kind.interaction else []
    crawl: Crawl = crawl_site(
        fetcher, ctx.home, seeds, options.limits, lambda page: wording.scan_page(page, ctx.lexicon)
    )
    result.notes += crawl.notes
    home = crawl.checked.get(ctx.home)
    if ctx.home in crawl.pages:
        ctx.crawl = crawl
        result.pages = len(crawl.pages)
        result.read = set(crawl.pages)
        result.evaluated |= PAGE_INDICATORS
        if not options.live:
            result.evaluated.add(UNREACHABLE.name)
    else:
        problem = home.problem if home is not None and home.problem else "不是网页"
        if options.live:
            result.notes.append(f"首页打不开（{problem}），页面类指标本次未检查")
        else:
            where = Path(options.build_dir) / (site.domain or "")
            evidence = f"构建输出中没有可用的首页（{where}/index.html：{problem}）"
            result.findings.append(
                Finding(site.id, UNREACHABLE, ctx.home, evidence, subject="首页")
            )
            result.evaluated.add(UNREACHABLE.name)
            result.notes.append("首页不存在，页面类指标本次未检查")
    result.findings += page_and_record_findings(ctx)
    result.notes += interaction.deadline_notes(ctx)
    result.findings += jiucuo.jiucuo_findings(records, site.id, ctx.home, ctx.today)
    result.evaluated |= RECORD_INDICATORS
    return result


def page_and_record_findings(ctx: SiteContext) -> list[Finding]:
    """Every indicator that reads the pages or the content records."""
    return [
        *freshness.home_findings(ctx),
        *freshness.column_findings(ctx),
        *wording.wording_findings(ctx),
        *interaction.channel_findings(ctx),
        *interaction.letter_findings(ctx),
        *services.service_findings(ctx),
        *deadlinks.link_findings(ctx),
        *freshness.undated_findings(ctx),
    ]


def _coverage(result: MonitorResult) -> Callable[[Item], bool]:
    """Whether this run checked an item's problem, so that its absence means it is fixed."""
    sites = {site_result.site.id: site_result for site_result in result.sites}
    mode = result.options.mode

    def covered(item: Item) -> bool:
        site_result = sites.get(item.site)
        if site_result is None or item.indicator not in site_result.evaluated:
            return False
        if item.indicator == UNREACHABLE.name and item.mode != mode:
            return False  # 无法访问 found by visits is verified by visits (and vice versa)
        return not (item.indicator in PAGE_BOUND and item.page not in site_result.read)

    return covered
