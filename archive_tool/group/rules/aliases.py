"""An article's former addresses (``aliases:``, as Hugo names them), 第八条（四）.

An editor who moves an article (a renamed column, a new slug) lists its old addresses::

    Aliases: /tzgg/202605/old-name.html, /old/notice/

Each becomes, in the site's own build, a small redirect page at the old path (for hosts
without nginx: ``<meta http-equiv="refresh">``, a canonical link and a visible link; the
site's CSP forbids inline script), and, in the nginx configuration the group build writes
(group.continuity.addresses), a 301 to the new address.

An alias is hostile input until checked: it must be a path of this site (``/`` first, no
scheme or host, no ``.``/``..`` segment, no query), made of letters, digits and ``-._~%/+``
only, so that nothing an editor writes can reach the nginx configuration but a plain path.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from ...compliance import shorten
from ...errors import ToolkitError
from ...headers import policy_meta

ALIAS_KEY = "aliases"
ALIAS_ARTICLE = "第八条（四）"
MAX_ALIAS = 300
SEPARATORS = re.compile(r"[,，]")
SAFE_PATH = re.compile(r"^/[\w\-.~%/+]*$")
ESCAPES = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Folders the build itself fills: an alias there would shadow or be shadowed by them.
RESERVED = ("archive", "theme", "pagefind", "pagefind-group")
REFRESH = 'http-equiv="refresh"'


def split_aliases(value: object) -> list[str]:
    """The addresses of an ``aliases:`` value, comma-separated on one line.

    >>> split_aliases("/a.html, /b/ ，/c")
    ['/a.html', '/b/', '/c']
    """
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items for part in SEPARATORS.split(str(item)) if part.strip()]


def alias_problem(alias: str) -> str | None:
    """Why ``alias`` is not a path of this site that a redirect can answer, or None.

    >>> alias_problem("/tzgg/202605/old.html") is None
    True
    >>> alias_problem("http://evil/")
    '应为本站的路径，以 / 开头（如 /tzgg/202605/old.html），不能写网址或域名'
    >>> alias_problem("/../../etc")
    '路径中不能有 . 或 .. 段'
    """
    if len(alias) > MAX_ALIAS:
        return f"过长（超过 {MAX_ALIAS} 个字符）"
    if not alias.startswith("/") or alias.startswith("//"):
        return "应为本站的路径，以 / 开头（如 /tzgg/202605/old.html），不能写网址或域名"
    if "?" in alias or "#" in alias:
        return "不能带查询参数（?）或锚点（#）：服务器按路径跳转"
    if not SAFE_PATH.match(alias) or ESCAPES.search(alias):
        return "只能由字母、数字、汉字和 - . _ ~ % / + 组成，不能有空格、引号、分号或括号"
    try:
        decoded = unquote(alias, errors="strict")
    except UnicodeDecodeError:
        return "百分号编码不是有效的 UTF-8"
    if not SAFE_PATH.match(decoded):
        return "解码后含有不允许的字符（空格、引号、分号、括号或控制字符）"
    segments = decoded.split("/")[1:]
    if any(segment in (".", "..") for segment in segments):
        return "路径中不能有 . 或 .. 段"
    if "" in segments[:-1]:
        return "路径中不能有连续的 /"
    if segments[0] in RESERVED:
        return f"/{segments[0]}/ 由网站群构建生成，不能作为旧网址"
    return None


def check_aliases(value: object) -> Iterator[str]:
    """A message for each alias of an ``aliases:`` value that cannot be used."""
    for alias in split_aliases(value):
        problem = alias_problem(alias)
        if problem:
            yield f"旧网址「{shorten(alias)}」{problem}"


def alias_file(alias: str) -> str:
    """The file a redirect page for ``alias`` is written to, below the site's root.

    >>> alias_file("/tzgg/old.html"), alias_file("/old/"), alias_file("/old/page")
    ('tzgg/old.html', 'old/index.html', 'old/page/index.html')
    """
    path = unquote(alias).lstrip("/")
    if not path or path.endswith("/"):
        return path + "index.html"
    if posixpath.splitext(path)[1].lower() in (".html", ".htm"):
        return path
    return path + "/index.html"


def redirect_page(target: str, canonical: str, title: str) -> str:
    """A page that sends a browser on to ``target`` without script (the CSP forbids inline
    script): a zero-second refresh, the canonical address and a link to follow by hand."""
    href = html.escape(target)
    shown = html.escape(shorten(title, 100))
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">{policy_meta()}'
        '<meta name="robots" content="noindex">'
        f'<meta http-equiv="refresh" content="0; url={href}">'
        f'<link rel="canonical" href="{html.escape(canonical)}">'
        f"<title>页面已迁移：{shown}</title></head>\n"
        f'<body><p>本页面已迁移到新网址：<a href="{href}">{shown}</a></p></body></html>\n'
    )


def write_alias_pages(site_dir: Path, articles: list, site_url: str) -> int:
    """A redirect page at every alias of ``articles`` (objects with ``aliases``, ``url`` and
    ``title``), in the site's output; refuse one that would replace a page of the build."""
    written = 0
    for article in articles:
        for alias in split_aliases(getattr(article, ALIAS_KEY, None) or ""):
            if alias_problem(alias):
                continue  # the group check refused it before the build; never written
            relative = alias_file(alias)
            target = site_dir / relative
            if target.exists():
                raise ToolkitError(
                    f"文章「{shorten(article.title)}」的旧网址「{shorten(alias)}」"
                    f"与本站现有页面 {relative} 相同：请删除这条 aliases"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            depth = relative.count("/")
            href = "../" * depth + quote(article.url)
            canonical = f"{site_url}/{quote(article.url)}"
            target.write_text(redirect_page(href, canonical, article.title), encoding="utf-8")
            written += 1
    return written
