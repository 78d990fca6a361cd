"""What reading one content file produced, kept between checks and reused while the file is unchanged.

A check reads every file of the content folder, and scans every text it will publish;
between two builds usually one file changed, or none (a new build day). While a
``FileMemo`` is active (``FileMemo.active``; group.build.checkcache opens one around the
check, kept in the group's cache folder), the loader, the publishing-safety scan and the
rules ask it first:

- ``read``: a file read by a pure function of its bytes and the call's arguments (an
  article's metadata and text, a YAML record), kept under the file's stamp — its path,
  size, modification time in ns and inode, as group.build.manifest's tree_stamp —, so an
  edited, renamed, replaced or touched file is read again;
- ``value``: anything else that is a pure function of its key (a text's findings under the
  group's lexicons and 保密审查 key, a name's pinyin), the key saying everything it reads.

Each entry is kept under a digest of its key (``entry_key``: 20 bytes, where the key's
tuple of paths, arguments and stamp took about 600 in memory, a fifth of the memo at
100,000 articles) and pickled as it was made, and each use unpickles its own copy: what a
check gets is what a fresh read gives, whatever an earlier check did with its copy, and an
entry that cannot be unpickled is made again, never trusted. So the report is the same
either way; the rules that compare files with each other, or read the build day, always
run over the assembled records. Entries not asked for in a check are dropped when it
keeps the memo. The memo knows nothing of the toolkit's code: its keeper discards all of
it when the code or a library it reads with changes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_ACTIVE: ContextVar[FileMemo | None] = ContextVar("file_memo", default=None)


class FileMemo:
    """Entries kept from the last check (``kept``) and those this check asked for (``used``)."""

    def __init__(self, kept: dict[Hashable, Any] | None = None):
        self.kept = kept or {}  # key -> the pickled value
        self.used: dict[Hashable, Any] = {}
        self.made = 0  # entries this check had to make (not kept, or kept for another stamp)

    @staticmethod
    def active() -> FileMemo | None:
        """The memo of the running check, if any."""
        return _ACTIVE.get()

    @contextmanager
    def open(self) -> Iterator[FileMemo]:
        """Make this memo the active one while the block runs."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)

    def value(
        self, key: Hashable, make: Callable[[], T], keep: Callable[[T], bool] | None = None
    ) -> T:
        """A copy of the value kept under ``key``, or ``make()``'s, kept (if ``keep`` says so)."""
        key = entry_key(key)
        for kept in (self.used, self.kept):
            if key in kept:
                try:
                    found = pickle.loads(kept[key])
                except Exception:  # noqa: BLE001  (damaged or foreign: made again)
                    break
                self.used[key] = kept[key]
                return found
        found = make()
        self.made += 1
        if keep is not None and not keep(found):
            return found
        try:
            self.used[key] = pickle.dumps(found, protocol=5)
        except Exception:  # noqa: BLE001  (a value that cannot be pickled is not kept)
            self.used.pop(key, None)
        return found

    @property
    def changed(self) -> bool:
        """Whether what this check used differs from what was kept (made or dropped)."""
        return bool(self.made) or len(self.used) != len(self.kept)


def entry_key(key: Hashable) -> bytes:
    """The digest an entry is kept under: of the key's ``repr`` (keys are tuples of
    strings, numbers and bytes, whose repr says all they hold).

    >>> entry_key(("yaml", "a.yaml", (), (1, 2, 3))) == entry_key(("yaml", "a.yaml", (), (1, 2, 3)))
    True
    >>> len(entry_key(("scan", "文字")))
    20
    """
    return hashlib.blake2b(repr(key).encode(), digest_size=20).digest()


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """A file's size, mtime in ns and inode (following links, as reading does); None if it
    cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def read(kind: str, path: Path, arguments: tuple, reader: Callable[[], T]) -> T:
    """``reader()`` (which reads ``path`` with ``arguments``), or what it gave for the same
    arguments and the file's same stamp in the last check."""
    memo = _ACTIVE.get()
    stamp = file_stamp(path) if memo is not None else None
    if stamp is None:
        return reader()
    return memo.value((kind, str(path), arguments, stamp), reader)


def value(key: Hashable, make: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
    """``make()``, or its value kept under ``key`` (the active memo's; none: made)."""
    memo = _ACTIVE.get()
    return make() if memo is None else memo.value(key, make, keep)
