"""Rewrite a captured HTML page or style sheet to live inside a static archive.

Every reference (href, src, srcset, poster, data, background, form action and formaction,
xlink:href, CSS url() and @import in <style>, style="" and .css files) goes to the archived
copy when the archive holds it. A link elsewhere stays pointing out, marked as leaving the
archive; a link to an original origin that was not captured goes to the archive's "not
archived" page, and a requisite that was not captured is dropped, so the page never loads
from its origin.

Nothing that runs survives (the policy is in ``active``): <script> and plug-ins, event
handlers, script URLs (however spelled), data: URLs other than images, ``srcdoc``,
``ping``, SVG animations that set a link, CSS ``expression()``; scripts stay in the WARC,
and <noscript> content is shown instead. Search boxes and forms only a script could send
are removed: in an archive they could only lead to an empty page. Where an HTML parser and a browser could read the
same text differently (comments, raw-text elements, <style> inside <svg>), the text is
written so that both read it alike.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import lxml.html
from lxml import etree

from ..headers import ARCHIVE_POLICY
from ..links import is_requisite_link
from .active import (
    ANIMATION_ELEMENTS,
    DROPPED_ATTRIBUTES,
    HARMLESS_LINK_SCHEMES,
    IMAGE_ELEMENTS,
    SCRIPT_ELEMENTS,
    WEB_SCHEMES,
    is_event_attribute,
    is_script_url,
    local_name,
    mentions_script,
    normalize_url,
    scheme_of,
    url_role,
)
from .bannerparts import page_banner_parts
from .bounds import parse_html
from .nodes import remove_keeping_tail, xml_safe
from .references import locate, requisite_url
from .css import StyleTooLarge, decode_css, rewrite_css, rewrite_stylesheet
from .templating import BANNER_PIN, SHIPPED, Banner, Templates

__all__ = [
    "Banner",
    "Target",
    "decode_css",
    "decode_html",
    "decorate",
    "origin_of",
    "relative_href",
    "rewrite_css",
    "rewrite_html",
    "rewrite_stylesheet",
]

LEAVING_CLASS = "archive-external"
MISSING_CLASS = "archive-missing"
MAX_PAGE_BYTES = 4 * 1024 * 1024
CSP = ARCHIVE_POLICY  # also the archive's header in the nginx configuration
# Browsers read these as raw text (or drop them); an HTML parser may not agree on where
# they end, so they go, or keep only their text.
DROPPED_ELEMENTS = SCRIPT_ELEMENTS | {"noembed", "noframes", "base"}
TEXT_ONLY_ELEMENTS = frozenset({"title", "textarea", "xmp", "plaintext", "listing", "iframe"})
KEPT_HTTP_EQUIV = frozenset({"x-ua-compatible", "content-language"})
# Attribute names lxml can look up; a parser can produce others from garbage, which mean
# nothing to a browser but an event handler or a link, so they go.
ATTRIBUTE_NAME = re.compile(r"[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?\Z")


class PageTooLarge(ValueError):
    """A page too large to rewrite within the memory bound; the message is in Chinese."""


@dataclass
class Target:
    """Where a reference ends up: a local relative URL, or outside (kind says how)."""

    href: str | None
    kind: str  # "archived", "external", "missing"


Resolver = Callable[[str], Target]


def _charset_of(content_type: str) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


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


def parse_page(data: bytes, content_type: str):
    """The page as an lxml document (an empty one if it cannot be parsed).

    Bounded: PageTooLarge past MAX_PAGE_BYTES, TooCostly past what ``bounds`` allows.
    """
    if len(data) > MAX_PAGE_BYTES:
        raise PageTooLarge(f"页面超过 {MAX_PAGE_BYTES // (1024 * 1024)} MiB")
    text = xml_safe(decode_html(data, content_type)).replace("\x0c", " ")
    root = parse_html(text)
    if root is None:
        return lxml.html.document_fromstring("<html><body></body></html>")
    return root


def rewrite_html(
    data: bytes,
    content_type: str,
    base_url: str,
    resolve: Resolver,
    banner: Banner,
    cache: dict | None = None,
    templates: Templates = SHIPPED,
) -> tuple[bytes, str]:
    """The archived page (UTF-8, references rewritten, nothing that runs, banner on top),
    and its title."""
    document = parse_page(data, content_type)
    base = document.find(".//base[@href]")
    if base is not None:
        try:
            base_url = urljoin(base_url, normalize_url(base.get("href")))
        except ValueError:
            pass
    _strip_active_elements(document)
    _drop_dead_search(document)
    rewriter = _Rewriter(base_url, resolve, cache)
    for element in document.iter(etree.Element):
        rewriter.rewrite_element(element)
    title = " ".join((document.findtext(".//title") or "").split())
    return decorate(document, banner, templates), title


class _Rewriter:
    """Rewrites the attributes of one page's elements."""

    def __init__(self, base_url: str, resolve: Resolver, cache: dict | None):
        self.base_url = base_url
        self.resolve = resolve
        self.cache = cache
        # Pages of one folder resolve a reference alike (unless it is a bare ?query).
        self.folder = base_url.split("?", 1)[0].rsplit("/", 1)[0]

    def css(self, text: str) -> str:
        try:
            return rewrite_css(text, self.base_url, self.resolve)
        except StyleTooLarge:
            return ""

    def rewrite_element(self, element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        _keep_sane_attributes(element)
        for attribute in list(element.attrib):
            self.rewrite_attribute(element, tag, attribute)
        if tag == "style" and element.text:
            element.text = self.css(element.text)

    def rewrite_attribute(self, element, tag: str, attribute: str) -> None:
        value = element.get(attribute)
        role = _attribute_role(tag, attribute)
        if role == "dropped":
            del element.attrib[attribute]
            return
        if role == "style":
            style = INLINE_Z_INDEX_IMPORTANT.sub(r"\1", value)
            element.set(attribute, xml_safe(self.css(style)))
            return
        if role == "srcset":
            self.rewrite_srcset(element, tag, attribute, value)
        elif role == "navigation":
            self.rewrite_link(element, tag, attribute, value)
        elif role == "requisite":
            if tag == "link" and not is_requisite_link(element.get("rel")):
                self.rewrite_link(element, tag, attribute, value)
            else:
                self.rewrite_requisite(element, tag, attribute, value)
        elif mentions_script(value):
            del element.attrib[attribute]

    def rewrite_srcset(self, element, tag: str, attribute: str, value: str) -> None:
        kept = []
        for candidate in value.split(","):
            parts = candidate.strip().split(None, 1)
            if parts:
                new = self.requisite_url(tag, parts[0])
                if new:
                    kept.append(" ".join([new, *parts[1:]]))
        if kept:
            element.set(attribute, xml_safe(", ".join(kept)))
        else:
            del element.attrib[attribute]

    def rewrite_requisite(self, element, tag: str, attribute: str, value: str) -> None:
        new = self.requisite_url(tag, value)
        if new is None:
            del element.attrib[attribute]
            element.set("data-archive-missing", "")
        elif new != value:
            element.set(attribute, xml_safe(new))

    def requisite_url(self, tag: str, raw: str) -> str | None:
        """Where a requisite is loaded from: the archive, a fragment, an image data: URL."""
        return requisite_url(raw, self.archived, tag in IMAGE_ELEMENTS)

    def archived(self, url: str) -> str | None:
        href, kind = self.resolved(url, True)
        return href if kind == "archived" else None

    def rewrite_link(self, element, tag: str, attribute: str, value: str) -> None:
        url = normalize_url(value)
        scheme = scheme_of(url)
        if (
            not url
            or url.startswith("#")
            or (scheme in HARMLESS_LINK_SCHEMES and tag in ("a", "area"))
        ):
            return
        if scheme not in WEB_SCHEMES:
            if tag in ("a", "area") and local_name(attribute) == "href":
                element.set(attribute, "#")  # still a link, to nowhere
            else:
                del element.attrib[attribute]
            return
        href, kind = self.resolved(url, False)
        if kind == "external" and not (tag in ("a", "area") and local_name(attribute) == "href"):
            if tag == "link":
                element.drop_tree()
            else:
                del element.attrib[attribute]  # only links may leave the archive
            return
        if href is None:
            del element.attrib[attribute]
            return
        element.set(attribute, xml_safe(href))
        if kind == "external":
            _mark_leaving(element)
        elif kind == "missing":
            _add_class(element, MISSING_CLASS)
            element.set("title", "此页面未被归档")

    def resolved(self, raw: str, requisite: bool) -> tuple[str | None, str]:
        key = (self.folder, raw, requisite) if self.cache is not None and raw[0] != "?" else None
        if key is not None and key in self.cache:
            return self.cache[key]
        answer = self._resolve(raw, requisite)
        if key is not None:
            self.cache[key] = answer
        return answer

    def _resolve(self, raw: str, requisite: bool) -> tuple[str | None, str]:
        located = locate(self.base_url, raw, self.resolve)
        if located is None:
            return None, "external"
        absolute, fragment, target = located
        suffix = f"#{fragment}" if fragment else ""
        if target.kind == "archived":
            return target.href + suffix, "archived"
        if requisite or target.kind == "missing":
            return (None if requisite else target.href), target.kind
        return absolute + suffix, "external"


def _remembered(function):
    """The function, remembering its answers for short names (the ones real pages use;
    a hostile page's megabyte-long names are worked out each time, not kept)."""
    cached = functools.lru_cache(maxsize=4096)(function)

    def call(*names: str):
        return cached(*names) if len(names[0]) + len(names[-1]) <= 128 else function(*names)

    return call


@_remembered
def _attribute_role(tag: str, attribute: str) -> str | None:
    """What an attribute of this name is on this element: "dropped" (it runs, or may),
    "style", or its ``url_role``. Names repeat from page to page: each is worked out once."""
    name = local_name(attribute)
    if is_event_attribute(name) or name in DROPPED_ATTRIBUTES:
        return "dropped"
    if name == "style":
        return "style"
    return url_role(tag, attribute)


def _keep_sane_attributes(element) -> None:
    items = element.attrib.items()
    if all(ATTRIBUTE_NAME.match(name) for name, _ in items):
        return
    element.attrib.clear()
    for name, value in items:
        if ATTRIBUTE_NAME.match(name):
            element.set(name, value)


def decorate(document, banner: Banner, templates: Templates = SHIPPED) -> bytes:
    """Add the archive's head (charset, CSP, robots, archived-at, canonical) and the banner."""
    if document.get("id"):
        document.set("data-archive-original-id", document.get("id"))
    document.set("id", f"{banner.nonce}-root")  # lets pin_css pin <html> and <body>
    style, element = page_banner_parts(banner, templates)
    _set_head(document, banner, pin_css(banner.nonce) + style)
    _insert_banner(document, element)
    return lxml.html.tostring(document, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")


def _add_class(element, name: str) -> None:
    classes = (element.get("class") or "").split()
    if name not in classes:
        element.set("class", " ".join([*classes, name]))


def _mark_leaving(element) -> None:
    if element.tag == "a":
        _add_class(element, LEAVING_CLASS)
        element.set("rel", "noopener noreferrer external")
        element.set("title", "离开归档：此链接指向现行网站或其他网站")


STRIPPED = etree.XPath(
    "//noscript | //meta[@http-equiv] | //meta[@charset] | //link[@rel='canonical']"
    " | //meta[@name='robots'] | //meta[@name='archived-at'] | //*[@data-archive-banner]"
)


VALID_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9._:-]*$")


def _strip_active_elements(document) -> None:
    """Remove what runs or could be read two ways, and the page's own charset, robots,
    canonical, CSP and forged banners."""
    for node in list(document.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity)):
        remove_keeping_tail(node)
    for element in list(document.iter(etree.Element)):
        if not isinstance(element.tag, str):
            continue
        tag, rule = _element_rule(element.tag)
        if rule is None:
            continue
        if rule == "invalid":
            # "<a<script>" parses as one element named "a<script"; written back it reads as
            # a script start tag to anything that tokenizes less carefully than a browser.
            element.drop_tag()
        elif rule == "dropped":
            element.drop_tree()
        elif rule == "text only":
            text = element.text_content() if tag != "iframe" else ""
            for child in list(element):
                element.remove(child)
            element.text = text or None
            if tag in ("xmp", "plaintext", "listing"):
                element.tag = "pre"
        elif _animates_a_link(element):
            element.drop_tree()
    for element in STRIPPED(document):
        if element.get("data-archive-banner") is not None:
            del element.attrib["data-archive-banner"]
        elif element.tag == "noscript":
            element.drop_tag()  # show what the page shows without scripts
        elif (
            element.tag == "meta"
            and (element.get("http-equiv") or "").strip().lower() in KEPT_HTTP_EQUIV
        ):
            continue
        else:
            element.drop_tree()


