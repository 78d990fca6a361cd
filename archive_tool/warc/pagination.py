"""List pages a legacy CMS paginates by script: the URLs the HTTP crawl cannot see as links.

Two patterns, read from a page's HTML (script text included):

- TRS WCM's ``createPageHTML(count, current, "index", "html")``, which writes links to
  ``index.html`` and ``index_1.html`` … ``index_{count-1}.html`` when the page runs;
  the count may be a literal or a ``var`` set to one in the page.
- an ``index_N.html`` series (also ``list_N``, ``default_N``, ``more_N``; ``.htm``,
  ``.shtml``): a page that names pages M and N of a series (下一页 and 尾页 links, a
  page-jump ``<option>``, a script string) has the pages between them too. TRS numbers
  page 2 ``index_1``, others (Pelican) ``index_2``: the series starts where the page says.

Other links a script makes cannot be guessed; ``makes_links_by_script`` only says that a
page's inline script or a script file writes or fetches content (``document.write``,
``fetch``, ``XMLHttpRequest``, jQuery's ``$.ajax``…), so the HTTP crawl can say how many
of those it met and that ``--browser`` would follow them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..links import Resolver

MAX_PAGES = 1000  # of one series: more is a number read wrongly, not a list
CREATE_PAGE_HTML = re.compile(
    r"""createPageHTML\s*\(\s*(\w+)\s*,\s*[\w.]+\s*,\s*(['"])([\w.-]+)\2\s*,\s*(['"])(\w+)\4""",
    re.IGNORECASE,
)
VARIABLE = r"""\b(?:var|let|const)?\s*{name}\s*=\s*['"]?(\d+)"""
SERIES = re.compile(
    r"""(?<![\w./-])((?:https?://[\w.:-]+)?/?(?:[\w.-]+/)*)(index|list|default|more)_(\d{1,4})\.(s?html?)\b""",
    re.IGNORECASE,
)


def page_count(argument: str, text: str) -> int:
    """The page count createPageHTML was given: a number, or a variable set to one.

    >>> page_count("5", ""), page_count("countPage", "var countPage = 12;"), page_count("n", "")
    (5, 12, 0)
    """
    if argument.isdigit():
        return int(argument)
    found = re.search(VARIABLE.format(name=re.escape(argument)), text)
    return int(found.group(1)) if found else 0


def paginated_urls(data: bytes, base_url: str) -> list[str]:
    """The pages of the lists this HTML paginates by the patterns above, in order.

    >>> paginated_urls(b'<script>createPageHTML(3, 0, "index", "html");</script>',
    ...     "http://x.gov.cn/xwzx/")
    ['http://x.gov.cn/xwzx/index.html', 'http://x.gov.cn/xwzx/index_1.html', 'http://x.gov.cn/xwzx/index_2.html']
    >>> paginated_urls(b'<a href="list_1.shtml">2</a><a href="list_3.shtml">\\xe5\\xb0\\xbe\\xe9\\xa1\\xb5</a>',
    ...     "http://x.gov.cn/a/list.shtml")
    ['http://x.gov.cn/a/list_1.shtml', 'http://x.gov.cn/a/list_2.shtml', 'http://x.gov.cn/a/list_3.shtml']
    >>> paginated_urls(b'<a href="t20200101_123456.html">', "http://x.gov.cn/")
    []
    """
    text = data.decode("utf-8", "replace")
    resolve = Resolver(base_url)
    found: dict[str, None] = {}  # ordered, without repeats
    for match in CREATE_PAGE_HTML.finditer(text):
        count = min(page_count(match.group(1), text), MAX_PAGES)
        name, ext = match.group(3), match.group(5)
        if count > 0:
            found[resolve(f"{name}.{ext}")] = None
        for number in range(1, count):
            found[resolve(f"{name}_{number}.{ext}")] = None
    bounds: dict[tuple[str, str, str], tuple[int, int]] = {}
    for match in SERIES.finditer(text):
        folder, name, number, ext = (
            match.group(1),
            match.group(2),
            int(match.group(3)),
            match.group(4),
        )
        low, high = bounds.get((folder, name, ext), (number, number))
        bounds[(folder, name, ext)] = (min(low, number), max(high, number))
    for (folder, name, ext), (first, last) in bounds.items():
        for number in range(first, min(last, first + MAX_PAGES) + 1):
            found[resolve(f"{folder}{name}_{number}.{ext}")] = None
    return list(found)


SCRIPT_TYPES = ("application/javascript", "text/javascript", "application/x-javascript")
SCRIPT_OPEN = re.compile(rb"<script[\s>/]", re.IGNORECASE)
SCRIPT_CLOSE = re.compile(rb"</script", re.IGNORECASE)
SCRIPT_SRC = re.compile(rb"\bsrc\s*=", re.IGNORECASE)
WRITES_OR_FETCHES = re.compile(
    rb"""document\.write(?:ln)?\s*\(|\bfetch\s*\(|\bXMLHttpRequest\b|\bActiveXObject\s*\("""
    rb"""|\$\.(?:ajax|get|getJSON|post)\s*\(|\.load\s*\(\s*['"]|\.innerHTML\s*\+?=""",
    re.IGNORECASE,
)
DEFINES_CREATE_PAGE_HTML = re.compile(rb"function\s+createPageHTML\b")


def makes_links_by_script(data: bytes, content_type: str) -> bool:
    """Whether an HTML page's inline scripts, or a script file, write or fetch content (TRS's
    own ``createPageHTML``, whose pages ``paginated_urls`` finds, aside).

    >>> makes_links_by_script(b"<script>document.write('<a href=x>')</script>", "text/html")
    True
    >>> makes_links_by_script(b'<script src="a.js"></script><p>fetch(</p>', "text/html")
    False
    >>> makes_links_by_script(b'fetch("/list.json").then(fill)', "application/javascript")
    True
    >>> makes_links_by_script(b"function createPageHTML(n) { document.write(n) }", "text/javascript")
    False
    """
    if content_type in SCRIPT_TYPES:
        return not DEFINES_CREATE_PAGE_HTML.search(data) and bool(WRITES_OR_FETCHES.search(data))
    return any(
        WRITES_OR_FETCHES.search(code) and not DEFINES_CREATE_PAGE_HTML.search(code)
        for code in inline_scripts(data)
    )


def inline_scripts(data: bytes) -> Iterator[bytes]:
    """The code of each ``<script>`` without ``src``, in one linear pass (no regular
    expression that a page of unclosed tags could make quadratic).

    >>> list(inline_scripts(b'<SCRIPT>a < b; f()</script><script src=x></script><scripts>b'))
    [b'a < b; f()']
    """
    start = 0
    while found := SCRIPT_OPEN.search(data, start):
        head_end = data.find(b">", found.end() - 1)
        if head_end == -1:
            return
        closing = SCRIPT_CLOSE.search(data, head_end)
        end = closing.start() if closing else len(data)
        if not SCRIPT_SRC.search(data, found.end() - 1, head_end):
            yield data[head_end + 1 : end]
        start = max(end, head_end + 1)
