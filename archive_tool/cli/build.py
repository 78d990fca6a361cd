"""``archive-tool build``: the group build (``pelican``) with its options as flags."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import click

from .base import cli, settings_option


@cli.command()
@settings_option
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), help="输出目录")
@click.option("--scheduler", metavar="tcp://主机:8786", help="在 Dask 集群上构建各站点")
@click.option("--workers", type=click.IntRange(1, 512), help="本机并行构建的工作进程数")
@click.option("--full", is_flag=True, help="全部站点重新生成，不沿用上次构建")
@click.option("--date", "build_date", metavar="YYYY-MM-DD", help="按这一天构建（预览公告、上线等）")
def build(settings_file, output, scheduler, workers, full, build_date) -> None:
    """构建整个网站群（与在仓库目录运行 pelican 相同），各站点并行构建。

    输入未变的站点沿用上次构建的输出；--full 全部重新生成。--scheduler 把各站点的
    构建交给 Dask 集群（工作节点须以相同路径访问 content/ 与输出目录，并以
    --nthreads 1 运行）。退出码与 pelican 相同：有不合规问题时为 1，且不写入任何文件。

    \b
    示例：
      archive-tool build
      archive-tool build --date 2026-12-01 -o /tmp/preview
      archive-tool build --scheduler tcp://10.0.0.5:8786
    """
    settings = {}
    if scheduler:
        if not scheduler.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
            raise click.BadParameter(
                "应为 Dask 调度器地址，例如 tcp://10.0.0.5:8786", param_hint="--scheduler"
            )
        settings["BUILD_SCHEDULER"] = scheduler
    if workers:
        settings["BUILD_WORKERS"] = workers
    if full:
        settings["INCREMENTAL_BUILD"] = False
    if build_date:
        try:
            date.fromisoformat(build_date)
        except ValueError:
            raise click.BadParameter(
                f"应为 YYYY-MM-DD，实为「{build_date[:20]}」", param_hint="--date"
            ) from None
        settings["BUILD_DATE"] = build_date
    command = [sys.executable, "-m", "pelican", "-s", str(settings_file)]
    if output:
        command += ["-o", str(output)]
    if settings:  # one -e with every pair: pelican keeps only the last -e given
        command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in settings.items())]
    sys.exit(run_stoppable(command))


def run_stoppable(command: list[str]) -> int:
    """Run the build and stop it as it stops itself: Ctrl-C reaches pelican from the
    terminal (this process only waits), SIGTERM is passed on; a build that a signal ended
    exits 128 + the signal, as pelican would. (subprocess.run would kill pelican -9 on
    Ctrl-C, in the middle of its cleanup.)"""
    process = subprocess.Popen(command)
    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, signal.SIG_IGN),
        signal.SIGTERM: signal.signal(signal.SIGTERM, lambda signum, _: process.terminate()),
    }
    try:
        status = process.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - status if status < 0 else status
