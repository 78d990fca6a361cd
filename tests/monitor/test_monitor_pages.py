"""Reading pages and the freshness and service thresholds, on small hand-written sites."""

from __future__ import annotations

import http.server
import time
from datetime import date
from pathlib import Path

import pytest
from servers import serve_handler

from archive_tool.content.registry import Column, Site
from archive_tool.monitor import freshness, services
from archive_tool.monitor.context import SiteContext
from archive_tool.monitor.crawl import Limits, crawl_site
from archive_tool.monitor.fetch import FolderFetcher, HttpFetcher
from archive_tool.monitor.pages import parse_page
from archive_tool.safety.lexicon import Lexicon

DOMAIN = "www.x.gov.cn"
HOME = f"https://{DOMAIN}/"


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><main>{body}</main></body></html>"


def site_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / DOMAIN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return tmp_path


def context(output: Path, columns: list[Column], today: date, **data) -> SiteContext:
    site = Site(id="x", file="x/site.yaml", data={"domain": DOMAIN, **data}, columns=columns)
    fetcher = FolderFetcher(output, {DOMAIN})
    seeds = [f"{HOME}{column.id}/" for column in columns]
    crawl = crawl_site(fetcher, HOME, seeds, Limits())
    return SiteContext(site, HOME, today, "built", crawl, Lexicon({}), domains=frozenset({DOMAIN}))


def test_dates_come_from_time_elements_or_else_from_list_text():
    shown = parse_page(HOME, page('<ul><li>a <time datetime="2026-11-20">昨天</time></li></ul>'))
    assert shown.dates == [date(2026, 11, 20)]
    text = parse_page(HOME, page("<ul><li>通知 2026年11月3日</li><li>2026/02/30</li></ul>"))
    assert text.dates == [date(2026, 11, 3)]  # an impossible date is no date


def test_a_navigation_only_home_page_is_judged_by_its_second_level_pages(tmp_path):
    output = site_folder(
        tmp_path,
        {
            "index.html": page('<a href="zwdt/">动态</a> <a href="tzgg/">通知</a>'),
            "zwdt/index.html": page('<li><a href="a.html">会议</a><time>2026-11-20</time></li>'),
            "zwdt/a.html": page("正文", '<meta name="ArticleTitle" content="会议">'),
            "tzgg/index.html": page('<li><a href="b.html">通知</a><time>2026-01-05</time></li>'),
        },
    )
    columns = [
        Column("zwdt", "政务动态", "动态", "甲"),
        Column("tzgg", "通知公告", "通知公告", "乙"),
    ]
    assert freshness.home_findings(context(output, columns, date(2026, 11, 26))) == []
    (finding,) = freshness.home_findings(context(output, columns, date(2026, 12, 20)))
    assert finding.evidence.startswith("首页为导航页，其链接的二级页面最近一次")
    assert "2026-11-20" in finding.evidence


def test_undated_home_items_count_as_not_updated(tmp_path):
    output = site_folder(
        tmp_path,
        {
            "index.html": page('<ul><li><a href="zwdt/a.html">会议</a></li></ul>'),
            "zwdt/a.html": page("正文", '<meta name="ArticleTitle" content="会议">'),
        },
    )
    ctx = context(output, [], date(2026, 11, 26))
    (finding,) = freshness.home_findings(ctx)
    assert "没有任何标注日期的信息" in finding.evidence
    (undated,) = freshness.undated_findings(ctx)
    assert undated.page == f"{HOME}zwdt/a.html"


def test_five_blank_columns_fail_the_site_and_four_do_not(tmp_path):
    files = {"index.html": page('<li><a href="gk/a.html">概况</a><time>2026-11-25</time></li>')}
    files |= {f"c{n}/index.html": page("<p>暂无信息</p>") for n in range(5)}
    files["gk/index.html"] = page('<li><a href="a.html">概况</a><time>2026-11-25</time></li>')
    output = site_folder(tmp_path, files)
    gk = Column("gk", "概况信息", "静态", "甲")
    blank = [Column(f"c{n}", f"栏目{n}", "静态", "甲") for n in range(5)]
    (veto,) = freshness.column_findings(context(output, [gk, *blank], date(2026, 11, 26)))
    assert veto.indicator.name == "栏目不更新" and "空白栏目 5 个" in veto.evidence
    late = freshness.column_findings(context(output, [gk, *blank[:4]], date(2026, 11, 26)))
    assert [f.indicator.name for f in late] == ["栏目更新不及时"] * 4


def guide(name: str, rows: list[str]) -> str:
    cells = "".join(f'<tr><th scope="row">{key}</th><td>有</td></tr>' for key in rows)
    return page(f'<article class="service-guide"><table>{cells}</table></article>')


@pytest.mark.parametrize("count, poor, fails", [(3, 3, True), (3, 2, False), (6, 5, True)])
def test_guides_missing_four_key_elements(tmp_path, count, poor, fails):
    full = list(services.NATIONAL_KEY_ELEMENTS)
    files = {"index.html": page('<a href="services/">办事</a><time>2026-11-25</time>')}
    links = "".join(f'<a href="s{n}.html">事项{n}</a>' for n in range(count))
    files["services/index.html"] = page(links)
    for n in range(count):
        files[f"services/s{n}.html"] = guide(f"事项{n}", full[:4] if n < poor else full)
    ctx = context(site_folder(tmp_path, files), [], date(2026, 11, 26), type="county")
    found = services.service_findings(ctx)
    vetoes = [f for f in found if f.indicator.name == "服务不实用"]
    assert bool(vetoes) is fails
    if not fails:
        assert [f.indicator.name for f in found] == ["办事指南要素不全"] * poor


def test_a_county_portal_without_any_service_fails(tmp_path):
    output = site_folder(tmp_path, {"index.html": page("<time>2026-11-25</time>")})
    (finding,) = services.service_findings(context(output, [], date(2026, 11, 26), type="county"))
    assert finding.evidence.startswith("未提供办事服务")
    department = context(output, [], date(2026, 11, 26), type="department")
    assert services.service_findings(department) == []


def test_the_folder_fetcher_never_leaves_the_site_folder(tmp_path):
    (tmp_path / "secret.txt").write_text("x", "utf-8")
    output = site_folder(tmp_path / "out", {"index.html": page("首页")})
    fetcher = FolderFetcher(output, {DOMAIN})
    assert fetcher.get(HOME).ok
    assert fetcher.get(f"{HOME}%2e%2e/%2e%2e/secret.txt").status == 404
    assert not fetcher.get("https://elsewhere.gov.cn/").ok


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(1.0)
        body = "你好".encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def test_a_visit_fails_after_the_timeout_and_chinese_paths_are_encoded(tmp_path):
    with serve_handler(Slow) as server:
        fetcher = HttpFetcher({DOMAIN}, server + "{domain}/", timeout=0.3)
        slow = fetcher.get(f"{HOME}slow".replace(f"{HOME}slow", server + "slow"))
        assert not slow.ok and slow.error == "超过 0.3 秒未打开" and slow.seconds < 1.0
        ok = fetcher.get(f"{HOME}files/申请表.txt")
        assert ok.ok and ok.body == "你好".encode()
    assert fetcher.address(f"{HOME}files/申请表.txt").endswith(
        f"/{DOMAIN}/files/%E7%94%B3%E8%AF%B7%E8%A1%A8.txt"
    )
