"""Fetch one URL over HTTP(S) with http.client, keeping what WARC needs.

The request is built by hand so that the request record holds exactly the bytes sent.
Each thread keeps one persistent connection per origin. Failures become ``FetchError``
with a Chinese message; the crawl records them and goes on.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from .. import __version__
from .capture import Body, Capture

USER_AGENT = f"archive-tool/{__version__} (+https://www.bozhou.gov.cn/; government web archiving)"
READ_BYTES = 64 * 1024


def request_target(url: str) -> str:
    """The path and query sent in the request line.

    >>> request_target("https://x.gov.cn/a%20b?q=1#top")
    '/a%20b?q=1'
    """
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def request_head(url: str, user_agent: str = USER_AGENT) -> bytes:
    """The request line and headers of a GET, exactly as they go on the wire."""
    return (
        f"GET {request_target(url)} HTTP/1.1\r\nHost: {urlsplit(url).netloc}\r\n"
        f"User-Agent: {user_agent}\r\nAccept: */*\r\nAccept-Encoding: identity\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode("latin-1")


class FetchError(Exception):
    """A fetch that produced no response: timeout, DNS, TLS or connection failure."""

    def __init__(self, url: str, kind: str, message: str):
        super().__init__(f"{url}：{message}")
        self.url, self.kind, self.message = url, kind, message


class Fetcher:
    """GET URLs with a per-read timeout and a deadline for the whole response."""

    def __init__(
        self,
        timeout: float = 30.0,
        response_timeout: float = 300.0,
        user_agent: str = USER_AGENT,
        verify_tls: bool = True,
    ):
        self.timeout = timeout
        self.response_timeout = response_timeout
        self.user_agent = user_agent
        self.tls = ssl.create_default_context()
        if not verify_tls:
            self.tls.check_hostname = False
            self.tls.verify_mode = ssl.CERT_NONE
        self.local = threading.local()

    def fetch(self, url: str) -> Capture:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(
                url, "scheme", f"不支持的协议「{parts.scheme}」，只能抓取 http 或 https 网址"
            )
        path = request_target(url)
        head = request_head(url, self.user_agent)
        for attempt in (1, 2):  # a kept-alive connection the server closed gets one retry
            connection = self._connection(parts.scheme, parts.netloc)
            try:
                return self._exchange(connection, url, path, head, parts.netloc)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self._drop(parts.scheme, parts.netloc)
                if attempt == 2:
                    raise FetchError(url, "connection", f"连接被服务器关闭（{error}）") from None
            except FetchError:
                self._drop(parts.scheme, parts.netloc)
                raise
            except TimeoutError:
                self._drop(parts.scheme, parts.netloc)
                raise FetchError(
                    url, "timeout", f"超时：{self.timeout:g} 秒内没有收到数据"
                ) from None
            except socket.gaierror as error:
                self._drop(parts.scheme, parts.netloc)
                raise FetchError(url, "dns", f"域名解析失败（{error.strerror}）") from None
            except ssl.SSLError as error:
                self._drop(parts.scheme, parts.netloc)
                raise FetchError(
                    url, "tls", f"TLS 握手或证书错误（{error.reason or error}）"
                ) from None
            except (OSError, http.client.HTTPException) as error:
                self._drop(parts.scheme, parts.netloc)
                reason = getattr(error, "strerror", None) or error.__class__.__name__
                raise FetchError(url, "connection", f"无法连接或读取（{reason}）") from None
        raise AssertionError("unreachable")

    def _exchange(self, connection, url, path, head, netloc) -> Capture:
        deadline = time.monotonic() + self.response_timeout
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for line in head.decode("latin-1").split("\r\n")[1:]:
            if line:
                name, _, value = line.partition(": ")
                connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        ip_address = _peer_ip(connection)
        body = Body()
        try:
            while chunk := response.read(READ_BYTES):
                body.write(chunk)
                if time.monotonic() > deadline:
                    raise FetchError(
                        url, "timeout", f"超时：{self.response_timeout:g} 秒内未收完响应"
                    )
        except BaseException:
            body.close()
            raise
        headers = list(response.getheaders())
        if response.chunked or any(k.lower() == "transfer-encoding" for k, _ in headers):
            # http.client has removed the chunking: record the body as received with its length.
            headers = [
                (k, v)
                for k, v in headers
                if k.lower() not in ("transfer-encoding", "content-length")
            ]
            headers.append(("Content-Length", str(body.length)))
        if response.will_close:
            self._drop(urlsplit(url).scheme, netloc)
        return Capture(
            url=url,
            request_head=head,
            status=response.status,
            reason=response.reason,
            headers=headers,
            body=body,
            http_version="HTTP/1.0" if response.version == 10 else "HTTP/1.1",
            ip_address=ip_address,
        )

    def _connection(self, scheme: str, netloc: str):
        pool = self.local.__dict__.setdefault("pool", {})
        key = (scheme, netloc)
        if key not in pool:
            if scheme == "https":
                pool[key] = http.client.HTTPSConnection(
                    netloc, timeout=self.timeout, context=self.tls
                )
            else:
                pool[key] = http.client.HTTPConnection(netloc, timeout=self.timeout)
        return pool[key]

    def _drop(self, scheme: str, netloc: str) -> None:
        connection = self.local.__dict__.get("pool", {}).pop((scheme, netloc), None)
        if connection is not None:
            connection.close()


def _peer_ip(connection) -> str | None:
    try:
        return connection.sock.getpeername()[0]
    except (AttributeError, OSError):
        return None
