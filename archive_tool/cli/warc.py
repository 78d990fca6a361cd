"""``archive-tool snapshot / verify / index / wacz``: WARC capture, checking and packaging."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import click

from ..errors import ToolkitError
from ..warc.names import OPEN_SUFFIX
from ..warc.scope import SCOPES, Scope
from .base import FOLDER, cli, number_option, output_option, user_errors, warc_files


class Progress:
    """Pages and pages/s on one stderr line, when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, result) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.25:
            return
        self.last = now
        rate = result.pages / max(now - self.started, 1e-6)
        click.echo(
            f"\r抓取中：{result.pages} 个页面，{result.fetched} 个文件，{rate:.0f} 页/秒",
            err=True,
            nl=False,
        )

    def done(self) -> None:
        if self.enabled:
            click.echo("", err=True)


@cli.command()
@click.argument("urls", nargs=-1)
@output_option("--output", required=True, help="输出的 WARC 文件（.warc.gz）。")
@click.option("--from-dir", type=FOLDER, help="直接读取已构建的站点目录，不经过网络。")
@click.option(
    "--base-url", help="与 --from-dir 一起用：该目录对应的网址，如 https://www.bozhou.gov.cn/"
)
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default="host",
    show_default=True,
    help="抓取范围：同一主机、同一域名（含子域名）或种子网址的路径前缀。",
)
@click.option("--exclude", multiple=True, help="不抓取与此正则表达式匹配的网址（可多次使用）。")
@number_option("--max-pages", low=1, help="最多抓取的页面数。")
@number_option("--max-depth", low=0, help="从种子网址起最多跟随几层链接。")
@click.option("--no-robots", is_flag=True, help="不遵守 robots.txt（仅限本单位自己的网站）。")
@number_option(
    "--processes",
    default=min(os.cpu_count() or 1, 4),
    low=1,
    high=64,
    show_default="CPU 核数，最多 4",
    help="抓取进程数（设置 --delay 时为 1）。",
)
@number_option("--concurrency", default=4, low=1, high=64, help="同时抓取的请求数。")
@number_option("--per-host", default=4, low=1, high=64, help="对同一主机的最大并发请求数。")
@number_option("--delay", default=0.0, low=0, help="对同一主机两次请求之间的最短间隔（秒）。")
@number_option("--timeout", default=30.0, low=0.1, help="连接和每次读取的超时（秒）。")
@number_option("--response-timeout", default=300.0, low=0.1, help="单个响应的最长接收时间（秒）。")
@number_option(
    "--max-response-size",
    default=1024,
    low=1,
    help="单个响应的大小上限（MiB）；超过时停止接收，该网址列为失败，不写入 WARC。",
)
@click.option("--reason", default="", help="归档原因，写入 warcinfo，如：改版归档。")
@click.option("--operator", default="", help="操作单位或人员，写入 warcinfo。")
@click.option("--resume", is_flag=True, help="继续被中断的抓取（FILE.open），不重复已有记录。")
@click.option(
    "--browser",
    is_flag=True,
    help="用无界面 Chromium 打开每个页面，记录页面发出的全部请求，跟随脚本生成的链接"
    "（单进程；同时打开的页面数为 --concurrency，最多 2）。",
)
@user_errors
def snapshot(
    urls,
    output,
    from_dir,
    base_url,
    scope,
    exclude,
    max_pages,
    max_depth,
    no_robots,
    processes,
    concurrency,
    per_host,
    delay,
    timeout,
    response_timeout,
    max_response_size,
    reason,
    operator,
    resume,
    browser,
):
    """抓取网站（或已构建的站点目录）并写成标准 WARC 1.1 文件。

    抓取期间写入 FILE.open，完成后才改名为 FILE；中断（Ctrl-C、SIGTERM）或磁盘写满后，
    可用同样的参数加 --resume 继续。同一输出文件同时只能有一个抓取在写入（FILE.open.lock）。

    \b
    示例：
      archive-tool snapshot https://www.bozhou.gov.cn/ -o bozhou.warc.gz --reason 改版归档
      archive-tool snapshot --from-dir output/www.bozhou.gov.cn \\
          --base-url https://www.bozhou.gov.cn/ -o bozhou.warc.gz
      archive-tool snapshot https://old.example.gov.cn/ -o old.warc.gz --browser
    """
    from ..warc.crawl import CrawlOptions
    from ..warc.httpfetch import Fetcher
    from ..warc.snapshot import SETTINGS_FIELD
    from ..warc.snapshot import snapshot as run_snapshot

    if from_dir is None and not urls:
        raise ToolkitError("请给出要抓取的网址，或用 --from-dir 指定站点目录")
    if from_dir is not None and urls:
        raise ToolkitError(
            f"不能同时给出网址（{urls[0]}）和 --from-dir：一次只抓取一个来源，请分两次抓取"
        )
    if from_dir is not None and not base_url:
        raise ToolkitError("使用 --from-dir 时须用 --base-url 指定该目录对应的网址")
    chromium = None
    if browser:
        if from_dir is not None:
            raise ToolkitError("--browser 只用于抓取网址，不能与 --from-dir 同用")
        from ..warc.browser import find_chromium

        chromium = find_chromium()
        concurrency = min(concurrency, 2)  # one Chromium per page at a time
    try:
        patterns = [re.compile(pattern) for pattern in exclude]
    except re.error as error:
        raise ToolkitError(f"--exclude 不是有效的正则表达式：{error}") from None
    info = {
        "operator": operator,
        "description": reason,
        "isPartOf": "亳州市人民政府网站群",
        "robots": "ignore" if no_robots or from_dir else "obey",
        "seeds": " ".join(urls) or base_url,
        SETTINGS_FIELD: capture_settings(
            urls, from_dir, base_url, scope, exclude, no_robots, browser
        ),
    }
    options = CrawlOptions(
        seeds=list(urls),
        scope=Scope(list(urls), scope, patterns),
        max_pages=max_pages,
        max_depth=max_depth,
        robots=not no_robots,
        concurrency=concurrency,
        per_host=per_host,
        delay=delay,
    )
    progress = Progress()
    with stop_on_sigterm() as stopped_by:
        try:
            result, where = run_snapshot(
                output,
                info,
                options=options,
                fetcher=Fetcher(
                    timeout, response_timeout, max_response_bytes=max_response_size * 1024**2
                ),
                from_dir=from_dir,
                base_url=base_url,
                resume=resume,
                processes=processes,
                on_progress=progress,
                chromium=chromium,
            )
        except KeyboardInterrupt:  # before or after the capture loop, which reports it itself
            progress.done()
            click.echo(interrupted_message(output), err=True)
            sys.exit(128 + stopped_by.get("signal", signal.SIGINT))
    progress.done()
    click.echo(format_result(result, where), err=True)
    if result.interrupted:
        sys.exit(128 + stopped_by.get("signal", signal.SIGINT))
    if result.errors:
        sys.exit(1)


