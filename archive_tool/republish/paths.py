"""Where an archived URL lives on disk: a safe, case-proof, inert path inside the archive.

A WARC is untrusted input. Every URL becomes ``<host>/<segment>/...`` where no segment can
be empty, ``.``, ``..``, contain a separator, NUL or control character, exceed a length,
or differ from another only in letter case (case-insensitive file systems); the whole
path is bounded too (deeper folders are folded into one named by a hash).

The file's extension decides how a web server serves it, so it must not make a server
run it or a browser render it as an active document: a file keeps its extension only
when it is inert (images, PDF, office documents, fonts, media, archives, text) or when
republishing cleans what the extension stands for (HTML, CSS, SVG, XML); any other gets
the extension of its media type or ``.bin``. An inner extension that a server may
execute (``a.php.pdf``) loses its dot.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote, urlsplit

# The archive's own files beside the captured ones (docs/archive-layout.md).
NOT_ARCHIVED = "_not-archived.html"
MANIFEST = "archive.json"
MAX_SEGMENT_BYTES = 120
MAX_PATH_BYTES = 1000  # the whole relative path; PATH_MAX is 4096 with the folder above it
SAFE_CHAR = re.compile(r"[0-9a-z._~\-]|[^\x00-\x7f]")
HTML_EXTENSIONS = (".html", ".htm")
HTML_TYPES = ("text/html", "application/xhtml+xml")
SVG_TYPE = "image/svg+xml"
CSS_TYPE = "text/css"
XML_TYPES = (
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
)
MIME_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/css": ".css",
    "text/javascript": ".js",
    "application/javascript": ".js",
    "application/x-javascript": ".js",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/svg+xml": ".svg",
    "image/webp": ".webp",
    "image/avif": ".avif",
    "image/bmp": ".bmp",
    "image/x-icon": ".ico",
    "image/vnd.microsoft.icon": ".ico",
    "application/pdf": ".pdf",
    "font/woff2": ".woff2",
    "font/woff": ".woff",
    "application/atom+xml": ".xml",
    "application/rss+xml": ".xml",
    "application/rdf+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "application/json": ".json",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/zip": ".zip",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
}
# Served as data, never run by a server nor rendered as an active document by a browser.
INERT_EXTENSIONS = frozenset(
    """png jpg jpeg gif webp avif bmp ico tif tiff pdf doc docx xls xlsx ppt pptx pps ppsx
    wps et dps odt ods odp rtf txt csv tsv json js mjs map woff woff2 ttf otf eot mp3
    mp4 m4a m4v webm ogg ogv oga wav flac aac avi mov wmv flv mkv mpg mpeg zip rar 7z
    gz tgz bz2 xz tar ceb caj ofd epub exe msi apk dmg iso bin""".split()  # noqa: SIM905
)
# Inner extensions a misconfigured server may still execute (Apache's AddHandler matches
# any extension of a name): their dot becomes an underscore.
SERVER_EXTENSIONS = frozenset(
    """php php3 php4 php5 php7 php8 phtml phar pht asp aspx ascx ashx asmx asa cer jsp
    jspx jsw jsv cgi pl py rb sh shtml shtm stm htaccess cfm""".split()  # noqa: SIM905
)
UNSAFE_CODEPOINTS = re.compile(r"[\u0080-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _escape(char: str) -> str:
    data = char.encode(
        "utf-8", "surrogateescape" if "\udc80" <= char <= "\udcff" else "surrogatepass"
    )
    return "".join(f"%{byte:02x}" for byte in data)


def _kept(char: str) -> bool:
    if char.isascii():
        return bool(SAFE_CHAR.match(char))
    return (
        char.isprintable()
        and not UNSAFE_CODEPOINTS.match(char)
        and not "\ud800" <= char <= "\udfff"
    )


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
        if _kept(char):
            out.append(char)
        elif char.isascii() and char.isupper():
            out.append(char.lower())
        else:
            out.append(_escape(char))
    name = "".join(out)
    if name in ("", ".", ".."):
        name = name.replace(".", "%2e") or "%20"
    if any(char.isascii() and char.isupper() for char in decoded):
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem}~{_hash(decoded)}.{extension}" if dot and stem else f"{name}~{_hash(decoded)}"
        )
    if len(_utf8(name)) > MAX_SEGMENT_BYTES:
        stem, dot, extension = name.rpartition(".")
        keep = _utf8(name)[:80].decode("utf-8", "ignore")
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


def _split(url: str) -> tuple[str, str, str]:
    """(netloc, path, query) of a URL, even of one urlsplit refuses."""
    try:
        parts = urlsplit(url)
        return parts.netloc, parts.path, parts.query
    except ValueError:  # e.g. an unbalanced "[" in the host
        rest = url.split("://", 1)[-1]
        netloc, _, path = rest.partition("/")
        path, _, query = path.partition("?")
        return netloc, "/" + path, query


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
    >>> archive_path("https://x.gov.cn/x.html", "application/octet-stream")
    'x.gov.cn/x.html.bin'
    >>> archive_path("https://x.gov.cn/a.php.pdf", "application/pdf")
    'x.gov.cn/a_php.pdf'
    """
    netloc, path, query = _split(url)
    segments = path.split("/")[1:] or [""]
    directory = [safe_segment(segment) for segment in segments[:-1]]
    last = segments[-1]
    extension = cleaned_extension(mime) or MIME_EXTENSIONS.get(mime, "")
    if query:
        name = (safe_segment(last) if last else "index") + f"~q{_hash(query)}"
        name += extension if _allowed(extension, mime) else ".bin"
    elif not last:
        name = "index.html" if extension == ".html" else "index" + (extension or ".bin")
    elif extension == ".html":
        name = safe_segment(last)
        if not name.lower().endswith(HTML_EXTENSIONS):
            directory.append(name)
            name = "index.html"
    else:
        name = _inert_name(safe_segment(last), extension, mime)
    return _bounded(safe_host(netloc), directory, _defuse(name))


