"""A capture's payload, read from its WARC record, decoded and bounded (the only place a
payload is decoded: republish spools payloads with it, wacz reads page titles with it).

The record is read in pieces, never whole into memory. Chunked transfer coding and the
gzip, deflate and br content codings are undone, each in bounded pieces too. The decoded
payload may not exceed a size limit, nor inflate beyond a ratio of the bytes its record
takes in the WARC: a record of a few kilobytes cannot become a gigabyte file. Nor may
decoding it take longer than a record's time (``bounds.record_deadline``): past it,
RecordTooSlow names the file, the offset and the record.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import brotlicffi

from . import names as W
from .bounds import RecordTooSlow, record_deadline, tick
from .gzipmembers import GZIP_MAGIC, READ_BYTES, MemberReader
from .verify import (
    MAX_HTTP_HEAD_BYTES,
    TICK_LINES,
    ByteReader,
    RecordError,
    content_length,
    parse_http_head,
    read_warc_head,
    shorten,
    target_uri,
)

PIECE_BYTES = 1024 * 1024
# Where an HTTP head ends as ``_read_http_head`` reads it: at its first line of only
# whitespace (bytes.strip's), the first line included.
HTTP_HEAD_END = re.compile(rb"(?:\A|\n)[ \t\r\x0b\x0c]*\n")
FIRST_BYTES = 512  # what must decode for a body to be taken as coded at all
MAX_CHUNK_LINE = 4096


class PayloadError(Exception):
    """The payload cannot be published; the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """How large a decoded payload may be: never over ``max_bytes``; over ``floor`` only
    within ``ratio`` times the bytes its record takes in the WARC."""

    max_bytes: int = 2 * 1024**3
    floor: int = 8 * 1024 * 1024
    ratio: int = 100

    def allowed(self, stored: int, cap: int | None = None) -> int:
        """The most a payload stored in ``stored`` bytes may decode to (and at most ``cap``).

        >>> Limits().allowed(1400) == 8 * 1024 * 1024
        True
        >>> Limits().allowed(10**6, cap=5)
        5
        """
        limit = min(self.max_bytes, max(self.floor, self.ratio * stored))
        return limit if cap is None else min(limit, cap)


class Limited:
    """At most ``length`` bytes of a ByteReader."""

    def __init__(self, reader: ByteReader, length: int):
        self._reader = reader
        self.remaining = length

    def read(self, size: int) -> bytes:
        if self.remaining <= 0:
            return b""
        data = self._reader.read(min(size, self.remaining))
        self.remaining -= len(data)
        return data


class Dechunked:
    """A body in chunked transfer coding, unchunked. A body that does not start as chunked
    data is read as it is (writers sometimes keep the header after unchunking)."""

    def __init__(self, source: ByteReader):
        self._source = source
        self._left = 0
        self._done = False
        line = source.peek(MAX_CHUNK_LINE)
        self._plain = _chunk_size(line.split(b"\n", 1)[0]) is None

    def read(self, size: int) -> bytes:
        if self._plain:
            return self._source.read(size)
        while self._left == 0 and not self._done:
            tick()  # a body of a million one-byte chunks
            line = self._source.readline(MAX_CHUNK_LINE).strip()
            if not line:  # the CRLF after the previous chunk, or the end
                if not self._source.peek(1):
                    self._done = True
                continue
            length = _chunk_size(line)
            if length is None:
                raise PayloadError("分块传输编码（chunked）损坏")
            self._left = length
            self._done = length == 0
        if self._done:
            return b""
        data = self._source.read(min(size, self._left))
        if not data:
            self._done = True
        self._left -= len(data)
        return data


def _chunk_size(line: bytes) -> int | None:
    text = line.split(b";", 1)[0].strip()
    if not text or len(text) > 16:
        return None
    try:
        return int(text, 16)
    except ValueError:
        return None


