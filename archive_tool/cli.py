"""The ``archive-tool`` command: parses arguments and hands each command to the core."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__
from .errors import ToolkitError


def user_errors(command):
    """Show a ToolkitError as its Chinese message and exit non-zero; --debug shows the traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ToolkitError as error:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"错误：{error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="archive-tool")
@click.option("--debug", is_flag=True, help="出错时显示完整的调用栈（开发者用）。")
def cli(debug: bool) -> None:
    """亳州市政府网站群工具：检查、归档网站群。

    构建网站群请在仓库根目录运行 `pelican`。

    \b
    示例：
      archive-tool check content
    """


@cli.command()
@click.argument("content_root", default="content", type=click.Path(file_okay=False, path_type=Path))
@user_errors
def check(content_root: Path) -> None:
    """检查网站群登记信息与内容是否符合《管理办法》，不生成任何输出。

    列出所有问题（文件、字段、依据条款）；有问题时退出码为 1。

    \b
    示例：
      archive-tool check content
    """
    from .errors import ComplianceError
    from .groupcheck import check_group

    report = check_group(content_root)
    for warning in report.warnings:
        click.echo(f"警告：{warning}", err=True)
    if not report.ok:
        raise ComplianceError(report.violations)
    published = report.group.published_sites()
    click.echo(f"检查通过：{len(report.group.sites)} 个站点，其中 {len(published)} 个将发布。")


def main() -> None:
    cli()
