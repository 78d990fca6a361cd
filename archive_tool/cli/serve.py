"""``archive-tool serve``: the live preview for editors (archive_tool.group.preview)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import click
from pelican.settings import read_settings

from ..errors import ToolkitError
from ..group.build.contentcache import cache_root
from ..group.build.pipeline import build_day
from ..group.preview.watcher import PreviewSetup, serve
from .base import FOLDER, cli, content_argument, output_option, settings_option, user_errors


@cli.command("serve")
@content_argument
@settings_option
@output_option("--output", folder=True, help="预览构建的输出目录（默认为临时目录，退出时删除）")
@click.option("--bind", "-b", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="端口（0：任选一个空闲端口）")
@click.option("--watch", "extra", multiple=True, type=FOLDER, help="另外监视的目录（可多次给出）")
@user_errors
def serve_command(content_root, settings_file, output, bind, port, extra) -> None:
    """本地实时预览：构建网站群并在浏览器中浏览，保存文件后自动重新构建并刷新页面。

    监视 content/ 和主题目录；修改后按正常构建（增量）重新生成，打开的页面自动刷新。
    只修改已有文章的标题、摘要或正文时，先检查该文章的规则并只生成它的页面（约 1 秒内刷新），
    再完整构建。修改违反规则时，页面上显示与构建相同的提示，预览保持上次成功构建的内容。

    \b
    示例：
      archive-tool serve
      archive-tool serve content --port 8001 -o /tmp/preview
    """
    settings_file = settings_file.resolve()
    settings = read_settings(str(settings_file))
    theme = Path(settings["THEME"])
    if not theme.is_absolute():
        theme = settings_file.parent / theme
    content = Path(content_root).resolve()
    folder = Path(output).resolve() if output else Path(tempfile.mkdtemp(prefix="preview-"))
    watched = tuple(dict.fromkeys([content, theme.resolve(), *(Path(p).resolve() for p in extra)]))
    warm, warm_env = warm_runs(settings, settings_file.parent)
    today = build_day(settings.get("BUILD_DATE"))
    setup = PreviewSetup(content, settings_file, folder, watched, bind, port, today, warm, warm_env)
    try:
        serve(setup, say=lambda text: click.echo(text, err=True))
    except KeyboardInterrupt:
        pass  # Ctrl+C during a build: the preview ends, as it does between builds
    except OSError as error:
        raise ToolkitError(f"无法在 {bind}:{port} 启动预览服务器：{error.strerror or error}") from None
    finally:
        if not output:  # the temporary folder, and the build's cache beside it
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(cache_root(folder), ignore_errors=True)


def warm_runs(settings: dict, base: Path) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The command of the quick path's warm site runs: the sitegroup plugin's ``warm`` module,
    with the plugin's folder on the path; none when the settings do not load the plugin."""
    if "sitegroup" not in settings.get("PLUGINS", []):
        return (), ()
    for folder in settings.get("PLUGIN_PATHS", []):
        folder = (base / folder).resolve()
        if (folder / "sitegroup" / "warm.py").is_file():
            path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
            return (sys.executable, "-m", "sitegroup.warm"), (("PYTHONPATH", path),)
    return (), ()
