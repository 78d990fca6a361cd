"""What reading one WARC may cost, and the checks that keep every command within it.

Every command that reads a WARC (verify, index, wacz, republish, continuity, redesign)
walks it with ``verify.walk_records`` (headers bounded, blocks read in pieces) under these
bounds, and decodes a payload only through ``payload`` (each coding undone in bounded
pieces). What the walk alone cannot bound is checked here, record by record: how many
records a file may hold (and that their WARC-Record-IDs differ) and how long one file may
take, each breach a defect at the record's offset; and, as a note, a gzip member that
inflates like a bomb (valid WARC: the readers after the walk decode within bounds).

And how long one record may take (``record_deadline``): reading, inflating, decoding and
parsing it may use at most ``record_seconds()`` of the processor. The readers call ``tick``
between pieces (of inflated data, of a header, of a page), which raises RecordTooSlow once
the record is over its time: a check between pieces, not a signal, so it works in any
thread and any worker process. The time is the thread's processor time, not the clock's:
a busy machine makes a record slower to read, not more costly.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import ToolkitError
from . import names as W

MiB = 1024 * 1024


@dataclass(frozen=True)
class Bounds:
    """The limits of one WARC file's walk."""

    max_records: int = 1_000_000  # the record IDs of this many are remembered (~70 MB)
    inflate_floor: int = 8 * MiB  # a record block may inflate beyond ``inflate_ratio``
    inflate_ratio: int = 100  # times its gzip member only up to this size
    max_seconds: float = 3600.0

    def inflates_too_far(self, block: int, stored: int) -> bool:
        """A block of ``block`` bytes stored in ``stored`` compressed bytes is a bomb.

        >>> Bounds().inflates_too_far(1024 * MiB, MiB), Bounds().inflates_too_far(9 * MiB, MiB)
        (True, False)
        """
        return block > self.inflate_floor and block > self.inflate_ratio * max(stored, 1)


DEFAULT_BOUNDS = Bounds()

RECORD_SECONDS = 120.0  # a 2 GiB payload decodes in about 10 s; a record's head in microseconds
RECORD_SECONDS_VARIABLE = "ARCHIVE_TOOL_RECORD_SECONDS"


class RecordTooSlow(ToolkitError):
    """A record took more than its time; ``message`` says so, ``named`` says where."""

    def __init__(self, seconds: float, where: str = ""):
        self.seconds = seconds
        self.where = where
        self.message = (
            f"处理这条记录用时超过 {seconds:g} 秒（处理器时间）的上限，疑似恶意构造，已停止读取"
            f"（上限可用环境变量 {RECORD_SECONDS_VARIABLE} 调整）"
        )
        super().__init__(f"{where}：{self.message}" if where else self.message)

    def named(self, where: str) -> RecordTooSlow:
        """The same error, saying which file, offset and record (once: the first name holds)."""
        return self if self.where else RecordTooSlow(self.seconds, where)


def record_seconds() -> float:
    """The processor seconds one record may take: RECORD_SECONDS, or the environment's."""
    text = os.environ.get(RECORD_SECONDS_VARIABLE, "").strip()
    if not text:
        return RECORD_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds < math.inf):
        raise ToolkitError(
            f"环境变量 {RECORD_SECONDS_VARIABLE} 应为正数（秒），实为「{_printable(text, 20)}」"
        )
    return seconds


_clock = threading.local()  # (thread time at which the record is over, its seconds)


@contextlib.contextmanager
def record_deadline(seconds: float | None = None) -> Iterator[None]:
    """Within this block one record is read: ``tick`` raises RecordTooSlow past its time.
    Nested, the earlier end holds."""
    seconds = record_seconds() if seconds is None else seconds
    previous = getattr(_clock, "deadline", None)
    deadline = (time.thread_time() + seconds, seconds)
    _clock.deadline = deadline if previous is None else min(previous, deadline)
    try:
        yield
    finally:
        _clock.deadline = previous


def tick() -> None:
    """RecordTooSlow if the record being read is over its time (nothing outside a record)."""
    deadline = getattr(_clock, "deadline", None)
    if deadline is not None and time.thread_time() > deadline[0]:
        raise RecordTooSlow(deadline[1])


class Watch:
    """Records of one file as they are read, checked against the bounds."""

    def __init__(self, bounds: Bounds = DEFAULT_BOUNDS):
        self.bounds = bounds
        self.count = 0
        self.ids: dict[int, int] = {}  # a 64-bit hash of each WARC-Record-ID → its offset
        self.deadline = time.monotonic() + bounds.max_seconds

    def over(self) -> str | None:
        """Why the walk must stop now (too many records, out of time), or None."""
        if self.count >= self.bounds.max_records:
            return f"记录超过 {self.bounds.max_records} 条，超出上限，其后的记录未检查"
        if time.monotonic() > self.deadline:
            return f"读取超过 {self.bounds.max_seconds:.0f} 秒的时间上限，其后的记录未检查"
        return None

    def notes(self, record) -> list[str]:
        """What is worth knowing about ``record`` (a verify.Record): a block inflating like a
        bomb is valid WARC, so a note; what reads it (republish) bounds what it decodes."""
        declared = (record.headers.get_header("Content-Length") or "").strip()
        block = int(declared) if declared.isdigit() else 0
        if record.gzipped and self.bounds.inflates_too_far(block, record.length):
            return [
                (
                    f"记录块解压后 {block} 字节，是其 gzip 数据（{record.length} 字节）的 "
                    f"{block // max(record.length, 1)} 倍，疑似压缩炸弹（只按上限读取）"
                )
            ]
        return []

    def problems(self, record) -> list[str]:
        """What is wrong with ``record`` (a verify.Record) by these bounds."""
        self.count += 1
        found = []
        record_id = record.headers.get_header(W.RECORD_ID)
        if record_id:
            key = int.from_bytes(hashlib.blake2b(record_id.encode(), digest_size=8).digest())
            first = self.ids.setdefault(key, record.offset)
            if first != record.offset:
                found.append(
                    f"WARC-Record-ID {_printable(record_id)} 与偏移 {first} 处的记录重复"
                    "（每条记录的 ID 须唯一）"
                )
        return found


def _printable(text: str, limit: int = 80) -> str:
    """A hostile header value for a message: no control characters, not too long.

    >>> _printable("<urn:x>\x1b[2J")
    '<urn:x>?[2J'
    """
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
