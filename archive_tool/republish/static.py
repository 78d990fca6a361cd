"""``archive-tool republish``: WARCs → a static archive any web server can serve as it is.

Layout (documented in docs/archive-layout.md)::

    DIR/index.html                      all archives in DIR (归档目录总览)
    DIR/<id>/index.html                 this archive's 归档目录: title, original URL, time
    DIR/<id>/archive.json               the same, machine-readable, plus the origins
    DIR/<id>/_not-archived.html         where links to uncaptured pages of the origin go
    DIR/<id>/<host>/<path>              every captured page and file

``<id>`` is the UTC time of the earliest capture republished (YYYYMMDDhhmmss). The latest
capture of each URL is used, or the latest at or before ``--at``.

A WARC is untrusted input. One that does not verify is refused (``--salvage`` publishes
its intact records); a record that cannot be published (a bad URL, a payload over the
limits, a file that cannot be written) is left out with a warning, and the run goes on.
A run writes into DIR/.<id>.partial-PID and renames it; one killed outright leaves that
folder, which the next run removes.
Payloads go through a spool file, never whole through memory; pages, style sheets and SVG
files are read into memory only under a size bound.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import html
import itertools
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import lxml.html

from ..errors import ToolkitError
from ..regions import SHANGHAI
from ..warc.bounds import RecordTooSlow, record_deadline
from ..warc.payload import Limits, PayloadError, PayloadReader, size_text
from ..warc.scope import normalize
from ..warc.verify import shorten
from .bounds import TooCostly
from .captureindex import CaptureIndex
from .captures import index_warcs, parse_warc_date
from .check import refuse_unsafe_templates
from .css import MAX_STYLE_CHARS, StyleTooLarge, rewrite_stylesheet
from .inertxml import InertXmlError, check_inert_xml
from .ownpages import (
    archive_time,
    write_archive_index,
    write_not_archived_page,
    write_overview,
)
from .paths import NOT_ARCHIVED, cleaned_extension
from .rewrite import (
    MAX_PAGE_BYTES,
    Banner,
    PageTooLarge,
    Target,
    decorate,
    origin_of,
    relative_href,
    rewrite_html,
)
from .skipped import SkipList, Skipped
from .svg import MAX_SVG_BYTES, SvgError, clean_svg
from .templating import SHIPPED, Templates

__all__ = ["RepublishResult", "archive_time", "parse_warc_date", "republish", "write_overview"]

SPOOL = ".spool"
LINK_CACHE_SIZE = 2000
LINK_CACHE_FOLDERS = 32
TOTAL_FLOOR = 512 * 1024 * 1024  # the archive may hold this much, or RATIO × the WARCs
DEFAULT_LIMITS = Limits()
_KINDS = {".html": "页面", ".css": "样式表", ".svg": "SVG 文件"}
PLACEHOLDER_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
PLACEHOLDER_XML = b'<?xml version="1.0" encoding="utf-8"?><withheld/>'


@dataclass
class Entry:
    """One capture chosen for the archive, and where its payload is."""

    url: str
    date: str
    status: int
    mime: str
    content_type: str
    location: str | None
    warc: str  # where the payload is: this record, or for a revisit the response it refers to
    offset: int
    length: int  # bytes of that record in the file (a gzip member)
    gzipped: int
    path: str

    @property
    def captured(self) -> datetime:
        return parse_warc_date(self.date)


@dataclass
class RepublishResult:
    archive_dir: Path
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    skipped: SkipList = field(default_factory=SkipList)  # records left out, with why
    dropped: SkipList = field(default_factory=SkipList)  # damaged records, with --salvage


def timestamp14(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def republish(
    warcs: list[Path],
    out_dir: Path,
    live_url: str | None = None,
    at: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
    salvage: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    banner_key: bytes | None = None,
    templates: Path | None = None,
) -> RepublishResult:
    """Write the static archive of the WARCs under out_dir/<id>/ and refresh out_dir/index.html.

    A WARC that does not verify is refused (ToolkitError, nothing written) unless
    ``salvage``: then its intact records are published and the others listed in
    ``result.dropped``. Records that cannot be published are listed in ``result.skipped``.
    With ``banner_key`` (a secret kept beside the WARCs) the banner's id is a keyed hash of
    the archive's id, so republishing the same WARCs gives the same bytes; without it the
    id is random. Either way no captured page can know it. ``templates``: a folder whose
    banner.html, archive_index.html, overview.html or not_archived.html replace the shipped
    ones; one whose rendered result breaks the archive's rules is refused (ToolkitError,
    nothing written).
    """
    looks = Templates(templates) if templates is not None else SHIPPED
    refuse_unsafe_templates(looks)
    args = ([Path(w) for w in warcs], Path(out_dir), live_url, at, on_progress, salvage)
    try:
        with tempfile.TemporaryDirectory(prefix="republish-index-") as scratch:
            index = CaptureIndex(Path(scratch) / "index.sqlite")
            try:
                return _republish(index, *args, limits, banner_key, looks)
            finally:
                index.close()
    except (OSError, sqlite3.Error) as error:  # the output's are ToolkitErrors by now
        raise ToolkitError(
            f"无法写入临时索引（{tempfile.gettempdir()}：{error}）：临时目录所在磁盘可能已满；"
            "未发布任何内容，可设置 TMPDIR 指向有空间的目录"
        ) from None


def _republish(
    index, warcs, out_dir, live_url, at, on_progress, salvage, limits, banner_key, templates
):
    report = index_warcs(warcs, index, at, salvage)
    if not len(index):
        raise ToolkitError("这些 WARC 中没有可发布的页面（需要状态码为 2xx 或 3xx 的响应记录）")
    archive_id = timestamp14(parse_warc_date(index.earliest_date()))
    target = out_dir / archive_id
    if target.exists():
        raise ToolkitError(f"归档 {target} 已存在：同一批抓取已经发布过（已有的归档不会被覆盖）")
    remove_dead_partials(out_dir)
    staging = out_dir / f".{archive_id}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    result = RepublishResult(target, skipped=report.skipped, dropped=report.dropped)
    origins = sorted({origin_of(url) for url in index.urls()})
    budget = max(TOTAL_FLOOR, limits.ratio * sum(_size_of(warc) for warc in warcs))
    try:
        staging.mkdir(parents=True)
        writer = ArchiveWriter(staging, index, origins, live_url, result, limits, budget)
        writer.templates = templates
        writer.nonce = banner_id(archive_id, banner_key)
        try:
            for number, row in enumerate(index.rows_in_file_order(), 1):
                writer.write(Entry(**row))
                if on_progress:
                    on_progress(number)
        finally:
            writer.close()
        write_not_archived_page(staging, templates)
        write_archive_index(staging, archive_id, index, origins, templates)
        staging.rename(target)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise ToolkitError(
                f"{write_failure(error)}；未发布任何内容，{out_dir} 中没有留下不完整的归档"
            ) from None
        raise
    result.pages = index.page_count()
    try:
        write_overview(out_dir, templates)
    except OSError as error:
        raise ToolkitError(
            f"归档 {target} 已发布，但{write_failure(error)}，总览页 {out_dir / 'index.html'} "
            "未更新；腾出空间后再次发布任一归档即可更新"
        ) from None
    return result


def remove_dead_partials(out_dir: Path) -> None:
    """Remove the half-written archives that runs killed outright (kill -9, a power cut)
    left in out_dir: those whose process is gone; a running republish's is kept."""
    for path in out_dir.glob(".*.partial-*"):
        pid = path.name.rpartition("-")[2]
        try:
            if pid.isdigit() and path.is_dir() and not path.is_symlink():
                os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:  # another user's process, still running
            pass


FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def write_failure(error: OSError) -> str:
    """What went wrong writing, for a message."""
    where = f" {error.filename}" if error.filename else ""
    if error.errno == errno.EFBIG:
        return f"文件超过系统允许的大小（ulimit -f），无法写入{where}"
    if error.errno in FULL:
        return f"磁盘空间不足，无法写入{where}"
    return f"无法写入{where}（{error.strerror or error}）"


def _size_of(warc: Path) -> int:
    try:
        return warc.stat().st_size
    except OSError:
        return 0


def banner_id(archive_id: str, key: bytes | None) -> str:
    """The id of the 已归档 banner (its CSS is scoped to it): unknown to any captured page.

    >>> banner_id("20261126070000", b"k" * 32) == banner_id("20261126070000", b"k" * 32)
    True
    >>> banner_id("20261126070000", None) != banner_id("20261126070000", None)
    True
    """
    if key is None:
        return "a" + secrets.token_hex(8)
    return "a" + hmac.new(key, archive_id.encode(), hashlib.sha256).hexdigest()[:16]


class ArchiveWriter:
    """Writes each chosen capture into the archive folder; leaves out what it cannot."""

    def __init__(
        self,
        root: Path,
        index: CaptureIndex,
        origins: list[str],
        live_url: str | None,
        result: RepublishResult,
        limits: Limits = DEFAULT_LIMITS,
        budget: int | None = None,
    ):
        self.root = root
        self.index = index
        self.origins = set(origins)
        self.live_url = live_url
        self.result = result
        self.limits = limits
        self.budget = budget if budget is not None else limits.max_bytes
        self.written = 0
        self.nonce = "a" + secrets.token_hex(8)  # the banner's id: unknown to any captured page
        self.templates = SHIPPED
        self.payloads = PayloadReader()
        self.spool_dir = root / SPOOL
        self.spool_dir.mkdir(exist_ok=True)
        self.spool_names = itertools.count()
        self.made_dirs: set[Path] = set()
        self.link_cache: dict[Path, dict] = {}

    def resolver(self, from_path: str) -> Callable[[str], Target]:
        def resolve(url: str) -> Target:
            try:
                key = normalize(url)
            except ValueError:
                return Target(None, "external")
            path = self.index.path_of(key)
            if path is not None:
                return Target(relative_href(from_path, path), "archived")
            if origin_of(key) in self.origins:
                return Target(relative_href(from_path, NOT_ARCHIVED), "missing")
            return Target(None, "external")

        return resolve

    def banner(self, entry: Entry) -> Banner:
        live = self.live_url or origin_of(entry.url) + "/"
        return Banner(self.nonce, entry.captured.astimezone(SHANGHAI), entry.url, live)

    def write(self, entry: Entry) -> None:
        """Write one capture; a capture that cannot be written is listed and left out. One
        over the record's time (decoding, parsing, rewriting) stops the run: RecordTooSlow."""
        destination = self.root / entry.path
        try:
            with record_deadline():
                self._write(entry, destination)
            self.result.files += 1
        except RecordTooSlow as error:
            where = f"{entry.warc} 偏移 {entry.offset}：记录 {shorten(entry.url)}"
            raise error.named(where) from None
        except (
            PayloadError,
            PageTooLarge,
            TooCostly,
            StyleTooLarge,
            SvgError,
            InertXmlError,
        ) as error:
            self._skip(entry, destination, _reason(error))
        except OSError as error:
            if error.errno in FULL:  # every later file would fail too: stop, publish nothing
                raise OSError(error.errno, error.strerror, str(destination)) from None
            self._skip(entry, destination, f"无法写入文件（{error.strerror or error}）")
        except ToolkitError:
            raise  # a path outside the archive: nothing may be written for it
        except Exception as error:  # noqa: BLE001 — hostile content must not stop the run
            self._skip(entry, destination, f"内容无法处理（{error.__class__.__name__}）")

    def _write(self, entry: Entry, destination: Path) -> None:
        parts = entry.path.split("/")
        if entry.path.startswith("/") or ".." in parts or "." in parts or "" in parts:
            raise ToolkitError(
                f"内部错误：{entry.url} 的路径越出归档目录"
            )  # archive_path forbids it
        if destination.parent not in self.made_dirs:
            destination.parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(destination.parent)
        resolve = self.resolver(entry.path)
        if 300 <= entry.status < 400:
            target = resolve(_join(entry.url, entry.location))
            page = redirect_page(entry, target, self.banner(entry), self.templates)
            destination.write_bytes(page)
            return
        kind = cleaned_extension(entry.mime)
        cap = {".html": MAX_PAGE_BYTES, ".css": MAX_STYLE_CHARS, ".svg": MAX_SVG_BYTES}.get(kind)
        if cap is not None:  # parsed in memory anyway: read it there, not through a file
            data = self.payload(entry, cap)
            if kind == ".html":
                self._write_page(entry, destination, data, resolve)
            elif kind == ".css":
                destination.write_bytes(
                    rewrite_stylesheet(data, entry.content_type, entry.url, resolve)
                )
            else:
                destination.write_bytes(clean_svg(data, entry.url, resolve))
            return
        spool = self.spool(entry)
        try:
            if kind == ".xml":
                check_inert_xml(spool)
            os.replace(spool, destination)
        finally:
            spool.unlink(missing_ok=True)

    def _write_page(self, entry: Entry, destination: Path, data: bytes, resolve) -> None:
        # Files of one archive folder share a cache: their links resolve alike. Bounded:
        # memory must not grow with the site (rows come in file order, folders together).
        folder_cache = self.link_cache.pop(destination.parent, {})
        self.link_cache[destination.parent] = folder_cache
        if len(self.link_cache) > LINK_CACHE_FOLDERS:
            del self.link_cache[next(iter(self.link_cache))]
        if len(folder_cache) > LINK_CACHE_SIZE:
            folder_cache.clear()
        page, title = rewrite_html(
            data,
            entry.content_type,
            entry.url,
            resolve,
            self.banner(entry),
            folder_cache,
            self.templates,
        )
        destination.write_bytes(page)
        archived_at = entry.captured.astimezone(SHANGHAI).isoformat(timespec="seconds")
        self.index.add_page(entry.url, entry.path, title or entry.url, archived_at)

    def payload(self, entry: Entry, cap: int) -> bytes:
        """The capture's decoded payload in memory (a page, style sheet or SVG: at most
        ``cap`` bytes), within the limits."""
        limit, too_large = self._limit(entry, cap)
        data = self.payloads.read(
            entry.warc, entry.offset, bool(entry.gzipped), limit, too_large, entry.length
        )
        self.written += len(data)
        return data

    def spool(self, entry: Entry) -> Path:
        """The capture's decoded payload in a spool file, within the limits."""
        limit, too_large = self._limit(entry, None)
        spool = self.spool_dir / f"{next(self.spool_names)}.part"
        size = self.payloads.spool(
            entry.warc, entry.offset, bool(entry.gzipped), spool, limit, too_large
        )
        self.written += size
        return spool

    def _limit(self, entry: Entry, cap: int | None) -> tuple[int, str]:
        """How many decoded bytes the capture may have, and the message past them."""
        by_ratio = self.limits.allowed(entry.length)
        left = self.budget - self.written
        if left <= 0:
            raise PayloadError("归档的总大小已达上限，其余文件未发布")
        limit = min(by_ratio, cap or by_ratio, left)
        if limit == cap:
            too_large = (
                f"{_KINDS.get(cleaned_extension(entry.mime), '文件')}超过 {size_text(cap)} 的上限"
            )
        elif limit == left:
            too_large = "归档的总大小已达上限，其余文件未发布"
        elif by_ratio >= self.limits.max_bytes:
            too_large = f"文件超过 {size_text(limit)} 的上限"
        else:
            too_large = (
                f"解码后超过 {size_text(limit)} 的上限（超过它在 WARC 中大小的 "
                f"{self.limits.ratio} 倍，可能是压缩炸弹）"
            )
        return limit, too_large

    def _skip(self, entry: Entry, destination: Path, reason: str) -> None:
        self.result.skipped.add(Skipped(entry.warc, entry.offset, entry.url, reason))
        try:
            self._placeholder(entry, destination, reason)
        except (OSError, ValueError):
            pass  # the path itself is what failed: nothing can stand in for the file

    def _placeholder(self, entry: Entry, destination: Path, reason: str) -> None:
        """Something harmless where the capture would be, so links to it still resolve."""
        if not destination.parent.is_dir():
            return
        kind = cleaned_extension(entry.mime)
        if 300 <= entry.status < 400 or kind == ".html":
            document = lxml.html.document_fromstring(
                '<html lang="zh-CN"><head><title>此页面未能发布</title></head><body>'
                f"<p>此页面已被抓取，但未能发布到归档中：{html.escape(reason)}。</p>"
                f"<p>原网址：{html.escape(entry.url)}</p></body></html>"
            )
            destination.write_bytes(decorate(document, self.banner(entry), self.templates))
        else:
            destination.write_bytes(
                {".svg": PLACEHOLDER_SVG, ".xml": PLACEHOLDER_XML}.get(kind, b"")
            )

    def close(self) -> None:
        self.payloads.close()
        shutil.rmtree(self.spool_dir, ignore_errors=True)


def _reason(error: Exception) -> str:
    return getattr(error, "message", None) or str(error.args[0] if error.args else error)


def _join(base: str, location: str | None) -> str:
    try:
        return urljoin(base, (location or "").strip())
    except ValueError:
        return ""


def redirect_page(
    entry: Entry, target: Target, banner: Banner, templates: Templates = SHIPPED
) -> bytes:
    """A captured redirect as a small page that forwards within the archive."""
    href = target.href if target.kind in ("archived", "missing") else None
    link = (
        f'<a href="{html.escape(href)}">归档中的目标页面</a>'
        if href
        else "归档之外的网址（未收录）"
    )
    refresh = f'<meta http-equiv="refresh" content="0; url={html.escape(href)}">' if href else ""
    document = lxml.html.document_fromstring(
        f'<html lang="zh-CN"><head>{refresh}<title>已归档的跳转</title></head>'
        f"<body><p>此网址在归档时跳转到：{link}</p></body></html>"
    )
    return decorate(document, banner, templates)
