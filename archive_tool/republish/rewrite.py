"""Rewrite a captured HTML page or style sheet to live inside a static archive.

Every reference (href, src, srcset, poster, data, background, form action, CSS url() and
@import in <style>, style="" and .css files) goes to the archived copy when the archive
holds it. A link elsewhere stays pointing out, marked as leaving the archive; a link to
an original origin that was not captured goes to the archive's "not archived" page, and a
requisite that was not captured is dropped, so the page never loads from its origin.
Scripts and event handlers are removed (they stay in the WARC): no script can fetch from
the origin or hide the banner; <noscript> content is shown instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urldefrag, urljoin, urlsplit

import lxml.html
import lxml.html.builder
from lxml import etree

from ..links import CSS_URL

LEAVING_CLASS = "archive-external"
MISSING_CLASS = "archive-missing"
NAVIGATION_ATTRIBUTES = {"href", "action"}
REQUISITE_ATTRIBUTES = {"src", "poster", "data", "background", "srcset", "imagesrcset"}
SKIPPED = ("#", "mailto:", "tel:", "data:", "javascript:", "about:")
CSP = (
    "default-src 'self' data:; script-src 'none'; object-src 'none'; "
    "style-src 'self' 'unsafe-inline' data:; img-src 'self' data:; font-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'"
)


@dataclass
class Target:
    """Where a reference ends up: a local relative URL, or outside (kind says how)."""

    href: str | None
    kind: str  # "archived", "external", "missing"


@dataclass
class Banner:
    nonce: str
    captured: datetime  # Asia/Shanghai
    original_url: str
    live_url: str | None


Resolver = Callable[[str], Target]


def rewrite_css(text: str, base_url: str, resolve: Resolver) -> str:
    """CSS with every url() and @import pointing into the archive (or emptied)."""

    def replace(match: re.Match) -> str:
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if raw is None or raw.strip().lower().startswith(SKIPPED):
            return match.group(0)
        target = resolve(urldefrag(urljoin(base_url, raw.strip()))[0])
        new = target.href if target.kind == "archived" else "about:invalid"
        if match.group(2) is not None:
            return f'url("{new}")'
        return f'@import "{new}"'

    return CSS_URL.sub(replace, text)


def _charset_of(content_type: str) -> str | None:
    match = re.search(r"charset=([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def decode_css(data: bytes, content_type: str) -> str:
    """Text of a style sheet: charset from HTTP, then UTF-8, then GB18030."""
    for charset in (_charset_of(content_type), "utf-8", "gb18030"):
        if charset:
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("utf-8", "replace")


def decode_html(data: bytes, content_type: str) -> str:
    """Text of an HTML page: charset from HTTP, then <meta>, then UTF-8, then GB18030.

    GBK and GB2312 are read as GB18030, their superset, so no character is lost.
    """
    declared = _charset_of(content_type)
    if not declared:
        head = data[:2048].decode("ascii", "replace")
        match = re.search(r"""<meta[^>]+charset=["']?([\w.:-]+)""", head, re.IGNORECASE)
        declared = match.group(1) if match else None
    candidates = [declared] if declared else []
    candidates += ["utf-8", "gb18030"]
    for charset in candidates:
        name = charset.lower()
        if name in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936"):
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def rewrite_html(
    data: bytes,
    content_type: str,
    base_url: str,
    resolve: Resolver,
    banner: Banner,
    cache: dict | None = None,
) -> tuple[bytes, str]:
    """The archived page (UTF-8, references rewritten, scripts removed, banner on top), and its title."""
    text = decode_html(data, content_type)
    try:
        document = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        document = lxml.html.document_fromstring("<html><body></body></html>")
    base = document.find(".//base[@href]")
    if base is not None:
        base_url = urljoin(base_url, base.get("href"))
        base.drop_tree()
    _strip_scripts_and_forgeries(document)

    base_folder = base_url.split("?", 1)[0].rsplit("/", 1)[0]

    def rewrite(raw: str, requisite: bool) -> tuple[str | None, str]:
        raw = raw.strip()
        if not raw or raw.lower().startswith(SKIPPED):
            return raw, "skip"
        # Pages of one folder resolve a reference alike (unless it is a bare ?query).
        key = (base_folder, raw, requisite) if cache is not None and raw[0] != "?" else None
        if key is not None and key in cache:
            return cache[key]
        answer = _rewrite(raw, requisite)
        if key is not None:
            cache[key] = answer
        return answer

    def _rewrite(raw: str, requisite: bool) -> tuple[str | None, str]:
        absolute, fragment = urldefrag(urljoin(base_url, raw))
        target = resolve(absolute)
        if target.kind == "archived":
            return target.href + (f"#{fragment}" if fragment else ""), "archived"
        if requisite or target.kind == "missing":
            return target.href if not requisite else None, target.kind
        return absolute + (f"#{fragment}" if fragment else ""), "external"

    for element in document.iter(etree.Element):
        for attribute in list(element.attrib):
            value = element.get(attribute)
            if attribute[:2].lower() == "on":  # event handlers are scripts
                del element.attrib[attribute]
                continue
            if value.strip().lower().startswith("javascript:"):
                element.set(attribute, "#")
                continue
            if attribute in NAVIGATION_ATTRIBUTES or attribute in REQUISITE_ATTRIBUTES:
                requisite = attribute in REQUISITE_ATTRIBUTES or (
                    element.tag == "link" and _is_requisite_link(element)
                )
                if attribute in ("srcset", "imagesrcset"):
                    kept = []
                    for candidate in value.split(","):
                        parts = candidate.strip().split(None, 1)
                        if not parts:
                            continue
                        new, kind = rewrite(parts[0], True)
                        if new:
                            kept.append(" ".join([new, *parts[1:]]))
                    if kept:
                        element.set(attribute, ", ".join(kept))
                    else:
                        element.attrib.pop(attribute)
                    continue
                new, kind = rewrite(value, requisite)
                if kind == "skip":
                    continue
                if new is None:
                    element.attrib.pop(attribute)
                    element.set("data-archive-missing", "")
                    continue
                element.set(attribute, new)
                if kind == "external":
                    _mark_leaving(element)
                elif kind == "missing":
                    element.set("class", (element.get("class", "") + " " + MISSING_CLASS).strip())
                    element.set("title", "此页面未被归档")
            elif attribute == "style":
                style = INLINE_Z_INDEX_IMPORTANT.sub(r"\1", value)
                element.set("style", rewrite_css(style, base_url, resolve))
        if element.tag == "style" and element.text:
            element.text = rewrite_css(element.text, base_url, resolve)

    title = " ".join((document.findtext(".//title") or "").split())
    return decorate(document, banner), title


