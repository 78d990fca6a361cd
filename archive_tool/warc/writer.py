"""Crash-safe WARC output: records go to FILE.open, one gzip member each, renamed at the end.

Each record (serialised by ``record``) is compressed as its own gzip member and written
straight to the file (no user-space buffer), a response and its request together. The
writer knows where the last complete pair ends: when a write fails (disk full) or the run
stops, it cuts the file back to that point, so FILE.open only ever holds complete pairs
and ``--resume`` goes on from there. A crash (kill -9) can still leave a torn tail, which
``snapshot.prepare_output`` cuts on resume.
"""

from __future__ import annotations

import errno
import hashlib
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from isal import isal_zlib

from .. import __version__
from ..errors import ToolkitError
from . import names as W
from .capture import Capture, warc_digest
from .record import (
    EMPTY_DIGEST,
    HTTP_REQUEST,
    HTTP_RESPONSE,
    RECORD_END,
    REVISIT_PROFILE,
    WARC_FIELDS,
    http_head,
    record,
    record_header,
    record_id,
    warc_date,
)

# Gzip members come from ISA-L (python-isal): about 3x less CPU than zlib at level 6 for a
# 2 KB page record, for about 3 % more bytes; zlib's cost per member is mostly its set-up.
# Its output is plain gzip (RFC 1952) that zlib, warcio and every WARC reader inflate.
GZIP_LEVEL = isal_zlib.ISAL_DEFAULT_COMPRESSION
GZIP_WBITS = 16 + isal_zlib.MAX_WBITS  # a gzip header and trailer
INLINE_BYTES = 4 * 1024 * 1024  # records of larger bodies are streamed to the file instead


class WriteError(ToolkitError):
    """FILE.open could not be written (disk full, quota, file size limit, I/O error).

    The message is complete: what happened, that the records written are intact, and that
    --resume goes on once the cause is removed.
    """


def write_error(path: Path, error: OSError) -> WriteError:
    """The user's message for a failed write, by its errno."""
    keep = f"已写入的记录保持完整（{path}）"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteError(f"磁盘空间不足，{keep}；腾出空间后用同样的参数加 --resume 继续")
    if error.errno == errno.EFBIG:
        return WriteError(
            f"文件超过了系统允许的大小（{error.strerror}），{keep}；"
            "解除限制后用同样的参数加 --resume 继续"
        )
    return WriteError(
        f"写入失败（{error.strerror or error}），{keep}；排除问题后用同样的参数加 --resume 继续"
    )


