"""Walk a .warc.gz as the sequence of gzip members it must be, with their offsets."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

READ_BYTES = 256 * 1024
GZIP_MAGIC = b"\x1f\x8b"


HEAD_BYTES = 64 * 1024  # enough for a record's WARC and HTTP headers


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


def iter_members(stream: BinaryIO) -> Iterator[Member]:
    """Yield each complete gzip member; raise MemberError where the sequence breaks."""
    offset = 0
    pending = b""
    while True:
        if not pending:
            pending = stream.read(READ_BYTES)
            if not pending:
                return
        if len(pending) < len(GZIP_MAGIC):
            pending += stream.read(READ_BYTES)
        if not pending.startswith(GZIP_MAGIC):
            raise MemberError(
                offset, "此处不是 gzip 数据块的开头（文件应由逐条压缩的 WARC 记录组成）"
            )
        decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        consumed = 0
        head = b""
        size = 0
        while True:
            try:
                out = decompressor.decompress(pending)
                size += len(out)
                if len(head) < HEAD_BYTES:
                    head += out[: HEAD_BYTES - len(head)]
            except zlib.error as error:
                raise MemberError(offset, f"gzip 数据损坏（{error}）") from None
            if decompressor.eof:
                consumed += len(pending) - len(decompressor.unused_data)
                pending = decompressor.unused_data
                break
            consumed += len(pending)
            pending = stream.read(READ_BYTES)
            if not pending:
                raise MemberError(offset, "文件在一条记录中间结束（最后一条记录不完整）")
        yield Member(offset, consumed, head, size)
        offset += consumed


def complete_length(stream: BinaryIO) -> tuple[int, MemberError | None]:
    """How many leading bytes form complete members, and the error that ended them, if any."""
    end = 0
    try:
        for member in iter_members(stream):
            end = member.offset + member.length
    except MemberError as error:
        return end, error
    return end, None
