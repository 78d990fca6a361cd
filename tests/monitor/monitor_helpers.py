"""Builds of the demo group for the monitor's tests: as it is, and aged and tampered so that
each indicator fires exactly once. Each build is made once per test session (about 10 s)."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

from conftest import DEMO_CONTENT, run_pelican

from archive_tool.monitor.crawl import Limits
from archive_tool.monitor.report import monitor_and_report
from archive_tool.monitor.run import Options

BUILD_DATE = "2026-11-26"
TODAY = date(2026, 11, 26)
DOMAINS = {
    "bozhou": "www.bozhou.gov.cn",
    "fgw": "fgw.bozhou.gov.cn",
    "gxq": "gxq.bozhou.gov.cn",
    "qcq": "www.qcq.gov.cn",
    "sjj": "sjj.bozhou.gov.cn",
}
_BUILDS: dict[str, tuple[Path, Path]] = {}
DATE_LINE = re.compile(r"^Date: (.+)$", re.MULTILINE)


def built(factory, name: str, prepare=None, tamper=None) -> tuple[Path, Path]:
    """(content, output) of a copy of the demo group, changed by ``prepare(content)``,
    built as of BUILD_DATE, then changed by ``tamper(output)``."""
    if name not in _BUILDS:
        root = factory.mktemp(name)
        content, output = root / "content", root / "output"
        shutil.copytree(DEMO_CONTENT, content)
        if prepare:
            prepare(content)
        result = run_pelican(content, output, "-e", f'BUILD_DATE="{BUILD_DATE}"')
        assert result.returncode == 0, result.stdout + result.stderr
        if tamper:
            tamper(output)
        _BUILDS[name] = (content, output)
    return _BUILDS[name]


def run(content: Path, output: Path, report: Path, ledger: Path | None, **options):
    """monitor_and_report on a build; ``ledger`` None: without the 整改清单."""
    limits = options.pop("limits", Limits())
    settings = Options(
        content_root=content,
        build_dir=output,
        ledger_file=ledger,
        use_ledger=ledger is not None,
        limits=limits,
        **options,
    )
    settings.today = settings.today or TODAY
    return monitor_and_report(settings, report)


def counts(result) -> dict[str, int]:
    found: dict[str, int] = {}
    for site in result.sites:
        for finding in site.findings:
            found[finding.indicator.name] = found.get(finding.indicator.name, 0) + 1
    return found


# ---- ageing the demo content -------------------------------------------------------------


def article_date(path: Path) -> datetime:
    return datetime.strptime(DATE_LINE.search(path.read_text("utf-8"))[1].strip(), "%Y-%m-%d %H:%M")


def redate(path: Path, when: datetime) -> None:
    text = path.read_text("utf-8")
    path.write_text(DATE_LINE.sub(f"Date: {when:%Y-%m-%d %H:%M}", text, count=1), "utf-8")


def shift_back(folder: Path, since: datetime, days: int) -> None:
    """Move every article of ``folder`` dated on or after ``since`` back by ``days``."""
    for path in folder.rglob("*.md"):
        when = article_date(path)
        if when >= since:
            redate(path, when - timedelta(days=days))


def newest(folder: Path) -> Path:
    return max(folder.glob("*.md"), key=article_date)


def drop_repost(content: Path, library_item: str, target: str) -> None:
    path = content / "_library" / library_item
    text = path.read_text("utf-8")
    path.write_text(re.sub(rf";?\s*{re.escape(target)} [0-9-]+ [0-9:]+", "", text), "utf-8")


def age(content: Path) -> None:
    """The demo content changed so that, as of 2026-11-26, each content-side indicator
    fires exactly once (the page-side ones come from ``tamper``)."""
    # 栏目更新不及时 would fire for every site's 政策文件/政策解读: freshen them, except on
    # sjj, whose columns go stale below.
    for site in ("bozhou", "fgw", "gxq", "qcq"):
        redate(newest(content / site / "zcwj"), datetime(2026, 10, 20, 10, 0))
        redate(newest(content / site / "zcjd"), datetime(2026, 10, 21, 9, 0))
    # 首页不更新 (fgw): nothing dated in the last 2 weeks; its 政务动态 is then 栏目更新不及时.
    shift_back(content / "fgw", datetime(2026, 11, 1), 20)
    drop_repost(content, "2026-11-19-senlin-fanghuo.md", "fgw/zwdt")
    # 栏目不更新 (sjj): all four 动态/通知公告/政策文件 columns stale (fewer than 5 such
    # columns); its home page stays fresh through an updated 概况.
    for column in ("zwdt", "tzgg"):
        shift_back(content / "sjj" / column, datetime(2026, 5, 1), 200)
    drop_repost(content, "2026-11-10-gonggong-shuju-guanli.md", "sjj/tzgg")
    redate(content / "sjj" / "gkxx" / "sjj-gaikuang.md", datetime(2026, 11, 20, 9, 0))
    # 互动回应差 (bozhou): a 咨询 letter of 2026-08-22 left unanswered.
    letter = content / "bozhou" / "letters" / "2026-0012.yaml"
    text = letter.read_text("utf-8")
    letter.write_text(text[: text.index("答复单位:")], "utf-8")
    # 找错留言办理超时 (qcq): draft reply and answer both late.
    (content / "_monitoring" / "jiucuo" / "qcq-2026-0002.yaml").write_text(
        "站点: qcq\n收到时间: 2026-11-24 09:00\n回复意见时间: 2026-11-24 15:00\n"
        "答复时间: 2026-11-25 10:00\n",
        "utf-8",
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def tamper(output: Path) -> None:
    """Pages changed after the build, as an old CMS or an intruder would leave them."""
    bozhou, qcq = output / DOMAINS["bozhou"], output / DOMAINS["qcq"]
    # 严重错误: one 严重表述错误 on one portal page.
    page = bozhou / "zwdt" / "202611" / "2026-11-20-changwuhuiyi.html"
    edit(page, '<div class="article-body">\n  <p>', '<div class="article-body">\n  <p>毫州')
    # 服务不实用: a 规范表格 that no longer downloads.
    (output / DOMAINS["fgw"] / "files/services/qiye-touzi-xiangmu-beian/申请表.txt").unlink()
    # 办事指南要素不全: one guide without its 联系电话.
    edit(
        qcq / "services" / "juzhuzheng-banli.html",
        '<tr><th scope="row" data-pagefind-ignore>联系电话</th><td>0558-5100072</td></tr>',
        "",
    )
    # 首页链接不可用 and 其他页面链接不可用.
    edit(
        qcq / "index.html", "</main>", '<p><a href="./zwdt/202611/gone.html">旧文章</a></p></main>'
    )
    policy = next((qcq / "zcwj").glob("*/qcq-laojiu-*.html"))
    edit(policy, "</main>", '<p><a href="../../files/gone.pdf">附件</a></p></main>')
    # 未标注发布日期: an article without its PubDate.
    overview = next((qcq / "gkxx").glob("*/qiaocheng-gaikuang.html"))
    text = overview.read_text("utf-8")
    overview.write_text(re.sub(r'<meta name="PubDate" content="[^"]*">', "", text), "utf-8")
    # 图片无法显示.
    news = next((output / DOMAINS["sjj"] / "zwdt").glob("*/*.html"))
    edit(news, "</main>", '<p><img src="../../theme/img/missing.png" alt="示意图"></p></main>')
