"""Waiting on a WARC that a running snapshot writes: for records, not for a size.

A size is a guess at how many records a number of bytes holds (it changes with the pages,
the compression, a resume that first cuts a torn tail); a record that reads complete is
the event a fault test means when it says "once the crawl is writing".
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from archive_tool.warc.gzipmembers import MemberError, iter_members
from archive_tool.warc.snapshot import record_type

CAPTURES = ("response", "revisit")


def complete_captures(path: Path, start: int = 0) -> int:
    """How many response and revisit records stand complete in path from byte start (a
    member boundary) on; the member being written, torn for now, ends the count."""
    count = 0
    with contextlib.suppress(OSError, MemberError), Path(path).open("rb") as stream:
        stream.seek(start)
        for member in iter_members(stream):
            count += record_type(member.head) in CAPTURES
    return count


def last_member_start(path: Path) -> int:
    """Where the last complete member of path starts (0 without one): a resume keeps
    every byte before it, so counting from there sees only what a run still changes."""
    last = 0
    with contextlib.suppress(OSError, MemberError), Path(path).open("rb") as stream:
        for member in iter_members(stream):
            last = member.offset
    return last


def wait_for_captures(path: Path, process, count: int, start: int = 0, timeout: float = 120):
    """Until path holds count complete captures from start on; fails if the process ends
    first (a wait for a crawl that finished too early would test nothing)."""
    deadline = time.monotonic() + timeout
    while complete_captures(path, start) < count:
        assert process.poll() is None, f"the snapshot ended before {count} records in {path}"
        assert time.monotonic() < deadline, f"{path}: not {count} records within {timeout} s"
        time.sleep(0.02)


def interrupt_at_captures(path: Path, process, count: int, timeout: float = 120) -> int:
    """Ctrl-C (SIGINT) to process once path holds count complete captures; returns how many.

    The process is frozen (SIGSTOP) while its file is counted and until the signal is sent:
    between a count and a signal sent after it, a crawl of --from-dir on a loaded machine
    once wrote the remaining 950 pages and ended, and the test had nothing to interrupt."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"the snapshot ended before {count} records in {path}"
        assert time.monotonic() < deadline, f"{path}: not {count} records within {timeout} s"
        os.kill(process.pid, signal.SIGSTOP)
        try:
            found = complete_captures(path)
            if found >= count:
                os.kill(process.pid, signal.SIGINT)
                return found
        finally:
            os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.02)