# Search boxes: an archive has no search engine behind it and runs no script, so a search
# box could only lead to an empty page. Marked as a search (role, <search>, type=search).
_LOWER = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
SEARCH_BOXES = etree.XPath(
    f"//*[not(self::html or self::body)][{_LOWER.format('@role')}='search'] | //search"
    f" | //form[.//input[{_LOWER.format('@type')}='search']]"
    f" | //input[{_LOWER.format('@type')}='search']"
)


def _drop_dead_search(document) -> None:
    """Remove the search boxes and the forms that only a script could send (a script
    action, or an onsubmit handler and no action): without scripts, neither works."""
    for element in SEARCH_BOXES(document):
        if element.getparent() is not None:
            element.drop_tree()
    for form in list(document.iter("form")):
        action = form.get("action")
        scripted = action is not None and is_script_url(action)
        if scripted or (not (action or "").strip() and form.get("onsubmit") is not None):
            form.drop_tree()


@_remembered
def _element_rule(name: str) -> tuple[str, str | None]:
    """An element's local name and what stripping may do to it: "invalid" (a name no
    browser reads), "dropped", "text only", "animation", or None (nothing)."""
    tag = local_name(name)
    if not VALID_TAG.match(tag):
        return tag, "invalid"
    if tag in DROPPED_ELEMENTS:
        return tag, "dropped"
    if tag in TEXT_ONLY_ELEMENTS:
        return tag, "text only"
    if tag in ANIMATION_ELEMENTS:
        return tag, "animation"
    return tag, None


