"""Crash-safe WARC output: records go to FILE.open, one gzip member each, renamed at the end.

Each record (serialised by ``warcrecord``) is compressed as its own gzip member, streamed
and flushed when the record ends, so an interrupted crawl leaves a file whose complete
records are valid, and ``--resume`` can cut a torn last member.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import zlib
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from . import warcnames as W
from .capture import Capture, warc_digest
from .errors import ToolkitError
from .warcrecord import (
    EMPTY_DIGEST,
    HTTP_REQUEST,
    HTTP_RESPONSE,
    REVISIT_PROFILE,
    WARC_FIELDS,
    http_head,
    record,
    record_id,
    warc_date,
)

GZIP_LEVEL = 6  # warcio uses 9: several times slower for a few percent of size
INLINE_BYTES = 4 * 1024 * 1024  # records of larger bodies are streamed to the file instead


class WarcOutput:
    """Write captures to ``path + '.open'``; ``close()`` renames it to ``path``."""

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
        mode = "ab" if resume else "wb"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = open(self.open_path, mode)  # noqa: SIM115 (closed by close()/abandon())
        except OSError as error:
            raise ToolkitError(f"无法写入输出文件 {self.open_path}：{error.strerror}") from None
        self.lock = threading.Lock()
        self._write(warcinfo_record(self.path.name, warcinfo_fields(info)))

    def write_capture(self, capture: Capture) -> str:
        """Write the response (or a revisit) and its request; return the response's record type.

        Safe to call from several threads. Records of a small body are compressed outside the
        lock (zlib and hashlib release the GIL), so fetching threads compress in parallel.
        """
        date = warc_date(capture.date)
        common = [(W.DATE, date), (W.TARGET_URI, capture.url)]
        if capture.ip_address:
            common.append((W.IP_ADDRESS, capture.ip_address))
        head = http_head(
            f"{capture.http_version} {capture.status} {capture.reason}".rstrip(), capture.headers
        )
        digest = capture.body.digest
        earlier = None
        if dedupable(capture):
            with self.lock:
                earlier = self.seen_payloads.setdefault(digest, (capture.url, date))
            if earlier == (capture.url, date):
                earlier = None
        response_id = record_id()
        if earlier:
            kind = W.REVISIT
            fields = [
                (W.RECORD_ID, response_id),
                *common,
                ("WARC-Profile", REVISIT_PROFILE),
                (W.REFERS_TO_URI, earlier[0]),
                (W.REFERS_TO_DATE, earlier[1]),
                (W.PAYLOAD_DIGEST, digest),
            ]
            response = record(kind, fields, HTTP_RESPONSE, head)
        else:
            kind = W.RESPONSE
            block = hashlib.sha1(head)
            for chunk in capture.body.chunks():
                block.update(chunk)
            fields = [(W.RECORD_ID, response_id), *common, (W.PAYLOAD_DIGEST, digest)]
            response = record(
                kind,
                fields,
                HTTP_RESPONSE,
                head,
                capture.body.chunks(),
                capture.body.length,
                warc_digest(block),
            )
        fields = [
            (W.RECORD_ID, record_id()),
            *common,
            (W.CONCURRENT_TO, response_id),
            (W.PAYLOAD_DIGEST, EMPTY_DIGEST),
        ]
        request = record(W.REQUEST, fields, HTTP_REQUEST, capture.request_head)
        if capture.body.length <= INLINE_BYTES:
            members = gzip_member(response) + gzip_member(request)
            with self.lock:
                self._append(members, records=2)
        else:
            with self.lock:
                self._write(response)
                self._write(request)
        return kind

    def _append(self, members: bytes, records: int) -> None:
        try:
            self.file.write(members)
            self.file.flush()
        except OSError as error:
            raise ToolkitError(f"写入 {self.open_path} 失败：{error.strerror}") from None
        self.records += records
        self.bytes_written += len(members)

    def _write(self, parts) -> None:
        """Stream one record as one gzip member (for bodies too large to hold in memory)."""
        member = GzipMemberWriter(self.file)
        try:
            for part in parts:
                member.write(part)
            member.flush()
        except OSError as error:
            raise ToolkitError(f"写入 {self.open_path} 失败：{error.strerror}") from None
        self.records += 1
        self.bytes_written += member.written

    def close(self) -> Path:
        """Finish the file and give it its final name."""
        self.file.close()
        os.replace(self.open_path, self.path)
        return self.path

    def abandon(self) -> Path:
        """Stop writing but keep FILE.open (every complete record in it is valid)."""
        self.file.close()
        return self.open_path


def new_compressor():
    return zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)


def gzip_member(parts) -> bytes:
    """A whole record as one gzip member, in memory."""
    compressor = new_compressor()
    return b"".join(compressor.compress(part) for part in parts) + compressor.flush()


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
