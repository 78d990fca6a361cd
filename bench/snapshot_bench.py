"""Benchmark: archive-tool snapshot against wget --mirror --warc-file on the same site.

Generates a site of N HTML pages (plus a style sheet and an image), serves it with nginx
on loopback, then measures in one run:
  - wget --mirror --warc-file         (the reference)
  - archive-tool snapshot over HTTP   (same server)
  - archive-tool snapshot --from-dir  (no server)
and prints pages, seconds, pages/s, peak memory and the ratios against wget.

    python bench/snapshot_bench.py --pages 20000
"""

from __future__ import annotations

import argparse
import shutil
import socket
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


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of a command, via GNU time."""
    timed = ["/usr/bin/time", "-f", "%e %M", "-o", str(cwd / "time.txt"), *command]
    started = time.monotonic()
    completed = subprocess.run(
        timed, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    seconds = time.monotonic() - started
    if completed.returncode not in (0, 8):  # wget exits 8 for the 404 of robots.txt
        print(completed.stderr[-2000:], file=sys.stderr)
    peak_kb = float((cwd / "time.txt").read_text().split()[-1])
    return seconds, peak_kb / 1024


def count_pages(warc: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            content_type = (
                record.http_headers.get_header("Content-Type") if record.http_headers else ""
            )
            if record.rec_type == "response" and (content_type or "").startswith("text/html"):
                pages += 1
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="snapshot-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    site = work / "site"
    print(f"生成 {args.pages} 个页面 → {site}", file=sys.stderr)
    generate_site(site, args.pages)
    nginx, url = start_nginx(site, work)
    tool = [sys.executable, "-m", "archive_tool"]
    rows = []
    try:
        runs = {
            "wget --mirror --warc-file": [
                "wget",
                "--mirror",
                "-q",
                "-P",
                str(work / "wget-files"),
                f"--warc-file={work / 'wget'}",
                url,
            ],
            "archive-tool snapshot (HTTP)": [
                *tool,
                "snapshot",
                url,
                "-o",
                str(work / "ours.warc.gz"),
                "--concurrency",
                str(args.concurrency),
            ],
            "archive-tool snapshot --from-dir": [
                *tool,
                "snapshot",
                "--from-dir",
                str(site),
                "--base-url",
                url,
                "-o",
                str(work / "fromdir.warc.gz"),
            ],
        }
        warcs = {
            "wget --mirror --warc-file": work / "wget.warc.gz",
            "archive-tool snapshot (HTTP)": work / "ours.warc.gz",
            "archive-tool snapshot --from-dir": work / "fromdir.warc.gz",
        }
        for name, command in runs.items():
            seconds, peak = measure(command, work)
            pages = count_pages(warcs[name])
            rows.append((name, pages, seconds, pages / seconds, peak))
    finally:
        nginx.terminate()
        nginx.wait()
    reference = rows[0][3]
    print("\n| 工具 | HTML 页面 | 秒 | 页/秒 | 峰值内存 MB | 对 wget 的速度比 |")
    print("|---|---|---|---|---|---|")
    for name, pages, seconds, rate, peak in rows:
        print(
            f"| {name} | {pages} | {seconds:.1f} | {rate:.0f} | {peak:.0f} | {rate / reference:.2f}× |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
