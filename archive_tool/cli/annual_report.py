"""``archive-tool annual-report``: each site's 年度工作报表 and the group's summary (第十条（五））."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .base import cli, content_argument, output_option, user_errors


@cli.command("annual-report")
@click.argument("year", type=click.IntRange(2000, 2999))
@content_argument
@output_option(
    "--output",
    "output_dir",
    folder=True,
    help="输出目录（默认 output.annual-reports/<年份>/，不能位于构建结果 output/ 或内容目录中）。",
)
@click.option("--site", "site_ids", multiple=True, help="只编制该站点的报表（站点ID，可重复）。")
@click.option(
    "--logs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="nginx 访问日志（文件或目录，可重复）：网站访问量取自日志，不再取填报数据（见 archive-tool stats）。",
)
@click.option(
    "--date",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="统计截止日期 YYYY-MM-DD（默认：该年 12 月 31 日；当年则为今天）。",
)
@user_errors
def annual_report(
    year: int,
    content_root: Path,
    output_dir: Path | None,
    site_ids: tuple[str, ...],
    logs: tuple[Path, ...],
    as_of,
) -> None:
    """编制各网站的政府网站年度工作报表及网站群汇总（《管理办法》第十条（五））。

    信息发布、解读回应、办事服务、互动交流等数据由网站内容自动统计，每项数据都链接到所统计的
    条目清单；网站访问量、安全防护、移动新媒体等内容无法统计的数据，由各站点在
    content/<站点ID>/annual/<年份>.yaml 中填写（格式见 docs/annual-report.md）。
    每个站点生成 HTML（可打印）、Excel（.xlsx）、CSV 和 JSON，另有网站群汇总 group-<年份>.*。
    数据文件缺项、拼错字段或内容检查不通过时列出全部问题，不写任何文件，退出码为 1。

    \b
    示例：
      archive-tool annual-report 2026
      archive-tool annual-report 2026 content --site bozhou -o 年报/2026
      archive-tool annual-report 2026 --logs /var/log/nginx/
    """
    from ..compliance import errors, warnings
    from ..content.loader import load_content
    from ..errors import ComplianceError
    from ..group.rules.check import check_content
    from ..report.annual import as_of_day, group_reports, group_summary
    from ..report.output import check_target, default_folder, report_files, write_files

    if as_of and as_of.year != year:
        raise click.BadParameter(f"应在 {year} 年内", param_hint="--date")
    day = as_of_day(year, as_of.date() if as_of else date.today())
    folder = output_dir or default_folder(year)
    check_target(folder, content_root)
    report = check_content(load_content(content_root), day)
    measured = _logged(report.group, logs, year, day) if logs else None
    reports, problems = group_reports(report, year, day, list(site_ids) or None, measured)
    found = report.violations + problems
    for warning in warnings(problems):
        click.echo(f"警告：{warning}", err=True)
    if errors(found):
        raise ComplianceError(found)
    summary = group_summary(report, reports, year, day)
    written = write_files(folder, report_files(reports, summary))
    names = "、".join(r.site_name for r in reports)
    click.echo(
        f"已编制 {year} 年度工作报表（统计至 {day:%Y-%m-%d}）：{len(reports)} 个网站（{names}）"
        f"及网站群汇总，共 {len(written)} 个文件 → {folder}"
    )


def _logged(group, logs, year: int, day: date) -> dict:
    """Each site's 访问量 from the access logs, for the year up to ``day``."""
    from ..report.annual import logged_visits
    from ..stats.tally import collect

    domains = {site.domain: site.id for site in group.sites.values() if site.domain}
    stats = collect(list(logs), domains, None, date(year, 1, 1), day)
    measured = {}
    for site_id, files in stats.files.items():
        views, visitors, days = stats.year(site_id, year)
        if days:
            measured[site_id] = logged_visits(views, visitors, days, files)
        else:
            click.echo(
                f"注意：访问日志中没有站点「{site_id}」{year} 年的记录，访问量仍取填报数据",
                err=True,
            )
    return measured