def capture_settings(urls, from_dir, base_url, scope, exclude, no_robots, browser=False) -> str:
    """What makes a capture this capture, as one line for its warcinfo: a --resume must give
    the same. Limits and speed (--max-pages, --timeout, --processes) may change on resume."""
    if from_dir is not None:
        sources = {"from-dir": str(Path(from_dir).resolve()), "base-url": base_url}
    else:
        sources = {"urls": list(urls)}
    settings = {**sources, "scope": scope, "exclude": list(exclude), "robots": not no_robots}
    if browser:  # only then: a capture made before --browser existed resumes as it was
        settings["browser"] = True
    return json.dumps(settings, ensure_ascii=False, sort_keys=True)


@contextlib.contextmanager
def stop_on_sigterm():
    """SIGTERM stops a snapshot as Ctrl-C does: workers stopped, FILE.open left resumable.

    Yields a dict that gets ``signal`` when SIGTERM came (the exit status is 128 + it).
    """
    stopped_by: dict[str, int] = {}

    def on_sigterm(signum, frame):
        stopped_by["signal"] = signum
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield stopped_by
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupted_message(output: Path) -> str:
    open_path = output.with_name(output.name + OPEN_SUFFIX)
    if not open_path.exists():
        return "抓取已中断：尚未写入任何记录。"
    return f"抓取已中断：{open_path} 中已保存的记录完整有效；用同样的参数加 --resume 可继续抓取。"


