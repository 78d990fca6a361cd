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


# The two kinds of path the commands take.
FILE = click.Path(dir_okay=False, path_type=Path)
FOLDER = click.Path(file_okay=False, path_type=Path)


def warc_files(function):
    """The WARC files a command reads: one or more arguments."""
    return click.argument("warcs", nargs=-1, required=True, type=FILE)(function)


def content_argument(function):
    """The content folder a command reads: an optional argument, ``content`` by default."""
    return click.argument("content_root", default="content", type=FOLDER)(function)


def settings_option(function):
    """``--settings``: the group's Pelican settings file, ``pelicanconf.py`` by default."""
    return click.option(
        "--settings",
        "settings_file",
        default="pelicanconf.py",
        show_default=True,
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="网站群的 Pelican 配置文件",
    )(function)


def content_option(help: str = "网站群内容目录。"):
    """``--content``: the content folder a command reads beside its other arguments."""
    return click.option(
        "--content", "content_root", default="content", show_default=True, type=FOLDER, help=help
    )


def output_option(*names: str, folder: bool = False, required: bool = False, help: str):
    """``-o``: where a command writes, a file (or with ``folder`` a folder); ``names`` are
    its long name and, when it differs from the long name, the parameter's name."""
    return click.option("-o", *names, required=required, type=FOLDER if folder else FILE, help=help)


def number_option(
    name: str,
    *,
    default: float | None = None,
    low: float | None = None,
    high: float | None = None,
    show_default: bool | str = True,
    help: str,
):
    """An option taking a number from ``low`` to ``high`` (None: unbounded); a float
    ``default`` makes it a float option, and the default is shown in --help."""
    kind = click.FloatRange if isinstance(default, float) else click.IntRange
    if default is None:
        return click.option(name, type=kind(low, high), help=help)
    return click.option(
        name, default=default, show_default=show_default, type=kind(low, high), help=help
    )
