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
from functools import cached_property
from pathlib import Path

from . import filememo

ARTICLE_SUFFIXES = (".md", ".markdown")
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
# DATE_FORMATS as strptime reads them written with two-digit fields and one space.
PLAIN_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: ([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?\Z")
MAX_ARTICLE_BYTES = 5 * 1024 * 1024  # far beyond any page an editor writes
# Where the build writes an article below its site's root (Pelican's ARTICLE_URL and
# ARTICLE_SAVE_AS, group/build/settings.py): the same on every site of the group.
ARTICLE_PATH = "{category}/{date:%Y%m}/{slug}.html"


@dataclass(frozen=True)
class ArticleFile:
    """One Markdown file as read: where it is, its metadata block and its text."""

    path: Path
    shown: str  # the path as the user knows it (registry.display_path)
    parts: tuple[str, ...]  # the path's parts below its site (or library) folder
    metadata: dict[str, str] | None  # None: the file is not UTF-8
    text: str = ""  # the whole file, for the publishing-safety scan
    body_line: int = 1  # the line number where the body starts
    unreadable: str = ""  # why the file could not be read, when metadata is None
    repeated: tuple[str, ...] = ()  # keys written more than once (Pelican keeps the last)

    @property
    def meta(self) -> dict[str, str]:
        """The metadata, empty for a file that could not be decoded."""
        return self.metadata or {}

    @cached_property
    def slug(self) -> str:
        """``Slug:``, or the file's name (asked for by many rules: worked out once)."""
        return self.meta.get("slug") or self.path.stem

    @cached_property
    def published(self) -> datetime | None:
        """The publish date (``Date:``), parsed once for every rule; None if it is none."""
        return parse_date(self.meta.get("date", ""))

    @property
    def column(self) -> str:
        """The column folder it lies in ("" for a file at the top of its site folder)."""
        return self.parts[0] if len(self.parts) >= 2 else ""

    def page(self, column: str | None = None) -> str | None:
        """Its page below the site's root, in its own column or in ``column`` (a library
        copy's); None when it has no date, so no page."""
        if self.published is None:
            return None
        return article_path(self.column if column is None else column, self.published, self.slug)

    def release_text(self) -> None:
        """Forget the text once every check that reads it has run (the build reads the file
        with Pelican, the last gate reads the content files themselves): a group's texts
        are most of its model, kept for the whole build and in the kept report. Its
        metadata, paths and line numbers stay."""
        object.__setattr__(self, "text", "")

    @property
    def body(self) -> str:
        """The text from the body's first line on (its line numbers start at body_line)."""
        position = 0
        for _ in range(self.body_line - 1):
            position = self.text.find("\n", position) + 1
            if position == 0:
                return ""
        return self.text[position:]


def read_article(path: Path, folder: Path, shown: str) -> ArticleFile:
    """The article at ``path`` (below ``folder``): its metadata and text, read once (or kept
    from the last check while the file is unchanged: filememo)."""
    return filememo.read(
        "article", path, (str(folder), shown), lambda: _read_article(path, folder, shown)
    )


def _read_article(path: Path, folder: Path, shown: str) -> ArticleFile:
    parts = path.relative_to(folder).parts
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_ARTICLE_BYTES + 1)
        if len(raw) > MAX_ARTICLE_BYTES:
            return ArticleFile(path, shown, parts, None, unreadable="文件过大（超过 5 MB）")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ArticleFile(path, shown, parts, None, unreadable="文件不是 UTF-8 编码")
    except OSError as error:
        return ArticleFile(path, shown, parts, None, unreadable=f"无法读取：{error.strerror}")
    # Line ends as Markdown reads them (\r\n and \r are \n), so that line numbers and the
    # body the safety scan reads are the ones Pelican renders.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    metadata, body_line, repeated = parse_metadata(text.split("\n"))
    return ArticleFile(path, shown, parts, metadata, text, body_line, repeated=repeated)


def parse_metadata(lines: list[str]) -> tuple[dict[str, str], int, tuple[str, ...]]:
    """The metadata block at the top of an article's lines, the line its body starts on, and
    the keys written more than once (as first written).

    >>> parse_metadata(["Title: 通知", "Date: 2026-01-02", "title: 另一个", "", "正文"])
    ({'title': '另一个', 'date': '2026-01-02'}, 4, ('Title',))
    """
    metadata: dict[str, str] = {}
    spelt: dict[str, str] = {}
    repeated: list[str] = []
    for number, line in enumerate(lines, 1):
        match = META_LINE.match(line) if line.strip() else None
        if not match:
            return metadata, number, tuple(repeated)
        key = match["key"].lower()
        if key in metadata and spelt[key] not in repeated:
            repeated.append(spelt[key])
        spelt.setdefault(key, match["key"])
        metadata[key] = match["value"].strip()
    return metadata, len(lines) + 1, tuple(repeated)


def parse_date(text: str) -> datetime | None:
    """A publish date as editors write it, or None when it is not one.

    >>> parse_date("2026-11-20 16:30")
    datetime.datetime(2026, 11, 20, 16, 30)
    >>> parse_date("2026/11/20") is None
    True
    """
    # Most dates are written exactly as a format: read without strptime (a third of the
    # article rules' time); anything else, or a value datetime refuses, as it reads them.
    if not text:
        return None
    if match := PLAIN_DATE.match(text):
        try:
            return datetime(*(int(part) for part in match.groups() if part is not None))
        except ValueError:
            pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def article_path(column: str, published: datetime, slug: str) -> str:
    """An article's page below its site's root, as the build writes it.

    >>> article_path("zwdt", datetime(2026, 11, 20, 16, 30), "changwuhuiyi")
    'zwdt/202611/changwuhuiyi.html'
    """
    return ARTICLE_PATH.format(category=column, date=published, slug=slug)


def iter_article_files(folder: Path) -> Iterator[Path]:
    """Every Markdown file below ``folder``, in path order."""
    for path in sorted(folder.rglob("*")):
        if path.suffix in ARTICLE_SUFFIXES and path.is_file():
            yield path
