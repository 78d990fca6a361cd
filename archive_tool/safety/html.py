"""Raw HTML in an editor's Markdown, through an allowlist (nh3, the Rust ammonia sanitiser).

Markdown lets an editor write any HTML; a page of a government site must carry none that
runs: no script, no event handler, no ``javascript:`` or ``data:`` URL, no iframe, object
or form. nh3 keeps the tags and attributes listed here and drops everything else,
including the content of script and style elements.
"""

from __future__ import annotations

import nh3

# What Markdown (with Pelican's "extra" and "codehilite") produces, and what editors use
# for tables and figures.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href", "rel"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise(html: str) -> str:
    """The HTML with only allowlisted tags, attributes and URL schemes.

    >>> sanitise('<p onclick="x()">正文<script>alert(1)</script></p>')
    '<p>正文</p>'
    >>> sanitise('<a href="javascript:x">链接</a><iframe src="https://evil.example/"></iframe>')
    '<a>链接</a>'
    >>> sanitise('<img src="data:image/png;base64,AA">')
    '<img>'
    """
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=False,
    )
