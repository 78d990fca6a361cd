"""Articles as editors write them: Markdown files with ``Key: value`` metadata lines on top.

This reads the metadata the way Pelican's Markdown reader does (keys are case-insensitive,
the block ends at the first blank line) so that rules can check articles without Pelican.
Only the metadata block is read; the body is Pelican's to render.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ARTICLE_SUFFIXES = (".md", ".markdown")
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True)
class ArticleFile:
    """One Markdown file as read: where it is and its metadata block."""

    path: Path
    shown: str  # the path as the user knows it (registry.display_path)
    parts: tuple[str, ...]  # the path's parts below its site (or library) folder
    metadata: dict[str, str] | None  # None: the file is not UTF-8

    @property
    def meta(self) -> dict[str, str]:
        """The metadata, empty for a file that could not be decoded."""
        return self.metadata or {}

    @property
    def slug(self) -> str:
        return self.meta.get("slug") or self.path.stem


def read_article(path: Path, folder: Path, shown: str) -> ArticleFile:
    """The metadata block of the article at ``path`` (below ``folder``), read once."""
    try:
        metadata = read_metadata(path)
    except UnicodeDecodeError:
        metadata = None
    return ArticleFile(path, shown, path.relative_to(folder).parts, metadata)


def read_metadata(path: Path) -> dict[str, str]:
    """The metadata block of a Markdown file.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
    ...     _ = f.write("Title: 通知\\nDate: 2026-01-02\\n\\n正文")
    >>> read_metadata(Path(f.name))
    {'title': '通知', 'date': '2026-01-02'}
    >>> os.unlink(f.name)
    """
    metadata: dict[str, str] = {}
    with path.open(encoding="utf-8-sig") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip():
                break
            match = META_LINE.match(line)
            if not match:
                break
            metadata[match["key"].lower()] = match["value"].strip()
    return metadata


def parse_date(text: str) -> datetime | None:
    """A publish date as editors write it, or None when it is not one.

    >>> parse_date("2026-11-20 16:30")
    datetime.datetime(2026, 11, 20, 16, 30)
    >>> parse_date("2026/11/20") is None
    True
    """
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def iter_article_files(folder: Path) -> Iterator[Path]:
    """Every Markdown file below ``folder``, in path order."""
    for path in sorted(folder.rglob("*")):
        if path.suffix in ARTICLE_SUFFIXES and path.is_file():
            yield path
