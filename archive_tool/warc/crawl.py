"""Crawl sites over HTTP(S) into a WARC: links and page requisites within scope, concurrently.

Workers (threads) fetch with ``httpfetch``; the single ``WarcOutput`` writes under a lock.
A fetch that fails is listed in the result and the crawl goes on. Besides the links in
the HTML, the crawl follows the pages a CMS paginates by script (``pagination``) and
counts the pages it found only that way (or, in the browser crawl, only by running the
page's scripts).
"""

from __future__ import annotations

import queue
import threading
import time
import urllib.robotparser
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from ..errors import ToolkitError
from ..links import extract_links
from .capture import Capture
from .httpfetch import Fetcher, FetchError
from .pagination import SCRIPT_TYPES, makes_links_by_script, paginated_urls
from .scope import Scope, normalize
from .writer import WarcOutput

MAX_PARSE_BYTES = 16 * 1024 * 1024  # larger documents are archived but not parsed for links
LINKED_TYPES = ("text/html", "application/xhtml+xml", "text/css")
HTML_TYPES = ("text/html", "application/xhtml+xml")
PATTERN, SCRIPT = "pattern", "script"  # how a page not linked in any HTML was found
SCRIPTED = "scripted"  # a page or script file whose code makes links the HTTP crawl cannot see


@dataclass
class CrawlOptions:
    seeds: list[str]
    scope: Scope
    max_pages: int | None = None
    max_depth: int | None = None
    robots: bool = True
    concurrency: int = 8
    per_host: int = 4
    delay: float = 0.0


@dataclass
class CrawlResult:
    pages: int = 0  # HTML responses
    fetched: int = 0
    revisits: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[FetchError] = field(default_factory=list)
    robots_excluded: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    # PATTERN / SCRIPT: pages found only that way; SCRIPTED: pages and script files whose
    # code writes or fetches content (links the HTTP crawl cannot follow; not the browser's)
    found_only: Counter = field(default_factory=Counter)

    def add_capture(self, kind: str, status: int, content_type: str) -> None:
        self.fetched += 1
        self.statuses[status] += 1
        self.revisits += kind == "revisit"
        if content_type in HTML_TYPES and status == 200:
            self.pages += 1


@dataclass(frozen=True)
class Job:
    url: str
    depth: int
    requisite: bool
    found: str = ""  # PATTERN or SCRIPT when no HTML links to it (so far)


