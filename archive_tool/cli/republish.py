"""``archive-tool republish``: a WARC as a static archive marked 「已归档」."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import ToolkitError
from .base import cli, output_option, user_errors, warc_files


@cli.command()
@warc_files
@output_option("--output", "out_dir", folder=True, required=True, help="归档输出目录。")
@click.option("--live-url", help="横幅中“现行网站”的链接（默认：原网站首页），如迁移后的新网址。")
@click.option("--at", "at", help="发布此时间（YYYYMMDDhhmmss，UTC）或之前的最后一次抓取。")
@click.option(
    "--salvage",
    is_flag=True,
    help="WARC 未通过校验（如文件被截断）时，只发布其中完好的记录，并列出丢弃的记录。",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="自定义横幅和归档目录外观的模板目录：其中的 banner.html、archive_index.html、"
    "overview.html、not_archived.html 替代内置模板，缺少的沿用内置模板；"
    "渲染结果不符合归档规则（如去掉「已归档」、加脚本）则拒绝发布。"
    "例：--templates themes/gov/templates/republish",
)
@user_errors
def republish(warcs, out_dir, live_url, at, salvage, templates):
    """把 WARC 发布为可直接部署的静态归档，每页顶部标明「已归档」和归档时间。

    页面链接改为指向归档内的副本；未归档的原网站链接指向“未归档”说明页；
    脚本和其他可执行内容被移除（保留在 WARC 中）；GBK/GB2312 页面转为 UTF-8，文字不变。

    未通过校验的 WARC 不予发布（除非加 --salvage）；无法发布的单条记录
    （网址无效、超过大小限制等）会被跳过并给出警告，其余照常发布。

    \b
    示例：
      archive-tool republish bozhou.warc.gz -o archive/ --live-url https://www.bozhou.gov.cn/
    """
    from datetime import datetime, timezone

    from ..republish.static import republish as run_republish

    moment = None
    if at:
        try:
            moment = datetime.strptime(at, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        except ValueError:
            raise ToolkitError(f"--at 应为 14 位时间 YYYYMMDDhhmmss（UTC），实为「{at}」") from None
    started = time.monotonic()
    result = run_republish(
        list(warcs), out_dir, live_url=live_url, at=moment, salvage=salvage, templates=templates
    )
    seconds = time.monotonic() - started
    if result.dropped:
        click.echo(f"已丢弃 {len(result.dropped)} 处损坏的记录（--salvage）：", err=True)
        for line in result.dropped.lines("  "):
            click.echo(line, err=True)
    for line in result.skipped.lines("警告：已跳过 "):
        click.echo(line, err=True)
    skipped = f"，跳过 {len(result.skipped)} 条记录" if result.skipped else ""
    click.echo(
        f"已发布归档：{result.archive_dir}（页面 {result.pages} 个，文件 {result.files} 个"
        f"{skipped}，用时 {seconds:.1f} 秒）\n归档目录：{result.archive_dir / 'index.html'}",
        err=True,
    )