def _animates_a_link(element) -> bool:
    """An SVG animation that sets a link, an event handler or a style (or names a script)."""
    target = local_name(element.get("attributename") or "")
    values = " ".join(element.get(name) or "" for name in ("values", "to", "from", "by"))
    return (
        url_role("a", target) is not None
        or is_event_attribute(target)
        or target in ("style", "srcdoc")
        or mentions_script(values)
    )


def _set_head(document, banner: Banner, css: str) -> None:
    head = document.find("head")
    if head is None:
        head = document.makeelement("head")
        document.insert(0, head)
    stamp = banner.captured.isoformat(timespec="seconds")
    # Made in the page's document: etree.Element would make a document for each, and
    # moving an element between documents costs as much again.
    make = document.makeelement
    fresh = [
        make("meta", charset="utf-8"),
        make("meta", {"http-equiv": "Content-Security-Policy", "content": CSP}),
        make("meta", name="archived-at", content=stamp),
        make("link", rel="canonical", href=xml_safe(banner.original_url)),
    ]
    for position, element in enumerate(fresh):
        head.insert(position, element)
    style = etree.SubElement(head, "style")  # last in <head>: after every style of the page
    style.text = css


# An inline "z-index: … !important" outranks any style sheet; without !important, the
# banner's layering rules (pin_css) can keep the page's elements below the banner.
INLINE_Z_INDEX_IMPORTANT = re.compile(r"(z-index\s*:[^;!]*)!\s*important", re.IGNORECASE)


