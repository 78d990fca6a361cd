"""``archive-tool stats``: page views and visitors per site and per day from nginx's logs."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from .base import cli, content_option, user_errors


def domains_of(content_root: Path) -> dict[str, str]:
    """Every registered domain of the group → its site's ID."""
    from ..content.loader import load_content

    group = load_content(content_root)
    return {site.domain: site.id for site in group.sites.values() if site.domain}


@cli.command()
@click.argument("logs", nargs=-1, required=True, type=click.Path(path_type=Path))
@content_option("网站群内容目录（按域名确定日志所属站点）。")
@click.option("--site", "site_id", help="所有日志都属于这个站点（站点 ID）。")
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="起始日期（含）。")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="截止日期（含）。")
@user_errors
def stats(logs, content_root, site_id, first, last):
    """按站点、按日统计页面浏览量和访客数（nginx combined 格式的访问日志，含 gzip 轮转文件）。

    页面浏览量：成功（2xx、304）的 GET 网页请求，不含样式、脚本、图片、附件和爬虫；
    访客：同一地址和浏览器每天计一次。结果为 CSV（站点,日期,页面浏览量,访客数），写到标准输出。

    \b
    示例：
      archive-tool stats /var/log/nginx/ --content content
      archive-tool stats access.log access.log.1 access.log.2.gz --site bozhou --from 2026-01-01
    """
    from ..stats.tally import collect

    domains = domains_of(content_root)
    if site_id and site_id not in domains.values():
        raise click.BadParameter(f"网站群中没有站点「{site_id}」", param_hint="--site")
    result = collect(
        list(logs), domains, site_id, first.date() if first else None, last.date() if last else None
    )
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["站点", "日期", "页面浏览量", "访客数"])
    for site, day, views, visitors in result.rows():
        writer.writerow([site, day.isoformat(), views, visitors])
    files = sum(len(names) for names in result.files.values())
    click.echo(
        f"读取 {files} 个文件、{result.lines} 行：不是 combined 格式 {result.unreadable} 行，"
        f"爬虫 {result.robots} 行，非网页或未成功的请求 {result.other} 行（均未计入）",
        err=True,
    )
