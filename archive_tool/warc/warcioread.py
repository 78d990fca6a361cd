"""warcio's reading of a WARC or ARC file, within the bounds of our own walk.

Three readers use warcio's ArchiveIterator rather than ``verify.walk_records``: the walk
of an ARC file, and cdxj-indexer and wacz (``index``, ``wacz``), which re-read files the
walk found sound. ``BoundedArchiveIterator`` is that iterator with the walk's bounds:
every record within ``bounds.record_seconds()`` of the processor (checked at every line and
every piece warcio reads, a record's time starting when its head is read), and no line
longer than MAX_LINE_BYTES (warcio reads a line whole into memory, however long). Past
either, ``RecordTooSlow`` or ``LineTooLong``, named with the file, the offset and the
record (``where``); ``offset`` and ``headers`` say the same for a caller that names it.

``bounded_indexing`` makes cdxj-indexer (and wacz, whose indexer is cdxj-indexer's) read
with it while the block runs.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

from ..errors import ToolkitError
from . import names as W
from .bounds import RecordTooSlow, record_seconds
from .bounds import _printable as printable

MAX_LINE_BYTES = 1024 * 1024  # as verify.MAX_HEAD_BYTES: a whole WARC header block


class LineTooLong(ToolkitError):
    """A line of a record's head longer than MAX_LINE_BYTES."""

    def __init__(self, where: str = ""):
        self.where = where
        self.message = "记录头中有一行超过 1 MiB 仍未结束，不是有效的记录，已停止读取"
        super().__init__(f"{where}：{self.message}" if where else self.message)


def record_name(headers) -> str:
    """A record for a message: 「response 记录 URL」 (its ID if it has no URL)."""
    kind = headers.get_header(W.TYPE) or "未知类型"
    uri = (headers.get_header(W.TARGET_URI) or "").strip().removeprefix("<").removesuffix(">")
    where = f"{kind} 记录" + (f" {printable(uri, 120)}" if uri else "")
    record_id = headers.get_header(W.RECORD_ID)
    if record_id and not uri:  # the URL names a record best; else its ID
        where += f" {printable(record_id, 60)}"
    return where


def place(offset: int, headers) -> str:
    """Where a record is, for a message: 「偏移 N：response 记录 URL」, or 「偏移 N」."""
    return f"偏移 {offset}" + (f"：{record_name(headers)}" if headers is not None else "")


class _BoundedReader(DecompressingBufferedReader):
    """warcio's reader, checking its iterator's bounds at every line and every piece."""

    owner: BoundedArchiveIterator

    def _fillbuff(self, block_size=None):
        self.owner.check_time()
        super()._fillbuff(block_size)

    def read(self, length=None):
        self.owner.check_time()
        return super().read(length)

    def readline(self, length=None):
        self.owner.check_time()
        limit = MAX_LINE_BYTES + 1 if length is None else min(length, MAX_LINE_BYTES + 1)
        line = super().readline(limit)
        if len(line) > MAX_LINE_BYTES:
            raise self.owner.named(LineTooLong())
        return line


class BoundedArchiveIterator(ArchiveIterator):
    """ArchiveIterator within the walk's bounds (see the module's docstring); ``path`` names
    the file in messages."""

    def __init__(self, fileobj, *args, path: str = "", **kwargs):
        super().__init__(fileobj, *args, **kwargs)
        self.path = str(path or getattr(fileobj, "name", "") or "")
        self.seconds = record_seconds()
        self.current = None  # the record being read, once its head is
        self.head_offset = 0  # where the record being read starts
        self._restart()
        reader = _BoundedReader(self.fh, block_size=self.reader.block_size)
        reader.owner = self
        self.reader = reader
        self.the_iter = self._timed(self.the_iter)

    def _restart(self) -> None:
        self.ends = time.thread_time() + self.seconds

    def check_time(self) -> None:
        if time.thread_time() > self.ends:
            raise self.named(RecordTooSlow(self.seconds))

    def named(self, error: RecordTooSlow | LineTooLong):
        """The error, saying which file, offset and record; ``offset`` and ``headers`` too."""
        headers = self.current.rec_headers if self.current is not None else None
        where = place(self.head_offset, headers)
        named = (
            error.named(f"{self.path} {where}")
            if isinstance(error, RecordTooSlow)
            else LineTooLong(f"{self.path} {where}")
        )
        named.offset, named.headers = self.head_offset, headers
        return named

    def _timed(self, records: Iterator) -> Iterator:
        """Each record, its time started before its head and ended once it is read through."""
        while True:
            self.current = None
            self.head_offset = max(self.offset, 0)
            self._restart()
            try:
                record = next(records)
            except StopIteration:
                return
            self.current = record
            yield record
            self.read_to_end()  # the rest of it, within its time


@contextlib.contextmanager
def bounded_indexing() -> Iterator[None]:
    """While the block runs, cdxj-indexer (and wacz's indexer) read with
    BoundedArchiveIterator."""
    from cdxj_indexer.main import CDXJIndexer

    def create(indexer, input_):
        return BoundedArchiveIterator(
            input_,
            no_record_parse=not indexer.record_parse,
            arc2warc=True,
            verify_http=indexer.verify_http,
        )

    own = CDXJIndexer.__dict__.get("_create_record_iter")
    CDXJIndexer._create_record_iter = create
    try:
        yield
    finally:
        if own is None:
            del CDXJIndexer._create_record_iter  # the inherited one again, warcio's
        else:
            CDXJIndexer._create_record_iter = own
