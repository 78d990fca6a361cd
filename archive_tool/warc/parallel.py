"""Crawl with several processes: URLs partitioned by hash, the parent the only writer.

One Python process is CPU-bound near 700 pages/s (http.client, lxml, gzip); the work of
a page is independent of other pages, so each of N forked processes owns the URLs whose
CRC-32 falls to it, crawls them with its own threads, forwards links it does not own to
their owner (a page's links for one process in one message), and sends its compressed
records to the parent. Every message goes through a pipe, written directly by the sending
thread: a multiprocessing.Queue hands each message to a feeder thread, and that hand-over
took a third of a crawling process's time. The parent alone writes the WARC (revisit decisions
included). The crawl ends when no job is queued or in flight anywhere
and nothing changed across a check (a shared activity counter).

A crawling process dies with the parent, however the parent ends (``die_with_parent``):
an orphan would go on fetching from the site with no one to write what it gets. A large
capture goes to the parent as a spool file in a folder of the crawl's own (``spooling``),
removed with whatever a dead process left in it when the crawl ends, or by the next crawl
if the parent itself was killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import multiprocessing
import multiprocessing.connection
import os
import pickle
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace

from ..errors import ToolkitError
from .crawl import Crawler, CrawlOptions, CrawlResult
from .httpfetch import Fetcher, FetchError
from .scope import normalize
from .writer import (
    INLINE_BYTES,
    GzipMemberWriter,
    WarcOutput,
    prepare,
    request_record,
    response_record,
)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
ORPHAN_CHECK_SECONDS = 1.0
QUIET_WAIT_SECONDS = 1.0


class WorkerDied(ToolkitError):
    """A worker process ended before its work was done (killed, out of memory) or failed."""


def exit_reason(exitcode: int | None) -> str:
    """How a process ended, for a message.

    >>> exit_reason(-9), exit_reason(3), exit_reason(None)
    ('被信号 SIGKILL 结束', '退出码 3', '不再应答')
    """
    if exitcode is None:
        return "不再应答"
    if exitcode >= 0:
        return f"退出码 {exitcode}"
    try:
        return f"被信号 {signal.Signals(-exitcode).name} 结束"
    except ValueError:
        return f"被信号 {-exitcode} 结束"


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when the process ``parent`` ends, even by kill -9.

    On Linux the kernel does it: prctl(PR_SET_PDEATHSIG, SIGKILL) (no wrapper in the
    stdlib, hence ctypes). Elsewhere, or if prctl fails, a thread polls getppid().
    Either way, a parent that died before this call is caught by the getppid() check.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(ORPHAN_CHECK_SECONDS)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


def become_worker(parent: int) -> None:
    """Set up a forked worker: Ctrl-C and SIGTERM are the parent's to handle, and it ends
    with the parent ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (see cli.warc)
    die_with_parent(parent)


def owner(url: str, processes: int) -> int:
    """Which process crawls url.

    >>> owner("http://127.0.0.1/a.html", 1)
    0
    """
    return zlib.crc32(url.encode("utf-8")) % processes


class Shared:
    """Counters and queues shared by the parent and the crawling processes."""

    def __init__(self, context, processes: int, spool_folder: str):
        self.processes = processes
        self.spool_folder = spool_folder  # for large captures (see ``spooling``)
        # Each process's inbox: a pipe that the parent and every other process write to,
        # one whole message at a time (a lock per inbox: a pipe interleaves large writes).
        inboxes = [context.Pipe(duplex=False) for _ in range(processes)]
        self.inbox_readers = [reader for reader, _ in inboxes]
        self.inbox_writers = [writer for _, writer in inboxes]
        self.inbox_locks = [context.Lock() for _ in range(processes)]
        # One pipe per crawling process to the parent; a full pipe makes the sender wait.
        pipes = [context.Pipe(duplex=False) for _ in range(processes)]
        self.readers = [reader for reader, _ in pipes]
        self.writers = [writer for _, writer in pipes]
        self.send_lock = threading.Lock()  # the sending threads of one process take turns
        self.lock = context.Lock()
        self.in_flight = context.Value("q", 0, lock=False)  # forwarded URLs not yet taken in
        self.queued = context.Value("q", 0, lock=False)  # jobs in all frontiers
        self.activity = context.Value("q", 0, lock=False)  # bumps on every change
        self.pages = context.Value("q", 0, lock=False)  # pages scheduled, for --max-pages
        self.stop = context.Event()

    def change(self, in_flight: int = 0, queued: int = 0) -> None:
        with self.lock:
            self.in_flight.value += in_flight
            self.queued.value += queued
            self.activity.value += 1

    def send(self, process: int, jobs: list[tuple[str, int, bool]]) -> None:
        """Forward (url, depth, requisite) jobs to the process that owns them."""
        self.change(in_flight=len(jobs))
        data = pickle.dumps(jobs, pickle.HIGHEST_PROTOCOL)
        with self.inbox_locks[process]:
            self.inbox_writers[process].send_bytes(data)

    def report(self, process: int, message: tuple) -> None:
        """Send a message to the parent (from any thread of crawling process ``process``)."""
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        with self.send_lock:
            self.writers[process].send_bytes(data)

    def quiet(self) -> tuple[bool, int | None]:
        """Whether no job is left anywhere, and the activity count; (False, None) when the
        lock is not had within a moment (a process killed while holding it never gives it
        back: the caller looks for dead processes rather than wait for it)."""
        if not self.lock.acquire(timeout=QUIET_WAIT_SECONDS):
            return False, None
        try:
            return self.in_flight.value == 0 and self.queued.value == 0, self.activity.value
        finally:
            self.lock.release()


