"""What parsing a captured page, SVG or XML file may cost, checked before lxml parses it.

lxml's memory grows with elements and attributes (about 250 bytes each), not with bytes:
4 MiB of attributes would take 250 MB. And libxml2's HTML parser checks each attribute of
a tag against all the others before it, so a single tag with 200 000 attributes takes
minutes. A page is therefore scanned first, as the HTML tokenizer reads tags, for the
attributes of its largest tag, then parsed in pieces with its elements and attributes
counted as they are built. In XML (and SVG) a tag cannot contain ``<`` and each attribute
needs ``=``, so counting those bytes bounds both, once the file is in an encoding where
these bytes mean nothing else.
"""

from __future__ import annotations

import itertools
import re

import lxml.html
from lxml import etree

from ..warc.bounds import tick

MAX_NODES = 150_000  # elements and attributes of one document
MAX_TAG_ATTRIBUTES = 1000  # in one tag: real tags have a few dozen
TICK_TAGS = 4096  # tags scanned between checks of the record's time
FEED_CHARS = 64 * 1024
HTML_OPTIONS = {"recover": True, "no_network": True, "huge_tree": False, "default_doctype": True}
RAW_TEXT = frozenset(
    {"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title"}
)
# Encodings in which the bytes "<" and "=" only ever stand for those characters.
ASCII_COMPATIBLE = re.compile(
    r"(utf-?8|us-ascii|ascii|iso-8859-\d+|latin-?1|windows-125\d|cp125\d|gbk|gb2312|gb18030"
    r"|big5|shift_jis|sjis|euc-jp|euc-kr|x-gbk|cp936)\Z",
    re.IGNORECASE,
)
XML_DECLARATION = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})["']""")

_TAG_OR_COMMENT = re.compile(r"<(?:(!--)|(/?)([A-Za-z][^\t\n\f\r />]*))")
# The rest of a start tag, as ``_attributes`` reads it, in one match (possessive: linear).
_TAG_REST = re.compile(
    r"""(?:[\t\n\f\r /]*+[^\t\n\f\r />][^\t\n\f\r />=]*+[\t\n\f\r ]*+"""
    r"""(?:=[\t\n\f\r ]*+(?:"[^"]*+"?|'[^']*+'?|[^\t\n\f\r >]*+))?)*+[\t\n\f\r /]*+>?"""
)
_SPACE_OR_SLASH = re.compile(r"[\t\n\f\r /]*")
_SPACE = re.compile(r"[\t\n\f\r ]*")
_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")


class TooCostly(ValueError):
    """The document would cost too much to parse; the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def html_tag_attributes(text: str, limit: int = MAX_TAG_ATTRIBUTES) -> int:
    """The attributes of the HTML start tag that has the most, when that is more than
    ``limit`` (stopping past it); otherwise some number no more than ``limit``.

    >>> html_tag_attributes('<p a b="x>y" c=d><img src=x><!-- <i a b c d e> -->', limit=2)
    3
    >>> html_tag_attributes('<p a b="x>y" c=d>', limit=3) <= 3
    True
    """
    worst = 0
    position = 0
    end = len(text)
    for count in itertools.count(1):
        if count % TICK_TAGS == 0:
            tick()
        tag = _TAG_OR_COMMENT.search(text, position)
        if tag is None:
            return worst
        if tag.group(1):
            close = text.find("-->", tag.end())
            position = end if close < 0 else close + 3
            continue
        position = _TAG_REST.match(text, tag.end()).end()
        # Each attribute takes a character at least: only a longer tag is counted.
        if position - tag.end() > limit:
            worst = max(worst, _attributes(text, tag.end(), limit)[0])
            if worst > limit:
                return worst
        name = tag.group(3).lower()
        if not tag.group(2) and name in RAW_TEXT:  # its content is text up to its end tag
            close = re.compile(f"</{re.escape(name)}", re.IGNORECASE).search(text, position)
            position = end if close is None else close.start()


def _attributes(text: str, position: int, limit: int) -> tuple[int, int]:
    """How many attributes the tag whose name ends at ``position`` has, and where it ends."""
    count = 0
    end = len(text)
    while True:
        position = _SPACE_OR_SLASH.match(text, position).end()
        if position >= end or text[position] == ">":
            return count, position + 1
        count += 1
        if count > limit:
            return count, position
        position = _NAME.match(text, position).end()
        position = _SPACE.match(text, position).end()
        if position < end and text[position] == "=":
            position = _SPACE.match(text, position + 1).end()
            quote = text[position : position + 1]
            if quote in ('"', "'"):
                close = text.find(quote, position + 1)
                position = end if close < 0 else close + 1
            else:
                position = _UNQUOTED.match(text, position).end()


def parse_html(text: str):
    """The HTML document's root, parsed within the bounds; TooCostly past them."""
    if html_tag_attributes(text) > MAX_TAG_ATTRIBUTES:
        raise TooCostly(f"页面中有一个标签的属性超过 {MAX_TAG_ATTRIBUTES} 个")
    # Every element or attribute takes a character of the text, or two for the few the
    # parser adds (html, body, p): a shorter text cannot reach the bound, so nothing is
    # counted (the pieces fed stay the same, and so does the tree).
    counted = len(text) > MAX_NODES // 2 - 2
    if counted:
        parser = etree.HTMLPullParser(events=("start",), **HTML_OPTIONS)
    else:
        parser = etree.HTMLParser(**HTML_OPTIONS)
    parser.set_element_class_lookup(lxml.html.HtmlElementClassLookup())
    nodes = 0
    for start in range(0, len(text), FEED_CHARS):
        tick()
        parser.feed(text[start : start + FEED_CHARS])
        if counted:
            nodes += sum(1 + len(element.attrib) for _, element in parser.read_events())
        if nodes > MAX_NODES:
            raise TooCostly(f"页面的元素和属性超过 {MAX_NODES} 个")
    try:
        root = parser.close()
    except etree.XMLSyntaxError:
        return None
    tick()
    return root


def xml_encoding(data: bytes) -> str:
    """The encoding an XML file says it is in (by BOM or declaration), UTF-8 by default."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4] in (b"<\0?\0", b"\0<\0?"):
        return "utf-16"
    match = XML_DECLARATION.match(data.removeprefix(b"\xef\xbb\xbf").lstrip())
    return match.group(1).decode("ascii", "replace") if match else "utf-8"


def check_xml_cost(data: bytes, what: str) -> None:
    """TooCostly unless an XML document in memory is cheap to parse."""
    encoding = xml_encoding(data[:1024])
    if not ASCII_COMPATIBLE.match(encoding):
        raise TooCostly(f"{what}使用 {encoding[:20]} 编码，不受支持")
    if data.count(b"<") + data.count(b"=") > MAX_NODES:
        raise TooCostly(f"{what}的元素和属性超过 {MAX_NODES} 个")


class XmlTagScan:
    """The attributes of the largest tag of an XML file read in pieces (a tag holds no "<";
    an attribute needs "=")."""

    def __init__(self) -> None:
        self.current = 0
        self.worst = 0

    def feed(self, data: bytes) -> None:
        pieces = data.split(b"<")
        self.current += pieces[0].count(b"=")
        self.worst = max(self.worst, self.current)
        for piece in pieces[1:]:
            self.current = piece.count(b"=")
            self.worst = max(self.worst, self.current)
