"""A published page as the inspection reads it: its metadata, dates, links, images and text.

Pages carry the national page metadata in ``<head>`` (``SiteName``, ``ColumnName``,
``ColumnType``, ``ArticleTitle``, ``PubDate``, …: reference §7). The dates a page shows
are its ``<time>`` elements, or, on a page without any, the dates written in its list
items and table cells (``2026-11-20``, ``2026年11月20日``). Links and dates are read from
``<main>`` when there is one (header and footer are the same on every page); text for the
lexicons is the whole page, where a tampered page hides its additions.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from ..links import Resolver, followed_url
from .fetch import canonical

DATE_TEXT = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
GUIDE_CLASS = "service-guide"  # the theme's 办事指南 article (group.rules.services)
MAX_TEXT = 2 * 1024 * 1024  # characters of a page's text given to the lexicons


@dataclass
class Page:
    url: str
    meta: dict[str, str] = field(default_factory=dict)
    title: str = ""
    dates: list[date] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # every hyperlink, in order, once
    main_links: list[str] = field(default_factory=list)  # those inside <main>
    images: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)  # <a download> and files/ links
    text: str = ""  # dropped once the crawl has scanned it (crawl.crawl_site)
    guide: dict[str, str] | None = None  # a 办事指南's elements: label → shown value
    wording: list[tuple[str, str]] = field(default_factory=list)  # lexicon hits: term, evidence

    @property
    def is_article(self) -> bool:
        return bool(self.meta.get("ArticleTitle"))


def decode_html(body: bytes, charset: str = "") -> str:
    """A page's text: in the charset the server named, else the one the page declares, else
    UTF-8, else GB 18030 (older government sites are often GBK).

    >>> decode_html("<p>亳州</p>".encode("gbk"))
    '<p>亳州</p>'
    """
    declared = META_CHARSET.search(body[:4096])
    for name in (charset, declared[1].decode("ascii") if declared else ""):
        if name:
            try:
                return body.decode(name, "replace")
            except LookupError:
                continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", "replace")


def parse_page(url: str, body: bytes | str, charset: str = "") -> Page:
    """The page at ``url`` (its public URL) from its HTML."""
    page = Page(url)
    text = body if isinstance(body, str) else decode_html(body, charset)
    try:
        document = lxml.html.document_fromstring(XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        return page
    base = document.find(".//base[@href]")
    base_url = urljoin(url, base.get("href").strip()) if base is not None else url
    for meta in document.iter("meta"):
        name, content = meta.get("name"), meta.get("content")
        if name and content is not None:
            page.meta.setdefault(name.strip(), content.strip())
    title = document.find(".//title")
    page.title = _text(title) if title is not None else ""
    main = document.find(".//main")
    scope = main if main is not None else document.find(".//body")
    if scope is None:
        scope = document
    page.dates = _dates(scope)
    resolve = functools.lru_cache(maxsize=None)(functools.partial(_resolve, Resolver(base_url)))
    page.links = _hrefs(document, resolve)
    page.main_links = _hrefs(scope, resolve)
    page.images = _targets(document, resolve, "img", "src")
    page.downloads = [
        target
        for element, target in _anchors(scope, resolve)
        if element.get("download") is not None or "/files/" in target
    ]
    guide = document.xpath(f'//*[contains(concat(" ", @class, " "), " {GUIDE_CLASS} ")]')
    if guide:
        page.guide = guide_elements(guide[0])
    page.text = _page_text(document)
    return page


def guide_elements(element) -> dict[str, str]:
    """A 办事指南's elements: each row header with its cell, and each section heading
    (办理材料, 办理流程) with the text that follows it."""
    found: dict[str, str] = {}
    for row in element.iter("tr"):
        cells = [cell for cell in row if cell.tag in ("th", "td")]
        for header, value in itertools.pairwise(cells):
            if header.tag == "th" and value.tag == "td":
                found.setdefault(_text(header), _text(value))
    for heading in element.iter("h2", "h3"):
        following = heading.getnext()
        found.setdefault(_text(heading), _text(following) if following is not None else "")
    return found


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _dates(scope) -> list[date]:
    times = list(scope.iter("time"))
    texts = [time.get("datetime") or time.text_content() for time in times]
    if not times:
        texts = [element.text_content() for element in scope.iter("li", "td", "span")]
    found = []
    for text in texts:
        for match in DATE_TEXT.finditer(text or ""):
            try:
                found.append(date(*(int(part) for part in match.groups())))
            except ValueError:
                continue
    return found


def _resolve(resolve: Resolver, raw: str | None) -> str | None:
    url = followed_url(raw, resolve)
    return canonical(url) if url is not None else None


def _anchors(scope, resolve):
    for element in scope.iter("a", "area"):
        target = resolve(element.get("href"))
        if target:
            yield element, target


def _hrefs(scope, resolve) -> list[str]:
    return list(dict.fromkeys(target for _, target in _anchors(scope, resolve)))


def _targets(scope, resolve, tag: str, attribute: str) -> list[str]:
    found = (resolve(element.get(attribute)) for element in scope.iter(tag))
    return list(dict.fromkeys(target for target in found if target))


def _page_text(document) -> str:
    """The text a reader (or a search engine) gets: title, meta keywords and description,
    the body without scripts and styles, and image alternatives."""
    parts = [
        meta.get("content") or ""
        for meta in document.iter("meta")
        if (meta.get("name") or "").lower() in ("keywords", "description")
    ]
    parts += [image.get("alt") or "" for image in document.iter("img")]
    for element in document.iter("script", "style", "template"):
        element.drop_tree()
    parts.append(document.text_content())
    return "\n".join(parts)[:MAX_TEXT]
