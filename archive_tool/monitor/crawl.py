"""One site as the inspection sees it: a bounded crawl from its home page.

The crawl starts at the home page and the site's column pages, follows the site's own
page links breadth first, and then checks, once each, every other link target and image
the pages use: the site's files, other sites of the group, and (in live mode only) links
to other websites. Everything is bounded: pages per site, other URLs per site, external
links per site and the time each takes; what a bound left out is noted in the report.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from ..urls import CONAC_URL, JIUCUO_URL, MIIT_URL, MPS_URL
from .fetch import PROBE_BYTES, Response, is_page_url
from .pages import Page, parse_page

MAX_SOURCES = 20  # pages remembered per link target (the report gives one and the count)
# The national registries every footer links to (备案, 党政机关网站标识, 找错): the build
# writes these links from checked codes; they are not requested on every run.
REGISTRY_HOSTS = frozenset(
    urlsplit(url).hostname for url in (MIIT_URL, MPS_URL, CONAC_URL, JIUCUO_URL)
)


@dataclass(frozen=True)
class Limits:
    max_pages: int = 1000  # HTML pages read per site
    max_files: int = 2000  # other URLs of the group checked per site (files, images, …)
    max_external: int = 50  # links to other websites checked per site (live mode)
    external_seconds: float = 60.0  # time spent on those per site
    site_seconds: float = 600.0  # the whole crawl of one site
    skip_hosts: frozenset[str] = REGISTRY_HOSTS


@dataclass
class Crawl:
    home: str
    pages: dict[str, Page] = field(default_factory=dict)
    checked: dict[str, Response] = field(default_factory=dict)  # bodies dropped
    sources: dict[str, list[str]] = field(default_factory=dict)  # link → pages with it
    image_sources: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def result(self, url: str) -> Response | None:
        return self.checked.get(check_key(url, self.home))

    def within(self, url: str) -> bool:
        return url.startswith(self.home)


def check_key(url: str, home: str) -> str:
    """The URL checked for a link: a link to another website is checked once per path
    (the 找错 link differs on every page only in its query).

    >>> check_key("https://x.gov.cn/a?url=1", "https://www.bozhou.gov.cn/")
    'https://x.gov.cn/a'
    """
    parts = urlsplit(url)
    if url.startswith(home) or parts.hostname is None:
        return url
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def crawl_site(
    fetcher,
    home: str,
    seeds: list[str],
    limits: Limits,
    on_page: Callable[[Page], None] | None = None,
) -> Crawl:
    """Crawl the site at ``home`` with ``fetcher`` (fetch.FolderFetcher or HttpFetcher).

    ``on_page`` sees each page as it is read, while its full text is at hand (the lexicon
    scan); the page's text is dropped afterwards, so memory grows with the number of pages,
    not with their size.
    """
    crawl = Crawl(home)
    started = time.monotonic()
    queue = deque(dict.fromkeys([home, *seeds]))
    queued = set(queue)
    while queue:
        if time.monotonic() - started > limits.site_seconds:
            crawl.notes.append(
                f"达到单站时间上限 {limits.site_seconds:g} 秒，{len(queue)} 个页面未检查"
            )
            break
        if len(crawl.pages) >= limits.max_pages:
            crawl.notes.append(f"达到页面数上限 {limits.max_pages}，{len(queue)} 个页面未检查")
            break
        url = queue.popleft()
        response = fetcher.get(url)
        crawl.checked[url] = replace(response, body=b"")
        if not (response.ok and response.html):
            continue
        page = parse_page(url, response.body, response.charset)
        if on_page is not None:
            on_page(page)
        page.text = ""
        crawl.pages[url] = page
        for link in page.links:
            _remember(crawl.sources, link, url)
            if crawl.within(link) and is_page_url(link) and link not in queued:
                queued.add(link)
                queue.append(link)
        for image in page.images:
            _remember(crawl.image_sources, image, url)
    _check_targets(fetcher, crawl, limits, started)
    return crawl


def _remember(sources: dict[str, list[str]], target: str, page: str) -> None:
    pages = sources.setdefault(target, [])
    if len(pages) < MAX_SOURCES and page not in pages:
        pages.append(page)


def _check_targets(fetcher, crawl: Crawl, limits: Limits, started: float) -> None:
    files = external = 0
    external_started = None
    skipped = {"files": 0, "external": 0}
    for target in [*crawl.sources, *crawl.image_sources]:
        key = check_key(target, crawl.home)
        if key in crawl.checked:
            continue
        host = (urlsplit(target).hostname or "").lower()
        if host in getattr(fetcher, "domains", ()):
            if crawl.within(target) and is_page_url(target) and target in crawl.sources:
                continue  # a page the crawl did not reach (its bound is noted already)
            if files >= limits.max_files or time.monotonic() - started > limits.site_seconds:
                skipped["files"] += 1
                continue
            files += 1
            crawl.checked[key] = replace(fetcher.get(target, PROBE_BYTES), body=b"")
            continue
        if fetcher.mode != "live" or host in limits.skip_hosts:
            continue
        external_started = external_started or time.monotonic()
        if (
            external >= limits.max_external
            or time.monotonic() - external_started > limits.external_seconds
        ):
            skipped["external"] += 1
            continue
        external += 1
        crawl.checked[key] = replace(fetcher.get(key, PROBE_BYTES), body=b"")
    if skipped["files"]:
        crawl.notes.append(f"达到检查上限，{skipped['files']} 个站内文件或图片未检查")
    if skipped["external"]:
        crawl.notes.append(
            f"外部链接检查达到上限（{limits.max_external} 个或 {limits.external_seconds:g} 秒），"
            f"{skipped['external']} 个外部链接未检查"
        )