class WarcOutput:
    """Write captures to ``path + '.open'``; ``close()`` renames it to ``path``.

    ``self.end`` is the length of the file's complete part: it moves only when a whole
    unit (the warcinfo record, or a response with its request) is on disk.
    """

    def __init__(
        self,
        path: Path,
        info: dict[str, str],
        resume: bool = False,
        dedup: dict[str, tuple[str, str]] | None = None,
    ):
        self.path = Path(path)
        self.open_path = self.path.with_name(self.path.name + W.OPEN_SUFFIX)
        # payload digest -> (target URI, WARC-Date) of its first capture, for revisits
        self.seen_payloads: dict[str, tuple[str, str]] = dict(dedup or {})
        self.records = 0
        self.bytes_written = 0
        self.failed: WriteError | None = None
        self.closed = False
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if resume else os.O_TRUNC)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Unbuffered: a failed write must leave nothing in a user-space buffer that a
            # later flush or close() could add after the file has been cut back.
            self.file = open(os.open(self.open_path, flags, 0o644), "ab", buffering=0)  # noqa: SIM115 (closed by close()/abandon())
            self.end = os.fstat(self.file.fileno()).st_size
        except OSError as error:
            raise ToolkitError(f"无法写入输出文件 {self.open_path}：{error.strerror}") from None
        self.lock = threading.Lock()
        self.pending = 0  # bytes of the unit being written, past self.end
        try:
            with self.lock:
                self._unit(
                    lambda: self._stream(warcinfo_record(self.path.name, warcinfo_fields(info)))
                )
        except BaseException:
            self._close_quietly()
            raise

    def write_capture(self, capture: Capture) -> str:
        """Write the response (or a revisit) and its request; return the response's record type.

        Safe to call from several threads; the gzip work of a small body happens outside the
        lock.
        """
        if capture.body.length <= INLINE_BYTES:
            return self.write_prepared(prepare(capture))
        prepared = prepare(capture, compress=False)
        with self.lock:

            def pair() -> None:
                self._stream(response_record(prepared, capture))
                self._stream(request_record(prepared, capture.request_head))

            self._unit(pair, records=2)
            self.seen_payloads.setdefault(prepared.digest, (prepared.url, prepared.date))
        return W.RESPONSE

    def write_prepared(self, prepared: PreparedCapture) -> str:
        """Place records built by ``prepare`` (perhaps in another process); revisit if seen."""
        with self.lock:
            earlier = None
            if prepared.dedupable:
                earlier = self.seen_payloads.get(prepared.digest)
                if earlier == (prepared.url, prepared.date):
                    earlier = None
            if earlier:
                response = gzip_member(revisit_record(prepared, earlier))
                kind = W.REVISIT
            else:
                response = prepared.response_member
                kind = W.RESPONSE
            self._unit(lambda: self._write_all(response + prepared.request_member), records=2)
            if prepared.dedupable:  # only once the response is on disk
                self.seen_payloads.setdefault(prepared.digest, (prepared.url, prepared.date))
        return kind

    def write_batch(self, batch: PreparedBatch) -> list[str]:
        """Append a batch's members as one unit (revisits put in where a payload was seen).

        The bytes come finished from another process; unless a payload repeats one already
        written, this is one write. Returns each capture's response record type.
        """
        with self.lock:
            kinds: list[str] = []
            pieces: list[memoryview | bytes] = []
            data = memoryview(batch.data)
            new_payloads: dict[str, tuple[str, str]] = {}
            start = offset = 0
            for prepared, (response_size, request_size) in zip(batch.captures, batch.sizes):
                earlier = None
                if prepared.dedupable:
                    earlier = self.seen_payloads.get(prepared.digest) or new_payloads.get(
                        prepared.digest
                    )
                    if earlier == (prepared.url, prepared.date):
                        earlier = None
                if earlier:
                    pieces += [data[start:offset], gzip_member(revisit_record(prepared, earlier))]
                    start = offset + response_size
                    kinds.append(W.REVISIT)
                else:
                    kinds.append(W.RESPONSE)
                    if prepared.dedupable:
                        new_payloads.setdefault(prepared.digest, (prepared.url, prepared.date))
                offset += response_size + request_size
            pieces.append(data[start:])

            def write() -> None:
                for piece in pieces:
                    self._write_all(piece)

            self._unit(write, records=2 * len(kinds))
            for digest, first in new_payloads.items():  # only once the batch is on disk
                self.seen_payloads.setdefault(digest, first)
        return kinds

    def append_file(self, path: str) -> None:
        """Append gzip members prepared in a file (a large body from another process)."""
        with self.lock, open(path, "rb") as members:

            def copy() -> None:
                while chunk := members.read(1024 * 1024):
                    self._write_all(chunk)

            self._unit(copy, records=2)

    def _unit(self, write, records: int = 1) -> None:
        """Run write (which appends whole records); on failure cut the file back to self.end.

        Called with self.lock held. A KeyboardInterrupt half-way leaves the tail for
        abandon() to cut.
        """
        if self.failed:
            raise self.failed
        if self.closed:
            raise ToolkitError(f"{self.open_path} 已关闭，不能再写入")
        self.pending = 0
        try:
            write()
        except OSError as error:
            self.failed = write_error(self.open_path, error)
            self._cut()
            raise self.failed from None
        self.end += self.pending
        self.bytes_written += self.pending
        self.records += records

    def _cut(self) -> None:
        """Drop whatever follows the last complete unit (shrinking a file needs no space)."""
        try:
            os.ftruncate(self.file.fileno(), self.end)
        except OSError:
            pass  # resume cuts a torn tail as well

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = self.file.write(view)
            self.pending += written
            view = view[written:]

    def _stream(self, parts) -> None:
        """Stream one record as one gzip member (for bodies too large to hold in memory)."""
        member = GzipMemberWriter(_Unbuffered(self._write_all))
        for part in parts:
            member.write(part)
        member.flush()

    def close(self) -> Path:
        """Finish the file and give it its final name.

        fsync first: an error the system reports only at writeback (quota, NFS, I/O) comes
        out here, before the file is called complete, not after.
        """
        with self.lock:
            if self.failed:
                raise self.failed
            self.closed = True
            try:
                os.fsync(self.file.fileno())
                self.file.close()
                os.replace(self.open_path, self.path)
            except OSError as error:
                self.failed = write_error(self.open_path, error)
                self._close_quietly()
                raise self.failed from None
        return self.path

    def abandon(self) -> Path:
        """Stop writing but keep FILE.open, cut back to its last complete unit."""
        with self.lock:
            if not self.file.closed:
                self._cut()
            self.closed = True
            self._close_quietly()
        return self.open_path

    def _close_quietly(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass


class _Unbuffered:
    """The file interface GzipMemberWriter writes through: every write goes to the file."""

    def __init__(self, write) -> None:
        self.write = write

    def flush(self) -> None:
        pass


@dataclass
class PreparedCapture:
    """A capture's records, compressed: what a fetching process hands to the single writer."""

    url: str
    date: str
    digest: str
    dedupable: bool
    response_id: str
    common: list[tuple[str, str]]
    http_head: bytes
    response_member: bytes = b""
    request_member: bytes = b""
    status: int = 0
    content_type: str = ""


@dataclass
class PreparedBatch:
    """Several captures' finished gzip members in one piece, for ``WarcOutput.write_batch``.

    ``sizes`` holds the (response, request) member lengths of each capture, in order;
    the captures' own member fields are empty (their bytes are in ``data``).
    """

    data: bytes
    captures: list[PreparedCapture]
    sizes: list[tuple[int, int]]

    @classmethod
    def of(cls, prepared: list[PreparedCapture]) -> PreparedBatch:
        parts: list[bytes] = []
        sizes: list[tuple[int, int]] = []
        for capture in prepared:
            parts += [capture.response_member, capture.request_member]
            sizes.append((len(capture.response_member), len(capture.request_member)))
            capture.response_member = capture.request_member = b""
        return cls(b"".join(parts), prepared, sizes)


def prepare(capture: Capture, compress: bool = True) -> PreparedCapture:
    """Serialise (and unless told otherwise gzip) a capture's response and request records."""
    prepared = describe(
        capture.url,
        warc_date(capture.date),
        capture.body.digest,
        dedupable(capture),
        http_head(
            f"{capture.http_version} {capture.status} {capture.reason}".rstrip(), capture.headers
        ),
        capture.status,
        capture.content_type,
        capture.ip_address,
    )
    if compress:
        data = capture.body.read_all()
        block = hashlib.sha1(prepared.http_head)
        block.update(data)
        compress_records(prepared, data, warc_digest(block), capture.request_head)
    return prepared


def describe(
    url: str,
    date: str,
    digest: str,
    dedupable: bool,
    head: bytes,
    status: int,
    content_type: str,
    ip_address: str | None = None,
) -> PreparedCapture:
    """What the writer needs of a capture besides its compressed records."""
    common = [(W.DATE, date), (W.TARGET_URI, url)]
    if ip_address:
        common.append((W.IP_ADDRESS, ip_address))
    return PreparedCapture(
        url=url,
        date=date,
        digest=digest,
        dedupable=dedupable,
        response_id=record_id(),
        common=common,
        http_head=head,
        status=status,
        content_type=content_type,
    )


def compress_records(
    prepared: PreparedCapture, data: bytes, block_digest: str, request_head: bytes
) -> None:
    """Fill in the response and request members of a body held in memory, digests given."""
    head = prepared.http_head
    fields = [
        (W.RECORD_ID, prepared.response_id),
        *prepared.common,
        (W.PAYLOAD_DIGEST, prepared.digest),
    ]
    header = record_header(W.RESPONSE, fields, HTTP_RESPONSE, block_digest, len(head) + len(data))
    prepared.response_member = compress_member(header + head + data + RECORD_END)
    fields = [
        (W.RECORD_ID, record_id()),
        *prepared.common,
        (W.CONCURRENT_TO, prepared.response_id),
        (W.PAYLOAD_DIGEST, EMPTY_DIGEST),
    ]
    header = record_header(
        W.REQUEST,
        fields,
        HTTP_REQUEST,
        warc_digest(hashlib.sha1(request_head)),
        len(request_head),
    )
    prepared.request_member = compress_member(header + request_head + RECORD_END)


def response_record(prepared: PreparedCapture, capture: Capture):
    block = hashlib.sha1(prepared.http_head)
    for chunk in capture.body.chunks():
        block.update(chunk)
    fields = [
        (W.RECORD_ID, prepared.response_id),
        *prepared.common,
        (W.PAYLOAD_DIGEST, prepared.digest),
    ]
    return record(
        W.RESPONSE,
        fields,
        HTTP_RESPONSE,
        prepared.http_head,
        capture.body.chunks(),
        capture.body.length,
        warc_digest(block),
    )


def revisit_record(prepared: PreparedCapture, earlier: tuple[str, str]):
    """An identical-payload revisit that takes the response's record ID (its request points to it)."""
    fields = [
        (W.RECORD_ID, prepared.response_id),
        *prepared.common,
        ("WARC-Profile", REVISIT_PROFILE),
        (W.REFERS_TO_URI, earlier[0]),
        (W.REFERS_TO_DATE, earlier[1]),
        (W.PAYLOAD_DIGEST, prepared.digest),
    ]
    return record(W.REVISIT, fields, HTTP_RESPONSE, prepared.http_head)


def request_record(prepared: PreparedCapture, request_head: bytes):
    fields = [
        (W.RECORD_ID, record_id()),
        *prepared.common,
        (W.CONCURRENT_TO, prepared.response_id),
        (W.PAYLOAD_DIGEST, EMPTY_DIGEST),
    ]
    return record(W.REQUEST, fields, HTTP_REQUEST, request_head)


def new_compressor():
    return isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, GZIP_WBITS)


