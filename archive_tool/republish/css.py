"""Style sheets rewritten to live inside the archive: references point into it, nothing runs.

CSS is read as a browser reads it, token by token (tinycss2), so an escaped ``u\\72l(``
or ``expr\\65ssion(`` is recognised. ``url()``, ``src()``, ``image-set()`` strings and
``@import`` point to the archived copy, or to ``about:invalid`` when the archive does not
hold it; ``expression()``, ``behavior`` and ``-moz-binding`` (script in old browsers) and
script or document ``data:`` URLs are removed; ``@charset`` goes, since the archive writes
UTF-8. A ``<`` that could open a tag is escaped, so the text is safe inside ``<style>``
wherever a browser's HTML parser puts it (also inside ``<svg>``, where <style> is not
raw text).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import tinycss2
from tinycss2 import ast

from ..warc.verify import shorten
from .active import WEB_SCHEMES, is_safe_data_url, scheme_of
from .references import archived_href, requisite_url

MAX_STYLE_CHARS = 1024 * 1024  # tinycss2 holds every token: about 60 MB per MiB of CSS
INVALID = "about:invalid"
URL_FUNCTIONS = frozenset({"url", "src"})
URL_STRING_FUNCTIONS = frozenset({"image-set", "-webkit-image-set"})
SCRIPT_FUNCTIONS = frozenset({"expression"})
SCRIPT_PROPERTIES = frozenset({"behavior", "-ms-behavior", "-moz-binding"})
REMOVED_PROPERTY = "-archive-removed"
# Text without any of these has nothing to rewrite (and nothing hidden behind an escape).
WORTH_PARSING = re.compile(
    r"url|src|image|expression|behavio|binding|@import|@charset|\\|<|script|data:", re.IGNORECASE
)
TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
GBK_NAMES = ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936", "gb18030")

Resolver = Callable[[str], object]  # url → rewrite.Target (href, kind)


class StyleTooLarge(ValueError):
    """A style sheet too large to rewrite within the memory bound."""


def _charset_of(content_type: str) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def _declared_charset(data: bytes) -> str | None:
    match = re.match(rb'@charset "([\w.:-]{1,40})";', data)
    return match.group(1).decode("ascii") if match else None


def decode_css(data: bytes, content_type: str) -> str:
    """Text of a style sheet: BOM, then the HTTP charset, then ``@charset``, then UTF-8,
    then GB18030 (GBK and GB2312 are read as GB18030, their superset).

    >>> decode_css('@charset "gbk"; a { font-family: "宋体" }'.encode("gbk"), "text/css")
    '@charset "gbk"; a { font-family: "宋体" }'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    candidates = [_charset_of(content_type), _declared_charset(data), "utf-8", "gb18030"]
    for charset in filter(None, candidates):
        name = "gb18030" if charset.lower() in GBK_NAMES else charset
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def rewrite_css(text: str, base_url: str, resolve: Resolver) -> str:
    """CSS with every reference pointing into the archive (or emptied) and nothing that runs."""
    if not WORTH_PARSING.search(text):
        return text
    if len(text) > MAX_STYLE_CHARS:
        raise StyleTooLarge(f"样式表超过 {MAX_STYLE_CHARS // 1024} KiB")
    try:
        nodes = tinycss2.parse_component_value_list(text, skip_comments=True)
        cleaned = _clean(nodes, _url_rewriter(base_url, resolve), top=True)
        css = tinycss2.serialize(cleaned)
    except RecursionError:  # thousands of nested blocks: nothing a real sheet has
        return ""
    return escape_tag_opens(css)


def escape_tag_opens(css: str) -> str:
    r"""CSS with every ``<`` that an HTML parser could take for a tag written ``\3c ``.

    Escapes are followed, so an escaped ``\<`` becomes ``\3c `` too (the same character
    to CSS) and an escaped backslash stays one.

    >>> print(escape_tag_opens('a[title="</style>"] { }'), escape_tag_opens("(w < 9px)"))
    a[title="\3c /style>"] { } (w < 9px)
    >>> print(escape_tag_opens(r"\\<b \<i"))
    \\\3c b \3c i
    """
    if "<" not in css:
        return css
    out = []
    index = 0
    while index < len(css):
        char = css[index]
        if char == "\\" and index + 1 < len(css):
            following = css[index + 1]
            out.append("\\3c " if following == "<" else char + following)
            index += 2
            continue
        if char == "<" and TAG_OPEN.match(css, index):
            out.append("\\3c ")
        else:
            out.append(char)
        index += 1
    return "".join(out)


def rewrite_stylesheet(data: bytes, content_type: str, base_url: str, resolve: Resolver) -> bytes:
    """A captured .css file as UTF-8, rewritten; it says it is UTF-8 when it needs to."""
    css = rewrite_css(decode_css(data, content_type), base_url, resolve)
    if not css.isascii():
        css = '@charset "utf-8";\n' + css
    return css.encode("utf-8")


