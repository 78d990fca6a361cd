"""``archive-tool republish``: WARCs → a static archive any web server can serve as it is.

Layout (documented in docs/archive-layout.md)::

    DIR/index.html                      all archives in DIR (归档目录总览)
    DIR/<id>/index.html                 this archive's 归档目录: title, original URL, time
    DIR/<id>/archive.json               the same, machine-readable, plus the origins
    DIR/<id>/_not-archived.html         where links to uncaptured pages of the origin go
    DIR/<id>/<host>/<path>              every captured page and file

``<id>`` is the UTC time of the earliest capture republished (YYYYMMDDhhmmss). The latest
capture of each URL is used, or the latest at or before ``--at``.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeadersParser

from ..errors import ToolkitError
from ..regions import SHANGHAI
from ..warc import names as W
from ..warc.gzipmembers import GZIP_MAGIC, MemberError, complete_length, iter_members
from ..warc.scope import normalize
from .captureindex import CaptureIndex
from .rewrite import (
    Banner,
    Target,
    decode_css,
    decorate,
    origin_of,
    relative_href,
    rewrite_css,
    rewrite_html,
)

HTTP_HEAD = StatusAndHeadersParser([], verify=False)
NOT_ARCHIVED = "_not-archived.html"
MANIFEST = "archive.json"
HTML_TYPES = ("text/html", "application/xhtml+xml")
COPY_BYTES = 1024 * 1024
FAST_READ_BYTES = 8 * 1024 * 1024  # records up to this size are read in one piece
LINK_CACHE_SIZE = 2000


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
    plain: int  # identity-encoded: readable without warcio's decoders
    path: str

    @property
    def captured(self) -> datetime:
        return parse_warc_date(self.date)


@dataclass
class RepublishResult:
    archive_dir: Path
    pages: int = 0
    files: int = 0
    skipped: int = 0
    seconds: float = 0.0


def parse_warc_date(value: str) -> datetime:
    """A WARC-Date as an aware datetime.

    >>> parse_warc_date("2026-11-24T02:00:00Z").astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    '2026-11-24 10:00'
    """
    text = value.rstrip("Z")
    moment = datetime.fromisoformat(text[:26] if "." in text else text)
    return moment.replace(tzinfo=timezone.utc)


def timestamp14(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def index_warcs(warcs: list[Path], index: CaptureIndex, at: datetime | None = None) -> None:
    """Fill index with the capture to republish for each URL: 2xx and 3xx, latest (≤ ``at``)."""
    for warc in warcs:
        if not index_members(warc, index, at):
            index_with_warcio(warc, index, at)
    index.finish()


def index_members(warc: Path, index: CaptureIndex, at: datetime | None) -> bool:
    """The fast first pass for a WARC of one gzip member per record: framing and headers in
    one walk. False (nothing indexed) when the file is not laid out that way."""
    rows = []
    try:
        with open(warc, "rb") as stream:
            if stream.read(2) != GZIP_MAGIC:
                return False
            stream.seek(0)
            for member in iter_members(stream):
                parsed = parse_member_head(member)
                if parsed is None:
                    return False
                if parsed:  # keep what the index needs, not the headers or bytes
                    kind, headers, http, _ = parsed
                    rows += capture_steps(
                        at, str(warc), member.offset, member.length, kind, headers, http, True
                    )
    except MemberError as error:
        raise ToolkitError(
            f"{warc} 在偏移 {error.offset} 处损坏（{error.message}），"
            "请先用 archive-tool verify 检查；未写入任何文件"
        ) from None
    except OSError as error:
        raise ToolkitError(f"无法读取 WARC 文件 {warc}：{error.strerror}") from None
    for step in rows:
        step[0](index, *step[1:])
    return True


class Head:
    """Header lines of a WARC record or HTTP message, looked up case-insensitively."""

    def __init__(self, block: bytes, encoding: str):
        lines = block.decode(encoding, "replace").split("\r\n")
        self.statusline = lines[0]
        self.fields: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                self.fields.setdefault(name.strip().lower(), value.strip())

    def get_header(self, name: str) -> str | None:
        return self.fields.get(name.lower())

    def get_statuscode(self) -> str:
        parts = self.statusline.split(" ", 2)
        return parts[1] if len(parts) > 1 else ""


def parse_member_head(member) -> tuple | None | bool:
    """(type, WARC headers, HTTP head, member) of a response or revisit; False for another
    record type; None when the member is not exactly one parseable record."""
    head = member.head
    end = head.find(b"\r\n\r\n")
    if end < 0 or not head.startswith(b"WARC/"):
        return None
    headers = Head(head[:end], "utf-8")
    try:
        length = int(headers.get_header("Content-Length") or -1)
    except ValueError:
        return None
    if length < 0 or member.size != end + 4 + length + 4:  # exactly one record per member
        return None
    kind = headers.get_header(W.TYPE)
    if kind not in (W.RESPONSE, W.REVISIT):
        return False
    block = head[end + 4 :]
    http_end = block.find(b"\r\n\r\n")
    if http_end < 0 or not block.startswith(b"HTTP/"):
        return None
    return kind, headers, Head(block[:http_end], "latin-1"), member


def add_capture(index, at, warc, offset, length, kind, headers, http, gzipped) -> None:
    for step in capture_steps(at, warc, offset, length, kind, headers, http, gzipped):
        step[0](index, *step[1:])


def capture_steps(at, warc, offset, length, kind, headers, http, gzipped) -> list[tuple]:
    """What one response or revisit adds to the index: its payload, and/or its capture."""
    # WARC 1.0 writers such as wget put the URI in angle brackets.
    url = (headers.get_header(W.TARGET_URI) or "").strip().removeprefix("<").removesuffix(">")
    date = headers.get_header(W.DATE) or ""
    digest = headers.get_header(W.PAYLOAD_DIGEST) or ""
    if not url.startswith(("http://", "https://")) or not date:
        return []
    plain = gzipped and not any(
        http.get_header(name) for name in ("Transfer-Encoding", "Content-Encoding")
    )
    revisit = kind == W.REVISIT
    steps = []
    if not revisit and digest:
        steps.append((CaptureIndex.add_payload, digest, warc, offset, length, plain))
    status = int(http.get_statuscode() or 0)
    if not (200 <= status < 400) or (at is not None and parse_warc_date(date) > at):
        return steps
    content_type = http.get_header("Content-Type") or ""
    row = {
        "url": normalize(url),
        "date": date,
        "status": status,
        "mime": content_type.split(";")[0].strip().lower(),
        "content_type": content_type,
        "location": http.get_header("Location"),
        "warc": warc,
        "offset": offset,
        "length": length,
        "plain": int(plain and not revisit),
    }
    steps.append((CaptureIndex.offer, row, digest, revisit))
    return steps


def index_with_warcio(warc: Path, index: CaptureIndex, at: datetime | None) -> None:
    """The general first pass (uncompressed WARCs, several records per gzip member)."""
    gzipped = check_framing(warc)
    with open(warc, "rb") as stream:
        # HTTP heads are parsed only for responses and revisits (half the records).
        iterator = ArchiveIterator(stream, no_record_parse=True)
        try:
            for record in iterator:
                if record.rec_type not in (W.RESPONSE, W.REVISIT):
                    continue
                http = HTTP_HEAD.parse(record.raw_stream)
                offset, length = iterator.get_record_offset(), iterator.get_record_length()
                add_capture(
                    index,
                    at,
                    str(warc),
                    offset,
                    length,
                    record.rec_type,
                    record.rec_headers,
                    http,
                    gzipped,
                )
        except Exception as error:  # noqa: BLE001 — warcio raises many kinds for bad input
            raise ToolkitError(
                f"{warc} 不是有效的 WARC 文件（{error.__class__.__name__}），"
                "请先用 archive-tool verify 检查"
            ) from None


def check_framing(warc: Path) -> bool:
    """Refuse a damaged .warc.gz before anything is written; True when it is gzipped."""
    try:
        with open(warc, "rb") as stream:
            if stream.read(2) != GZIP_MAGIC:
                return False  # an uncompressed WARC: warcio reports its problems
            stream.seek(0)
            _, problem = complete_length(stream)
    except OSError as error:
        raise ToolkitError(f"无法读取 WARC 文件 {warc}：{error.strerror}") from None
    if problem is not None:
        raise ToolkitError(
            f"{warc} 在偏移 {problem.offset} 处损坏（{problem.message}），"
            "请先用 archive-tool verify 检查；未写入任何文件"
        )
    return True


def republish(
    warcs: list[Path],
    out_dir: Path,
    live_url: str | None = None,
    at: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> RepublishResult:
    """Write the static archive of the WARCs under out_dir/<id>/ and refresh out_dir/index.html."""
    with tempfile.TemporaryDirectory(prefix="republish-index-") as scratch:
        index = CaptureIndex(Path(scratch) / "index.sqlite")
        try:
            return _republish(
                index, [Path(w) for w in warcs], Path(out_dir), live_url, at, on_progress
            )
        finally:
            index.close()


def _republish(index, warcs, out_dir, live_url, at, on_progress) -> RepublishResult:
    index_warcs(warcs, index, at)
    if not len(index):
        raise ToolkitError("这些 WARC 中没有可发布的页面（需要状态码为 2xx 或 3xx 的响应记录）")
    archive_id = timestamp14(parse_warc_date(index.earliest_date()))
    target = out_dir / archive_id
    if target.exists():
        raise ToolkitError(f"归档 {target} 已存在：同一批抓取已经发布过（已有的归档不会被覆盖）")
    staging = out_dir / f".{archive_id}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    result = RepublishResult(target)
    origins = sorted({origin_of(url) for url in index.urls()})
    try:
        staging.mkdir(parents=True)
        writer = ArchiveWriter(staging, index, origins, live_url, result)
        for number, row in enumerate(index.rows_in_file_order(), 1):
            writer.write(Entry(**row))
            if on_progress:
                on_progress(number)
        writer.close()
        write_not_archived_page(staging, archive_id)
        write_archive_index(staging, archive_id, index, origins)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.pages = index.page_count()
    write_overview(out_dir)
    return result


class ArchiveWriter:
    """Writes each chosen capture into the archive folder."""

    def __init__(
        self,
        root: Path,
        index: CaptureIndex,
        origins: list[str],
        live_url: str | None,
        result: RepublishResult,
    ):
        self.root = root
        self.index = index
        self.origins = set(origins)
        self.live_url = live_url
        self.result = result
        self.nonce = "a" + secrets.token_hex(8)  # the banner's id: unknown to any captured page
        self.streams: dict[str, object] = {}
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
        parts = entry.path.split("/")
        if entry.path.startswith("/") or ".." in parts or "." in parts or "" in parts:
            raise ToolkitError(
                f"内部错误：{entry.url} 的路径越出归档目录"
            )  # archive_path forbids it
        destination = self.root / entry.path
        if destination.parent not in self.made_dirs:
            destination.parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(destination.parent)
        resolve = self.resolver(entry.path)
        if 300 <= entry.status < 400:
            target = resolve(urljoin(entry.url, (entry.location or "").strip()))
            destination.write_bytes(redirect_page(entry, target, self.banner(entry)))
            self.result.files += 1
            return
        if entry.mime in HTML_TYPES:
            # Files of one archive folder share a cache: their links resolve alike.
            folder_cache = self.link_cache.setdefault(destination.parent, {})
            if len(folder_cache) > LINK_CACHE_SIZE:  # bounded: memory must not grow with the site
                folder_cache.clear()
            data, title = rewrite_html(
                self.payload(entry),
                entry.content_type,
                entry.url,
                resolve,
                self.banner(entry),
                folder_cache,
            )
            destination.write_bytes(data)
            archived_at = entry.captured.astimezone(SHANGHAI).isoformat(timespec="seconds")
            self.index.add_page(entry.url, entry.path, title or entry.url, archived_at)
        elif entry.mime == "text/css":
            text = decode_css(self.payload(entry), entry.content_type)
            destination.write_text(rewrite_css(text, entry.url, resolve), encoding="utf-8")
        else:
            with open(destination, "wb") as out:
                out.writelines(self.payload_chunks(entry))
        self.result.files += 1

    def stream(self, warc: str):
        if warc not in self.streams:
            self.streams[warc] = open(warc, "rb")  # noqa: SIM115 (closed by close())
        return self.streams[warc]

    def payload(self, entry: Entry) -> bytes:
        return b"".join(self.payload_chunks(entry))

    def payload_chunks(self, entry: Entry):
        """The payload's bytes: straight from the gzip member when it is plain, else via warcio."""
        stream = self.stream(entry.warc)
        stream.seek(entry.offset)
        if entry.plain and 0 < entry.length <= FAST_READ_BYTES:
            payload = plain_payload(stream.read(entry.length))
            if payload is not None:
                yield payload
                return
            stream.seek(entry.offset)
        record = next(iter(ArchiveIterator(stream)))
        content = record.content_stream()
        while chunk := content.read(COPY_BYTES):
            yield chunk

    def close(self) -> None:
        for stream in self.streams.values():
            stream.close()


