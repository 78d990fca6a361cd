"""Capture a built site straight from disk: the records a crawl of that site would produce.

For every file under the folder: a request and a 200 response with Content-Type (charset
for text), Content-Length, Last-Modified and Date. ``index.html`` is captured under its
folder's URL too (``/zwdt/``), as links name it; the second copy is a revisit. A resumed
run leaves out the URLs already in the file.
"""

from __future__ import annotations

import errno
import hashlib
import mimetypes
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, formatdate
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..errors import ToolkitError
from .capture import Body, Capture, warc_digest
from .crawl import CrawlResult
from .httpfetch import USER_AGENT, FetchError, request_head, target_request_head
from .orderedpool import OrderedPool
from .record import http_head, warc_date
from .scope import normalize
from .writer import (
    INLINE_BYTES,
    PreparedBatch,
    PreparedCapture,
    WarcOutput,
    compress_records,
    describe,
)

BATCH_FILES = 64  # files per task handed to a pool process
SERVER = "archive-tool (from directory)"
TEXT_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "image/svg+xml",
)
EXTRA_TYPES = {
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
}


def content_type(path: Path) -> str:
    """The Content-Type a web server would send for a file.

    >>> content_type(Path("a/index.html"))
    'text/html; charset=utf-8'
    >>> content_type(Path("x.pdf"))
    'application/pdf'
    """
    kind = (
        EXTRA_TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )
    return f"{kind}; charset=utf-8" if kind.startswith(TEXT_TYPES) else kind


def iter_site_files(root: Path, skipped: list[Skipped] | None = None) -> Iterator[str]:
    """Every regular file under root as a relative POSIX path, folders and names in sorted
    order. What a web server would not serve from the folder is appended to ``skipped``:
    special files (a FIFO would block the read: none is ever opened), symbolic links to
    outside the folder (a link to /etc/passwd) and folders that cannot be listed.

    Strings, not Path objects: a Path per file was a fifth of the writing process's time.
    """
    skipped = [] if skipped is None else skipped
    real_root = os.path.realpath(root)
    stack = [(str(root), "")]
    while stack:
        folder, inner = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            skipped.append(Skipped(inner or "./", f"无法读取目录（{error.strerror}）"))
            continue
        folders = []
        for entry in entries:
            relative = inner + entry.name
            kind = _kind(entry, real_root)
            if kind == "file":
                yield relative
            elif kind == "folder":
                folders.append((entry.path, relative + "/"))
            else:
                skipped.append(Skipped(relative, kind))
        stack.extend(reversed(folders))


def _kind(entry: os.DirEntry, real_root: str) -> str:
    """ "file", "folder" or why the entry is left out (d_type makes the common case free)."""
    try:
        if not entry.is_symlink():
            if entry.is_file(follow_symlinks=False):
                return "file"
            if entry.is_dir(follow_symlinks=False):
                return "folder"
            return "不是普通文件（FIFO、设备或套接字），未读取"
        target = os.path.realpath(entry.path)
        if os.path.commonpath([real_root, target]) != real_root:
            return "符号链接指向站点目录之外，未读取"
        mode = os.stat(target).st_mode
    except (OSError, ValueError) as error:
        return f"无法读取（{getattr(error, 'strerror', None) or error}）"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "指向目录的符号链接，未跟随"  # as os.walk: no loops, no second copy
    return "符号链接指向的不是普通文件，未读取"


@dataclass(frozen=True)
class Skipped:
    """A file of the folder left out of the capture, and why (shown in the summary)."""

    relative: str
    reason: str

    def error(self, base_url: str) -> FetchError:
        return FetchError(base_url + quote(self.relative), "skipped", self.reason)


def urls_for(relative: str, base_url: str) -> list[str]:
    """The URLs a file is reached by: its own, and its folder's for an index.html.

    >>> urls_for("zwdt/index.html", "https://x.gov.cn/")
    ['https://x.gov.cn/zwdt/', 'https://x.gov.cn/zwdt/index.html']
    >>> urls_for("index.html", "https://x.gov.cn/")
    ['https://x.gov.cn/', 'https://x.gov.cn/index.html']
    """
    own = base_url + quote(relative)
    if relative == "index.html" or relative.endswith("/index.html"):
        return [base_url + quote(relative[: -len("index.html")]), own]
    return [own]


