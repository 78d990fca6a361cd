"""What a site publishes, by URL: from the built output folder, or over HTTP(S).

Every URL the monitor handles is a site's public URL (``https://<domain>/<path>``), so a
finding names the page a person opens. ``FolderFetcher`` answers from
``output/<domain>/`` as the web server would; ``HttpFetcher`` visits the live site (or the
address ``--url-pattern`` gives for a group domain, e.g. a preview server) with a time
limit for the whole visit (15 s in the national method) and a size limit for the body.
"""

from __future__ import annotations

import http.client
import mimetypes
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .. import __version__

VISIT_TIMEOUT = 15.0  # seconds: a visit still not loaded after this has failed (19号)
MAX_BODY_BYTES = 5 * 1024 * 1024  # a page or file is read no further than this
PROBE_BYTES = 64 * 1024  # enough of a download or image to know that it arrives
READ_BYTES = 64 * 1024
USER_AGENT = (
    f"archive-tool-monitor/{__version__} (+https://www.bozhou.gov.cn/; site-group monitoring)"
)
URL_SAFE = "/%:@!$&'()*+,;=-._~?"  # what stays as written when a URL is percent-encoded
PAGE_SUFFIXES = ("", ".html", ".htm", ".shtml", ".jsp", ".php", ".aspx")


@dataclass(frozen=True)
class Response:
    url: str  # the public URL asked for
    status: int | None  # HTTP status (404 for a missing file); None when there was none
    content_type: str = ""
    body: bytes = b""
    seconds: float = 0.0
    error: str = ""  # why there was no usable response, in Chinese
    charset: str = ""  # from the Content-Type header, when the server named one

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300

    @property
    def html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")

    @property
    def problem(self) -> str:
        """What went wrong, as evidence: '超时…', 'HTTP 404', …"""
        if self.error:
            return self.error
        if self.status is not None and not self.ok:
            return f"HTTP {self.status}"
        return ""


def canonical(url: str) -> str:
    """A URL without its fragment, with ``…/index.html`` as its folder (as the server
    serves it), so that one page is requested once.

    >>> canonical("https://a.gov.cn/zwdt/index.html#top")
    'https://a.gov.cn/zwdt/'
    >>> canonical("HTTPS://A.gov.cn")
    'https://a.gov.cn/'
    """
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def is_page_url(url: str) -> bool:
    """True when the URL names a page rather than a file to download.

    >>> is_page_url("https://a.gov.cn/zwdt/"), is_page_url("https://a.gov.cn/f/a.pdf")
    (True, False)
    """
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return suffix in PAGE_SUFFIXES


def _content_type(name: str) -> str:
    if name.endswith((".html", ".htm")):
        return "text/html"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class FolderFetcher:
    """Answers for the group's domains from the build output: ``output/<domain>/…``."""

    mode = "built"

    def __init__(self, output: Path, domains: set[str]):
        self.output = Path(output)
        self.domains = {domain.lower() for domain in domains}

    def get(self, url: str, limit: int = MAX_BODY_BYTES) -> Response:
        start = time.monotonic()
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host not in self.domains:
            return Response(url, None, error="不在构建输出中（外部链接只在在线监测时检查）")
        root = (self.output / host).resolve()
        path = (root / unquote(parts.path).lstrip("/")).resolve()
        if path != root and root not in path.parents:
            return Response(url, 404, seconds=time.monotonic() - start)
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return Response(url, 404, seconds=time.monotonic() - start)
        try:
            with path.open("rb") as stream:
                body = stream.read(limit)
        except OSError as error:
            return Response(url, None, error=f"无法读取：{error.strerror}")
        return Response(url, 200, _content_type(path.name), body, time.monotonic() - start)


class _NoUnsafeRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class HttpFetcher:
    """Visits URLs over HTTP(S); a group domain's URL goes to ``pattern`` (``{domain}``)."""

    mode = "live"

    def __init__(
        self,
        domains: set[str],
        pattern: str = "https://{domain}/",
        timeout: float = VISIT_TIMEOUT,
    ):
        self.domains = {domain.lower() for domain in domains}
        self.pattern = pattern
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoUnsafeRedirects)

    def address(self, url: str) -> str:
        """Where a public URL is fetched from.

        >>> HttpFetcher({"a.gov.cn"}, "http://127.0.0.1:8000/{domain}/").address(
        ...     "https://a.gov.cn/zwdt/?q=1")
        'http://127.0.0.1:8000/a.gov.cn/zwdt/?q=1'
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = quote(parts.path or "/", safe=URL_SAFE)
        query = f"?{quote(parts.query, safe=URL_SAFE)}" if parts.query else ""
        if host not in self.domains:
            netloc = parts.netloc
            if not netloc.isascii():  # a Chinese domain (….政务): its punycode
                name, colon, port = netloc.rpartition(":") if ":" in netloc else (netloc, "", "")
                netloc = name.encode("idna").decode("ascii") + colon + port
            return f"{parts.scheme}://{netloc}{path}{query}"
        base = self.pattern.format(domain=host).rstrip("/")
        return f"{base}{path}{query}"

    def get(self, url: str, limit: int = MAX_BODY_BYTES) -> Response:
        start = time.monotonic()
        try:
            request = urllib.request.Request(
                self.address(url),
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            )
            with self._opener.open(request, timeout=self.timeout) as answer:
                status = answer.status
                content_type = answer.headers.get_content_type()
                charset = answer.headers.get_content_charset() or ""
                chunks, size = [], 0
                while size < limit:
                    chunk = answer.read(min(READ_BYTES, limit - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() - start > self.timeout:
                        return self._failed(url, start, status, self._too_slow())
        except urllib.error.HTTPError as error:
            error.close()
            return Response(url, error.code, seconds=time.monotonic() - start)
        except TimeoutError:
            return self._failed(url, start, None, self._too_slow())
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                return self._failed(url, start, None, self._too_slow())
            return self._failed(url, start, None, f"无法连接：{error.reason}")
        except (
            OSError,
            ValueError,
            http.client.HTTPException,
        ) as error:  # reset, bad status line, invalid URL or name
            return self._failed(url, start, None, f"访问出错：{type(error).__name__}")
        seconds = time.monotonic() - start
        if seconds > self.timeout:
            return self._failed(url, start, status, self._too_slow())
        return Response(url, status, content_type, b"".join(chunks), seconds, charset=charset)

    def _too_slow(self) -> str:
        return f"超过 {self.timeout:g} 秒未打开"

    @staticmethod
    def _failed(url: str, start: float, status: int | None, error: str) -> Response:
        return Response(url, status, seconds=time.monotonic() - start, error=error)
