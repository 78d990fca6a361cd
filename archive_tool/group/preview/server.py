"""The live preview's HTTP server: the preview folder, a reload script and a build's state.

Preview responses only, never the built files: each HTML page is sent with one added
``<script src="/__preview__/reload.js?g=N">`` at the end of its body (N: the build the
page comes from). The
script is a file of the same origin and listens with ``EventSource`` to
``/__preview__/events``, so the pages' own Content-Security-Policy (``script-src 'self'``,
``connect-src 'self'``) allows it unchanged. Each build sends its state: a new build
reloads the page; a failed one shows the build's message over the page, which stays the
last good build's, until a build succeeds again. A page the quick path rendered
(group.preview.quick) is served instead of the folder's until the next full build; if that
build fails, the open pages reload to the last good build and show its message.

A path with no file behind it gets ``404`` and a page leading back (``not_found_page``,
also the answer of ``pelican --listen`` through plugins/sitegroup/preview.py).
"""

from __future__ import annotations

import html
import json
import os
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ...headers import policy_meta

PREFIX = "/__preview__/"
KEEP_ALIVE = 15.0  # seconds between comments on the event stream: a closed tab is noticed

RELOAD_JS = """// archive-tool serve: reload after each rebuild, show a failed build's message.
(function () {
  "use strict";
  var built = new URL(document.currentScript.src).searchParams.get("g");
  var overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "preview-build-error";
      overlay.setAttribute("role", "alert");
      Object.assign(overlay.style, {
        position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
        background: "rgba(255,255,255,0.97)", color: "#a40000", padding: "2em",
        font: "16px/1.6 sans-serif", whiteSpace: "pre-wrap"
      });
      document.body.appendChild(overlay);
    }
    overlay.textContent = "构建失败，本页仍是上次成功构建的内容。\\n\\n" + message;
  }
  var events = new EventSource("/__preview__/events");
  events.addEventListener("state", function (event) {
    var state = JSON.parse(event.data);
    if (String(state.generation) !== built) { events.close(); location.reload(); return; }
    if (state.error) { show(state.error); }
  });
})();
"""


@dataclass
class BuildState:
    """The preview's latest build: its number (a new one reloads the pages) and, when the
    latest attempt failed, the build's message (the pages stay the last good build's)."""

    generation: int = 0
    error: str | None = None


class Preview:
    """What the server shows: the folder, the quick path's pages over it until the next full
    build (group.preview.quick), and the build state every open page listens to."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.state = BuildState()
        self.changed = threading.Condition()
        self.closing = False
        self.quick: dict[str, Path] = {}  # a page's path below the folder -> its quick file

    def shown_quickly(self, folder: Path, pages: list[str]) -> None:
        """The quick path rendered ``pages`` (paths below ``folder``, as below the preview
        folder): they are served instead of the folder's until the next full build, and
        every open page reloads."""
        with self.changed:
            self.quick.update({page: folder / page for page in pages})
            self.state = BuildState(self.state.generation + 1, None)
            self.changed.notify_all()

    def built(self) -> None:
        """A build succeeded: the folder is the build's, and every open page reloads."""
        with self.changed:
            self.quick = {}
            self.state = BuildState(self.state.generation + 1, None)
            self.changed.notify_all()

    def failed(self, message: str) -> None:
        """A build failed: every open page shows ``message`` over the last good build (a
        page showing a quick render reloads first); the folder is unchanged."""
        with self.changed:
            generation = self.state.generation + (1 if self.quick else 0)
            self.quick = {}
            self.state = BuildState(generation, message)
            self.changed.notify_all()

    def file_of(self, path: str, local: Path) -> Path:
        """The file to send for the URL path ``path``: a quick page, else ``local``."""
        with self.changed:
            return self.quick.get(unquote(path).lstrip("/"), local)

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()


def make_server(preview: Preview, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server of ``preview`` on ``host``:``port`` (0: any free port); not started."""

    class Handler(PreviewHandler):
        pass

    Handler.preview = preview
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True  # open event streams never hold the exit
    return server


class PreviewHandler(SimpleHTTPRequestHandler):
    preview: Preview

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.preview.folder), **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # the terminal shows the builds, not every request

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == PREFIX + "reload.js":
            self.send_body(RELOAD_JS.encode("utf-8"), "text/javascript; charset=utf-8")
        elif path == PREFIX + "events":
            self.send_events()
        else:
            self.send_file(path)

    def send_file(self, path: str) -> None:
        local = Path(self.translate_path(path))
        if local.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            local = local / "index.html"
            path = path + "index.html"
        local = self.preview.file_of(path, local)
        try:
            body = local.read_bytes()
        except OSError:
            page = not_found_page(unquote(path), self.site_of(path), "archive-tool serve")
            body = with_reload_script(page.encode("utf-8"), self.preview.state.generation)
            self.send_body(body, "text/html; charset=utf-8", HTTPStatus.NOT_FOUND)
            return
        kind = self.guess_type(str(local))
        if kind == "text/html":
            body = with_reload_script(body, self.preview.state.generation)
            kind = "text/html; charset=utf-8"
        self.send_body(body, kind)

    def site_of(self, path: str) -> str | None:
        first, _, rest = unquote(path).strip("/").partition("/")
        return first if rest and os.path.isdir(self.translate_path(f"/{first}/")) else None

    def send_body(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload shows the new build
        self.end_headers()
        self.wfile.write(body)

    def send_events(self) -> None:
        """The build state now and after every build, as server-sent events."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview, sent = self.preview, None
        try:
            while True:
                with preview.changed:
                    if preview.state == sent and not preview.closing:
                        preview.changed.wait(KEEP_ALIVE)
                    state, closing = preview.state, preview.closing
                if closing:
                    return
                if state == sent:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    data = json.dumps({"generation": state.generation, "error": state.error})
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode("utf-8"))
                    sent = state
                self.wfile.flush()
        except OSError:
            return  # the page was closed or reloaded


def with_reload_script(page: bytes, generation: int) -> bytes:
    """``page`` with the preview's reload script before ``</body>`` (else at its end).

    >>> with_reload_script(b"<html><body><p>x</p></body></html>", 3)
    b'<html><body><p>x</p><script src="/__preview__/reload.js?g=3"></script></body></html>'
    """
    script = f'<script src="{PREFIX}reload.js?g={generation}"></script>'.encode("ascii")
    end = page.rfind(b"</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]


def not_found_page(path: str, site: str | None, server: str = "pelican --listen") -> str:
    """The preview's 404 page for ``path`` of the output folder, in the folder ``site`` if any.

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
        f"<p>本地预览（{html.escape(server)}）的 output 目录中没有 <code>{html.escape(path)}</code>。"
        "请检查链接，或重新构建后再访问。</p>"
        f'<ul>{back}<li><a href="/index.html">网站群首页（全部站点）</a></li></ul>'
        "</main></body></html>"
    )
