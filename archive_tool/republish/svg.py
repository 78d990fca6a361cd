"""Captured SVG files rewritten through an allowlist, so an archived SVG runs nothing.

Opened on its own, an SVG file is a document that can run script (``<script>``,
``onload``, ``javascript:`` links, animations that set ``href``, HTML inside
``<foreignObject>``). What stays: the SVG elements that draw (shapes, text, paths,
gradients, patterns, masks, filters, ``<use>``, ``<image>``, ``<style>``) with their
attributes; references within the file, into the archive, or to a data: image. Everything
else goes, as do the DOCTYPE (entities could smuggle markup back in), comments and
processing instructions. The same walk, without a resolver, tells ``verify DIR`` what
in an SVG file is not allowed.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..warc.verify import shorten
from .active import (
    is_event_attribute,
    is_safe_data_url,
    mentions_script,
    normalize_url,
    scheme_of,
)
from .bounds import TooCostly, check_xml_cost
from .css import css_problems, rewrite_css
from .nodes import remove_keeping_tail
from .references import archived_href, requisite_url

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_ATTRIBUTES = frozenset(
    f"{{http://www.w3.org/XML/1998/namespace}}{name}" for name in ("space", "lang")
)
MAX_SVG_BYTES = 4 * 1024 * 1024
ALLOWED = frozenset(
    """svg g defs symbol use title desc path rect circle ellipse line polyline polygon
    text tspan textPath a image switch marker pattern clipPath mask linearGradient
    radialGradient stop filter style view feBlend feColorMatrix feComponentTransfer
    feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight
    feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge
    feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight
    feTile feTurbulence""".split()  # noqa: SIM905
)
IMAGE_ELEMENTS = frozenset({"image", "feImage"})
PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}

UrlPolicy = Callable[[str, str], str | None]  # (element's local name, url) → kept URL or None


class SvgError(ValueError):
    """Not an SVG document that can be cleaned; the message says why, in Chinese."""


def parse_svg(data: bytes):
    """The SVG document's root element (no DTD, no entities, no network)."""
    try:
        check_xml_cost(data, "SVG 文件")
    except TooCostly as error:
        raise SvgError(error.message) from None
    try:
        root = etree.fromstring(data, etree.XMLParser(**PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError) as error:
        raise SvgError(f"SVG 文件无法解析（{shorten(error, 80)}）") from None
    if root is None or root.tag != f"{{{SVG_NS}}}svg":
        raise SvgError("不是 SVG 文档（根元素不是 SVG 命名空间的 <svg>）")
    return root


def clean_svg(data: bytes, base_url: str, resolve) -> bytes:
    """The SVG file with only what draws, every reference inside the archive."""
    root = parse_svg(data)

    def archived(url: str) -> str | None:
        return archived_href(base_url, url, resolve)

    def policy(element: str, url: str) -> str | None:
        if not normalize_url(url):  # the document itself: its archived copy
            return archived("")
        return requisite_url(url, archived, element in IMAGE_ELEMENTS)

    _clean_element(root, "svg", policy, lambda css: rewrite_css(css, base_url, resolve), [])
    _walk(root, policy, lambda css: rewrite_css(css, base_url, resolve), [])
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def svg_problems(data: bytes) -> list[str]:
    """What in an archived SVG file is not allowed (for ``verify DIR``)."""
    try:
        root = parse_svg(data)
    except SvgError as error:
        return [error.args[0]]
    problems: list[str] = []
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        problems.append("SVG 文件带有 DOCTYPE（其中的实体可能带入可执行内容）")

    def policy(element: str, url: str) -> str | None:
        value = normalize_url(url)
        scheme = scheme_of(value)
        if value.startswith("#") or (scheme == "" and not value.startswith("//")):
            return value
        if scheme == "data" and element in IMAGE_ELEMENTS and is_safe_data_url(value):
            return value
        return None

    def style(css: str) -> str:
        problems.extend(f"SVG 的{problem}" for problem in css_problems(css))
        return css

    _clean_element(root, "svg", policy, style, problems)
    _walk(root, policy, style, problems)
    return problems


def _walk(parent, policy: UrlPolicy, style: Callable[[str], str], removed: list[str]) -> None:
    """Keep the allowed children of ``parent`` (recursively), cleaned; remove the rest."""
    for node in list(parent):
        if not isinstance(node.tag, str):  # an entity reference
            _remove(node, removed, "实体引用")
            continue
        qname = etree.QName(node)
        if qname.namespace != SVG_NS or qname.localname not in ALLOWED:
            _remove(node, removed, f"<{qname.localname}> 元素")
            continue
        _clean_element(node, qname.localname, policy, style, removed)
        _walk(node, policy, style, removed)


def _clean_element(node, name: str, policy, style, removed: list[str]) -> None:
    for attribute in list(node.attrib):
        _clean_attribute(node, name, attribute, policy, style, removed)
    if name == "style" and node.text:
        node.text = style(node.text)


def _clean_attribute(node, name, attribute, policy, style, removed) -> None:
    value = node.get(attribute)
    qname = etree.QName(attribute)
    local = qname.localname
    if is_event_attribute(local):
        reason = f"{local} 事件属性"
    elif qname.namespace not in (None, XLINK_NS) and attribute not in XML_ATTRIBUTES:
        reason = f"{local} 属性（{qname.namespace}）"
    elif local == "href":
        kept = policy(name, value)
        if kept is not None:
            if kept != value:
                node.set(attribute, kept)
            return
        reason = f"<{name}> 的链接 {shorten(value, 60)}"
    elif mentions_script(value):
        reason = f"{local} 属性中的脚本网址"
    elif local == "style" or "url(" in value.lower():
        new = style(value)
        if new != value:
            node.set(attribute, new)
        return
    else:
        return
    del node.attrib[attribute]
    removed.append(f"SVG 中有{reason}")


def _remove(node, removed: list[str], what: str) -> None:
    removed.append(f"SVG 中有{what}")
    remove_keeping_tail(node)