class Crawler:
    """One crawl: a frontier, a pool of fetching threads and a WARC output."""

    runs_scripts = False  # the browser crawl follows what scripts make; this one counts them

    def __init__(
        self,
        options: CrawlOptions,
        output: WarcOutput,
        fetcher: Fetcher,
        on_progress: Callable[[CrawlResult], None] | None = None,
        already_captured: set[str] | None = None,
    ):
        self.options = options
        self.output = output
        self.fetcher = fetcher
        self.on_progress = on_progress or (lambda result: None)
        self.result = CrawlResult()
        self.frontier: queue.Queue[Job | None] = queue.Queue()
        self.seen: set[str] = set(already_captured or ())
        self.found_by: dict[str, str] = {}  # queued pages no HTML has linked to yet
        self.pages_scheduled = 0
        self.lock = threading.Lock()
        self.host_slots: dict[str, threading.BoundedSemaphore] = {}
        self.host_last_fetch: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.robots_lock = threading.Lock()
        self.stopping = threading.Event()
        self.fatal: ToolkitError | None = None

    def enqueue(self, url: str, depth: int, requisite: bool, found: str = "") -> None:
        if url in self.seen and not self.found_by:  # most links point to pages already queued
            return
        self.admit(normalize(url), depth, requisite, found)

    def enqueue_all(self, jobs: list[tuple]) -> None:
        """Queue a page's links, (url, depth, requisite[, found]) each."""
        for job in jobs:
            self.enqueue(*job)

    def admit(self, url: str, depth: int, requisite: bool, found: str = "") -> None:
        """Queue a normalised URL unless seen, out of scope, too deep or over --max-pages."""
        with self.lock:
            if url in self.seen:
                if not found and self.found_by:
                    self.found_by.pop(url, None)  # an HTML link to it after all
                return
            if not self.options.scope.allows(url):
                return
            if not requisite:
                if self.options.max_depth is not None and depth > self.options.max_depth:
                    return
                if not self.take_page_slot():
                    return
            self.seen.add(url)
            if found:
                self.found_by[url] = found
        self.task_added()
        self.frontier.put(Job(url, depth, requisite, found))

    def take_page_slot(self) -> bool:
        if self.options.max_pages is not None and self.pages_scheduled >= self.options.max_pages:
            return False
        self.pages_scheduled += 1
        return True

    def task_added(self) -> None:
        """Hook: a job entered the frontier (the parallel crawl counts them across processes)."""

    def task_finished(self) -> None:
        """Hook: a job left the frontier."""

    def has_work(self) -> bool:
        return bool(self.frontier.unfinished_tasks)

    def run(self, resumed_links: list[tuple[str, bool]] = ()) -> CrawlResult:
        started = time.monotonic()
        for seed in self.options.seeds:
            if urlsplit(seed).scheme not in ("http", "https"):
                self.result.errors.append(
                    FetchError(
                        seed,
                        "scheme",
                        f"不支持的协议「{urlsplit(seed).scheme}」，只能抓取 http 或 https 网址",
                    )
                )
                continue
            self.enqueue(seed, 0, False)
        for url, requisite in resumed_links:
            self.enqueue(url, 1, requisite)
        workers = [
            threading.Thread(target=self._work, daemon=True)
            for _ in range(self.options.concurrency)
        ]
        for worker in workers:
            worker.start()
        try:
            # join() in small steps so that Ctrl-C reaches this thread
            while self.has_work() and not self.stopping.is_set():
                time.sleep(0.05)
        except KeyboardInterrupt:
            self.result.interrupted = True
            self.stopping.set()
        self.stopping.set()
        for _ in workers:
            self.frontier.put(None)
        for worker in workers:
            worker.join(timeout=self.fetcher.timeout + 5)
        self.result.seconds = time.monotonic() - started
        return self.result

    def _work(self) -> None:
        while True:
            job = self.frontier.get()
            try:
                if job is None or self.stopping.is_set():
                    if job is None:
                        return
                    continue
                self._crawl(job)
            except ToolkitError as error:  # the output cannot be written: stop the whole crawl
                self.fatal = error
                self.stopping.set()
            except Exception as error:  # noqa: BLE001 — a bug must not hang the crawl; report it as an error
                self.report_error(FetchError(job.url, "internal", f"内部错误：{error!r}"))
            finally:
                if job is not None:
                    self.task_finished()
                self.frontier.task_done()

    def _crawl(self, job: Job) -> None:
        host = urlsplit(job.url).netloc
        if self.options.robots and not self._robots_allow(job.url):
            self.report_robots_excluded()
            return
        try:
            capture = self._fetch_politely(host, job.url)
        except FetchError as error:
            self.report_error(error)
            return
        try:
            self._record(capture)
            if capture.content_type in LINKED_TYPES:
                data = capture.body.read_all(MAX_PARSE_BYTES)
                links = extract_links(data, capture.content_type, job.url)
                self.enqueue_all(
                    [
                        (link.url, job.depth if link.requisite else job.depth + 1, link.requisite)
                        for link in links
                    ]
                )
                if capture.content_type in HTML_TYPES:
                    self.count_scripted(capture, data)
                    self.enqueue_all(
                        [
                            (url, job.depth + 1, False, PATTERN)
                            for url in paginated_urls(data, job.url)
                        ]
                    )
                    if capture.status == 200:
                        self.more_links(job, capture, {link.url for link in links})
            elif capture.content_type in SCRIPT_TYPES:
                self.count_scripted(capture, capture.body.read_all(MAX_PARSE_BYTES))
            location = capture.header("Location")
            if 300 <= capture.status < 400 and location:
                self.enqueue(urljoin(job.url, location), job.depth, job.requisite)
        finally:
            capture.body.close()
        self.on_progress(self.result)

    def count_scripted(self, capture: Capture, data: bytes) -> None:
        scripted = not self.runs_scripts and capture.status == 200
        if scripted and makes_links_by_script(data, capture.content_type):
            self.report_found_only(SCRIPTED)

    def more_links(self, job: Job, capture: Capture, linked: set[str]) -> None:
        """Hook: queue links the HTML does not hold (the browser crawl runs the page)."""

    def _record(self, capture: Capture) -> None:
        kind = self.output.write_capture(capture)
        with self.lock:
            self.result.add_capture(kind, capture.status, capture.content_type)
        self.count_found_only(capture)

    def count_found_only(self, capture: Capture) -> None:
        """Count a page that only a CMS pattern or a script led to."""
        if not self.found_by:  # while it holds URLs, every link takes the slower path
            return
        with self.lock:
            found = self.found_by.pop(normalize(capture.url), "")
        if found and capture.status == 200 and capture.content_type in HTML_TYPES:
            self.report_found_only(found)

    def report_found_only(self, found: str) -> None:
        with self.lock:
            self.result.found_only[found] += 1

    def report_error(self, error: FetchError) -> None:
        with self.lock:
            self.result.errors.append(error)

    def report_robots_excluded(self) -> None:
        with self.lock:
            self.result.robots_excluded += 1

    def records_robots(self, robots_url: str) -> bool:
        """Whether this crawler writes the robots.txt it fetches (one of several processes does)."""
        return True

    def _fetch_politely(self, host: str, url: str) -> Capture:
        if self.options.per_host >= self.options.concurrency and not self.options.delay:
            return self.fetcher.fetch(url)  # the threads cannot exceed the per-host limit
        with self.lock:
            slot = self.host_slots.get(host)
            if slot is None:
                slot = self.host_slots[host] = threading.BoundedSemaphore(self.options.per_host)
        with slot:
            if self.options.delay:
                with self.lock:
                    wait = self.host_last_fetch.get(host, 0) + self.options.delay - time.monotonic()
                    self.host_last_fetch[host] = time.monotonic() + max(wait, 0)
                if wait > 0:
                    time.sleep(wait)
            return self.fetcher.fetch(url)

    def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self.robots_lock:
            if origin not in self.robots:
                self.robots[origin] = self._load_robots(origin)
        rules = self.robots[origin]
        return rules is None or rules.can_fetch(self.fetcher.user_agent, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        robots_url = origin + "/robots.txt"
        with self.lock:
            captured_before = robots_url in self.seen  # a resumed crawl reads it, not records it
            self.seen.add(robots_url)
        try:
            capture = self._fetch_politely(urlsplit(origin).netloc, robots_url)
        except FetchError:
            return None
        try:
            if not captured_before and self.records_robots(robots_url):
                self._record(capture)
            if capture.status != 200:
                return None
            parser = urllib.robotparser.RobotFileParser(robots_url)
            parser.parse(
                capture.body.read_all(MAX_PARSE_BYTES).decode("utf-8", "replace").splitlines()
            )
            return parser
        finally:
            capture.body.close()