def format_result(result, where: Path) -> str:
    statuses = "，".join(f"{code}×{count}" for code, count in sorted(result.statuses.items()))
    rate = result.pages / result.seconds if result.seconds else 0
    head = "抓取已中断" if result.interrupted else "抓取完成"
    lines = [
        f"{head}：{result.pages} 个页面，{result.fetched} 个文件（其中 {result.revisits} 个与已抓取内容相同，记为 revisit）",
        f"  状态码：{statuses or '无'}",
    ]
    if result.seconds:
        lines.append(f"  用时：{result.seconds:.1f} 秒，{rate:.0f} 页/秒")
    if result.found_only.get("pattern"):
        lines.append(
            f"  其中 {result.found_only['pattern']} 个页面由翻页规则（createPageHTML、index_N.html）"
            "发现，页面 HTML 中没有指向它们的链接"
        )
    if result.found_only.get("script"):
        lines.append(
            f"  其中 {result.found_only['script']} 个页面只有运行页面脚本后才能发现"
            "（脚本生成的链接、脚本请求的数据）"
        )
    if result.found_only.get("scripted"):
        lines.append(
            f"  {result.found_only['scripted']} 个页面或脚本文件含有写入或请求内容的脚本"
            "（document.write、fetch、XMLHttpRequest 等）：它们生成的链接只有运行脚本后才能发现，"
            "HTTP 抓取无法跟随；可加 --browser 重新抓取"
        )
    if result.robots_excluded:
        lines.append(f"  robots.txt 禁止抓取：{result.robots_excluded} 个网址")
    if result.errors:
        lines.append(f"  失败：{len(result.errors)} 个网址")
        lines += [f"    - {error}" for error in result.errors[:50]]
        if len(result.errors) > 50:
            lines.append(f"    …… 另有 {len(result.errors) - 50} 个")
    lines.append(f"  WARC：{where}")
    if result.interrupted:
        lines.append("  已保存的记录完整有效；用同样的参数加 --resume 可继续抓取。")
    return "\n".join(lines)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@user_errors
def verify(paths):
    """校验 WARC 文件或 republish 生成的归档目录。

    WARC：gzip 分段、记录格式、摘要、请求与响应配对；任何缺陷都列出其所在记录的偏移量。
    也接受其他工具（wget、warcio）写的 WARC。

    目录：每个归档页面都有「已归档」横幅和归档时间，不从原网站加载任何内容，内部链接都能打开。

    有缺陷时退出码为 1。

    \b
    示例：
      archive-tool verify bozhou.warc.gz
      archive-tool verify archive/
    """
    from ..republish.check import verify_archive_dir
    from ..warc.verify import format_summary, verify_warc

    failed = False
    for path in paths:
        if path.is_dir():
            report = verify_archive_dir(path)
            click.echo(f"{path}：归档页面 {report.pages} 个，文件 {report.files} 个")
            for problem in report.problems:
                click.echo(f"错误：{problem}", err=True)
            failed |= not report.ok
            click.echo(
                "  结论：" + ("通过" if report.ok else f"发现 {len(report.problems)} 处缺陷")
            )
            continue
        summary = verify_warc(path)
        click.echo(format_summary(summary))
        for defect in summary.defects:
            click.echo(f"错误：{path} {defect}", err=True)
        failed |= not summary.ok
        click.echo("  结论：" + ("通过" if summary.ok else f"发现 {len(summary.defects)} 处缺陷"))
    if failed:
        sys.exit(1)


@cli.command()
@warc_files
@output_option("--output", help="索引文件（默认：第一个 WARC 文件名加 .cdxj）。")
@user_errors
def index(warcs, output):
    """为 WARC 生成与 pywb 兼容的 CDXJ 索引（已排序）。

    \b
    示例：
      archive-tool index bozhou.warc.gz -o bozhou.cdxj
    """
    from ..warc.packaging import write_cdxj

    target = output or Path(str(warcs[0]) + ".cdxj")
    write_cdxj(list(warcs), target)
    click.echo(f"已写入 CDXJ 索引：{target}", err=True)


@cli.command()
@warc_files
@output_option("--output", required=True, help="输出的 WACZ 文件。")
@click.option("--title", help="WACZ 的标题，如：亳州市人民政府网站 2026 年改版前归档。")
@user_errors
def wacz(warcs, output, title):
    """把 WARC 打包成 WACZ 1.1（含 pages.jsonl 页面列表和带哈希的 datapackage.json）。

    \b
    示例：
      archive-tool wacz bozhou.warc.gz -o bozhou.wacz --title 亳州市人民政府网站归档
    """
    from ..warc.packaging import validate_wacz, write_wacz

    write_wacz(list(warcs), output, title)
    ok, report = validate_wacz(output)
    if not ok:
        raise ToolkitError(f"生成的 WACZ 未通过校验：{report.strip()}")
    click.echo(f"已写入 WACZ：{output}（已通过 wacz validate 校验）", err=True)
