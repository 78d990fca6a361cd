"""``archive-tool monitor``: the national inspection indicators and the 整改清单 (第十一条)."""

from __future__ import annotations

from pathlib import Path

import click

from .base import FILE, FOLDER, cli, content_argument, number_option, output_option, user_errors


@cli.command()
@content_argument
@output_option(
    "--report-dir",
    folder=True,
    required=True,
    help="报告目录：写入 report.html、report.json、report.csv（不能在网站发布的目录中）。",
)
@click.option("--date", "as_of", metavar="YYYY-MM-DD", help="监测日期，默认今天（北京时间）。")
@click.option("--site", metavar="站点ID", help="只检查一个站点（单位每月自查），如 fgw。")
@click.option(
    "--build-dir",
    default="output",
    show_default=True,
    type=FOLDER,
    help="构建输出目录（不加 --live 时检查它）。",
)
@click.option("--live", is_flag=True, help="在线访问各站点（HTTP/HTTPS），而不是读构建输出。")
@click.option(
    "--url-pattern",
    default="https://{domain}/",
    show_default=True,
    help="在线监测时站点的访问地址，{domain} 换成站点域名（可指向预览服务器）。",
)
@number_option(
    "--rounds", default=3, low=0, high=1000, help="在线监测时每个站点访问几轮（首页和几个栏目页）。"
)
@number_option(
    "--sample-pages", default=2, low=0, high=100, help="在线监测时每轮除首页外还访问几个栏目页。"
)
@number_option("--interval", default=0.0, low=0, high=86400, help="两轮访问之间的间隔（秒）。")
@number_option(
    "--timeout",
    default=15.0,
    low=0.1,
    high=300,
    help="一次访问超过多少秒未打开即为失败（国家监测方法为 15 秒）。",
)
@click.option(
    "--visits",
    "visits_file",
    type=FILE,
    help="访问记录文件（JSON Lines），默认 <报告目录>/visits.jsonl；每次用同一个文件，访问次数累计。",
)
@number_option(
    "--window", default=7, low=1, high=366, help="统计访问成功率的天数（到监测日为止）。"
)
@number_option(
    "--max-pages", default=1000, low=1, high=1_000_000, help="每个站点最多检查的网页数。"
)
@number_option(
    "--max-files",
    default=2000,
    low=0,
    high=1_000_000,
    help="每个站点最多检查的文件、图片和网站群其他站点的链接数。",
)
@number_option(
    "--max-external",
    default=50,
    low=0,
    high=100_000,
    help="在线监测时每个站点最多检查的外部链接数。",
)
@number_option(
    "--external-time",
    default=60.0,
    low=0,
    high=86400,
    help="在线监测时每个站点检查外部链接的总时长（秒）。",
)
@number_option(
    "--site-time", default=600.0, low=1, high=86400, help="检查一个站点的总时长上限（秒）。"
)
@click.option(
    "--skip-host", multiple=True, metavar="域名", help="不检查指向该域名的外部链接（可重复）。"
)
@click.option(
    "--ledger",
    "ledger_file",
    type=FILE,
    help="整改清单文件，默认 <内容目录>/_monitoring/整改清单.yaml。",
)
@click.option("--no-ledger", is_flag=True, help="只生成报告，不读写整改清单。")
@user_errors
def monitor(
    content_root: Path,
    report_dir: Path,
    as_of: str | None,
    site: str | None,
    build_dir: Path,
    live: bool,
    url_pattern: str,
    rounds: int,
    sample_pages: int,
    interval: float,
    timeout: float,
    visits_file: Path | None,
    window: int,
    max_pages: int,
    max_files: int,
    max_external: int,
    external_time: float,
    site_time: float,
    skip_host: tuple[str, ...],
    ledger_file: Path | None,
    no_ledger: bool,
) -> None:
    """按国家政府网站抽查指标监测网站群（或一个站点），生成报告并下发整改清单。

    检查构建输出（默认 output/），或加 --live 在线访问各站点。

    单项否决：站点无法访问、首页不更新、栏目不更新、严重错误、互动回应差、服务不实用。

    扣分：链接不可用、图片无法显示、未标注发布日期、栏目更新不及时、留言和找错办理超时等。

    有单项否决问题的网站判定为不合格，退出码为 1。

    检查整个网站群时，严重问题登记到 content/_monitoring/整改清单.yaml 并编号。

    整改时限 3 个工作日，复核确认问题消失后销号；--site 自查不改变整改清单。

    \b
    示例：
      archive-tool monitor -o reports/2026-11 --date 2026-11-26
      archive-tool monitor --site fgw -o reports/fgw-2026-11
      archive-tool monitor --live -o reports/2026-11 --visits reports/visits-2026-11.jsonl
    """
    from ..content.values import parse_day
    from ..errors import ToolkitError
    from ..monitor.crawl import REGISTRY_HOSTS, Limits
    from ..monitor.report import monitor_and_report
    from ..monitor.run import Options

    today = None
    if as_of is not None:
        today = parse_day(as_of)
        if today is None or len(as_of.strip()) != 10:
            raise ToolkitError(f"--date 应为 YYYY-MM-DD，实为「{as_of[:40]}」")
    if not url_pattern.startswith(("http://", "https://")) or "{domain}" not in url_pattern:
        raise ToolkitError("--url-pattern 应以 http:// 或 https:// 开头并含 {domain}")
    try:
        url_pattern.format(domain="x")
    except (KeyError, IndexError, ValueError):
        raise ToolkitError("--url-pattern 中只能有 {domain} 一个占位符") from None
    limits = Limits(
        max_pages=max_pages,
        max_files=max_files,
        max_external=max_external,
        external_seconds=external_time,
        site_seconds=site_time,
        skip_hosts=REGISTRY_HOSTS | {host.lower() for host in skip_host},
    )
    options = Options(
        content_root=content_root,
        today=today,
        site=site,
        live=live,
        build_dir=build_dir,
        url_pattern=url_pattern,
        timeout=timeout,
        rounds=rounds,
        sample=sample_pages,
        interval=interval,
        visits_file=visits_file,
        window_days=window,
        limits=limits,
        ledger_file=ledger_file,
        use_ledger=not no_ledger,
    )
    result, files = monitor_and_report(
        options, report_dir, progress=lambda message: click.echo(message, err=True)
    )
    for site_result in result.sites:
        vetoes = sum(f.veto for f in site_result.findings)
        others = len(site_result.findings) - vetoes
        click.echo(
            f"{site_result.site.name}（{site_result.site.id}）：{site_result.verdict}，"
            f"单项否决 {vetoes} 个，扣分问题 {others} 个"
        )
    if result.writes_ledger:
        changes = result.changes
        click.echo(
            f"整改清单 {result.ledger.shown}：新下发 {len(changes['issued'])} 项，"
            f"销号 {len(changes['fixed'])} 项，逾期 {len(changes['overdue'])} 项"
        )
        for item in changes["issued"]:
            click.echo(f"  {item.number}（{item.site}，{item.indicator}，{item.deadline} 前整改）")
    click.echo(f"报告：{files['report.html']}（另有 report.json、report.csv）")
    if any(site_result.failed for site_result in result.sites):
        raise SystemExit(1)
