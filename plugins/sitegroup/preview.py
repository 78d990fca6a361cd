"""``pelican --listen`` (the local preview) answers a missing page with a 404 page.

Pelican's development server (``pelican.server.ComplexHTTPRequestHandler``, 4.12 and its
main branch) tries the path and its variations (``.html``, ``/index.html``) and, when none
exists, logs "Unable to find …" and returns from ``do_GET`` without sending anything: the
browser shows an empty reply (ERR_EMPTY_RESPONSE), the same report as
getpelican/pelican-blog#15. Every broken link in a preview looked like a crashed server.

The plugin wraps that ``do_GET`` once: a path with no file behind it gets ``404 Not Found``
and a short page in Chinese leading to the site the path belongs to and to the group's
index; everything else is served by Pelican's handler unchanged.
"""

from __future__ import annotations

import html
import os
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

from pelican import server

from archive_tool.headers import policy_meta


def answer_missing_pages() -> None:
    """Make Pelican's preview server send a 404 page where it would send nothing."""
    handler = server.ComplexHTTPRequestHandler
    if getattr(handler.do_GET, "answers_missing_pages", False):
        return  # each site's own Pelican run registers the plugin again
    pelican_do_get = handler.do_GET

    def do_GET(self):
        requested = urlsplit(self.path).path
        if self.get_path_that_exists(requested) is None:
            send_not_found(self, requested)
            return
        pelican_do_get(self)

    do_GET.answers_missing_pages = True
    handler.do_GET = do_GET


def send_not_found(handler, requested: str) -> None:
    path = unquote(requested)
    first, _, rest = path.strip("/").partition("/")
    in_site = bool(rest) and os.path.isdir(handler.translate_path(f"/{first}/"))
    body = not_found_page(path, first if in_site else None).encode("utf-8")
    handler.send_response(HTTPStatus.NOT_FOUND)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def not_found_page(path: str, site: str | None) -> str:
    """The preview's 404 page for ``path`` of output/, in the folder ``site`` if any.

    >>> page = not_found_page("/fgw.bozhou.gov.cn/a.html", "fgw.bozhou.gov.cn")
    >>> '<a href="/fgw.bozhou.gov.cn/index.html">' in page
    True
    """
    back = (
        f'<li><a href="/{html.escape(site)}/index.html">返回 {html.escape(site)} 首页</a></li>'
        if site
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{policy_meta()}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>404 页面不存在 - 网站群本地预览</title></head><body>"
        "<main><h1>404 页面不存在</h1>"
        f"<p>本地预览（pelican --listen）的 output 目录中没有 <code>{html.escape(path)}</code>。"
        "请检查链接，或重新构建后再访问。</p>"
        f'<ul>{back}<li><a href="/index.html">网站群首页（全部站点）</a></li></ul>'
        "</main></body></html>"
    )
