"""Benchmark: letters submitted to ``archive-tool intake serve`` per second, and their latency.

Starts the service as a user does (SQLite on disk, WAL, synchronous=FULL: every
acknowledged letter is fsynced), then, from this process, over keep-alive connections:

1. closed loop: ``--connections`` clients submit as fast as they are answered, for
   ``--seconds``: the most submissions per second the service takes;
2. open loop: submissions started at a fixed ``--rate`` (per second), whatever the answers,
   for ``--seconds``: the latency a citizen sees at that load (p50/p99/max).

Each client opens the form once (cookie + token) and submits the full letter form; every
answer must be the 「提交成功」 page. The per-address limit and the minimum fill time are
off (all clients are one address, and fill in nothing); the token, the trap, the parsing,
the field checks and the commit all run.

    python bench/intake_bench.py --seconds 10 --connections 8 --rate 200
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
LETTER = {
    "type": "投诉",
    "title": "示例路路灯不亮",
    "body": "示例路北段路灯连续一周不亮，请尽快维修。" * 10,
    "name": "欧阳小明",
    "phone": "13812345678",
    "address": "安徽省亳州市谯城区示例路8号",
    "website": "",
}


def start(db: Path) -> tuple[subprocess.Popen, str]:
    command = [
        sys.executable, "-m", "archive_tool", "intake", "serve", "--db", str(db),
        "--content", str(REPO / "content"), "--theme", str(REPO / "themes/gov/static"),
        "--port", "0", "--min-fill-seconds", "0", "--per-address", "0",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    for line in process.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return process, match.group(1)
    raise RuntimeError("the service did not start")


class Client:
    """One keep-alive connection with its own cookie and form token."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.conn.request("GET", "/fgw/letter")
        answer = self.conn.getresponse()
        page = answer.read().decode()
        self.cookie = answer.getheader("set-cookie").split(";")[0]
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        self.body = urlencode({"token": token, **LETTER}).encode()

    def submit(self) -> float:
        began = time.perf_counter()
        self.conn.request(
            "POST",
            "/fgw/letter",
            self.body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )
        answer = self.conn.getresponse()
        page = answer.read()
        if answer.status != 200 or "提交成功".encode() not in page:
            raise RuntimeError(f"refused: {answer.status} {page[:300]!r}")
        return time.perf_counter() - began


def closed_loop(url: str, connections: int, seconds: float) -> tuple[int, float, list[float]]:
    clients = [Client(url) for _ in range(connections)]
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run(client):
        mine = []
        while time.perf_counter() < deadline:
            mine.append(client.submit())
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), time.perf_counter() - began, latencies


def open_loop(url: str, rate: float, seconds: float, connections: int) -> tuple[list[float], float]:
    """Submissions started every 1/rate seconds on a pool of connections; each latency is
    measured from the moment it was due, so a late start counts against the service."""
    pool = [Client(url) for _ in range(connections)]
    free = list(pool)
    cond = threading.Condition()
    latencies: list[float] = []
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    threads = []

    def one(due: float):
        with cond:
            while not free:
                cond.wait()
            client = free.pop()
        try:
            client.submit()
            done = time.perf_counter()
        finally:
            with cond:
                free.append(client)
                cond.notify()
        with cond:
            latencies.append(done - due)

    for i in range(total):
        due = start + i / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        thread = threading.Thread(target=one, args=(due,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - start


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument(
        "--workdir", default=None, help="where the database is (default: /tmp, on disk)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="intake-bench-", dir=args.workdir))
    process, url = start(work / "intake.sqlite3")
    try:
        load = os.getloadavg()[0]
        cpu = cpu_seconds(process.pid)
        count, elapsed, latencies = closed_loop(url, args.connections, args.seconds)
        cpu = cpu_seconds(process.pid) - cpu
        print(
            f"closed loop, {args.connections} connections, {elapsed:.1f} s: {count} letters, "
            f"{count / elapsed:.0f}/s; latency p50 {quantile(latencies, 0.5) * 1000:.1f} ms, "
            f"p99 {quantile(latencies, 0.99) * 1000:.1f} ms; the service's CPU "
            f"{cpu / count * 1000:.2f} ms a letter"
        )
        timed, elapsed = open_loop(url, args.rate, args.seconds, args.connections)
        print(
            f"open loop at {args.rate:g}/s, {elapsed:.1f} s: {len(timed)} letters, "
            f"{len(timed) / elapsed:.0f}/s; latency p50 {quantile(timed, 0.5) * 1000:.1f} ms, "
            f"p99 {quantile(timed, 0.99) * 1000:.1f} ms, max {max(timed) * 1000:.1f} ms"
        )
        print(
            f"load average at start {load:.1f}, at end {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores"
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
        for path in work.iterdir():
            path.unlink()
        work.rmdir()


if __name__ == "__main__":
    main()