class Decoded:
    """A body with one content coding (gzip, deflate, br) undone, in bounded pieces.

    As browsers and warcio do, a body that does not decode from its first bytes is taken
    to be sent without the coding its header claims.
    """

    def __init__(self, source, coding: str):
        if coding not in ("gzip", "x-gzip", "deflate", "br"):
            raise PayloadError(f"不支持的内容编码「{shorten(coding, 40)}」")
        self._source = source
        self._coding = coding
        self._pending = b""
        self._started = False  # some input decoded: a later error is damage, not plain data
        self._plain = False
        self._raw_deflate = False
        self._eof = False
        self._brotli = brotlicffi.Decompressor() if coding == "br" else None
        self._inflate = None if coding == "br" else self._inflater()

    def _inflater(self):
        if self._coding != "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        # Some servers send deflate without its zlib header.
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def read(self, size: int) -> bytes:
        while not self._eof:
            tick()
            out = self._step(size)
            if out:
                return out
        return b""

    def _input(self) -> bytes:
        data, self._pending = self._pending or self._source.read(PIECE_BYTES), b""
        if not self._started and len(data) > FIRST_BYTES:
            # A first small piece: damage further on must not pass for "not coded".
            data, self._pending = data[:FIRST_BYTES], data[FIRST_BYTES:]
        return data

    def _step(self, size: int) -> bytes:
        if self._plain:
            data = self._input()
            self._eof = not data
            return data
        if self._brotli is not None:
            return self._step_brotli(size)
        return self._step_inflate(size)

    def _step_inflate(self, size: int) -> bytes:
        data = self._inflate.unconsumed_tail or self._input()
        if not data:
            self._eof = True
            return b""
        try:
            out = self._inflate.decompress(data, size)
        except zlib.error:
            return self._fallback(data)
        self._started = True
        if self._inflate.eof:
            rest = self._inflate.unused_data
            if rest.startswith(GZIP_MAGIC) and self._coding != "deflate":
                self._inflate, self._pending = self._inflater(), rest  # another gzip member
            else:
                self._eof = True  # what follows the coded data is not part of it
        return out

    def _step_brotli(self, size: int) -> bytes:
        data = b""
        try:
            if self._brotli.can_accept_more_data():
                data = self._input()
                if not data:
                    self._eof = True
                    return b""
            out = self._brotli.process(data, output_buffer_limit=size)
        except brotlicffi.error:
            return self._fallback(data)
        self._started = True
        self._eof = self._brotli.is_finished()  # what follows the coded data is not part of it
        return out

    def _fallback(self, data: bytes) -> bytes:
        """After a decoding error in ``data``: damage, or a body sent without the coding."""
        if self._started:
            raise PayloadError(f"内容编码（{self._coding}）的数据损坏")
        self._pending = data + self._pending  # read again, from the start
        if self._coding == "deflate" and not self._raw_deflate:
            self._raw_deflate = True
            self._inflate = self._inflater()
        else:
            self._plain = True
        return b""