class WorkerCrawler(Crawler):
    """A Crawler in one process of several: owns part of the URLs, writes through the parent."""

    def __init__(self, index: int, shared: Shared, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.index = index
        self.shared = shared
        self.forwarded: set[str] = set()

    def enqueue(self, url: str, depth: int, requisite: bool, found: str = "") -> None:
        self.enqueue_all([(url, depth, requisite, found)])

    def enqueue_all(self, jobs: list[tuple]) -> None:
        outgoing: dict[int, list[tuple]] = {}
        for url, depth, requisite, *found in jobs:
            if url in self.seen or url in self.forwarded:
                continue
            url = normalize(url)
            target = owner(url, self.shared.processes)
            if target == self.index:
                self.admit(url, depth, requisite, *found)
            elif url not in self.forwarded and self.options.scope.allows(url):
                self.forwarded.add(url)
                outgoing.setdefault(target, []).append((url, depth, requisite, *found))
        for target, forwarded in outgoing.items():
            self.shared.send(target, forwarded)

    def take_page_slot(self) -> bool:
        with self.shared.lock:
            if (
                self.options.max_pages is not None
                and self.shared.pages.value >= self.options.max_pages
            ):
                return False
            self.shared.pages.value += 1
            return True

    def task_added(self) -> None:
        self.shared.change(queued=1)

    def task_finished(self) -> None:
        self.shared.change(queued=-1)

    def has_work(self) -> bool:
        return not self.shared.stop.is_set()

    def records_robots(self, robots_url: str) -> bool:
        target = owner(robots_url, self.shared.processes)
        if target == self.index:
            return True
        self.shared.send(target, [(robots_url, 0, True)])  # its owner fetches and records it
        return False

    def _record(self, capture) -> None:
        self.count_found_only(capture)
        if capture.body.length <= INLINE_BYTES:
            self.shared.report(self.index, ("capture", prepare(capture)))
            return
        # A large body: its records go through a temporary file, never whole into memory.
        prepared = prepare(capture, compress=False)
        with spool_file(self.shared.spool_folder) as spool:
            for parts in (
                response_record(prepared, capture),
                request_record(prepared, capture.request_head),
            ):
                member = GzipMemberWriter(spool)
                for part in parts:
                    member.write(part)
                member.flush()
        self.shared.report(self.index, ("file", spool.name, prepared.status, prepared.content_type))

    def report_error(self, error: FetchError) -> None:
        self.shared.report(self.index, ("error", error.url, error.kind, error.message))

    def report_robots_excluded(self) -> None:
        self.shared.report(self.index, ("robots",))

    def report_found_only(self, found: str) -> None:
        self.shared.report(self.index, ("found", found))


def _worker(
    index: int,
    shared: Shared,
    options: CrawlOptions,
    fetcher: Fetcher,
    captured: set[str],
    parent: int,
) -> None:
    become_worker(parent)
    crawler = WorkerCrawler(
        index,
        shared,
        options,
        None,
        fetcher,
        already_captured={u for u in captured if owner(u, shared.processes) == index},
    )

    inbox = shared.inbox_readers[index]

    def take_in() -> None:
        while not shared.stop.is_set():
            try:
                if not inbox.poll(0.1):
                    continue
                jobs = pickle.loads(inbox.recv_bytes())
            except (EOFError, OSError):
                return
            for job in jobs:
                crawler.admit(*job)
            shared.change(in_flight=-len(jobs))

    reader = threading.Thread(target=take_in, daemon=True)
    reader.start()
    crawler.run()
    reader.join(timeout=1)
    shared.report(index, ("exit", index))


SPOOL_PREFIX = "archive-tool-spool-"


@contextlib.contextmanager
def spooling() -> Iterator[str]:
    """The folder this crawl's processes spool large captures to, removed with all it holds
    when the block ends (the processes have ended by then): the file of a process killed
    before its message was taken in, or sent after the crawl stopped, goes with it.

    The first process to spool makes it (``spool_file``): a crawl that spools nothing leaves
    nothing, even killed. The folders of crawls whose process has died (kill -9) are removed
    first; the name holds the process's id for that."""
    root = tempfile.gettempdir()
    for stale in glob.glob(os.path.join(glob.escape(root), SPOOL_PREFIX + "*")):
        pid = os.path.basename(stale)[len(SPOOL_PREFIX) :].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    folder = os.path.join(root, f"{SPOOL_PREFIX}{os.getpid()}-{secrets.token_hex(8)}")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def spool_file(folder: str):
    """A new named file in the spool folder (made if need be), open for writing."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return tempfile.NamedTemporaryFile(delete=False, suffix=".warc.gz", dir=folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def crawl_in_processes(
    options: CrawlOptions,
    output: WarcOutput,
    fetcher: Fetcher,
    processes: int,
    on_progress=None,
    captured: set[str] | None = None,
    resumed_links: list[tuple[str, bool]] = (),
) -> CrawlResult:
    """Run the crawl in ``processes`` forked processes; the calling process writes the WARC."""
    with spooling() as spool_folder:
        context = multiprocessing.get_context("fork")
        shared = Shared(context, processes, spool_folder)
        per_process = replace(
            options,
            seeds=[],
            concurrency=max(1, -(-options.concurrency // processes)),
            per_host=max(1, options.per_host // processes),
        )
        result = CrawlResult()
        started = time.monotonic()
        workers = [
            context.Process(
                target=_worker,
                args=(i, shared, per_process, fetcher, captured or set(), os.getpid()),
                daemon=True,
            )
            for i in range(processes)
        ]
        fatal = None
        try:
            for worker in workers:
                worker.start()
            for writer in shared.writers:
                writer.close()  # the parent only reads: a pipe ends (EOF) when its process does
            for seed in options.seeds:
                if normalize(seed).split(":", 1)[0] not in ("http", "https"):
                    result.errors.append(FetchError(seed, "scheme", "只能抓取 http 或 https 网址"))
                    continue
                url = normalize(seed)
                shared.send(owner(url, processes), [(url, 0, False)])
            for url, requisite in resumed_links:
                url = normalize(url)
                shared.send(owner(url, processes), [(url, 1, requisite)])
            last_activity = None
            while True:
                drained = _drain(shared, output, result, on_progress, wait=0.05)
                _check_alive(workers)
                quiet, activity = shared.quiet()
                if quiet and not drained and activity == last_activity:
                    break
                last_activity = activity if quiet else None
        except KeyboardInterrupt:
            result.interrupted = True
        except ToolkitError as error:
            fatal = error
        shared.stop.set()  # the processes' inbox readers see it within 0.1 s
        exited = 0
        # After Ctrl-C, records a process has not sent within a moment are dropped, not waited for.
        deadline = time.monotonic() + (2 if result.interrupted else fetcher.timeout + 10)
        while exited < processes and shared.readers and time.monotonic() < deadline:
            try:
                exited += _drain(shared, output, result, on_progress, wait=0.1, count_exits=True)
            except (KeyboardInterrupt, ToolkitError):
                break
        for worker in workers:
            if worker.pid is None:
                continue  # never started
            worker.join(timeout=1)
            if worker.is_alive():
                worker.kill()
                worker.join(timeout=1)
        result.seconds = time.monotonic() - started
        if fatal:
            raise fatal
        return result


def _check_alive(workers) -> None:
    """WorkerDied if a crawling process has ended before the crawl: its jobs would never
    finish, and the crawl would never be quiet."""
    for worker in workers:
        if worker.exitcode is not None:
            raise WorkerDied(f"抓取进程 {worker.pid} 意外终止（{exit_reason(worker.exitcode)}）")


def _drain(
    shared: Shared,
    output: WarcOutput,
    result: CrawlResult,
    on_progress,
    wait: float,
    count_exits: bool = False,
) -> int:
    """Write what the processes sent; return how many messages (or exits) were handled.

    A process whose pipe has ended (it exited or died) counts as an exit.
    """
    handled = 0
    for reader in multiprocessing.connection.wait(shared.readers, timeout=wait):
        while True:
            try:
                message = pickle.loads(reader.recv_bytes())
            except (EOFError, OSError):
                shared.readers.remove(reader)
                handled += 1 if count_exits else 0
                break
            kind = message[0]
            if kind == "capture":
                prepared = message[1]
                record_type = output.write_prepared(prepared)
                result.add_capture(record_type, prepared.status, prepared.content_type)
            elif kind == "file":
                _, path, status, content_type = message
                output.append_file(path)
                os.unlink(path)
                result.add_capture("response", status, content_type)
            elif kind == "error":
                result.errors.append(FetchError(*message[1:]))
            elif kind == "robots":
                result.robots_excluded += 1
            elif kind == "found":
                result.found_only[message[1]] += 1
            handled += 1 if (kind == "exit") == count_exits else 0
            if on_progress and kind in ("capture", "file"):
                on_progress(result)
            if kind == "exit":  # its last message
                shared.readers.remove(reader)
                break
            if not reader.poll():
                break
    return handled
