"""Links and page requisites in HTML and CSS: what a crawl follows and what a page needs.

Covers href, src, srcset, poster, data, form action, <style>, style="" and CSS files'
url() and @import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree

CSS_URL = re.compile(
    r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE | re.DOTALL
)
# Attributes that name a requisite (loaded with the page) rather than a page to visit.
REQUISITE_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
REQUISITE_LINK_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "preload",
    "manifest",
    "modulepreload",
}
SKIPPED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "about:", "#")
# Plain lxml elements: lxml.html's element classes cost a Python call per element.
HTML_PARSER = etree.HTMLParser()
# What makes a reference need urljoin's full algorithm (dot segments, schemes, queries
# and fragments on their own, the tab and newline characters urlsplit removes).
NEEDS_URLJOIN = re.compile(r"/\.|^\.|:|^[?#]|^//|[\t\r\n;]")


@dataclass(frozen=True)
class Link:
    url: str
    requisite: bool


def css_urls(css: str) -> list[str]:
    """The url() and @import targets of a style sheet.

    >>> css_urls('@import "a.css"; body { background: url( \\'b.png\\' ) } i { src: url(c.woff) }')
    ['a.css', 'b.png', 'c.woff']
    """
    found = []
    for match in CSS_URL.finditer(css):
        url = match.group(2) if match.group(2) is not None else match.group(4)
        if url:
            found.append(url.strip())
    return found


def srcset_urls(srcset: str) -> list[str]:
    """The candidate URLs of a srcset.

    >>> srcset_urls("a.png 1x, b.png 2x,c.png")
    ['a.png', 'b.png', 'c.png']
    """
    return [part.strip().split()[0] for part in srcset.split(",") if part.strip()]


class Resolver:
    """urljoin(base, reference) without the fragment, quick for plain paths.

    Most links of a site are a plain path ("/a/b.html", "b.html"); urljoin (with
    urldefrag) cost about 20 µs each, most of a page's link extraction. Anything else goes
    through urljoin.

    >>> resolve = Resolver("http://x.gov.cn/a/b.html?q=1")
    >>> samples = ["/c/d.html", "d.html", "d.html#top", "/c/?p=2#x", "e/f.png", "../g.html",
    ...     "./h.html", "//y.gov.cn/i", "?p=3", "#top", "/j/./k", "https://z.gov.cn/l",
    ...     "m;n", "/o\tp", "q:r", "", "a b.html", "/%E6%94%BF.html"]
    >>> [resolve(s) == urldefrag(urljoin(resolve.base, s))[0] for s in samples] == [True] * len(samples)
    True
    """

    def __init__(self, base: str) -> None:
        self.base = base
        parts = urlsplit(base)
        plain = parts.scheme in ("http", "https") and parts.netloc and ";" not in parts.path
        self.origin = f"{parts.scheme}://{parts.netloc}" if plain else None
        self.folder = self.origin + parts.path[: parts.path.rfind("/") + 1] if plain else None
        if plain and not parts.path:
            self.folder = self.origin + "/"

    def __call__(self, reference: str) -> str:
        if self.origin is None or not reference or NEEDS_URLJOIN.search(reference):
            return urldefrag(urljoin(self.base, reference))[0]
        reference = reference.partition("#")[0]
        if reference.startswith("/"):
            return self.origin + reference
        return self.folder + reference


def is_requisite_link(rel: str | None) -> bool:
    """Whether a <link> with this rel loads its href with the page (a style sheet, an
    icon, …) rather than naming another document.

    >>> is_requisite_link("Shortcut Icon"), is_requisite_link("canonical"), is_requisite_link(None)
    (True, False, False)
    """
    return not REQUISITE_LINK_RELS.isdisjoint((rel or "").lower().split())


def followed_url(raw: str | None, resolve: Callable[[str], str]) -> str | None:
    """The absolute http(s) URL a reference leads to, without its fragment; None for an
    empty one, a fragment alone, or a mailto:, javascript:, tel:, data: or about: URL.

    >>> resolve = Resolver("https://x.gov.cn/a/")
    >>> followed_url(" b.html#top ", resolve), followed_url("mailto:a@x.gov.cn", resolve)
    ('https://x.gov.cn/a/b.html', None)
    """
    if not raw:
        return None
    raw = raw.strip()
    if not raw or raw.lower().startswith(SKIPPED_SCHEMES):
        return None
    url = resolve(raw)
    return url if url.startswith(("http://", "https://")) else None


def html_links(data: bytes, base_url: str) -> list[Link]:
    """Every link of an HTML document, resolved against base_url (and <base href>)."""
    try:
        document = etree.fromstring(data, HTML_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    if document is None:
        return []
    base = document.find(".//base[@href]")
    if base is not None:
        base_url = urljoin(base_url, base.get("href").strip())
    found: list[Link] = []
    resolve = Resolver(base_url)

    def add(raw: str | None, requisite: bool) -> None:
        url = followed_url(raw, resolve)
        if url is not None:
            found.append(Link(url, requisite))

    for element in document.iter(etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        for attribute, value in element.attrib.items():
            if attribute in ("href", "action"):
                add(value, tag == "link" and is_requisite_link(element.get("rel")))
            elif attribute in ("src", "poster", "data", "background"):
                add(value, True)
            elif attribute in ("srcset", "imagesrcset"):
                for url in srcset_urls(value):
                    add(url, True)
            elif attribute == "style":
                for url in css_urls(value):
                    add(url, True)
        if tag == "style" and element.text:
            for url in css_urls(element.text):
                add(url, True)
    return found


def css_links(data: bytes, base_url: str) -> list[Link]:
    """The requisites of a CSS file."""
    text = data.decode("utf-8", "replace")
    resolve = Resolver(base_url)
    found = (followed_url(raw, resolve) for raw in css_urls(text))
    return [Link(url, True) for url in found if url is not None]


def extract_links(data: bytes, content_type: str, base_url: str) -> list[Link]:
    if content_type in ("text/html", "application/xhtml+xml"):
        return html_links(data, base_url)
    if content_type == "text/css":
        return css_links(data, base_url)
    return []
