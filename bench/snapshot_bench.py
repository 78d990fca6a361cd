"""Benchmark: archive-tool snapshot against wget --mirror --warc-file on the same site.

Generates a site of N HTML pages (plus list pages, a style sheet and an image), serves it
with nginx on loopback, then runs, interleaved, for --rounds rounds:
  - wget --mirror --warc-file         (the reference)
  - archive-tool snapshot over HTTP   (same server, same start URL)
  - archive-tool snapshot --from-dir  (the same files, no server)
  - archive-tool snapshot --browser   (with --browser: every page run in Chromium)
and prints for each tool the HTML pages captured (200 text/html responses, counted the
same way in every WARC), min and median seconds and pages/s, the peak RSS of the largest
process (children included: GNU time's maximum resident set), the peak of the whole
process tree's RSS summed (sampled every 0.1 s; Chromium is many processes; shared pages
count once per process, so it overstates), and the ratio of median
pages/s against wget's. What still differs between the tools is printed with the table.
The load average is printed before and after: on a shared machine it moves the numbers.

    python bench/snapshot_bench.py --pages 20000 --rounds 3
    python bench/snapshot_bench.py --pages 300 --rounds 3 --browser
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = "亳州市持续深化政务公开，推进政府网站集约化建设，提升政务服务水平。" * 6
LIST_SIZE = 100


def generate_site(root: Path, pages: int) -> None:
    """index.html → list/<k>.html (100 links each) → page/<n>.html (links to neighbours)."""
    (root / "list").mkdir(parents=True)
    (root / "page").mkdir()
    (root / "css").mkdir()
    (root / "img").mkdir()
    (root / "css" / "site.css").write_text(
        "body{font-family:sans-serif} .x{background:url(../img/logo.png)}", encoding="utf-8"
    )
    (root / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    lists = (pages + LIST_SIZE - 1) // LIST_SIZE
    head = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{t}</title><link rel="stylesheet" href="/css/site.css"></head><body>'
    index_links = "".join(
        f'<li><a href="/list/{k}.html">栏目第{k}页</a></li>' for k in range(lists)
    )
    (root / "index.html").write_text(
        head.format(t="基准测试网站") + f"<ul>{index_links}</ul></body></html>", encoding="utf-8"
    )
    for k in range(lists):
        numbers = range(k * LIST_SIZE, min((k + 1) * LIST_SIZE, pages))
        links = "".join(
            f'<li><a href="/page/{n}.html">信息公开第{n}号</a> 2026-11-{n % 28 + 1:02d}</li>'
            for n in numbers
        )
        (root / "list" / f"{k}.html").write_text(
            head.format(t=f"栏目第{k}页")
            + f'<a href="/index.html">首页</a><ul>{links}</ul></body></html>',
            encoding="utf-8",
        )
    for n in range(pages):
        neighbours = "".join(
            f'<a href="/page/{m}.html">相关{m}</a> ' for m in (n - 1, n + 1) if 0 <= m < pages
        )
        body = f'<h1>信息公开第{n}号</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>{neighbours}<a href="/list/{n // LIST_SIZE}.html">返回栏目</a><img src="/img/logo.png" alt="标识">'
        (root / "page" / f"{n}.html").write_text(
            head.format(t=f"信息公开第{n}号") + body + "</body></html>", encoding="utf-8"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_nginx(root: Path, work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    conf = work / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
error_log {work}/error.log;
pid {work}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  include /etc/nginx/mime.types;
  client_body_temp_path {work}/tmp-body; proxy_temp_path {work}/tmp-proxy;
  fastcgi_temp_path {work}/tmp-fcgi; uwsgi_temp_path {work}/tmp-uwsgi; scgi_temp_path {work}/tmp-scgi;
  keepalive_requests 100000;
  server {{ listen 127.0.0.1:{port}; root {root}; charset utf-8; }}
}}""")
    process = subprocess.Popen(["nginx", "-p", str(work), "-c", str(conf), "-g", "daemon off;"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"http://127.0.0.1:{port}/"


def tree_rss_kb(pid: int) -> int:
    """The RSS of a process and all its descendants, summed (KiB), from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(
                    (int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0
                )
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue  # it ended meanwhile
    return total


def measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, the peak RSS (MB) of the largest process of the command's tree, and
    the peak of the tree's RSS summed (MB).

    GNU time reports the maximum resident set of the process and of the descendants it
    waited for (getrusage), the largest one, not their sum.
    """
    timed = ["/usr/bin/time", "-f", "%e %M", "-o", str(cwd / "time.txt"), *command]
    started = time.monotonic()
    process = subprocess.Popen(
        timed, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    tree_peak = 0
    while process.poll() is None:
        tree_peak = max(tree_peak, tree_rss_kb(process.pid))
        time.sleep(0.1)
    stderr = process.stderr.read() if process.stderr else ""
    seconds = time.monotonic() - started
    if process.returncode not in (0, 8):  # wget exits 8 for the 404 of robots.txt
        print(stderr[-2000:], file=sys.stderr)
    peak_kb = float((cwd / "time.txt").read_text().split()[-1])
    return seconds, peak_kb / 1024, tree_peak / 1024


def count_pages(warc: Path) -> int:
    """HTML pages in a WARC: response records with status 200 and type text/html."""
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or not record.http_headers:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if record.http_headers.get_statuscode() == "200" and content_type.startswith(
                "text/html"
            ):
                pages += 1
    return pages


DIFFERENCES = """\
同一网站、同一起始网址、同样的页面集合；各工具仍有以下不同：
- wget 另把每个文件写入镜像目录（-P），本工具只写 WARC；两者都抓取页面所需的样式表和图片，都读取 robots.txt。
- 压缩：wget 用 zlib 第 9 级逐条压缩（gzdopen "wb9"），本工具用 ISA-L 第 2 级逐条压缩（约大 3 %）。
- wget 单进程单连接；本工具 HTTP 抓取默认 CPU 核数个进程（最多 4 个），共 --concurrency 个连接（默认 4）。
- --browser 单进程，最多同时打开 2 个页面，每个页面加载、滚动到底后等其请求和脚本回调完成再取链接；每个工作线程一个 Chromium。
- --from-dir 不经过网络，直接读取同一目录（不解析链接，目录中的每个文件都记录）；index.html 另以目录网址记录一次。
- 页面数只计状态 200、类型 text/html 的 response 记录，三者计法相同；内容相同的第二次抓取
  （/ 与 /index.html）wget 记为 response，本工具记为 revisit，所以 wget 多 1 页。"""


def tool_commands(
    work: Path, site: Path, url: str, concurrency: int | None, browser: bool = False
) -> dict[str, list[str]]:
    tool = [sys.executable, "-m", "archive_tool", "snapshot"]
    connections = ["--concurrency", str(concurrency)] if concurrency else []
    return {
        "wget --mirror --warc-file": [
            "wget", "--mirror", "-q", "-P", str(work / "wget-files"),
            f"--warc-file={work / 'wget'}", url,
        ],
        "archive-tool snapshot (HTTP)": [
            *tool, url, "-o", str(work / "ours.warc.gz"), *connections,
        ],
        "archive-tool snapshot --from-dir": [
            *tool, "--from-dir", str(site), "--base-url", url, "-o", str(work / "fromdir.warc.gz"),
        ],
        **({"archive-tool snapshot --browser": [
            *tool, url, "-o", str(work / "browser.warc.gz"), "--browser",
        ]} if browser else {}),
    }  # fmt: skip


def clean(work: Path) -> None:
    """Remove the previous round's output, so that every run starts from nothing."""
    shutil.rmtree(work / "wget-files", ignore_errors=True)
    for name in ("wget.warc.gz", "ours.warc.gz", "fromdir.warc.gz", "browser.warc.gz"):
        (work / name).unlink(missing_ok=True)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--concurrency", type=int, help="HTTP 抓取的连接数（默认同 archive-tool 的默认值）"
    )
    parser.add_argument("--browser", action="store_true", help="也测 snapshot --browser")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="snapshot-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    site = work / "site"
    print(f"生成 {args.pages} 个页面 → {site}", file=sys.stderr)
    generate_site(site, args.pages)
    nginx, url = start_nginx(site, work)
    commands = tool_commands(work, site, url, args.concurrency, args.browser)
    names = ("wget.warc.gz", "ours.warc.gz", "fromdir.warc.gz", "browser.warc.gz")
    warcs = {name: work / file for name, file in zip(commands, names)}
    runs: dict[str, list[tuple[int, float, float, float]]] = {name: [] for name in commands}
    load_before = load()
    try:
        for round_number in range(1, args.rounds + 1):
            for name, command in commands.items():
                clean(work)
                seconds, peak, tree = measure(command, work)
                pages = count_pages(warcs[name])
                runs[name].append((pages, seconds, peak, tree))
                print(
                    f"第 {round_number} 轮 {name}：{pages} 页，{seconds:.1f} 秒，"
                    f"{pages / seconds:.0f} 页/秒，负载 {load()}",
                    file=sys.stderr,
                )
    finally:
        nginx.terminate()
        nginx.wait()
    load_after = load()
    reference = statistics.median(p / s for p, s, *_ in runs["wget --mirror --warc-file"])
    print(
        f"\n{args.pages} 个页面，{args.rounds} 轮交替运行，{os.cpu_count()} 核；"
        f"负载（1/5/15 分钟）：开始 {load_before}，结束 {load_after}"
    )
    print(
        "\n| 工具 | HTML 页面 | 秒（最少/中位） | 页/秒（最多/中位） | 峰值内存 MB（最大进程） "
        "| 峰值内存 MB（进程树合计） | 对 wget 的速度比（中位） |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, results in runs.items():
        pages = {p for p, *_ in results}
        seconds = [s for _, s, *_ in results]
        rates = [p / s for p, s, *_ in results]
        peak = max(m for _, _, m, _ in results)
        tree = max(t for *_, t in results)
        print(
            f"| {name} | {'/'.join(map(str, sorted(pages)))} | {min(seconds):.1f} / "
            f"{statistics.median(seconds):.1f} | {max(rates):.1f} / {statistics.median(rates):.1f} "
            f"| {peak:.0f} | {tree:.0f} | {statistics.median(rates) / reference:.2f}× |"
        )
    print("\n" + DIFFERENCES)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
