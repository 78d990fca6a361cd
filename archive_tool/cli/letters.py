"""``archive-tool letters import``: a platform's export into a site's letter records."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .base import cli, content_option, user_errors


@cli.group()
def letters():
    """网民留言记录：从互动平台（12345 网上平台等）的导出文件导入。

    \b
    示例：
      archive-tool letters import 12345工单导出.xlsx --site bozhou
    """


@letters.command("import")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", "site_id", required=True, help="站点 ID（content/<站点ID>/）。")
@content_option()
@user_errors
def import_(export, site_id, content_root):
    """把平台导出的留言（.xlsx 或 .csv）写入站点的留言记录。

    按编号导入：每条一个文件 letters/<编号>.yaml，再次导入时更新，不会重复。列名按站点
    site.yaml 的「留言导入」（默认为常见的 12345 工单导出）。留言人写为「张某」，不写联系方式，
    号码遮盖。有问题的行逐条列出（行号、字段、列名），其余照常导入，此时以 1 退出。

    \b
    示例：
      archive-tool letters import 12345工单导出.xlsx --site bozhou
    """
    from ..letters.importing import import_letters

    result = import_letters(export, content_root, site_id, date.today())
    click.echo(
        f"导入 {export}：新增 {len(result.added)} 条，更新 {len(result.updated)} 条，"
        f"未变 {len(result.unchanged)} 条，有问题 {len(result.problems)} 处"
    )
    for number, first, kept in result.repeated:
        click.echo(
            f"注意：编号 {number} 在第 {first} 行和第 {kept} 行重复，以第 {kept} 行为准", err=True
        )
    for problem in result.problems:
        click.echo(f"{export}：{problem}", err=True)
    if result.problems:
        sys.exit(1)
