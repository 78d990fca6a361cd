"""``archive-tool check``: the group's rules on content/, without building anything."""

from __future__ import annotations

from pathlib import Path

import click

from .base import cli, content_argument, user_errors


@cli.command()
@content_argument
@user_errors
def check(content_root: Path) -> None:
    """检查网站群登记信息与内容是否符合《管理办法》，不生成任何输出。

    列出所有问题（文件、字段、依据条款）；有问题时退出码为 1。

    \b
    示例：
      archive-tool check content
    """
    from ..errors import ComplianceError
    from ..group.rules.check import check_group

    report = check_group(content_root)
    for warning in report.warnings:
        click.echo(f"警告：{warning}", err=True)
    if not report.ok:
        raise ComplianceError(report.violations)
    published = report.group.published_sites()
    click.echo(f"检查通过：{len(report.group.sites)} 个站点，其中 {len(published)} 个将发布。")
