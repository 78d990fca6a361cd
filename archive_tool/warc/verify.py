"""Verify a WARC file: gzip framing, record syntax, torn records, block and payload digests.

Accepts what WARC 1.1 accepts, as ``warcio check`` does: records from wget, warcio or
pywb, responses without a request record, URL-agnostic revisits, status lines without a
reason phrase. It is stricter only where the standard is broken: damaged or truncated
gzip, a record shorter than its Content-Length (torn), data right after a block (its
Content-Length is short: warcio only warns, but the block's end would be lost) or after a
record that is not the next record, a block or payload digest that does not match or cannot be read (at least as
strict as ``warcio check`` on every digest form, see ``parse_digest``), a
version other than WARC/1.0 or 1.1, an empty file, and what ``bounds`` refuses (records
sharing a WARC-Record-ID, too many records, too long a walk). Every defect names the
byte offset of its record (or gzip member); what is merely worth knowing is a note, shown
but not failing the file.

The record reader verify walks with is bounded: headers are read up to a limit and
blocks in pieces, so a hostile file costs no more memory than a small one. ``republish``
reads its records with it too.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
import stat
import zlib
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders

from ..errors import ToolkitError
from . import names as W
from .bounds import DEFAULT_BOUNDS, Bounds, RecordTooSlow, Watch, record_deadline, tick
from .gzipmembers import GZIP_MAGIC, TRIAL_BYTES, walk_members
from .heads import parse_head
from .warcioread import BoundedArchiveIterator, LineTooLong, record_name

READ_BYTES = 256 * 1024
BLOCK_READ_BYTES = 1024 * 1024
MAX_HEAD_BYTES = 1024 * 1024  # a WARC header block; real ones are a few hundred bytes
MAX_HTTP_HEAD_BYTES = 256 * 1024  # an HTTP head kept for the caller
MESSAGE_CHARS = 120  # URLs and foreign messages inside a message are shortened to this
LISTED_NOTES = 20
PAIRING_WINDOW = 1000  # records a request may be apart from its response and still pair

TICK_LINES = 1024  # a header's lines read between checks of the record's time
HTTP_RECORD_TYPES = (W.RESPONSE, W.REQUEST, W.REVISIT)
MULTIPLE = (
    "一个 gzip 数据块中有多条记录（文件是整体压缩的，而不是逐条压缩）；"
    "其后的记录无法按偏移读取，可用 warcio recompress 修复"
)
SHORT = "记录之后紧接着还有数据：Content-Length 偏小，记录块不完整"
VERSIONS = (b"WARC/1.1", b"WARC/1.0", b"WARC/0.18", b"WARC/0.17")  # what warcio reads too
BETWEEN = "记录之后有无法识别的数据（不是下一条记录）"
NEXT = "next"


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    r"""One printable line of at most ``limit`` characters, cut at a word (or character)
    boundary; control characters (a hostile WARC's terminal escapes) become "?".

    >>> shorten("ERROR: non-chunked gzip file detected,\n  gzip block continues", 30)
    'ERROR: non-chunked gzip file…'
    >>> shorten("http://a.example/" + "x" * 40, 30)
    'http://a.example/xxxxxxxxxxxx…'
    >>> shorten("a\x1b[2Jb")
    'a?[2Jb'
    """
    text = " ".join(str(text).split())
    text = "".join(char if char.isprintable() else "?" for char in text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


@dataclass
class Defect:
    offset: int
    message: str

    def __str__(self) -> str:
        return f"偏移 {self.offset}：{self.message}"


@dataclass
class Record:
    """What reading one record showed: where it is, its headers, and what is wrong with it."""

    offset: int  # of the record, or of the gzip member holding it
    headers: StatusAndHeaders
    http: StatusAndHeaders | None = None  # the HTTP head of a response, request or revisit
    length: int = 0  # bytes it takes in the file
    gzipped: bool = False
    payload_bytes: int = 0
    long_http_head: bool = False  # its HTTP head is longer than MAX_HTTP_HEAD_BYTES
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.headers.get_header(W.TYPE) or ""

    @property
    def uri(self) -> str:
        return target_uri(self.headers)

    @property
    def date(self) -> str:
        return self.headers.get_header(W.DATE) or ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def defects(self) -> list[Defect]:
        where = record_name(self.headers)  # 「response 记录 URL」
        return [Defect(self.offset, f"{where}：{problem}") for problem in self.problems]


@dataclass
class WarcSummary:
    path: Path
    records: Counter = field(default_factory=Counter)
    pages: int = 0
    payload_bytes: int = 0
    file_bytes: int = 0
    earliest: str | None = None
    latest: str | None = None
    defects: list[Defect] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unlisted_notes: int = 0

    @property
    def ok(self) -> bool:
        return not self.defects

    def note(self, text: str) -> None:
        if len(self.notes) < LISTED_NOTES:
            self.notes.append(text)
        else:
            self.unlisted_notes += 1

    def add(self, record: Record) -> None:
        self.records[record.kind or "未知类型"] += 1
        self.payload_bytes += record.payload_bytes
        if record.date:
            self.earliest = min(filter(None, [self.earliest, record.date]))
            self.latest = max(filter(None, [self.latest, record.date]))
        if is_page(record):
            self.pages += 1
        self.defects += record.defects()
        for text in record.notes:
            self.note(f"偏移 {record.offset}：{text}")


def is_page(record: Record) -> bool:
    """An HTML page captured with status 200 (a response, or a resource record)."""
    if record.kind == W.RESPONSE and record.http is not None:
        status = record.http.get_statuscode()
        content_type = record.http.get_header("Content-Type") or ""
    elif record.kind == W.RESOURCE:
        status, content_type = "200", record.headers.get_header("Content-Type") or ""
    else:
        return False
    return status == "200" and content_type.lower().startswith("text/html")


def target_uri(headers: StatusAndHeaders) -> str:
    """WARC-Target-URI; WARC 1.0 writers such as wget put it in angle brackets."""
    uri = (headers.get_header(W.TARGET_URI) or "").strip()
    return uri.removeprefix("<").removesuffix(">")


# -- the bounded reader ------------------------------------------------------------------


class RecordError(Exception):
    """No record can be read here; the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ByteReader:
    """A stream read forward with its position, in bounded pieces."""

    def __init__(self, stream: BinaryIO, position: int = 0):
        self._stream = stream
        self._buffer = b""
        self.position = position

    def _more(self) -> bool:
        tick()
        chunk = self._stream.read(READ_BYTES)
        self._buffer += chunk
        return bool(chunk)

    def _take(self, size: int) -> bytes:
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        self.position += len(data)
        return data

    def peek(self, size: int) -> bytes:
        while len(self._buffer) < size and self._more():
            pass
        return self._buffer[:size]

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; b"" only at the end of the stream."""
        if self._buffer:
            return self._take(size)
        tick()
        data = self._stream.read(size)
        self.position += len(data)
        return data

    def readline(self, limit: int) -> bytes:
        """A line with its newline, or at most ``limit`` bytes of one."""
        while True:
            index = self._buffer.find(b"\n", 0, limit)
            if index >= 0:
                return self._take(index + 1)
            if len(self._buffer) >= limit or not self._more():
                return self._take(limit)

    def skip_blank(self) -> bool:
        """Skip CR and LF bytes (they separate records); False at the end of the stream."""
        while True:
            if not self._buffer and not self._more():
                return False
            rest = self._buffer.lstrip(b"\r\n")
            self.position += len(self._buffer) - len(rest)
            self._buffer = rest
            if rest:
                return True

    def whole_head(self) -> bytes | None:
        """A WARC header block read at once where the buffer holds all of it, its first
        line a supported version (else None: ``read_warc_head`` reads it line by line,
        with its checks and messages; this is the same block it would read)."""
        buffer = self._buffer
        first = buffer.find(b"\n", 0, MAX_HEAD_BYTES)
        if first < 0 or buffer[:first].rstrip() not in VERSIONS:
            return None
        end = HEAD_END.search(buffer, first, MAX_HEAD_BYTES)
        return None if end is None else self._take(end.end())

    def skip_to(self, marker: bytes) -> bool:
        """Go forward to the next ``marker``; False (at the end) when there is none."""
        while True:
            index = self._buffer.find(marker)
            if index >= 0:
                self._take(index)
                return True
            self._take(max(len(self._buffer) - len(marker) + 1, 0))
            if not self._more():
                self._take(len(self._buffer))
                return False


# The line that ends a header block: one of only whitespace (bytes.strip's), as warcio reads it.
HEAD_END = re.compile(rb"\n[ \t\r\x0b\x0c]*\n")


def read_warc_head(reader: ByteReader) -> StatusAndHeaders:
    """The WARC header block of the record that starts here (bounded)."""
    whole = reader.whole_head()
    if whole is not None:
        return _timed_head(whole)
    head = bytearray()
    lines = 0
    while True:
        line = reader.readline(MAX_HEAD_BYTES)
        lines += 1
        if lines % TICK_LINES == 0:
            tick()
        if not line:
            raise RecordError("记录头不完整（文件在记录头中间结束）")
        if not head and not line.startswith(b"WARC/"):
            raise RecordError(f"此处不是 WARC 记录的开头（读到「{shorten(_text(line), 40)}」）")
        if not head and line.rstrip() not in VERSIONS:
            raise RecordError(
                f"不支持的 WARC 版本「{shorten(_text(line), 20)}」（支持 WARC/1.0 和 WARC/1.1）"
            )
        head += line
        if len(head) > MAX_HEAD_BYTES:
            raise RecordError("记录头超过 1 MiB 仍未结束，不是有效的 WARC 记录")
        if not line.strip():  # warcio, too, takes a line of only whitespace as the end
            return _timed_head(bytes(head))


def _timed_head(head: bytes) -> StatusAndHeaders:
    headers = parse_head(head)
    try:
        tick()  # folded lines make a header of 1 MiB parse for seconds
    except RecordTooSlow as error:
        error.headers = headers
        raise
    return headers


def content_length(headers: StatusAndHeaders) -> int:
    value = (headers.get_header("Content-Length") or "").strip()
    if not value.isdigit():
        raise RecordError(f"记录头的 Content-Length 无效（「{shorten(value, 40)}」）")
    return int(value)


def parse_http_head(head: bytes) -> StatusAndHeaders | None:
    try:
        return parse_head(head)
    except (EOFError, ValueError, UnicodeError):
        return None


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").strip()


class HttpHeadFinder:
    """Splits a block into its HTTP head and the payload after it, as bytes stream by.

    The head ends at the first empty line, as warcio reads it; it is kept for the caller
    up to MAX_HTTP_HEAD_BYTES.
    """

    END = re.compile(rb"\n[\r\t ]{0,8}\n")  # an empty line, as warcio strips it

    def __init__(self) -> None:
        self._head = bytearray()
        self._tail = b"\n"  # as if a line ended just before the block: it may start empty
        self.done = False
        self.overflow = False

    def feed(self, chunk: bytes) -> bytes:
        """The part of ``chunk`` that is payload."""
        if self.done:
            return chunk
        window = self._tail + chunk
        match = self.END.search(window)
        if match is None:
            self._keep(chunk)
            self._tail = window[-9:]
            return b""
        end = match.end() - len(self._tail)
        self._keep(chunk[:end])
        self.done = True
        return chunk[end:]

    def _keep(self, part: bytes) -> None:
        if len(self._head) + len(part) <= MAX_HTTP_HEAD_BYTES:
            self._head += part
        else:
            self.overflow = True

    def head(self) -> StatusAndHeaders | None:
        if self.overflow or not self._head:
            return None
        return parse_http_head(bytes(self._head))


# -- digests -----------------------------------------------------------------------------
#
# WARC 1.1 names the algorithm but not the encoding of a digest. Like ``warcio check`` the
# encoding is told by the length: the length of the digest in base32 (RFC 4648, upper case,
# padded) means base32, longer means hexadecimal, shorter means base64 (standard or URL-safe
# alphabet, padded). Stricter than warcio: every form must decode exactly (no stray
# characters, the digest's own size, canonical base32), and a digest that cannot be read
# fails the record instead of being skipped.


class DigestError(ValueError):
    """A labelled digest that cannot be read; the message says why, in Chinese."""


def parse_digest(value: str) -> tuple[str, bytes]:
    """(hashlib name, expected digest) of a WARC labelled digest; DigestError if unreadable.

    >>> parse_digest("sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ")[0]
    'sha1'
    >>> parse_digest("sha-1:da39a3ee5e6b4b0d3255bfef95601890afd80709")[1].hex()[:8]
    'da39a3ee'
    >>> parse_digest("sha1:3i42h3s6nnfq2msvx7xzkyayscx5qbyj")
    Traceback (most recent call last):
    ...
    archive_tool.warc.verify.DigestError: 不是有效的 base32（须为大写字母 A–Z 与数字 2–7）
    """
    algorithm, sep, text = value.strip().partition(":")
    if not sep or not algorithm:
        raise DigestError("缺少算法名（应为「算法:摘要值」，如 sha1:…）")
    name, size, base32_length = _algorithm(algorithm)
    if len(text) == base32_length:
        raw = _decode_base32(text)
    elif len(text) > base32_length:
        raw = _decode_base16(text)
    else:
        raw = _decode_base64(text)
    if len(raw) != size:
        raise DigestError(f"长度不对：{algorithm} 摘要应为 {size} 字节，这里是 {len(raw)} 字节")
    return name, raw


@functools.lru_cache(maxsize=64)
def _algorithm(algorithm: str) -> tuple[str, int, int]:
    """hashlib's name of the algorithm, its digest's size, and that size in base32."""
    try:
        hasher = hashlib.new(algorithm)
    except (ValueError, TypeError):
        hasher = None
    if hasher is None or not hasher.digest_size:  # unknown, or of variable length (shake_*)
        raise DigestError(f"未知的摘要算法 {shorten(algorithm, 20)}")
    return hasher.name, hasher.digest_size, len(base64.b32encode(bytes(hasher.digest_size)))


def _decode_base32(text: str) -> bytes:
    try:
        raw = base64.b32decode(text)
    except (ValueError, binascii.Error):
        raw = None
    if raw is None or base64.b32encode(raw).decode("ascii") != text:
        raise DigestError("不是有效的 base32（须为大写字母 A–Z 与数字 2–7）")
    return raw


def _decode_base16(text: str) -> bytes:
    try:
        return base64.b16decode(text, casefold=True)
    except (ValueError, binascii.Error):
        raise DigestError("不是有效的十六进制（比 base32 写法长，只能是十六进制）") from None


def _decode_base64(text: str) -> bytes:
    if "-" in text or "_" in text:
        text = text.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        raise DigestError("不是有效的 base32、十六进制或 base64（长度或字符不对）") from None


class DigestCheck:
    """One declared digest, computed as the bytes it covers go by."""

    def __init__(self, header: str, value: str, compute: bool = True):
        self.header = header
        self.value = value
        self.problem = ""
        self.hasher = None
        try:
            name, self.expected = parse_digest(value)
        except DigestError as error:
            self.problem = str(error)
            return
        if compute:
            self.hasher = hashlib.new(name)

    def update(self, data: bytes) -> None:
        if self.hasher is not None and data:
            self.hasher.update(data)

    def matches(self) -> bool:
        return self.hasher is None or self.hasher.digest() == self.expected


def _digest_checks(headers: StatusAndHeaders, kind: str) -> tuple[DigestCheck | None, ...]:
    block = headers.get_header(W.BLOCK_DIGEST)
    payload = headers.get_header(W.PAYLOAD_DIGEST)
    # A revisit's payload digest is the original's; a segment's covers the whole payload:
    # neither can be computed here, but each must still be a readable digest.
    computed = kind != W.REVISIT and not headers.get_header("WARC-Segment-Number")
    return (
        DigestCheck(W.BLOCK_DIGEST, block) if block is not None else None,
        DigestCheck(W.PAYLOAD_DIGEST, payload, computed) if payload is not None else None,
    )


# -- one record --------------------------------------------------------------------------


def read_record(reader: ByteReader, offset: int) -> Record:
    """Read the record that starts here to its end, checking its length and digests.
    RecordTooSlow (with the ``headers`` read, if any) past the record's time."""
    headers = read_warc_head(reader)
    try:
        return _read_block(reader, offset, headers)
    except RecordTooSlow as error:
        error.headers = headers
        raise


def _read_block(reader: ByteReader, offset: int, headers: StatusAndHeaders) -> Record:
    length = content_length(headers)
    kind = headers.get_header(W.TYPE) or ""
    http = kind in HTTP_RECORD_TYPES and target_uri(headers).lower().startswith(("http:", "https:"))
    finder = HttpHeadFinder() if http else None
    block_check, payload_check = _digest_checks(headers, kind)
    remaining = length
    payload_bytes = 0
    while remaining > 0:
        chunk = reader.read(min(remaining, BLOCK_READ_BYTES))
        if not chunk:
            break
        remaining -= len(chunk)
        if block_check:
            block_check.update(chunk)
        payload = finder.feed(chunk) if finder else chunk
        payload_bytes += len(payload)
        if payload_check:
            payload_check.update(payload)
    record = Record(offset, headers, finder.head() if finder else None, payload_bytes=payload_bytes)
    record.long_http_head = finder is not None and finder.overflow
    if remaining:
        record.problems.append(
            f"记录不完整：Content-Length 为 {length} 字节，实际只有 {length - remaining} 字节"
        )
        return record
    for check in (block_check, payload_check):
        if check is None:
            continue
        if check.problem:
            record.problems.append(
                f"{check.header} 无法校验：{check.problem}（{shorten(check.value, 80)}）"
            )
        elif not check.matches():
            label = "块" if check.header == W.BLOCK_DIGEST else "载荷"
            record.problems.append(f"{label}摘要不符（{check.header}: {shorten(check.value, 80)}）")
    return record


# -- the walk ----------------------------------------------------------------------------


def walk_records(
    path: Path, arc: bool = True, bounds: Bounds = DEFAULT_BOUNDS
) -> Iterator[Record | Defect]:
    """Every record of the file in order (with what is wrong with it), and the defects
    found between records, within ``bounds``. ARC files (WARC's predecessor) are read with
    warcio when ``arc`` is true, else reported as unsupported. OSError if it cannot be
    read; ToolkitError if it is not a regular file (a FIFO would block the walk)."""
    path = Path(path)
    if not stat.S_ISREG(path.stat().st_mode):
        raise ToolkitError(f"{path} 不是普通文件，无法作为 WARC 读取")
    if path.stat().st_size == 0:
        yield Defect(0, "文件为空（0 字节），不是 WARC 文件")
        return
    watch = Watch(bounds)
    seen = 0  # records and defects
    for item in _walk_file(path, arc):
        if isinstance(item, Record):
            why = watch.over()
            if why is not None:
                yield Defect(item.offset, why)
                return
            item.problems += watch.problems(item)
            item.notes += watch.notes(item)
        seen += 1
        yield item
    if seen == 0:
        yield Defect(0, "文件中没有任何 WARC 记录")


def _walk_file(path: Path, arc: bool) -> Iterator[Record | Defect]:
    with open(path, "rb") as stream:
        gzipped = stream.read(2) == GZIP_MAGIC
        stream.seek(0)
        if _starts_as_arc(stream, gzipped):
            if arc:
                yield from _walk_arc(stream)
            else:
                yield Defect(
                    0,
                    "这是 ARC 格式（WARC 的前身），不受支持；可先用 warcio recompress 转换为 WARC",
                )
            return
        yield from _walk_gzip(stream) if gzipped else _walk_plain(stream)


def _starts_as_arc(stream: BinaryIO, gzipped: bool) -> bool:
    start = stream.read(TRIAL_BYTES)
    stream.seek(0)
    if gzipped:
        try:
            start = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(start, 32)
        except zlib.error:
            return False
    return start.lstrip(b"\r\n").startswith(b"filedesc://")


def _walk_gzip(stream: BinaryIO) -> Iterator[Record | Defect]:
    for member in walk_members(stream):
        try:
            with record_deadline():
                found = _read_member(member)
        except RecordTooSlow as error:
            yield _too_slow(member.offset, error)
            return
        yield from found


def _read_member(member) -> list[Record | Defect]:
    """The record of one gzip member, and what is wrong around it."""
    reader = ByteReader(member)
    record = problem = after = None
    if member.error is None:
        try:
            if reader.skip_blank():
                record = read_record(reader, member.offset)
                after = _after_record(reader)
        except RecordError as error:
            problem = error.message
    error = member.finish()
    if error is not None:
        if record is None:
            return [Defect(error.offset, error.message)]
        record.problems = [error.message]  # it explains whatever else looked wrong
        after = None
    if record is None:
        return [Defect(member.offset, problem)] if problem else []
    record.length, record.gzipped = member.length, True
    if after == SHORT:
        record.problems.append(SHORT)
    found: list[Record | Defect] = [record]
    if after in (NEXT, BETWEEN):
        found.append(Defect(member.offset, MULTIPLE if after == NEXT else BETWEEN))
    return found


def _too_slow(offset: int, error: RecordTooSlow | LineTooLong) -> Defect:
    """A record over its time (or a line too long), named by its headers if they were
    read; the walk ends."""
    problem = f"{error.message}，其后的记录未检查"
    headers = getattr(error, "headers", None)
    if headers is None:
        return Defect(offset, problem)
    return Record(offset, headers, problems=[problem]).defects()[0]


def _after_record(reader: ByteReader) -> str | None:
    """What follows a record's block: the end (None), the next record (NEXT), data right
    after the block (SHORT: its Content-Length may be too small), or other data after the
    blank lines that end a record (BETWEEN)."""
    first = reader.peek(1)
    if not first:
        return None
    if first not in (b"\r", b"\n"):
        return SHORT
    if not reader.skip_blank():
        return None
    return NEXT if reader.peek(5) == b"WARC/" else BETWEEN


def _walk_plain(stream: BinaryIO) -> Iterator[Record | Defect]:
    reader = ByteReader(stream)
    while reader.skip_blank():
        offset = reader.position
        try:
            with record_deadline():
                found, go_on = _read_plain(reader, offset)
        except RecordTooSlow as error:
            yield _too_slow(offset, error)
            return
        yield from found
        if not go_on:
            return


def _read_plain(reader: ByteReader, offset: int) -> tuple[list[Record | Defect], bool]:
    """The record at ``offset`` of an uncompressed WARC and what is wrong around it; and
    whether another record may follow."""
    try:
        record = read_record(reader, offset)
    except RecordError as error:
        return [Defect(offset, error.message)], _resync(reader)
    record.length = reader.position - offset
    after = _after_record(reader)
    start = reader.position
    go_on = after in (None, NEXT) or _resync(reader)
    if after == SHORT:
        record.problems.append(f"{SHORT}（其后 {reader.position - start} 字节无法识别）")
    found: list[Record | Defect] = [record]
    if after == BETWEEN:
        found.append(Defect(start, f"{BETWEEN}，已跳过 {reader.position - start} 字节"))
    return found, go_on


def _resync(reader: ByteReader) -> bool:
    """Go on at the next line that starts a WARC record, if there is one."""
    if reader.skip_to(b"\nWARC/"):
        reader.read(1)
        return True
    return False


def _walk_arc(stream: BinaryIO) -> Iterator[Record | Defect]:
    """The records of an ARC file, read by warcio within the walk's bounds (``warcioread``)."""
    iterator = BoundedArchiveIterator(stream, arc2warc=True)
    try:
        for record in iterator:
            payload_bytes = 0
            while chunk := record.raw_stream.read(BLOCK_READ_BYTES):
                payload_bytes += len(chunk)
            item = Record(iterator.get_record_offset(), record.rec_headers, record.http_headers)
            item.length, item.payload_bytes = iterator.get_record_length(), payload_bytes
            yield item
    except (RecordTooSlow, LineTooLong) as error:
        yield _too_slow(error.offset, error)
    except Exception as error:  # noqa: BLE001 — warcio raises many kinds for a bad ARC
        yield Defect(max(iterator.offset, 0), f"无法解析 ARC 记录（{shorten(error)}）")


# -- request records: optional, so their absence is a note -------------------------------


class Pairing:
    """Responses without a request record, looked for among nearby records (bounded)."""

    def __init__(self) -> None:
        self.waiting: OrderedDict[int, tuple[str, ...]] = OrderedDict()  # offset → its keys
        self.by_key: dict[str, int] = {}
        self.vouched: OrderedDict[str, None] = OrderedDict()  # keys requests seen pair with
        self.unpaired: list[int] = []
        self.count = 0

    def add(self, record: Record) -> None:
        if not record.uri.lower().startswith(("http:", "https:")):
            return
        headers = record.headers
        record_id = headers.get_header(W.RECORD_ID) or ""
        concurrent = headers.get_header(W.CONCURRENT_TO) or ""
        same = f"uri {record.uri} {record.date}"
        if record.kind == W.REQUEST:
            for key in (f"id {concurrent}", same, f"req {record_id}"):
                self._vouch(key)
        elif record.kind == W.RESPONSE:
            keys = (f"id {record_id}", same, f"req {concurrent}")
            if not any(key in self.vouched for key in keys):
                self._wait(record.offset, keys)

    def _vouch(self, key: str) -> None:
        self.vouched[key] = None
        if len(self.vouched) > 3 * PAIRING_WINDOW:
            self.vouched.popitem(last=False)
        offset = self.by_key.get(key)
        if offset is not None:
            self._forget(offset)

    def _wait(self, offset: int, keys: tuple[str, ...]) -> None:
        self.waiting[offset] = keys
        for key in keys:
            self.by_key[key] = offset
        if len(self.waiting) > PAIRING_WINDOW:
            oldest = next(iter(self.waiting))
            self._forget(oldest)
            self._unpaired(oldest)

    def _forget(self, offset: int) -> None:
        for key in self.waiting.pop(offset, ()):
            if self.by_key.get(key) == offset:
                del self.by_key[key]

    def _unpaired(self, offset: int) -> None:
        self.count += 1
        if len(self.unpaired) < 3:
            self.unpaired.append(offset)

    def note(self) -> str | None:
        for offset in list(self.waiting):
            self._forget(offset)
            self._unpaired(offset)
        if not self.count:
            return None
        where = "、".join(str(offset) for offset in sorted(self.unpaired))
        more = "等" if self.count > len(self.unpaired) else ""
        return (
            f"{self.count} 条响应记录没有对应的请求记录（偏移 {where}{more}）；"
            "WARC 1.1 不要求请求记录，不算缺陷"
        )


def verify_warc(
    path: Path, on_record: Callable[[Record], None] | None = None, arc: bool = True
) -> WarcSummary:
    """Check one WARC file; never raises for a defect in the file, only lists it.

    ``on_record`` is called with every record read, intact or not (``record.ok``), so a
    caller can use the same pass over the file.
    """
    path = Path(path)
    summary = WarcSummary(path)
    pairing = Pairing()
    try:
        summary.file_bytes = path.stat().st_size
        for item in walk_records(path, arc=arc):
            if isinstance(item, Defect):
                summary.defects.append(item)
                continue
            summary.add(item)
            pairing.add(item)
            if on_record is not None:
                on_record(item)
    except OSError as error:
        raise ToolkitError(f"无法读取 {path}：{error.strerror}") from None
    note = pairing.note()
    if note:
        summary.note(note)
    summary.defects.sort(key=lambda defect: defect.offset)
    return summary


def format_summary(summary: WarcSummary) -> str:
    by_type = "，".join(f"{kind} {count}" for kind, count in sorted(summary.records.items()))
    lines = [
        f"{summary.path}：",
        f"  记录：{sum(summary.records.values())} 条（{by_type or '无'}）",
        f"  页面：{summary.pages} 个 HTML 页面",
        f"  大小：文件 {summary.file_bytes} 字节，记录内容 {summary.payload_bytes} 字节",
        f"  抓取时间：{summary.earliest or '-'} 至 {summary.latest or '-'}",
    ]
    lines += [f"  提示：{note}" for note in summary.notes]
    if summary.unlisted_notes:
        lines.append(f"  提示：另有 {summary.unlisted_notes} 条提示未列出")
    return "\n".join(lines)