def plain_payload(member: bytes) -> bytes | None:
    """The payload of one gzipped response record, or None if it does not parse simply."""
    try:
        record = zlib.decompress(member, zlib.MAX_WBITS | 16)
    except zlib.error:
        return None
    header_end = record.find(b"\r\n\r\n")
    match = re.search(rb"\r\nContent-Length:\s*(\d+)", record[:header_end], re.IGNORECASE)
    if header_end < 0 or not match:
        return None
    block = record[header_end + 4 : header_end + 4 + int(match.group(1))]
    http_end = block.find(b"\r\n\r\n")
    return None if http_end < 0 else block[http_end + 4 :]


def redirect_page(entry: Entry, target: Target, banner: Banner) -> bytes:
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
    return decorate(document, banner)


def write_not_archived_page(root: Path, archive_id: str) -> None:
    (root / NOT_ARCHIVED).write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
        "<title>此页面未被归档</title></head><body><h1>此页面未被归档</h1>"
        '<p>您访问的页面在归档时没有被收录。请返回<a href="index.html">归档目录</a>。</p></body></html>',
        encoding="utf-8",
    )


def write_archive_index(
    root: Path, archive_id: str, index: CaptureIndex, origins: list[str]
) -> None:
    """归档目录 (index.html) and archive.json, streamed from the index."""
    with open(root / "index.html", "w", encoding="utf-8") as out:
        out.write(
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="robots" content="noindex">'
            f"<title>归档目录 {archive_id}</title><style>body{{font-family:sans-serif;margin:1rem}}"
            "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;"
            "word-break:break-all}</style></head><body>"
            f"<h1>归档目录</h1><p>已归档页面 {index.page_count()} 个；归档时间为北京时间。</p>"
            "<table><thead><tr><th>标题</th><th>原网址</th><th>归档时间</th></tr></thead><tbody>"
        )
        for page in index.pages():
            href = html.escape(relative_href("index.html", page["path"]))
            out.write(
                f'<tr><td><a href="{href}">{html.escape(page["title"])}</a></td>'
                f"<td>{html.escape(page['url'])}</td>"
                f"<td>{page['archived_at'][:16].replace('T', ' ')}</td></tr>"
            )
        out.write("</tbody></table></body></html>")
    with open(root / MANIFEST, "w", encoding="utf-8") as out:
        out.write(
            f'{{"id": {json.dumps(archive_id)}, "origins": {json.dumps(origins)}, "pages": [\n'
        )
        for number, page in enumerate(index.pages()):
            out.write(("," if number else "") + json.dumps(page, ensure_ascii=False) + "\n")
        out.write("]}\n")


def write_overview(out_dir: Path) -> None:
    """DIR/index.html: every archive in DIR, newest first."""
    archives = []
    for manifest in sorted(out_dir.glob(f"*/{MANIFEST}"), reverse=True):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        archives.append((manifest.parent.name, len(data.get("pages", [])), data.get("origins", [])))
    rows = "".join(
        f'<li><a href="{name}/index.html">{name[:4]}-{name[4:6]}-{name[6:8]} 归档</a>'
        f"（{pages} 个页面；{html.escape('、'.join(urlsplit(o).netloc for o in origins))}）</li>"
        for name, pages, origins in archives
    )
    (out_dir / "index.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
        f"<title>网站归档</title></head><body><h1>网站归档</h1><ul>{rows}</ul></body></html>",
        encoding="utf-8",
    )