def compress_member(data: bytes) -> bytes:
    """One record's bytes as one gzip member."""
    return isal_zlib.compress(data, GZIP_LEVEL, GZIP_WBITS)


def gzip_member(parts) -> bytes:
    """A whole record as one gzip member, in memory."""
    return compress_member(b"".join(parts))


class GzipMemberWriter:
    """Compresses one record into a file as it is produced; flush() ends the gzip member.

    Streaming keeps memory flat for a body of any size.
    """

    def __init__(self, file) -> None:
        self.file = file
        self.written = 0
        self.compressor = new_compressor()

    def write(self, data: bytes) -> None:
        self._out(self.compressor.compress(data))

    def flush(self) -> None:
        self._out(self.compressor.flush())
        self.file.flush()

    def _out(self, data: bytes) -> None:
        if data:
            self.file.write(data)
            self.written += len(data)


def dedupable(capture: Capture) -> bool:
    """Only successful, non-empty payloads are worth a revisit record."""
    return capture.status == 200 and capture.body.length > 0


def warcinfo_record(filename: str, info: dict[str, str]):
    body = "".join(f"{name}: {value}\r\n" for name, value in info.items()).encode("utf-8")
    fields = [
        (W.RECORD_ID, record_id()),
        (W.DATE, warc_date(datetime.now(timezone.utc))),
        ("WARC-Filename", filename),
    ]
    return record(W.WARCINFO, fields, WARC_FIELDS, body)


def warcinfo_fields(info: dict[str, str]) -> dict[str, str]:
    """The warcinfo record's fields: software, host, format, plus the caller's (operator, reason)."""
    fields = {
        "software": f"archive-tool/{__version__} (bozhou-govsite; warcio)",
        "hostname": socket.gethostname(),
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
    }
    fields.update({key: value for key, value in info.items() if value})
    return fields
