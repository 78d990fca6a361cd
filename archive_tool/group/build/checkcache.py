"""The rule check's report kept between builds, reused while nothing it reads has changed.

An untouched rebuild keeps every site (group.build.manifest) but would still load and
check the whole content folder, most of its time. The check (group.rules.check) is a pure
function of the content folder, the toolkit's code and the libraries it reads with, and
the build day; its report is kept in the group's cache folder (``check.pickle`` in
group.build.contentcache's ``.<output>.cache/``, never published) under a key digesting:

- every file of ``content/`` by name, size, mtime in ns and inode (manifest.tree_stamp),
  the 索引号 ledgers, ``_library``, ``_policy`` and the 保密审查 key included;
- the toolkit's code and the versions of the libraries the check reads with (``READS_WITH``
  and manifest.VERSIONED), and Python's;
- the build day itself, not what it decides: every rule may read it.

A report is kept only when the check passed, written to a temporary file and renamed; one
that cannot be read, or was kept under another key, is ignored and the check runs. Each
file holds two pickles, the key and then the value, written and read as streams: neither
the value's pickled bytes nor the whole file are ever held in memory beside the value
(at 100,000 articles they were a third of the build's peak), and a file kept under another
key is not read past its key.

When the report cannot be reused, the check runs with the file memo (content.filememo)
kept beside it (``check-files.pickle``) by the last check that passed, under the code and
library part of the key only (``code_key``): each file's reading, each text's
publishing-safety findings, kept per file stamp or text digest, so an edit reads and scans
only what changed and a new day nothing, while every rule runs again. An entry that cannot
be unpickled is made again; a memo under another code key, or damaged, is ignored whole.
``INCREMENTAL_BUILD=false`` neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import archive_tool

from ...content.filememo import FileMemo
from ..rules.check import GroupReport
from .contentcache import cache_root
from .manifest import shared_stamp, tree_stamp, versions

CACHE_FILE = "check.pickle"
FILES_FILE = "check-files.pickle"  # the file memo (content.filememo), under code_key only
# The libraries the content loader, the rules and the publishing-safety scan read with.
READS_WITH = (
    "PyYAML",
    "python-stdnum",
    "phonenumbers",
    "holidays",
    "pypinyin",
    "pyahocorasick",
    "lxml",
    "nh3",
    "pypdf",
    "python-docx",
    "openpyxl",
    "striprtf",
    "pillow",
)


def code_key() -> str:
    """The toolkit's code, the libraries the check reads with and Python, as one digest."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{sys.version}\0".encode())
    digest.update(shared_stamp([Path(archive_tool.__file__).parent]).encode())
    digest.update(versions(READS_WITH).encode())
    return digest.hexdigest()


def check_key(content_root: Path, today: date, code: str | None = None) -> str:
    """What the check's report depends on (see the module's docstring), as one digest."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{today.isoformat()}\0{code or code_key()}\0".encode())
    digest.update(tree_stamp(Path(content_root)).encode())
    return digest.hexdigest()


def cached_check(
    content_root: Path, today: date, output_root: Path, check: Callable[[], GroupReport]
) -> GroupReport:
    """The report kept for this key, or ``check()``'s, kept when it passed; ``check()``
    runs with the files kept from the last check (FILES_FILE), and keeps them again."""
    folder = cache_root(output_root)
    code = code_key()
    key = check_key(content_root, today, code)
    kept = kept_value(folder / CACHE_FILE, key)
    if isinstance(kept, GroupReport):
        return kept
    memo = FileMemo(kept_files(folder / FILES_FILE, code))
    with memo.open():
        report = check()
    # Like the report, kept only by a check that passed: a refused build writes nothing
    # (the memo of the last build that passed still serves the next check).
    if report.ok:
        if memo.changed:
            keep(folder / FILES_FILE, code, memo.used)
        del memo  # its entries are not needed beside the report's pickling
        keep(folder / CACHE_FILE, key, report)
    return report


def kept_files(path: Path, code: str) -> dict:
    """The entries of the file memo kept under this code; none if they cannot be read."""
    entries = kept_value(path, code)
    if not isinstance(entries, dict) or not all(isinstance(v, bytes) for v in entries.values()):
        return {}
    return entries


def kept_value(path: Path, key: str) -> Any:
    """The value kept under ``key``; None if there is none, or another, or it cannot be read."""
    try:
        with open(path, "rb") as file:
            if pickle.load(file) != key:
                return None
            return pickle.load(file)
    # Absent, truncated, written by another version: unpickling fails in many ways, and
    # each only means the check runs.
    except Exception:  # noqa: BLE001
        return None


def keep(path: Path, key: str, value: Any) -> None:
    """Write ``value`` under ``key`` beside the output; a cache that cannot be written is no
    error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        try:
            with os.fdopen(descriptor, "wb") as file:
                pickle.dump(key, file, protocol=5)
                pickle.dump(value, file, protocol=5)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
