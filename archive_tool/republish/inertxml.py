"""Whether a captured XML file (RSS, Atom, a sitemap) is plain data a browser only shows.

Opened on its own, XML can be an active document: XHTML or SVG elements run their
scripts, an ``xml-stylesheet`` runs XSLT, a DOCTYPE's entities can bring markup in. An XML
file is published as it is only when it has none of these. It is read in pieces, checked
elements are dropped as it goes, and no tag may have more attributes than ``bounds``
allows, so a large sitemap costs no more memory than a small one.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ..warc.verify import shorten
from .bounds import ASCII_COMPATIBLE, MAX_TAG_ATTRIBUTES, XmlTagScan, xml_encoding

READ_BYTES = 256 * 1024
PROLOG_BYTES = 64 * 1024
ACTIVE_NAMESPACES = frozenset(
    {
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1998/Math/MathML",
        "http://www.w3.org/1999/XSL/Transform",
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/2001/XInclude",
        "http://www.mozilla.org/keymaster/gatekeeper/there.is.only.xul",
        "http://www.mozilla.org/xbl",
        "urn:schemas-microsoft-com:vml",
    }
)
PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}
DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


class InertXmlError(ValueError):
    """The XML file may be active, or cannot be read; the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_inert_xml(path: Path) -> None:
    """Raise InertXmlError unless the XML file at ``path`` is plain data."""
    for problem in xml_problems(path):
        raise InertXmlError(f"XML 文件{problem}，未发布")


def xml_problems(path: Path) -> list[str]:
    """What makes an XML file active or too costly to read (for republishing and
    ``verify DIR``); the first such thing found."""
    with open(path, "rb") as stream:
        start = stream.read(PROLOG_BYTES)
        problem = _prolog_problem(start)
        if problem:
            return [problem]
        parser = etree.XMLPullParser(events=("start", "pi"), **PARSER_OPTIONS)
        scan = XmlTagScan()
        chunk = start
        try:
            while chunk:
                scan.feed(chunk)
                if scan.worst > MAX_TAG_ATTRIBUTES:
                    return [f"中有一个标签的属性超过 {MAX_TAG_ATTRIBUTES} 个"]
                parser.feed(chunk)
                problem = _events_problem(parser)
                if problem:
                    return [problem]
                chunk = stream.read(READ_BYTES)
            parser.close()
        except etree.XMLSyntaxError as error:
            return [f"无法解析（{shorten(error, 80)}）"]
    return []


def _prolog_problem(start: bytes) -> str | None:
    encoding = xml_encoding(start)
    if not ASCII_COMPATIBLE.match(encoding):
        return f"使用 {encoding[:20]} 编码，不受支持"
    if DOCTYPE.search(start):
        return "带有 DOCTYPE（其中的实体可能带入可执行内容）"
    return None


def _events_problem(parser) -> str | None:
    for event, node in parser.read_events():
        if event == "pi":
            if node.target.lower() == "xml-stylesheet":
                return "引用了样式表（xml-stylesheet，可能是会执行的 XSLT）"
            continue
        if node.getparent() is None and node.getroottree().docinfo.doctype:
            return "带有 DOCTYPE（其中的实体可能带入可执行内容）"
        problem = _element_problem(node)
        if problem:
            return problem
        _forget_siblings(node)
    return None


def _element_problem(node) -> str | None:
    if not isinstance(node.tag, str):
        return "含有实体引用"
    if etree.QName(node).namespace in ACTIVE_NAMESPACES:
        return f"含有可执行的元素 <{etree.QName(node).localname}>"
    for name in node.attrib:
        if etree.QName(name).namespace in ACTIVE_NAMESPACES:
            return f"含有可执行的属性 {etree.QName(name).localname}"
    return None


def _forget_siblings(node) -> None:
    # Elements already checked are dropped, so memory stays flat for any size.
    parent = node.getparent()
    while parent is not None and node.getprevious() is not None:
        del parent[0]
