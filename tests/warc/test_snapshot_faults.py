"""archive-tool snapshot under faults: Ctrl-C, SIGTERM, kill -9, a second run, a full disk.

Each test runs the command as a subprocess, breaks it the way an operator's machine does,
resumes, and checks what an archivist would: `warcio check`, `archive-tool verify`, every
URL exactly once, and no crawling process left behind.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import functools
import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import archive_tool, ctrl_c_reaches_it
from growing import complete_captures, interrupt_at_captures, last_member_start, wait_for_captures
from servers import QuietHandler, serve_handler
from warcio.archiveiterator import ArchiveIterator

BIN = Path(sys.executable).parent
BASE_URL = "https://www.example.gov.cn/"
RESUME_HINT = "用同样的参数加 --resume 可继续抓取"


# --- sites -------------------------------------------------------------------------------


def make_site(root: Path, lists: int, per_list: int, page_bytes: int, seed: int = 7) -> Path:
    """index.html → l{i}.html → p{i}-{j}.html, each page different (no revisits but the home)."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    links = "".join(f'<a href="l{i}.html">栏目{i}</a>' for i in range(lists))
    (root / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    for i in range(lists):
        links = "".join(f'<a href="p{i}-{j}.html">文章{j}</a>' for j in range(per_list))
        (root / f"l{i}.html").write_text(
            f'<html><body><a href="/">首页</a>{links}</body></html>', encoding="utf-8"
        )
        for j in range(per_list):
            text = base64.b64encode(rng.randbytes(page_bytes * 3 // 4)).decode("ascii")
            (root / f"p{i}-{j}.html").write_text(
                f'<html><body><a href="/">首页</a><a href="l{i}.html">栏目</a><p>{text}</p></body></html>',
                encoding="utf-8",
            )
    return root


def dir_urls(root: Path, base: str = BASE_URL) -> set[str]:
    """What a --from-dir capture holds: each file's URL, and its folder's for an index.html."""
    urls = set()
    for path in root.rglob("*"):
        if path.is_file():
            relative = path.relative_to(root).as_posix()
            urls.add(base + relative)
            if path.name == "index.html":
                urls.add(base + relative[: -len("index.html")])
    return urls


def http_urls(root: Path, base: str) -> set[str]:
    """What a crawl of make_site holds: the home (not index.html), robots.txt, every page."""
    return {base, base + "robots.txt"} | {
        base + path.name for path in root.iterdir() if path.name != "index.html"
    }


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    """About 1,000 pages, 4 MB of WARC: twice what the small disk holds."""
    return make_site(tmp_path_factory.mktemp("big") / "site", 10, 100, 6000)


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("small") / "site", 6, 50, 1200, seed=8)


class SlowHandler(QuietHandler):
    """Files of a folder, each after a pause; counts the requests it gets and notes the
    client port of each (a connection's identity, to tell an old one from a new one)."""

    delay = 0.01
    lock = threading.Lock()
    requests = 0
    client_ports: ClassVar[list[int]] = []

    def count(self) -> None:
        with SlowHandler.lock:
            SlowHandler.requests += 1
            SlowHandler.client_ports.append(self.client_address[1])

    def do_GET(self):
        self.count()
        time.sleep(self.delay)
        super().do_GET()


@contextlib.contextmanager
def slow_server(root: Path, delay: float):
    handler = type("Slow", (SlowHandler,), {"delay": delay})
    with serve_handler(functools.partial(handler, directory=str(root))) as url:
        yield url


class EndlessHandler(SlowHandler):
    """A site without end: every page links to five new ones."""

    def do_GET(self):
        self.count()
        time.sleep(self.delay)
        name = hashlib.sha1(self.path.encode()).hexdigest()[:12]
        body = "".join(f'<a href="/{name}-{i}.html">{i}</a>' for i in range(5)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# --- running and reading -----------------------------------------------------------------


def snapshot_command(output: Path, *args) -> list[str]:
    return [sys.executable, "-m", "archive_tool", "snapshot", *map(str, args), "-o", str(output)]


class Run:
    """A snapshot started in the background; its stderr goes to a file, not a pipe that an
    orphaned worker could keep open."""

    def __init__(self, output: Path, *args):
        self.stderr_path = output.with_name(f"{output.name}.{time.monotonic_ns()}.stderr")
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(
                snapshot_command(output, *args),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                preexec_fn=ctrl_c_reaches_it,  # noqa: PLW1509 (one signal() call, no lock)
            )
        self.pid = self.process.pid

    def poll(self):
        return self.process.poll()

    def send_signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = 120) -> str:
        """Its stderr once it has ended. The timeout only bounds a hang, which it reports with
        what the run printed and the processes it left (a loaded machine is slow, not stuck)."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"the snapshot (pid {self.pid}) did not end within {timeout} s; "
                f"its processes: {process_states(self.pid)}; its stderr:\n"
                + self.stderr_path.read_text(encoding="utf-8")[-2000:]
            ) from None
        return self.stderr_path.read_text(encoding="utf-8")

    @property
    def returncode(self):
        return self.process.returncode


def start(output: Path, *args) -> Run:
    return Run(output, *args)


def open_path(output: Path) -> Path:
    return output.with_name(output.name + ".open")


def lock_path(output: Path) -> Path:
    return output.with_name(output.name + ".open.lock")


def target_uris(path: Path) -> list[str]:
    with open(path, "rb") as stream:
        return [
            record.rec_headers.get_header("WARC-Target-URI")
            for record in ArchiveIterator(stream)
            if record.rec_type in ("response", "revisit")
        ]


def assert_complete(path: Path, expected: set[str]) -> None:
    """A finished WARC: warcio and our verify accept it, every URL in it exactly once."""
    assert path.exists(), path
    assert not open_path(path).exists()
    check = subprocess.run(
        [str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout[-2000:]
    verified = archive_tool("verify", path)
    assert verified.returncode == 0, verified.stderr[-2000:]
    uris = Counter(target_uris(path))
    twice = sorted(uri for uri, count in uris.items() if count > 1)
    assert not twice, f"{len(twice)} URLs recorded more than once, e.g. {twice[:3]}"
    assert set(uris) == expected, (
        sorted(expected - set(uris))[:5],
        sorted(set(uris) - expected)[:5],
    )
    assert_lock_free(path)


def assert_lock_free(output: Path) -> None:
    """No run holds the lock (a kill -9 may leave the file, never the lock)."""
    if not lock_path(output).exists():
        return
    with open(lock_path(output), "rb") as stream:
        fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if still held


def process_states(pid: int) -> dict[int, str]:
    """pid and its children: each one's state and the kernel function it waits in."""
    states, children = {}, []
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for entry in [str(pid), *children]:
        with contextlib.suppress(OSError):
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
            states[int(entry)] = f"{state} {Path(f'/proc/{entry}/wchan').read_text()}"
    return states


def wait_until(condition, process: Run, what: str, timeout: float = 120) -> None:
    """Until condition() holds; fails if the snapshot ends first or it never comes."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the snapshot ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within {timeout} s"
        time.sleep(0.02)


def snapshot_processes(output: Path, parent: int | None = None) -> list[int]:
    """Live processes of a snapshot: its output path in their command line, or parent's children."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state == "Z":
            continue
        if (b"archive_tool" in command and str(output).encode() in command) or (
            parent is not None and int(ppid) == parent
        ):
            found.append(int(entry))
    return found


def assert_no_process_left(output: Path, parent: int, within: float = 30) -> None:
    """Polls until none is left; within only bounds the wait (a loaded machine reaps slowly)."""
    deadline = time.monotonic() + within
    while (left := snapshot_processes(output, parent)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes still running after the snapshot ended: {left}"


@pytest.fixture
def reap(tmp_path):
    """After the test, kill (by pid) any snapshot process of this test still alive."""
    yield
    for pid in snapshot_processes(tmp_path):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --- Ctrl-C and resume -------------------------------------------------------------------


@pytest.mark.parametrize("processes", ["1", "2"])
def test_from_dir_ctrl_c_then_resume_records_each_page_once(big_site, tmp_path, processes, reap):
    output = tmp_path / "site.warc.gz"
    args = ["--from-dir", big_site, "--base-url", BASE_URL, "--processes", processes]
    process = start(output, *args)
    interrupt_at_captures(open_path(output), process, 60)  # of about 1,000 pages
    stderr = process.finish()
    assert process.returncode == 130, stderr
    assert "抓取已中断" in stderr and RESUME_HINT in stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert not output.exists() and open_path(output).exists()
    assert archive_tool("verify", open_path(output)).returncode == 0
    before = Counter(target_uris(open_path(output)))
    assert 0 < len(before) < len(dir_urls(big_site))

    resumed = archive_tool("snapshot", *args, "-o", output, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "抓取完成" in resumed.stderr
    assert_complete(output, dir_urls(big_site))


def test_resume_drops_a_response_whose_request_was_torn(tmp_path):
    """kill -9 between a response and its request: resume cuts both, verify stays clean."""
    from archive_tool.warc.capture import Body, Capture
    from archive_tool.warc.httpfetch import request_head
    from archive_tool.warc.snapshot import prepare_output
    from archive_tool.warc.writer import WarcOutput

    output = tmp_path / "torn.warc.gz"
    warc = WarcOutput(output, {})
    ends = []
    for number in range(3):
        url = f"{BASE_URL}p{number}.html"
        warc.write_capture(
            Capture(
                url,
                request_head(url),
                200,
                "OK",
                [("Content-Type", "text/html")],
                Body.of(f"<p>{number}</p>".encode()),
            )
        )
        ends.append(open_path(output).stat().st_size)
    warc.abandon()
    data = open_path(output).read_bytes()
    open_path(output).write_bytes(data[: ends[2] - 30])  # the last request lost its end

    state = prepare_output(output, resume=True)
    assert open_path(output).stat().st_size == ends[1]
    assert state.captured == {f"{BASE_URL}p0.html", f"{BASE_URL}p1.html"}
    assert archive_tool("verify", open_path(output)).returncode == 0


# --- one run at a time -------------------------------------------------------------------


def test_a_second_run_is_refused_while_the_first_writes(big_site, tmp_path, reap):
    output = tmp_path / "site.warc.gz"
    args = ["--from-dir", big_site, "--base-url", BASE_URL, "--processes", "1"]
    first = start(output, *args)
    wait_for_captures(open_path(output), first, 40)
    first.send_signal(signal.SIGSTOP)  # hold it still, lock and all, while the second tries
    try:
        wait_until(lambda: process_states(first.pid)[first.pid][0] == "T", first, "a stop")
        content = open_path(output).read_bytes()
        second = archive_tool("snapshot", *args, "-o", output, "--resume", timeout=60)
        assert second.returncode == 1, second.stderr
        assert not output.exists()
        assert open_path(output).read_bytes() == content, "the refused run touched FILE.open"
    finally:
        first.send_signal(signal.SIGCONT)
    assert f"另一个抓取（进程 {first.pid}）正在写入" in second.stderr
    assert "Traceback" not in second.stderr

    stderr = first.finish()
    assert first.returncode == 0, stderr
    assert_complete(output, dir_urls(big_site))
    assert not lock_path(output).exists()


# --- workers die with their parent -------------------------------------------------------


def connections_to(port: int) -> set[int]:
    """Client ports of the loopback TCP connections to port that the kernel holds now:
    handled, being handled, or still waiting in the listen backlog."""
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, remote = line.split()[1:3]
        if int(local.rsplit(":", 1)[1], 16) == port:
            ports.add(int(remote.rsplit(":", 1)[1], 16))
    return ports - {0}  # 0: the listening socket itself


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_crawling_processes_end_with_the_parent(tmp_path, reap, how):
    output = tmp_path / "endless.warc.gz"
    with serve_handler(type("Endless", (EndlessHandler,), {"delay": 0.02})) as url:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        before = SlowHandler.requests
        process = start(output, url, "--processes", "2", "--concurrency", "4")
        wait_until(lambda: SlowHandler.requests >= before + 30, process, "30 requests")
        wait_until(lambda: len(snapshot_processes(output, process.pid)) >= 3, process, "workers")
        assert len(snapshot_processes(output, process.pid)) == 3, "a parent and two workers"
        process.send_signal(how)
        stderr = process.finish()
        assert_no_process_left(output, process.pid)
        # Requests the dead crawl sent may still be in the server's backlog (a loaded machine
        # answers them late); a connection opened from now on would come from a survivor.
        existing = connections_to(port)
        with SlowHandler.lock:
            seen = len(SlowHandler.client_ports)
        time.sleep(1.0)  # an endless crawl still alive opens dozens of connections in this time
        with SlowHandler.lock:
            later = SlowHandler.client_ports[seen:]
        new = [client for client in later if client not in existing]
        assert not new, f"{len(new)} requests on connections opened after the snapshot ended"
    if how == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM, stderr
        assert "抓取已中断" in stderr and RESUME_HINT in stderr
        assert "Traceback" not in stderr
        assert archive_tool("verify", open_path(output)).returncode == 0
        assert target_uris(open_path(output))
        assert not lock_path(output).exists()
    else:
        assert process.returncode == -signal.SIGKILL


def stopped_with_workers(output: Path, process: Run) -> list[int]:
    """Stop (SIGSTOP) a --from-dir run in mid-capture, both pool processes started; their
    pids. Stopped, the run cannot finish before the test has done what it does to it."""
    wait_for_captures(open_path(output), process, 40)
    wait_until(lambda: len(snapshot_processes(output, process.pid)) >= 3, process, "two workers")
    process.send_signal(signal.SIGSTOP)
    wait_until(lambda: process_states(process.pid)[process.pid][0] == "T", process, "a stop")
    workers = [pid for pid in snapshot_processes(output, process.pid) if pid != process.pid]
    assert len(workers) == 2, workers
    return workers


def test_from_dir_pool_processes_end_when_the_parent_is_killed(big_site, tmp_path, reap):
    output = tmp_path / "site.warc.gz"
    process = start(output, "--from-dir", big_site, "--base-url", BASE_URL, "--processes", "2")
    stopped_with_workers(output, process)
    process.send_signal(signal.SIGKILL)
    process.finish()
    assert process.returncode == -signal.SIGKILL
    assert_no_process_left(output, process.pid)


def test_a_killed_pool_process_ends_the_capture_with_a_message(big_site, tmp_path, reap):
    """multiprocessing.Pool waited forever here: the task the process had taken never came
    back, and the queue lock it held was never released (an orphaned run waited 65 min)."""
    output = tmp_path / "site.warc.gz"
    args = ["--from-dir", big_site, "--base-url", BASE_URL, "--processes", "2"]
    process = start(output, *args)
    victim = stopped_with_workers(output, process)[0]
    os.kill(victim, signal.SIGKILL)
    process.send_signal(signal.SIGCONT)
    stderr = process.finish()
    assert process.returncode == 1, stderr
    assert f"工作进程 {victim} 意外终止（被信号 SIGKILL 结束）" in stderr
    assert f"已抓取的记录保存在 {open_path(output)}（完整有效，可用 --resume 继续）" in stderr
    assert "Traceback" not in stderr
    assert_no_process_left(output, process.pid)
    assert not output.exists() and archive_tool("verify", open_path(output)).returncode == 0

    resumed = archive_tool("snapshot", *args, "-o", output, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert_complete(output, dir_urls(big_site))


def test_a_killed_crawling_process_ends_the_crawl_with_a_message(tmp_path, reap):
    """Its jobs would never finish: the crawl, never quiet, went on for ever."""
    output = tmp_path / "endless.warc.gz"
    with serve_handler(type("Endless", (EndlessHandler,), {"delay": 0.02})) as url:
        before = SlowHandler.requests
        process = start(output, url, "--processes", "2", "--concurrency", "4")
        wait_until(lambda: SlowHandler.requests >= before + 30, process, "30 requests")
        wait_until(lambda: len(snapshot_processes(output, process.pid)) >= 3, process, "workers")
        victim = next(pid for pid in snapshot_processes(output, process.pid) if pid != process.pid)
        os.kill(victim, signal.SIGKILL)
        stderr = process.finish()
        assert_no_process_left(output, process.pid)
    assert process.returncode == 1, stderr
    assert f"抓取进程 {victim} 意外终止（被信号 SIGKILL 结束）" in stderr
    assert f"已抓取的记录保存在 {open_path(output)}（完整有效，可用 --resume 继续）" in stderr
    assert "Traceback" not in stderr
    assert archive_tool("verify", open_path(output)).returncode == 0


# --- kill -9 at random points, resume each time ------------------------------------------

KILLS = 10


def wait_for_a_new_capture(
    path: Path, start: int, before: int, process: Run, timeout: float = 120
) -> None:
    """Until the run has written a capture of its own (or ended): on a loaded machine
    start-up and reading back a resumed file take seconds, and a kill before them hits no
    write. Counted from start, the last member the resume may cut; before were there."""
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if complete_captures(path, start) > before:
            return
        assert time.monotonic() < deadline, f"{path}: no new record within {timeout} s"
        time.sleep(0.005)


def crash_and_resume(output: Path, args: list, rng: random.Random, delay: float) -> int:
    """kill -9 the snapshot after a random delay until KILLS kills hit a live run; then finish.

    Returns how many rounds (complete WARCs) it took; each is output, then output-1, …
    Two kills in three land after a random delay once the run writes records, the third
    after a random delay from its start. Most must hit a run that was writing.
    """
    kills = rounds = writing = 0
    target = output
    while True:
        if target.exists():  # finished (perhaps just before a kill)
            rounds += 1
            if kills >= KILLS:
                assert writing >= KILLS // 2, f"only {writing} of {kills} kills hit a write"
                return rounds
            target = output.with_name(f"{output.name.split('.')[0]}-{rounds}.warc.gz")
        resume = ["--resume"] if open_path(target).exists() else []
        kept = last_member_start(open_path(target)) if resume else 0
        there = complete_captures(open_path(target), kept) if resume else 0
        process = start(target, *args, *resume)
        if kills % 3 == 2:  # anywhere: start-up, cutting the torn tail, reading back
            time.sleep(rng.uniform(0, 2 * delay))
        else:  # somewhere in the writing
            wait_for_a_new_capture(open_path(target), kept, there, process)
            time.sleep(rng.uniform(0, delay))
        if kills < KILLS and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.finish()
            assert_no_process_left(target, process.pid)
            if target.exists():  # it had finished and was exiting: not a kill of a live run
                continue
            kills += 1
            writing += complete_captures(open_path(target), kept) > there
            continue
        stderr = process.finish()
        assert process.returncode == 0, stderr
        assert_no_process_left(target, process.pid)


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume_from_dir(big_site, tmp_path, reap):
    output = tmp_path / "crash.warc.gz"
    args = ["--from-dir", big_site, "--base-url", BASE_URL, "--processes", "2"]
    rounds = crash_and_resume(output, args, random.Random(20261126), 0.4)
    for path in [output] + [tmp_path / f"crash-{n}.warc.gz" for n in range(1, rounds)]:
        assert_complete(path, dir_urls(big_site))
    assert not snapshot_processes(tmp_path)


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume_parallel_http(small_site, tmp_path, reap):
    output = tmp_path / "crash.warc.gz"
    with slow_server(small_site, 0.01) as url:
        args = [url, "--processes", "2", "--concurrency", "2", "--per-host", "2"]
        rounds = crash_and_resume(output, args, random.Random(1126), 0.5)
    for path in [output] + [tmp_path / f"crash-{n}.warc.gz" for n in range(1, rounds)]:
        assert_complete(path, http_urls(small_site, url))
    assert not snapshot_processes(tmp_path)


# --- disk full ---------------------------------------------------------------------------


class SmallDisk:
    """A 2 MB tmpfs mounted for the test (root); else a 2 MB RLIMIT_FSIZE on the command.

    ``limit`` is the preexec_fn for the run that is to hit the limit; ``free()`` makes room.
    """

    SIZE = "2m"

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.SIZE}", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
        self.tmpfs = mounted.returncode == 0

    def limit(self) -> None:
        if not self.tmpfs:  # past 2 MB, write() fails with EFBIG (Python ignores SIGXFSZ)
            resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 1024 * 1024, resource.RLIM_INFINITY))

    def free(self) -> None:
        if self.tmpfs:
            subprocess.run(
                ["mount", "-o", "remount,size=64m", str(self.folder)], check=True, timeout=30
            )

    def close(self) -> None:
        if self.tmpfs:
            subprocess.run(["umount", "-l", str(self.folder)], check=False, timeout=30)


@pytest.fixture
def small_disk(tmp_path):
    disk = SmallDisk(tmp_path / "small-disk")
    yield disk
    disk.close()


def assert_disk_full_reported(result, disk: SmallDisk) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr
    expected = "磁盘空间不足" if disk.tmpfs else "超过了系统允许的大小"
    assert expected in result.stderr, (errno.ENOSPC, result.stderr)
    assert "已写入的记录保持完整" in result.stderr and "--resume" in result.stderr


def test_disk_full_from_dir_is_reported_and_resumes(big_site, small_disk, reap):
    output = small_disk.folder / "site.warc.gz"
    args = ["--from-dir", big_site, "--base-url", BASE_URL, "--processes", "2"]
    full = subprocess.run(
        snapshot_command(output, *args),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=small_disk.limit,
        check=False,
    )
    assert_disk_full_reported(full, small_disk)
    # FILE.open ends at a complete request/response pair: nothing torn, nothing unpaired.
    assert archive_tool("verify", open_path(output)).returncode == 0
    assert not lock_path(output).exists()

    small_disk.free()
    resumed = archive_tool("snapshot", *args, "-o", output, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert_complete(output, dir_urls(big_site))


def test_disk_full_parallel_http_is_reported_and_resumes(big_site, small_disk, reap):
    output = small_disk.folder / "site.warc.gz"
    with slow_server(big_site, 0) as url:
        args = [url, "--processes", "2"]
        full = subprocess.run(
            snapshot_command(output, *args),
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=small_disk.limit,
            check=False,
        )
        assert_disk_full_reported(full, small_disk)
        assert archive_tool("verify", open_path(output)).returncode == 0
        assert_no_process_left(output, -1)

        small_disk.free()
        resumed = archive_tool("snapshot", *args, "-o", output, "--resume")
        assert resumed.returncode == 0, resumed.stderr
        assert_complete(output, http_urls(big_site, url))
