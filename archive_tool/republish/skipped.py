"""Records left out of an archive, and why: each one gets a warning, and the run goes on.

A WARC is untrusted input: one bad record (an unusable URL, a payload over the limits, a
file that cannot be written) must not stop the others from being published.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..warc.verify import shorten

LISTED = 1000  # warnings kept in full; beyond that only counted


class SkipRecord(Exception):
    """This record is left out; the message says why, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Skipped:
    warc: str
    offset: int
    url: str
    reason: str

    def __str__(self) -> str:
        url = f" {shorten(self.url, 80)}" if self.url else ""
        return f"{self.warc} 偏移 {self.offset} 的记录{url}：{self.reason}"


class SkipList:
    """The records left out, in full up to LISTED, then counted."""

    def __init__(self) -> None:
        self.items: list[Skipped] = []
        self.unlisted = 0

    def add(self, item: Skipped) -> None:
        if len(self.items) < LISTED:
            self.items.append(item)
        else:
            self.unlisted += 1

    def __len__(self) -> int:
        return len(self.items) + self.unlisted

    def lines(self, prefix: str) -> list[str]:
        lines = [f"{prefix}{item}" for item in self.items]
        if self.unlisted:
            lines.append(f"{prefix}另有 {self.unlisted} 条未列出")
        return lines
