"""What HTML and SVG cleaning do to lxml nodes alike: remove one keeping the text after it,
and keep text to what XML (and so lxml) can hold."""

from __future__ import annotations

import re

NOT_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """The text without the characters lxml (and XML) cannot hold.

    >>> xml_safe("a\\x01b\\x0cc")
    'ab\\x0cc'
    """
    return NOT_XML_CHARS.sub("", text)


def remove_keeping_tail(node) -> None:
    """Take the node (and what it holds) out of its parent; the text that followed it stays.

    >>> from lxml import etree
    >>> root = etree.fromstring("<p>a<!--x-->b<i>c</i>d</p>")
    >>> remove_keeping_tail(root[0]); remove_keeping_tail(root[0])
    >>> etree.tostring(root)
    b'<p>abd</p>'
    """
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
