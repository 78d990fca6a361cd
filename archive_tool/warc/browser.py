"""The browser crawl (``snapshot --browser``): each page run in headless Chromium.

A ``Crawler`` whose pages are also opened in Debian's Chromium, driven by Playwright
(no browser download). Every request the page makes goes through the crawl's own fetcher
(route interception): so the WARC holds the bytes the server sent, with the same request
and response records, revisits, scope, robots.txt, politeness and limits as the HTTP
crawl, and a request outside the scope is refused to the page. After the page loads it is
scrolled and its 加载更多 buttons clicked until it grows no more; the links of the
rendered DOM are then followed, and a page only they lead to is counted as found by script.

Each worker thread has its own Chromium (Playwright's sync API is per thread). Requests
other than GET are refused to the page (a crawl does not post forms).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import threading
from collections import OrderedDict
from urllib.parse import urlsplit

from ..errors import ToolkitError
from ..links import extract_links
from .capture import Capture
from .crawl import SCRIPT, Crawler, Job
from .httpfetch import FetchError
from .payload import Decoded, PayloadError
from .scope import normalize
from .settle import PAGE_WATCH, Network

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # The crawl never goes back: no page kept for it, no new renderer per navigation.
    "--disable-features=BackForwardCache,RenderDocument,ProactivelySwapBrowsingInstance",
]
LOAD_MS = 30_000  # a page's load event
MAX_EXPANSIONS = 10  # scroll / load-more rounds per page
CACHE_BYTES = 64 * 1024**2  # bodies kept to answer repeated requests (style sheets, scripts)
CACHE_BODY_BYTES = 2 * 1024**2
HOP_HEADERS = {
    "transfer-encoding",
    "connection",
    "keep-alive",
    "content-encoding",
    "content-length",
}
# Buttons and links that load more of a list in place (not those that lead elsewhere).
EXPAND_SCRIPT = r"""() => {
  const words = /加载更多|查看更多|点击加载|显示更多|load more|show more/i;
  let clicked = 0;
  const candidates = 'button, a, [role=button], input[type=button], span, div';
  for (const el of document.querySelectorAll(candidates)) {
    if (el.dataset.archiveToolClicked || el.children.length > 2) continue;
    const text = (el.innerText || el.value || '').trim();
    if (!text || text.length > 20 || !words.test(text)) continue;
    const href = el.getAttribute && el.getAttribute('href');
    if (href && !href.startsWith('#') && !href.startsWith('javascript:')) continue;
    if (!el.offsetParent) continue;
    el.dataset.archiveToolClicked = '1';
    el.click();
    clicked++;
  }
  const before = document.documentElement.scrollHeight;
  window.scrollTo(0, before);
  return [clicked, before];
}"""
# The page's height and its DOM serialised as page.content() does.
HEIGHT_AND_HTML = """() => {
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
  const root = document.documentElement;
  return [root ? root.scrollHeight : 0, doctype + (root ? root.outerHTML : '')];
}"""


def find_chromium() -> str:
    """Debian's chromium (or CHROMIUM_PATH); a ToolkitError saying how to install it."""
    path = os.environ.get("CHROMIUM_PATH") or next(
        (found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None
    )
    if not path or not os.access(path, os.X_OK):
        raise ToolkitError(
            "--browser 需要 Chromium：请安装（Debian：apt-get install chromium），"
            "或用环境变量 CHROMIUM_PATH 指定其路径"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise ToolkitError("--browser 需要 Python 包 playwright：pip install playwright") from None
    return path


class BodyCache:
    """Recent small responses by URL, so a style sheet every page loads is fetched once."""

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self.items: OrderedDict[str, tuple[int, dict[str, str], bytes]] = OrderedDict()
        self.size = 0
        self.limit = limit
        self.lock = threading.Lock()

    def get(self, url: str):
        with self.lock:
            item = self.items.get(url)
            if item is not None:
                self.items.move_to_end(url)
            return item

    def put(self, url: str, item: tuple[int, dict[str, str], bytes]) -> None:
        if len(item[2]) > CACHE_BODY_BYTES:
            return
        with self.lock:
            if url in self.items:
                return
            self.items[url] = item
            self.size += len(item[2])
            while self.size > self.limit:
                _, old = self.items.popitem(last=False)
                self.size -= len(old[2])


def for_browser(capture: Capture) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body to answer the page with: any content coding undone (the
    WARC keeps the body as sent; Chromium is handed it plain, as it would decode it)."""
    body = capture.body.read_all()
    coding = (capture.header("Content-Encoding") or "identity").strip().lower()
    if coding not in ("", "identity"):
        try:
            decoded = Decoded(io.BytesIO(body), coding)
            body = b"".join(iter(lambda: decoded.read(1024 * 1024), b""))
        except PayloadError:
            pass  # handed over as received; the page sees what a browser would
    headers = {k: v for k, v in capture.headers if k.lower() not in HOP_HEADERS}
    return capture.status, headers, body


class BrowserCrawler(Crawler):
    """A crawl that also runs each HTML page in Chromium and follows its rendered links."""

    runs_scripts = True

    def __init__(self, *args, chromium: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.chromium = chromium
        self.local = threading.local()
        self.cache = BodyCache()
        self.to_rerender: set[str] = set()

    def rerender(self, urls: list[str]) -> None:
        """Run pages a resumed capture holds again, for their script-made links (the WARC
        keeps their first capture; what they load is fetched again, not recorded)."""
        for url in urls:
            url = normalize(url)
            self.to_rerender.add(url)
            self.task_added()
            self.frontier.put(Job(url, 1, False))

    def _crawl(self, job: Job) -> None:
        if job.url in self.to_rerender:
            self.to_rerender.discard(job.url)
            self.more_links(job, None, set())
            self.on_progress(self.result)
            return
        super()._crawl(job)

    def _work(self) -> None:
        try:
            super()._work()
        finally:
            self._close_browser()

    def more_links(self, job: Job, capture: Capture | None, linked: set[str]) -> None:
        if job.requisite or self.stopping.is_set():
            return
        try:
            rendered = self._render(job.url, capture)
        except ToolkitError:
            raise
        except Exception as error:  # noqa: BLE001 — Playwright's errors; the capture stands
            message = str(error).splitlines()[0] if str(error) else repr(error)
            self.report_error(FetchError(job.url, "browser", f"浏览器无法运行该页面：{message}"))
            return
        self.enqueue_all(
            [
                (
                    link.url,
                    job.depth if link.requisite else job.depth + 1,
                    link.requisite,
                    "" if link.requisite else SCRIPT,
                )
                for link in rendered
                if link.url not in linked
            ]
        )

    def _render(self, url: str, document: Capture | None):
        page, network = self._page()
        self.local.document = (url, document)
        try:
            page.goto(url, wait_until="load", timeout=LOAD_MS)
            html = None
            for _ in range(MAX_EXPANSIONS):  # scroll and click until the page grows no more
                if self.stopping.is_set():
                    break
                clicked, height = page.evaluate(EXPAND_SCRIPT)
                started = network.started
                network.settle()
                now, html = page.evaluate(HEIGHT_AND_HTML)  # one round trip, not two
                if not clicked and now <= height and network.started == started:
                    break
            if html is None:  # stopped before the first round
                html = page.content()
            return extract_links(html.encode("utf-8"), "text/html", page.url)
        except BaseException:
            self._close_page()  # the next page starts in a fresh one
            raise
        finally:
            self.local.document = None

    def _page(self):
        """This thread's tab, kept from page to page (a new one costs a renderer process)."""
        if getattr(self.local, "page", None) is None:
            # A service worker's requests would not pass through the route: none are run.
            context = self._browser().new_context(
                ignore_https_errors=not self.fetcher.verify_tls, service_workers="block"
            )
            context.add_init_script(PAGE_WATCH)
            page = context.new_page()
            page.route("**/*", self._answer)
            self.local.context, self.local.page = context, page
            self.local.network = Network(page)
        return self.local.page, self.local.network

    def _close_page(self) -> None:
        context = getattr(self.local, "context", None)
        self.local.context = self.local.page = self.local.network = None
        if context is not None:
            with contextlib.suppress(Exception):  # a crashed browser: nothing left to close
                context.close()

    def _answer(self, route) -> None:
        """Serve one request of the page through the crawl's fetcher, recording it once."""
        page_url, document = self.local.document or ("", None)
        request = route.request
        url = normalize(request.url)
        if request.method != "GET" or not self.options.scope.allows(url):
            route.abort("blockedbyclient")
            return
        if document is not None and url == normalize(page_url) and request.is_navigation_request():
            fulfil(route, for_browser(document))
            return
        cached = self.cache.get(url)
        if cached is not None:
            fulfil(route, cached)
            return
        if self.options.robots and not self._robots_allow(url):
            route.abort("blockedbyclient")
            return
        with self.lock:
            first = url not in self.seen
            self.seen.add(url)
        try:
            capture = self._fetch_politely(urlsplit(url).netloc, url)
        except FetchError as error:
            if first:
                self.report_error(error)
            route.abort("failed")
            return
        try:
            if first:
                self._record(capture)
            answer = for_browser(capture)
        finally:
            capture.body.close()
        self.cache.put(url, answer)
        fulfil(route, answer)

    def _browser(self):
        browser = getattr(self.local, "browser", None)
        if browser is None:
            from playwright.sync_api import Error, sync_playwright

            self.local.playwright = sync_playwright().start()
            try:
                browser = self.local.playwright.chromium.launch(
                    executable_path=self.chromium, args=CHROMIUM_ARGS
                )
            except Error as error:
                self.local.playwright.stop()
                self.local.playwright = None
                raise ToolkitError(f"无法启动 Chromium（{self.chromium}）：{error}") from None
            self.local.browser = browser
        return browser

    def _close_browser(self) -> None:
        self._close_page()
        browser = getattr(self.local, "browser", None)
        playwright = getattr(self.local, "playwright", None)
        self.local.browser = self.local.playwright = None
        try:
            if browser is not None:
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


def fulfil(route, answer: tuple[int, dict[str, str], bytes]) -> None:
    status, headers, body = answer
    route.fulfill(status=status, headers=headers, body=body)