def pin_css(nonce: str) -> str:
    """The page's side of keeping the banner seen (the banner's own look is its template).

    <html> and <body> are pinned (an id and stacked :not(#…) outweigh any selector a
    captured page can have), so page CSS cannot move the whole page, banner included, away.
    Each other child of <body> (and body's and html's pseudo-elements) is made its own
    stacking context at level 0: the page's z-indexes keep their order inside it, but
    nothing of the page, however high its z-index, paints over the banner.
    """
    page = f"#{nonce}-root{BANNER_PIN}"
    return (
        f"{page},{page}>body{BANNER_PIN}{{display:block!important;visibility:visible!important;"
        "opacity:1!important;transform:none!important;filter:none!important;clip-path:none!important;"
        "position:static!important;top:auto!important;margin-top:0!important;zoom:1!important;"
        "overflow:visible!important;height:auto!important;max-height:none!important}"
        + f"{page}>body{BANNER_PIN}>:not(#{nonce}){{z-index:auto!important;isolation:isolate!important}}"
        f"{page}::before,{page}::after,{page}>body{BANNER_PIN}::before,{page}>body{BANNER_PIN}::after"
        "{z-index:auto!important}"
    )


def _insert_banner(document, element) -> None:
    body = document.find("body")
    if body is None:
        body = etree.SubElement(document, "body")
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
    down = [quote(segment, safe="~._-", errors="surrogatepass") for segment in target[common:]]
    return "/".join(up + down) or "./"


def origin_of(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()
