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

import os
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

from pelican import server

from archive_tool.group.preview.server import not_found_page


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
