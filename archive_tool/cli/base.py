"""The ``archive-tool`` command group, its error wrapper and the options commands share."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import ToolkitError


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
    """亳州市政府网站群工具：检查、抓取、校验和打包网站归档。

    构建网站群请在仓库根目录运行 `pelican`。

    \b
    示例：
      archive-tool check content
      archive-tool snapshot https://www.bozhou.gov.cn/ -o bozhou.warc.gz
    """


def warc_files(function):
    return click.argument(
        "warcs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
    )(function)
