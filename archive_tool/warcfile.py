"""Crash-safe WARC output: records go to FILE.open, one gzip member each, renamed at the end.

warcio builds and serialises every record; this module compresses each one as its own
gzip member, streamed and flushed when the record ends, so an interrupted crawl leaves a
file whose complete records are valid, and ``--resume`` can cut a torn last member.
"""

from __future__ import annotations

import io
import os
import socket
import zlib
from datetime import timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from . import __version__
from . import warcnames as W
from .capture import Capture
from .errors import ToolkitError

GZIP_LEVEL = 6  # warcio uses 9: several times slower for a few percent of size


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
        self.builder = None
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
        self.member_writer = GzipMemberWriter(self.file)
        self.builder = WARCWriter(self.member_writer, gzip=False, warc_version=W.WARC_VERSION)
        self._write(self.builder.create_warcinfo_record(self.path.name, warcinfo_fields(info)))

    def write_capture(self, capture: Capture) -> str:
        """Write the request and the response (or a revisit); return the response's record type."""
        date = datetime_to_iso_date(
            capture.date.astimezone(timezone.utc).replace(tzinfo=None), use_micros=True
        )
        common = {W.DATE: date}
        if capture.ip_address:
            common[W.IP_ADDRESS] = capture.ip_address
        http_headers = StatusAndHeaders(
            f"{capture.status} {capture.reason}".strip(),
            capture.headers,
            protocol=capture.http_version,
        )
        digest = capture.body.digest
        earlier = self.seen_payloads.get(digest) if dedupable(capture) else None
        if earlier:
            response = self.builder.create_revisit_record(
                capture.url,
                digest,
                earlier[0],
                earlier[1],
                http_headers=http_headers,
                warc_headers_dict=common,
            )
        else:
            capture.body.file.seek(0)
            response = self.builder.create_warc_record(
                capture.url,
                W.RESPONSE,
                payload=capture.body.file,
                length=capture.body.length,
                http_headers=http_headers,
                warc_headers_dict={**common, W.PAYLOAD_DIGEST: digest},
            )
            if dedupable(capture):
                self.seen_payloads[digest] = (capture.url, date)
        request = self.builder.create_warc_record(
            capture.url,
            W.REQUEST,
            payload=io.BytesIO(capture.request_head),
            length=len(capture.request_head),
            warc_headers_dict=dict(common),
        )
        request.rec_headers.add_header(
            W.CONCURRENT_TO, response.rec_headers.get_header(W.RECORD_ID)
        )
        self._write(response)
        self._write(request)
        return response.rec_type

    def _write(self, record) -> None:
        try:
            self.builder.write_record(record)  # ends with flush(): one gzip member per record
        except OSError as error:
            raise ToolkitError(f"写入 {self.open_path} 失败：{error.strerror}") from None
        self.records += 1
        self.bytes_written = self.member_writer.written

    def close(self) -> Path:
        """Finish the file and give it its final name."""
        self.file.close()
        os.replace(self.open_path, self.path)
        return self.path

    def abandon(self) -> Path:
        """Stop writing but keep FILE.open (every complete record in it is valid)."""
        self.file.close()
        return self.open_path


class GzipMemberWriter:
    """What warcio writes a record to: compresses as it goes; flush() ends the gzip member.

    Streaming keeps memory flat for a body of any size (warcio's own wrapper is the same,
    at compression level 9).
    """

    def __init__(self, file) -> None:
        self.file = file
        self.written = 0
        self.compressor = self._new_member()

    @staticmethod
    def _new_member():
        return zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)

    def write(self, data: bytes) -> None:
        self._out(self.compressor.compress(data))

    def flush(self) -> None:
        self._out(self.compressor.flush())
        self.file.flush()
        self.compressor = self._new_member()

    def _out(self, data: bytes) -> None:
        if data:
            self.file.write(data)
            self.written += len(data)


def dedupable(capture: Capture) -> bool:
    """Only successful, non-empty payloads are worth a revisit record."""
    return capture.status == 200 and capture.body.length > 0


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
