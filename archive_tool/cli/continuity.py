"""``archive-tool continuity``: what each old address of a site answers after its redesign."""

from __future__ import annotations

from pathlib import Path

import click

from ..compliance import shorten
from ..errors import ToolkitError
from .base import cli, user_errors


@cli.command()
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--domain", help="站点域名（默认：新版目录的名称，如 www.qcq.gov.cn）。")
@click.option(
    "--old-host",
    "old_hosts",
    multiple=True,
    help="旧网址所在的其他主机名（旧版在另一域名上时），可重复。",
)
@user_errors
def continuity(site_dir, sources, domain, old_hosts):
    """核对网站改版或迁移后，旧网址在新版中能否访问（第八条（四））。

    SITE_DIR 是新版的构建目录（output/<域名>/）。旧网址取自 SOURCES：归档目录
    （含 archive.json）、WARC 文件或旧网站的 sitemap.xml；不写时取新版自带的归档
    （SITE_DIR/archive/）。按 nginx 配置的顺序逐个给出访问者得到的结果：相同页面、
    已迁移（文章 aliases，301 到新网址）、归档副本（301 到 /archive/…）或 404。
    有旧网址将返回 404 时退出码为 1。

    \b
    示例：
      archive-tool continuity output/www.qcq.gov.cn
      archive-tool continuity output/www.qcq.gov.cn old-sitemap.xml old-site.warc.gz
    """
    from ..group.continuity.addresses import (
        MISSING,
        SHOWN,
        NewBuild,
        check_continuity,
        is_hostname,
        old_addresses,
        site_paths,
    )

    domain = domain or site_dir.resolve().name
    for host in (domain, *old_hosts):
        if not is_hostname(host):
            raise ToolkitError(
                f"「{shorten(host)}」不是主机名（如 www.qcq.gov.cn）：请用 --domain 指定新版的域名"
            )
    hosts = [domain.lower(), *(host.lower() for host in old_hosts)]
    build = NewBuild.read(site_dir, hosts)
    if not sources and not (site_dir / "archive").is_dir():
        raise ToolkitError(
            f"{site_dir} 中没有归档（archive/）：请指定旧网址来源（归档目录、WARC 或 sitemap.xml）"
        )
    urls = []
    for source in sources or [site_dir / "archive"]:
        urls += old_addresses(source)
    paths, other = site_paths(urls, hosts)
    if not paths:
        raise ToolkitError(f"旧网址来源中没有 {'、'.join(hosts)} 上的网址，无从核对")
    answers = check_continuity(build, paths)
    for answer in answers:
        click.echo(str(answer))
    counts = {kind: sum(a.kind == kind for a in answers) for kind in SHOWN}
    summary = "，".join(f"{SHOWN[kind]} {count} 个" for kind, count in counts.items())
    skipped = f"（另有 {other} 个网址不在本站或无法按路径匹配，未核对）" if other else ""
    click.echo(f"共核对旧网址 {len(answers)} 个：{summary}{skipped}", err=True)
    if counts[MISSING]:
        raise ToolkitError(
            f"{counts[MISSING]} 个旧网址在新版中将返回 404：可在文章中用 aliases 写明旧网址，"
            "或在改版前归档旧版（site.yaml 的 archive.redesign）"
        )
