"""Walk a .warc.gz as the sequence of gzip members it must be, with their offsets.

Each member is read as a stream of its decompressed bytes, in bounded pieces: a member
that inflates to gigabytes costs no more memory than a small one. Where the sequence
breaks (damaged or truncated data, bytes that are not gzip), the walk says where, and
can go on at the next intact member.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .bounds import tick

READ_BYTES = 256 * 1024
FEED_BYTES = 16 * 1024  # compressed bytes given to zlib at once: it copies what it leaves
GZIP_MAGIC = b"\x1f\x8b"
MEMBER_START = GZIP_MAGIC + b"\x08"  # the magic and the deflate method every member has
HEAD_BYTES = 64 * 1024  # enough for a record's WARC and HTTP headers
TRIAL_BYTES = 64 * 1024  # compressed bytes tried when looking for the next intact member

NOT_GZIP = "此处不是 gzip 数据块的开头（文件应由逐条压缩的 WARC 记录组成）"
TRUNCATED = "文件在一条记录中间结束（最后一条记录不完整）"


@dataclass(frozen=True)
class Member:
    offset: int
    length: int
    head: bytes = b""  # the first HEAD_BYTES of its decompressed content
    size: int = 0  # its decompressed length


class MemberError(Exception):
    """The file stops being a sequence of valid gzip members at ``offset``."""

    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset
        self.message = message


class MemberReader:
    """The decompressed bytes of the gzip member at ``offset``, read in order.

    ``read`` never raises: damaged or truncated data ends the content early and is kept in
    ``error``. ``finish`` reads on to the member's end and returns that error, if any;
    ``length`` is then the member's size in the file.
    """

    def __init__(self, stream: BinaryIO, offset: int, pending: bytes | memoryview = b""):
        self._stream = stream
        self._input = memoryview(pending)  # slices of a view copy nothing
        self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._out = b""
        self.offset = offset
        self.length = 0  # compressed bytes of this member consumed so far
        self.size = 0  # decompressed bytes produced so far
        self.eof = False
        self.error: MemberError | None = None
        self.unused = memoryview(b"")  # bytes read past the member's end: the next member's start

    @classmethod
    def broken(cls, offset: int, message: str) -> MemberReader:
        """A member that cannot be read at all."""
        reader = cls(None, offset)  # type: ignore[arg-type]
        reader.error = MemberError(offset, message)
        return reader

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` decompressed bytes (all the rest if negative); b"" at the end."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(READ_BYTES), b""))
        while len(self._out) < size and not self.eof and self.error is None:
            self._fill(size - len(self._out))
        data, self._out = self._out[:size], self._out[size:]
        return data

    def finish(self) -> MemberError | None:
        """Read to the member's end, discarding the content; the error that ended it, if any."""
        self._out = b""
        while not self.eof and self.error is None:
            self._fill(READ_BYTES)
            self._out = b""
        return self.error

    def _fill(self, want: int) -> None:
        tick()  # a member may inflate slowly: the record's time is checked piece by piece
        source = self._input
        if not source:
            source = memoryview(self._stream.read(READ_BYTES))
            if not source:
                self.error = MemberError(self.offset, TRUNCATED)
                return
        piece = source[:FEED_BYTES]
        try:
            # max_length bounds what one call may produce: a bomb inflates piece by piece.
            out = self._decompressor.decompress(piece, max(want, 1))
        except zlib.error as error:
            self.error = MemberError(self.offset, f"gzip 数据损坏（{error}）")
            return
        self.size += len(out)
        self._out += out
        if self._decompressor.eof:
            # At the end CPython puts all of the piece it left in unused_data.
            used = len(piece) - len(self._decompressor.unused_data)
            self.unused = source[used:]
            self.length += used
            self._input = memoryview(b"")
            self.eof = True
        else:
            used = len(piece) - len(self._decompressor.unconsumed_tail)
            self._input = source[used:]
            self.length += used


def walk_members(stream: BinaryIO, resync: bool = True) -> Iterator[MemberReader]:
    """Each gzip member of the stream, in order, as a MemberReader to read from.

    After the caller's turn the rest of the member is skipped. A member that is damaged
    (or bytes that are not gzip) comes with its ``error`` set; with ``resync`` the walk
    then goes on at the next offset where an intact member holding a WARC record starts.
    """
    offset = 0
    pending = b""
    while True:
        while len(pending) < len(MEMBER_START):
            more = stream.read(READ_BYTES)
            if not more:
                break
            pending = bytes(pending) + more
        if not pending:
            return
        if pending[: len(GZIP_MAGIC)] == GZIP_MAGIC:
            member = MemberReader(stream, offset, pending)
            yield member
            if member.finish() is None:
                offset += member.length
                pending = member.unused
                continue
        else:
            yield MemberReader.broken(offset, NOT_GZIP)
        if not resync:
            return
        found = find_member(stream, offset + 1)
        if found is None:
            return
        stream.seek(found)
        offset, pending = found, b""


def find_member(stream: BinaryIO, start: int, expect: bytes = b"WARC/") -> int | None:
    """Where the next gzip member whose content starts with ``expect`` begins, or None."""
    position = start
    carry = b""
    while True:
        stream.seek(position)
        block = stream.read(READ_BYTES)
        if not block:
            return None
        data = carry + block
        base = position - len(carry)
        index = data.find(MEMBER_START)
        while index >= 0:
            if _inflates_to(stream, base + index, expect):
                return base + index
            index = data.find(MEMBER_START, index + 1)
        carry = data[-(len(MEMBER_START) - 1) :]
        position += len(block)


def _inflates_to(stream: BinaryIO, offset: int, expect: bytes) -> bool:
    stream.seek(offset)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        return decompressor.decompress(stream.read(TRIAL_BYTES), len(expect)) == expect
    except zlib.error:
        return False


def iter_members(stream: BinaryIO) -> Iterator[Member]:
    """Yield each complete gzip member; raise MemberError where the sequence breaks."""
    for reader in walk_members(stream, resync=False):
        head = reader.read(HEAD_BYTES)
        error = reader.finish()
        if error is not None:
            raise error
        yield Member(reader.offset, reader.length, head, reader.size)


def complete_length(stream: BinaryIO) -> tuple[int, MemberError | None]:
    """How many leading bytes form complete members, and the error that ended them, if any."""
    end = 0
    try:
        for member in iter_members(stream):
            end = member.offset + member.length
    except MemberError as error:
        return end, error
    return end, None