class PayloadReader:
    """Reads captures' payloads out of WARC files, keeping each file open once."""

    def __init__(self) -> None:
        self._streams: dict[str, BinaryIO] = {}
        self._headers = None  # of the record being read, to name it

    def close(self) -> None:
        for stream in self._streams.values():
            stream.close()
        self._streams.clear()

    def _stream(self, warc: str) -> BinaryIO:
        if warc not in self._streams:
            self._streams[warc] = open(warc, "rb")  # noqa: SIM115 (closed by close())
        return self._streams[warc]

    def spool(
        self, warc: str, offset: int, gzipped: bool, target: Path, limit: int, too_large: str
    ) -> int:
        """Write the decoded payload of the record at ``offset`` to ``target``; its size.

        Raises PayloadError (and leaves no ``target``) when it cannot be read, or with the
        message ``too_large`` when it exceeds ``limit`` bytes.
        """
        try:
            with open(target, "wb") as out:
                return self._decode(warc, offset, gzipped, out.write, limit, too_large)
        except BaseException:
            target.unlink(missing_ok=True)
            raise

    def read(
        self, warc: str, offset: int, gzipped: bool, limit: int, too_large: str, length: int = 0
    ) -> bytes:
        """The decoded payload of the record at ``offset``, for one small enough to be held
        (a page, a style sheet): as ``spool``, without the round trip through a file.
        ``length``: the bytes the record takes in the file, as the first pass found them
        (read at once; a member found longer now is read on as usual)."""
        pieces: list[bytes] = []
        self._decode(warc, offset, gzipped, pieces.append, limit, too_large, length)
        return b"".join(pieces)

    def _decode(self, warc, offset, gzipped, sink, limit: int, too_large: str, length=0) -> int:
        with self._timed(warc, offset):
            stream = self._stream(warc)
            stream.seek(offset)
            if gzipped:
                start = stream.read(min(length, READ_BYTES)) if length > 0 else b""
                source = MemberReader(stream, offset, start)
            else:
                source = stream
            size = _copy(self._body(ByteReader(source, offset)), sink, limit, too_large)
            if gzipped and source.error is not None:
                raise PayloadError(f"记录的 gzip 数据损坏（{source.error.message}）")
            return size

    def head(self, warc: str, offset: int, gzipped: bool, size: int) -> bytes:
        """The first ``size`` bytes of the decoded payload of the record at ``offset``
        (decoded in bounded pieces, so a bomb costs no more); PayloadError if unreadable."""
        with self._timed(warc, offset):
            stream = self._stream(warc)
            stream.seek(offset)
            source = MemberReader(stream, offset) if gzipped else stream
            body = self._body(ByteReader(source, offset))
            data = bytearray()
            while len(data) < size and (piece := body.read(min(PIECE_BYTES, size - len(data)))):
                data += piece
            return bytes(data)

    @contextlib.contextmanager
    def _timed(self, warc: str, offset: int) -> Iterator[None]:
        """Within the record's time; RecordTooSlow naming the file, offset and record."""
        self._headers = None
        try:
            with record_deadline():
                yield
        except RecordTooSlow as error:
            record = "记录"
            if self._headers is not None:
                kind = self._headers.get_header(W.TYPE) or "未知类型"
                record = f"{kind} 记录 {shorten(target_uri(self._headers))}"
            raise error.named(f"{warc} 偏移 {offset}：{record}") from None

    def _body(self, reader: ByteReader):
        try:
            if not reader.skip_blank():
                raise PayloadError("此偏移处没有记录")
            headers = self._headers = read_warc_head(reader)
            block = ByteReader(Limited(reader, content_length(headers)))
        except RecordError as error:
            raise PayloadError(error.message) from None
        if headers.get_header(W.TYPE) == W.RESOURCE:
            return block  # a resource record's block is the payload itself
        http = _read_http_head(block)
        body = block
        if "chunked" in (http.get_header("Transfer-Encoding") or "").lower():
            body = Dechunked(block)
        codings = (http.get_header("Content-Encoding") or "").lower().split(",")
        for coding in reversed([c.strip() for c in codings if c.strip() not in ("", "identity")]):
            body = Decoded(body, coding)
        return body


def _read_http_head(block: ByteReader):
    end = HTTP_HEAD_END.search(block.peek(MAX_HTTP_HEAD_BYTES))
    # Taken at once where the buffer holds it: the same head as read line by line.
    head = block.read(end.end()) if end is not None else _head_by_lines(block)
    http = parse_http_head(head)
    tick()
    if http is None:
        raise PayloadError("HTTP 头无法解析")
    return http


def _head_by_lines(block: ByteReader) -> bytes:
    head = bytearray()
    lines = 0
    while True:
        line = block.readline(MAX_HTTP_HEAD_BYTES)
        lines += 1
        if lines % TICK_LINES == 0:
            tick()
        head += line
        if len(head) > MAX_HTTP_HEAD_BYTES:
            raise PayloadError("HTTP 头超过 256 KiB")
        if not line or not line.strip():
            return bytes(head)


def _copy(body, sink, limit: int, too_large: str) -> int:
    size = 0
    while piece := body.read(PIECE_BYTES):
        tick()
        size += len(piece)
        if size > limit:
            raise PayloadError(too_large)
        sink(piece)
    return size


def size_text(count: int) -> str:
    """A byte count for a message.

    >>> size_text(8 * 1024 * 1024), size_text(1500), size_text(3 * 1024**3 // 2)
    ('8 MiB', '1500 字节', '1536 MiB')
    """
    if count >= 1024 * 1024:
        return f"{count // (1024 * 1024)} MiB"
    return f"{count} 字节"
