"""One HTTP exchange as it will be written to WARC: the request sent, the response received.

The response body is held in a spooled temporary file, so a large body streams to disk
instead of filling memory; its SHA-1 digest is computed while it is read.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import BinaryIO

SPOOL_BYTES = 1024 * 1024  # bodies larger than this go to a temporary file


BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648
BASE32_PAIRS = [a + b for a in BASE32 for b in BASE32]  # 10 bits -> 2 characters
SHA1_SHIFTS = tuple(range(150, -1, -10))  # 160 bits = 16 pairs, no padding


def warc_digest(hasher) -> str:
    """A digest as WARC writes it (base32, as warcio and wget do).

    base64.b32encode is pure Python and cost about 13 µs per digest, several per record;
    a SHA-1 is exactly 16 ten-bit groups, looked up in a table.

    >>> warc_digest(hashlib.sha1(b""))
    'sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ'
    >>> all(warc_digest(hashlib.sha1(bytes([n]))) == "sha1:" + base64.b32encode(
    ...     hashlib.sha1(bytes([n])).digest()).decode() for n in range(256))
    True
    """
    value = hasher.digest()
    if len(value) != 20:
        return f"{hasher.name}:" + base64.b32encode(value).decode("ascii")
    bits = int.from_bytes(value, "big")
    return "sha1:" + "".join([BASE32_PAIRS[(bits >> shift) & 1023] for shift in SHA1_SHIFTS])


class Body:
    """A response body being received: spooled to disk past SPOOL_BYTES, digested as it comes."""

    def __init__(self) -> None:
        self.file: BinaryIO = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # type: ignore[assignment]  # noqa: SIM115 (closed by close())
        self.hasher = hashlib.sha1()
        self.length = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.hasher.update(data)
        self.length += len(data)

    @classmethod
    def of(cls, data: bytes) -> Body:
        body = cls()
        body.write(data)
        return body

    @property
    def digest(self) -> str:
        return warc_digest(self.hasher)

    def chunks(self, size: int = 256 * 1024):
        """The body from its start, in pieces."""
        self.file.seek(0)
        while piece := self.file.read(size):
            yield piece

    def read_all(self, limit: int | None = None) -> bytes:
        """The body's bytes (at most limit), for link extraction."""
        self.file.seek(0)
        data = self.file.read() if limit is None else self.file.read(limit)
        self.file.seek(0)
        return data

    def close(self) -> None:
        self.file.close()


@dataclass
class Capture:
    """A request and its response, ready for the WARC writer."""

    url: str
    request_head: bytes  # the request line and headers exactly as sent
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: Body
    http_version: str = "HTTP/1.1"
    ip_address: str | None = None
    date: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()