def check_source(root: Path, base_url: str, output: Path | None = None) -> str:
    """Refuse a missing folder, an output inside it (the capture would take in the WARC it
    is writing) or a base URL that is not http(s); return the base with its /."""
    if not Path(root).is_dir():
        raise ToolkitError(f"--from-dir 指定的目录不存在：{root}")
    if output is not None and Path(root).resolve() in Path(output).resolve().parents:
        raise ToolkitError(
            f"输出文件 {output} 在 --from-dir 目录 {root} 之内：抓取会把正在写入的 WARC "
            "本身也收进去；请把输出写到该目录之外"
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ToolkitError(
            f"--base-url 应为 http(s) 网址，如 https://www.bozhou.gov.cn/，实为「{base_url}」"
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def file_captures(root: Path, relative: str, base_url: str, started: datetime) -> list[Capture]:
    """The captures of one file: under its own URL and, for index.html, its folder's.
    OSError if it cannot be read or is no longer a regular file."""
    path = root / relative
    status, _ = _read_small(str(path))
    data = path.read_bytes()
    modified = datetime.fromtimestamp(status.st_mtime, timezone.utc)
    headers = [
        ("Date", format_datetime(started, usegmt=True)),
        ("Server", SERVER),
        ("Content-Type", content_type(path)),
        ("Content-Length", str(len(data))),
        ("Last-Modified", format_datetime(modified, usegmt=True)),
    ]
    return [
        Capture(
            url=url,
            request_head=request_head(url, USER_AGENT),
            status=200,
            reason="OK",
            headers=headers,
            body=Body.of(data),
            date=started,
        )
        for url in urls_for(relative, base_url)
    ]


# URLs already in the file of a resumed run; set in each pool process (inherited by fork).
_captured: set[str] = set()


def _prepare_files(task: tuple[str, list[str], str, datetime]) -> list[PreparedBatch | str]:
    """In a pool process: the finished gzip members of small files; the name of each large one.

    Only bytes and a little metadata go back to the writing process, which appends them.
    """
    root, names, base_url, started = task
    out: list[PreparedBatch | str] = []
    prepared: list[PreparedCapture] = []
    served = format_datetime(started, usegmt=True)
    date = warc_date(started)
    base = urlsplit(base_url)  # base_url + quote(name): no query, no fragment
    for relative in names:
        try:
            status, data = _read_small(os.path.join(root, relative))
        except OSError as error:  # unreadable, deleted while the capture ran, replaced
            out.append(Skipped(relative, f"无法读取（{error.strerror or error}）"))
            continue
        if data is None:
            if prepared:
                out.append(PreparedBatch.of(prepared))
                prepared = []
            out.append(relative)  # written by the parent, streamed
            continue
        kind = _type_by_name(relative.rpartition("/")[2])
        head = http_head(
            "HTTP/1.1 200 OK",
            [
                ("Date", served),
                ("Server", SERVER),
                ("Content-Type", kind),
                ("Content-Length", str(len(data))),
                ("Last-Modified", _http_date(int(status.st_mtime))),
            ],
        )
        digest = warc_digest(hashlib.sha1(data))
        block = hashlib.sha1(head)
        block.update(data)
        block_digest = warc_digest(block)
        bare_type = kind.split(";")[0]
        for url in urls_for(relative, base_url):
            if _captured and normalize(url) in _captured:
                continue
            capture = describe(url, date, digest, bool(data), head, 200, bare_type)
            if base.query or base.fragment:
                request = request_head(url, USER_AGENT)
            else:
                request = target_request_head(base.path + url[len(base_url) :], base.netloc)
            compress_records(capture, data, block_digest, request)
            prepared.append(capture)
    if prepared:
        out.append(PreparedBatch.of(prepared))
    return out


def _read_small(path: str) -> tuple[os.stat_result, bytes | None]:
    """A file's status and, unless it is larger than INLINE_BYTES, its bytes.

    os.open/os.read: io.open builds a buffered file object per file, a tenth of the time.
    """
    # O_NONBLOCK: a file replaced by a FIFO since the walk must not block the open.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "读取时已不是普通文件")
        if status.st_size > INLINE_BYTES:
            return status, None
        pieces = []
        while piece := os.read(fd, max(status.st_size, 1) + 1):
            pieces.append(piece)
        return status, b"".join(pieces)
    finally:
        os.close(fd)


def _type_by_name(name: str) -> str:
    """content_type() of a file name, looked up once per extension.

    >>> _type_by_name("a.b.html"), _type_by_name(".htaccess"), _type_by_name("README")
    ('text/html; charset=utf-8', 'application/octet-stream', 'application/octet-stream')
    """
    stem, dot, extensions = name.partition(".")
    return _type_by_extensions(f"x.{extensions}" if stem and dot else name)


@lru_cache(maxsize=1024)
def _type_by_extensions(name: str) -> str:
    return content_type(Path(name))


@lru_cache(maxsize=4096)
def _http_date(seconds: int) -> str:
    """An HTTP date (Last-Modified); files built together share a few seconds.

    >>> _http_date(0)
    'Thu, 01 Jan 1970 00:00:00 GMT'
    """
    return formatdate(seconds, usegmt=True)


def _batches(
    root: Path,
    size: int,
    skip: tuple[str, ...] = (),
    base_url: str = "",
    captured: set[str] | None = None,
    skipped: list[Skipped] | None = None,
):
    batch = []
    for relative in iter_site_files(root, skipped):
        if relative.startswith(skip):
            continue
        if captured and all(normalize(url) in captured for url in urls_for(relative, base_url)):
            continue
        batch.append(relative)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def snapshot_directory(
    root: Path,
    base_url: str,
    output: WarcOutput,
    on_progress: Callable[[CrawlResult], None] | None = None,
    processes: int = 1,
    skip: tuple[str, ...] = (),
    captured: set[str] | None = None,
) -> CrawlResult:
    """Write every file under root as if fetched from base_url, in file-name order.

    Paths starting with one of ``skip`` (relative, e.g. ``archive/``) are left out, and so
    are the URLs in ``captured`` (normalised; those of a resumed run). Ctrl-C (or SIGTERM
    turned into KeyboardInterrupt) ends the run with ``result.interrupted``.

    With several processes, a pool reads and compresses files in batches and this process
    writes them in order (and decides revisits). A pool process that dies ends the run with
    ``orderedpool.WorkerDied`` (the records written so far stay whole).
    """
    root = Path(root)
    base_url = check_source(root, base_url)
    result = CrawlResult()
    started = datetime.now(timezone.utc)
    captured = captured or set()
    skipped: list[Skipped] = []
    tasks = (
        (str(root), batch, base_url, started)
        for batch in _batches(root, BATCH_FILES, skip, base_url, captured, skipped)
    )

    def place(item: PreparedBatch | Skipped | str) -> None:
        if isinstance(item, Skipped):
            result.errors.append(item.error(base_url))
        elif isinstance(item, str):
            try:
                captures = file_captures(root, item, base_url, started)
            except OSError as error:
                result.errors.append(
                    Skipped(item, f"无法读取（{error.strerror or error}）").error(base_url)
                )
                return
            for capture in captures:
                if normalize(capture.url) not in captured:
                    result.add_capture(output.write_capture(capture), 200, capture.content_type)
                capture.body.close()
        else:
            for prepared, kind in zip(item.captures, output.write_batch(item)):
                result.add_capture(kind, prepared.status, prepared.content_type)
        if on_progress:
            on_progress(result)

    global _captured
    _captured = captured  # pool processes have it by fork
    try:
        if processes > 1:
            with OrderedPool(processes, _prepare_files) as pool:
                for prepared in pool.imap(tasks):
                    for item in prepared:
                        place(item)
        else:
            for task in tasks:
                for item in _prepare_files(task):
                    place(item)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        _captured = set()
    result.errors += [skip.error(base_url) for skip in skipped]
    return result