def _url_rewriter(base_url: str, resolve: Resolver) -> Callable[[str], str]:
    def archived(url: str) -> str | None:
        return archived_href(base_url, url, resolve)

    def rewrite(raw: str) -> str:
        # data: URLs are taken only as images, fonts or media; from nowhere is about:invalid
        kept = requisite_url(raw, archived, True)
        return INVALID if kept is None else kept

    return rewrite


def _clean(nodes: list, rewrite: Callable[[str], str], top: bool = False) -> list:
    out: list = []
    skipping_rule = False  # inside an @charset rule, up to its ";"
    importing = False  # after @import, before its URL
    for node in nodes:
        kind = node.type
        if skipping_rule:
            skipping_rule = not (kind == "literal" and node.value == ";")
            continue
        if kind == "at-keyword" and node.lower_value == "charset" and top:
            skipping_rule = True
            continue
        if kind == "error" and node.kind in (
            "bad-url",
            "bad-string",
            "eof-in-string",
            "eof-in-url",
        ):
            continue
        if kind == "literal" and node.value in ("<!--", "-->"):
            continue  # no-ops in a style sheet; an HTML parser reads them as markup
        if kind == "at-keyword" and node.lower_value == "import":
            importing = True
        elif importing and kind == "string":
            node = _string(node, rewrite(node.value))
            importing = False
        elif kind not in ("whitespace",):
            importing = False
        out.append(_clean_node(node, rewrite))
    return [node for node in out if node is not None]


def _clean_node(node, rewrite):
    kind = node.type
    if kind == "string":
        return _string(node, node.value)  # closed, even where the sheet ended inside it
    if kind == "url":
        new = rewrite(node.value)
        return ast.URLToken(node.source_line, node.source_column, new, _url_text(new))
    if kind == "ident" and node.lower_value in SCRIPT_PROPERTIES:
        return ast.IdentToken(node.source_line, node.source_column, REMOVED_PROPERTY)
    if kind == "function":
        name = node.lower_name
        if name in SCRIPT_FUNCTIONS:
            return None
        arguments = node.arguments
        if name in URL_FUNCTIONS or name in URL_STRING_FUNCTIONS:
            arguments = [
                _string(arg, rewrite(arg.value)) if arg.type == "string" else arg
                for arg in arguments
            ]
        return ast.FunctionBlock(
            node.source_line, node.source_column, node.name, _clean(arguments, rewrite)
        )
    if kind in ("() block", "[] block", "{} block"):
        return type(node)(node.source_line, node.source_column, _clean(node.content, rewrite))
    return node


def _string(node, value: str):
    text = '"' + tinycss2.serializer.serialize_string_value(value) + '"'
    return ast.StringToken(node.source_line, node.source_column, value, text)


def _url_text(value: str) -> str:
    return 'url("' + tinycss2.serializer.serialize_string_value(value) + '")'


# -- what verify DIR looks for -----------------------------------------------------------


def css_references(text: str) -> list[str]:
    """Every URL a style sheet refers to (url(), src(), image-set(), @import), as a browser
    tokenises it."""
    found: list[str] = []
    try:
        _collect(tinycss2.parse_component_value_list(text, skip_comments=True), found, [])
    except RecursionError:
        found.append(INVALID)
    return found


def css_problems(text: str) -> list[str]:
    """What in a style sheet could run script (for ``verify DIR``)."""
    problems: list[str] = []
    try:
        nodes = tinycss2.parse_component_value_list(text, skip_comments=True)
        urls: list[str] = []
        _collect(nodes, urls, problems)
    except RecursionError:
        return ["样式嵌套过深，无法检查"]
    for url in urls:
        scheme = scheme_of(url)
        if scheme == "data" and not is_safe_data_url(url):
            problems.append(f"样式引用了可执行的 data: 网址 {shorten(url, 60)}")
        elif scheme not in WEB_SCHEMES and scheme not in ("data", "about"):
            problems.append(f"样式引用了 {scheme}: 网址")
    if TAG_OPEN.search(text):
        problems.append("样式中有未转义的「<」，可能被浏览器当作标签")
    return problems


def _collect(nodes, urls: list[str], problems: list[str]) -> None:
    importing = False
    for node in nodes:
        kind = node.type
        if kind == "url":
            urls.append(node.value)
        elif kind == "at-keyword":
            importing = node.lower_value == "import"
            continue
        elif importing and kind == "string":
            urls.append(node.value)
        elif kind == "ident" and node.lower_value in SCRIPT_PROPERTIES:
            problems.append(f"样式使用了可执行的属性 {node.lower_value}")
        elif kind == "function":
            if node.lower_name in SCRIPT_FUNCTIONS:
                problems.append(f"样式使用了可执行的 {node.lower_name}()")
            if node.lower_name in URL_FUNCTIONS or node.lower_name in URL_STRING_FUNCTIONS:
                urls += [arg.value for arg in node.arguments if arg.type == "string"]
            _collect(node.arguments, urls, problems)
        elif kind in ("() block", "[] block", "{} block"):
            _collect(node.content, urls, problems)
        if kind != "whitespace":
            importing = False