def cleaned_extension(mime: str) -> str | None:
    """The extension of a media type that republishing cleans (HTML, CSS, SVG, XML)."""
    if mime in HTML_TYPES:
        return ".html"
    if mime in (CSS_TYPE, SVG_TYPE):
        return MIME_EXTENSIONS[mime]
    if mime in XML_TYPES or (mime.endswith("+xml") and mime != SVG_TYPE):
        return ".xml"
    return None


def _allowed(extension: str, mime: str) -> bool:
    """Whether a file of this media type may be written with this extension."""
    extension = extension.lower()
    return extension[1:] in INERT_EXTENSIONS or (
        bool(extension) and extension == cleaned_extension(mime)
    )


def _inert_name(name: str, extension: str, mime: str) -> str:
    own = "." + name.lower().rpartition(".")[2] if "." in name else ""
    if extension and (own == extension or (extension == ".jpg" and own == ".jpeg")):
        return name  # it already says what it is
    if not extension and own and _allowed(own, mime):
        return name  # an unknown media type, but an inert extension
    return name + (extension if extension and _allowed(extension, mime) else ".bin")


def _defuse(name: str) -> str:
    """The file name without an inner extension a server may execute.

    >>> _defuse("a.PHP.pdf"), _defuse("x.jsp~q1234.html"), _defuse(".htaccess.bin")
    ('a_PHP.pdf', 'x.jsp~q1234.html', '_htaccess.bin')
    """
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return name
    parts = stem.split(".")
    out = parts[0]
    for part in parts[1:]:
        out += ("_" if part.lower() in SERVER_EXTENSIONS else ".") + part
    return f"{out}.{extension}"


def _bounded(host: str, directory: list[str], name: str) -> str:
    """The path, with folders beyond MAX_PATH_BYTES folded into one named by their hash."""
    path = "/".join([host, *directory, name])
    if len(_utf8(path)) <= MAX_PATH_BYTES:
        return path
    budget = MAX_PATH_BYTES - len(_utf8(host)) - len(_utf8(name)) - 16
    kept: list[str] = []
    for segment in directory:
        if len(_utf8("/".join([*kept, segment]))) > budget:
            break
        kept.append(segment)
    folded = f"~d{_hash('/'.join(directory[len(kept) :]))}"
    return "/".join([host, *kept, folded, name])
