"""Benchmark: archive-tool republish of a snapshot WARC, at growing sizes (one core).

For each size: generate an N-page site (as in snapshot_bench.py), capture it with
``archive-tool snapshot --from-dir``, then time ``archive-tool republish`` and read its peak
memory, to show pages/s and that memory stays flat as the WARC grows.

    python bench/republish_bench.py --pages 5000 20000 --runs 5 --workdir /dev/shm

Pages per second per core are pages over CPU seconds (user + system) of the process.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from snapshot_bench import generate_site


def timed(command: list[str], work: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak memory in MB of the command."""
    report = work / "time.txt"
    started = time.monotonic()
    completed = subprocess.run(
        ["/usr/bin/time", "-f", "%U %S %M", "-o", str(report), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    if completed.returncode:
        sys.exit(completed.stderr)
    user, system, peak = report.read_text().split()[-3:]
    return seconds, float(user) + float(system), float(peak) / 1024


def create_cost_us(workdir: str | None, files: int = 2000) -> float:
    """The file system's cost of creating a small file, the floor under any static export."""
    folder = Path(tempfile.mkdtemp(prefix="create-cost-", dir=workdir))
    started = time.monotonic()
    for number in range(files):
        (folder / f"{number}.html").write_bytes(b"x" * 4096)
    cost = (time.monotonic() - started) / files * 1e6
    shutil.rmtree(folder, ignore_errors=True)
    return cost


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument(
        "--workdir",
        default=None,
        help="where to write (file creation speed differs a lot between file systems)",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="republish this many times; min and median shown"
    )
    args = parser.parse_args()
    print(
        f"文件系统：每创建一个文件约 {create_cost_us(args.workdir):.0f} 微秒（{args.workdir or tempfile.gettempdir()}）"
    )
    tool = [sys.executable, "-m", "archive_tool"]
    print("| 页面数 | WARC MB | 次数 | 发布秒数 min / 中位 | CPU 秒 min / 中位 | 页/秒/核 max / 中位 | 峰值内存 MB |")
    print("|---|---|---|---|---|---|---|")
    for pages in args.pages:
        work = Path(tempfile.mkdtemp(prefix="republish-bench-", dir=args.workdir))
        generate_site(work / "site", pages)
        warc = work / "site.warc.gz"
        subprocess.run(
            [
                *tool,
                "snapshot",
                "--from-dir",
                str(work / "site"),
                "--base-url",
                "https://bench.example.gov.cn/",
                "-o",
                str(warc),
            ],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        runs = []
        for _ in range(args.runs):
            shutil.rmtree(work / "archive", ignore_errors=True)
            runs.append(timed([*tool, "republish", str(warc), "-o", str(work / "archive")], work))
        html_pages = sum(1 for _ in (work / "archive").rglob("*.html")) - 3
        walls = sorted(run[0] for run in runs)
        cpus = sorted(run[1] for run in runs)
        print(
            f"| {html_pages} | {warc.stat().st_size / 2**20:.1f} | {len(runs)} | "
            f"{walls[0]:.2f} / {statistics.median(walls):.2f} | "
            f"{cpus[0]:.2f} / {statistics.median(cpus):.2f} | "
            f"{html_pages / cpus[0]:.0f} / {html_pages / statistics.median(cpus):.0f} | "
            f"{max(run[2] for run in runs):.0f} |"
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
