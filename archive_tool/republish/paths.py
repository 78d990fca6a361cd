"""Where an archived URL lives on disk: a safe, case-proof path inside the archive folder.

A WARC is untrusted input. Every URL becomes ``<host>/<segment>/...`` where no segment can
be empty, ``.``, ``..``, contain a separator, NUL or control character, exceed a length,
or differ from another only in letter case (case-insensitive file systems).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote, urlsplit

MAX_SEGMENT_BYTES = 120
SAFE_CHAR = re.compile(r"[0-9a-z._~\-]|[^\x00-\x7f]")
HTML_EXTENSIONS = (".html", ".htm", ".shtml", ".xhtml")
MIME_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/css": ".css",
    "text/javascript": ".js",
    "application/javascript": ".js",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "font/woff2": ".woff2",
    "font/woff": ".woff",
    "application/atom+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/plain": ".txt",
    "application/json": ".json",
}
UNSAFE_CODEPOINTS = re.compile(r"[\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def safe_segment(raw: str) -> str:
    """One path segment as a file name that cannot escape or collide.

    >>> safe_segment("zwdt")
    'zwdt'
    >>> safe_segment("..")
    '%2e%2e'
    >>> safe_segment("%2e%2e")
    '%2e%2e'
    >>> safe_segment("a\\\\b")
    'a%5cb'
    >>> safe_segment("Index.html") != safe_segment("index.html")
    True
    >>> safe_segment("政务公开")
    '政务公开'
    """
    decoded = unquote(raw, errors="surrogateescape")
    out = []
    for char in decoded:
        if (
            char.isascii()
            and SAFE_CHAR.match(char)
            or not char.isascii()
            and char.isprintable()
            and not UNSAFE_CODEPOINTS.match(char)
            and char not in "\\/"
        ):
            out.append(char)
        elif char.isascii() and char.isupper():
            out.append(char.lower())
        else:
            out.append("".join(f"%{byte:02x}" for byte in char.encode("utf-8", "surrogateescape")))
    name = "".join(out)
    if name in ("", ".", ".."):
        name = name.replace(".", "%2e") or "%20"
    if any(char.isupper() for char in decoded):
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem}~{_hash(decoded)}.{extension}" if dot and stem else f"{name}~{_hash(decoded)}"
        )
    if len(name.encode("utf-8")) > MAX_SEGMENT_BYTES:
        stem, dot, extension = name.rpartition(".")
        keep = name.encode("utf-8")[:80].decode("utf-8", "ignore")
        suffix = f".{extension}" if dot and len(extension) <= 8 else ""
        name = f"{keep}~{_hash(decoded)}{suffix}"
    return name


def safe_host(netloc: str) -> str:
    """The folder of a host (and port).

    >>> safe_host("WWW.Bozhou.gov.cn:8080")
    'www.bozhou.gov.cn_8080'
    """
    host = netloc.lower().rsplit("@", 1)[-1]
    name = re.sub(r"[^0-9a-z.\-_\[\]]", "_", host.replace(":", "_"))
    name = name.strip(".") or "_"
    return safe_segment(name)


def archive_path(url: str, mime: str) -> str:
    """The relative file path of a captured URL.

    >>> archive_path("https://www.bozhou.gov.cn/", "text/html")
    'www.bozhou.gov.cn/index.html'
    >>> archive_path("https://www.bozhou.gov.cn/zwdt/a.html", "text/html")
    'www.bozhou.gov.cn/zwdt/a.html'
    >>> archive_path("https://x.gov.cn/about", "text/html")
    'x.gov.cn/about/index.html'
    >>> archive_path("https://x.gov.cn/../../etc/passwd", "text/plain")
    'x.gov.cn/%2e%2e/%2e%2e/etc/passwd.txt'
    >>> archive_path("https://x.gov.cn/show.jsp?id=3", "text/html").startswith("x.gov.cn/show.jsp~q")
    True
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")[1:] or [""]
    directory = [safe_segment(segment) for segment in segments[:-1]]
    last = segments[-1]
    extension = MIME_EXTENSIONS.get(mime, "")
    if parts.query:
        query = f"~q{_hash(parts.query)}"
        name = safe_segment(last) + query if last else "index" + query
        name += extension or ".bin"
    elif not last:
        name = "index.html" if extension == ".html" else "index" + (extension or ".bin")
    else:
        name = safe_segment(last)
        lowered = name.lower()
        if extension == ".html" and not lowered.endswith(HTML_EXTENSIONS):
            directory.append(name)
            name = "index.html"
        elif (
            extension
            and not lowered.endswith(extension)
            and not (extension == ".jpg" and lowered.endswith(".jpeg"))
        ):
            name += extension
    return "/".join([safe_host(parts.netloc), *directory, name])