def decorate(document, banner: Banner) -> bytes:
    """Add the archive's head (charset, CSP, robots, archived-at, canonical) and the banner."""
    if document.get("id"):
        document.set("data-archive-original-id", document.get("id"))
    document.set("id", f"{banner.nonce}-root")  # lets banner_css pin <html> and <body>
    _set_head(document, banner)
    _insert_banner(document, banner)
    return lxml.html.tostring(document, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")


def _is_requisite_link(element) -> bool:
    rels = set((element.get("rel") or "").lower().split())
    return bool(
        rels & {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "manifest"}
    )


def _mark_leaving(element) -> None:
    if element.tag == "a":
        element.set("class", (element.get("class", "") + " " + LEAVING_CLASS).strip())
        element.set("rel", "noopener noreferrer external")
        element.set("title", "离开归档：此链接指向现行网站或其他网站")
    elif element.tag == "link":
        element.drop_tree()


STRIPPED = etree.XPath(
    "//script | //noscript | //meta[@http-equiv] | //meta[@charset] | //link[@rel='canonical']"
    " | //meta[@name='robots'] | //meta[@name='archived-at'] | //*[@data-archive-banner]"
)
DROPPED_HTTP_EQUIV = ("refresh", "content-security-policy", "content-type")


def _strip_scripts_and_forgeries(document) -> None:
    """Remove scripts, the page's own charset/robots/canonical/CSP, and forged banners."""
    for element in STRIPPED(document):
        if element.get("data-archive-banner") is not None:
            del element.attrib["data-archive-banner"]
        elif element.tag == "noscript":
            element.drop_tag()  # show what the page shows without scripts
        elif (
            element.tag == "meta"
            and element.get("http-equiv") is not None
            and element.get("http-equiv", "").lower() not in DROPPED_HTTP_EQUIV
        ):
            continue
        else:
            element.drop_tree()


def _set_head(document, banner: Banner) -> None:
    head = document.find("head")
    if head is None:
        head = etree.Element("head")
        document.insert(0, head)
    stamp = banner.captured.isoformat(timespec="seconds")
    fresh = [
        etree.Element("meta", charset="utf-8"),
        etree.Element("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}),
        etree.Element("meta", name="robots", content="noindex"),
        etree.Element("meta", name="archived-at", content=stamp),
        etree.Element("link", rel="canonical", href=banner.original_url),
    ]
    for position, element in enumerate(fresh):
        head.insert(position, element)
    style = etree.SubElement(head, "style")  # last in <head>: after every style of the page
    style.text = banner_css(banner.nonce)


# An inline "z-index: … !important" outranks any style sheet; without !important, the
# banner's layering rules (banner_css) can keep the page's elements below the banner.
INLINE_Z_INDEX_IMPORTANT = re.compile(r"(z-index\s*:[^;!]*)!\s*important", re.IGNORECASE)


def banner_css(nonce: str) -> str:
    """Styles scoped to the banner's unpredictable id, reset and !important throughout.

    <html> and <body> are pinned too (an id and stacked :not(#…) outweigh any selector a
    captured page can have), so page CSS cannot move the whole page, banner included, away.
    Each other child of <body> (and body's and html's pseudo-elements) is made its own
    stacking context at level 0: the page's z-indexes keep their order inside it, but
    nothing of the page, however high its z-index, paints over the banner.
    """
    root = f"#{nonce}"
    pin = ":not(#_)" * 4
    page = f"#{nonce}-root{pin}"
    return (
        f"{page},{page}>body{pin}{{display:block!important;visibility:visible!important;"
        "opacity:1!important;transform:none!important;filter:none!important;clip-path:none!important;"
        "position:static!important;top:auto!important;margin-top:0!important;zoom:1!important;"
        "overflow:visible!important;height:auto!important;max-height:none!important}"
        + f"{page}>body{pin}>:not({root}){{z-index:auto!important;isolation:isolate!important}}"
        f"{page}::before,{page}::after,{page}>body{pin}::before,{page}>body{pin}::after"
        "{z-index:auto!important}"
        f"{root}{pin},{root}{pin} *{{all:revert!important;box-sizing:border-box!important;"
        "font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif!important;"
        "visibility:visible!important;opacity:1!important;transform:none!important;"
        "clip-path:none!important;filter:none!important;color:#1d1d1d!important;"
        "font-size:15px!important;line-height:1.6!important}"
        f"{root}{pin}{{display:block!important;position:relative!important;z-index:2147483647!important;"
        "margin:0!important;padding:10px 16px!important;width:auto!important;height:auto!important;"
        "max-height:none!important;overflow:visible!important;background:#fff6d6!important;"
        "border-bottom:3px solid #b2191c!important;text-align:left!important}"
        f"{root}{pin} strong{{display:inline-block!important;color:#fff!important;background:#b2191c!important;"
        "padding:1px 8px!important;margin-right:10px!important;font-weight:700!important}"
        f"{root}{pin} span,{root}{pin} a{{display:inline!important;margin-right:12px!important;"
        "word-break:break-all!important}"
        f"{root}{pin} a{{color:#0b4ea2!important;text-decoration:underline!important}}"
    )


def banner_element(banner: Banner):
    """The banner: 「已归档」, 归档时间 (Asia/Shanghai), the original URL, the current site."""
    E = lxml.html.builder
    stamp = banner.captured.isoformat(timespec="seconds")
    parts = [
        E.STRONG("已归档"),
        E.SPAN("归档时间：", E.TIME(banner.captured.strftime("%Y-%m-%d %H:%M"), datetime=stamp)),
        E.SPAN("原网址：", E.A(banner.original_url, href=banner.original_url, rel="nofollow")),
    ]
    if banner.live_url:
        parts.append(E.SPAN("现行网站：", E.A(banner.live_url, href=banner.live_url)))
    parts.append(E.SPAN("本页为历史归档，内容可能已不再有效。"))
    element = E.DIV(*parts, id=banner.nonce, role="note", lang="zh-CN")
    element.set("data-archive-banner", "")
    return element


def _insert_banner(document, banner: Banner) -> None:
    body = document.find("body")
    if body is None:
        body = etree.SubElement(document, "body")
    element = banner_element(banner)
    element.tail = body.text
    body.text = None
    body.insert(0, element)


def relative_href(from_path: str, to_path: str) -> str:
    """A relative URL from one archived file to another, each segment percent-encoded.

    >>> relative_href("a.gov.cn/zwdt/x.html", "a.gov.cn/index.html")
    '../index.html'
    >>> relative_href("a.gov.cn/index.html", "a.gov.cn/%2e%2e/x.html")
    '%252e%252e/x.html'
    """
    source = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(source) and common < len(target) - 1 and source[common] == target[common]:
        common += 1
    up = [".."] * (len(source) - common)
    down = [quote(segment, safe="~._-") for segment in target[common:]]
    return "/".join(up + down) or "./"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
