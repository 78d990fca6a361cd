"""The captures chosen for republishing, kept in SQLite so memory stays flat for any WARC size.

One row per URL (the latest capture, or the latest at or before ``--at``); payload digests
to resolve revisits; the file path each URL is written to; the pages written, for the
归档目录.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .paths import archive_path

SCHEMA = """
CREATE TABLE captures (
    url TEXT PRIMARY KEY, date TEXT, status INTEGER, mime TEXT, content_type TEXT,
    location TEXT, warc TEXT, offset INTEGER, length INTEGER, gzipped INTEGER,
    digest TEXT, revisit INTEGER, path TEXT, path_key TEXT UNIQUE
);
CREATE TABLE payloads (digest TEXT PRIMARY KEY, warc TEXT, offset INTEGER, length INTEGER,
                       gzipped INTEGER);
CREATE TABLE pages (url TEXT PRIMARY KEY, path TEXT, title TEXT, archived_at TEXT);
"""
FIELDS = "url, date, status, mime, content_type, location, warc, offset, length, gzipped, path"
# A page at <folder>/index.html whose folder address <folder>/ is archived as well: the same
# page under two addresses (a server answers both), listed once, at the folder's address.
SAME_PAGE = (
    "url LIKE '%/index.html' AND EXISTS (SELECT 1 FROM pages AS folder"
    " WHERE folder.url = substr(pages.url, 1, length(pages.url) - 10))"
)


class CaptureIndex:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        # A scratch database: no journal, no syncs; a crash just loses this run's index.
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)

    def offer(self, row: dict, digest: str, revisit: bool) -> None:
        """Keep this capture for its URL unless a later one is already kept."""
        self.db.execute(
            "INSERT INTO captures (url, date, status, mime, content_type, location, warc, offset,"
            " length, gzipped, digest, revisit) VALUES (:url, :date, :status, :mime, :content_type,"
            " :location, :warc, :offset, :length, :gzipped, :digest, :revisit)"
            " ON CONFLICT (url) DO UPDATE SET date=excluded.date, status=excluded.status,"
            " mime=excluded.mime, content_type=excluded.content_type, location=excluded.location,"
            " warc=excluded.warc, offset=excluded.offset, length=excluded.length,"
            " gzipped=excluded.gzipped, digest=excluded.digest, revisit=excluded.revisit"
            " WHERE excluded.date >= captures.date",
            {**row, "digest": digest, "revisit": int(revisit)},
        )

    def add_payload(self, digest: str, warc: str, offset: int, length: int, gzipped: bool) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO payloads VALUES (?, ?, ?, ?, ?)",
            (digest, warc, offset, length, int(gzipped)),
        )

    def finish(self) -> None:
        """Point revisits at their payload (dropping those without one), then assign paths."""
        self.db.execute(
            "UPDATE captures SET (warc, offset, length, gzipped) = (SELECT warc, offset, length, gzipped"
            " FROM payloads WHERE payloads.digest = captures.digest)"
            " WHERE revisit = 1 AND status < 300"
            " AND EXISTS (SELECT 1 FROM payloads WHERE payloads.digest = captures.digest)"
        )
        self.db.execute(
            "DELETE FROM captures WHERE revisit = 1 AND status < 300 AND NOT EXISTS"
            " (SELECT 1 FROM payloads WHERE payloads.digest = captures.digest)"
        )
        rows = self.db.execute("SELECT url, status, mime FROM captures ORDER BY url").fetchall()
        for url, status, mime in rows:
            path = archive_path(url, "text/html" if 300 <= status < 400 else mime)
            for salt in range(8):
                candidate = path if not salt else _suffixed(path, f"{salt}{url}")
                try:
                    self._set_path(url, candidate)
                    break
                except sqlite3.IntegrityError:  # two URLs would share a file (ignoring case)
                    continue
        self.db.commit()

    def _set_path(self, url: str, path: str) -> None:
        self.db.execute(
            "UPDATE captures SET path = ?, path_key = ? WHERE url = ?", (path, path.casefold(), url)
        )

    def path_of(self, url: str) -> str | None:
        row = self.db.execute("SELECT path FROM captures WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM captures").fetchone()[0]

    def earliest_date(self) -> str | None:
        return self.db.execute("SELECT min(date) FROM captures").fetchone()[0]

    def urls(self) -> Iterator[str]:
        for (url,) in self.db.execute("SELECT url FROM captures"):
            yield url

    def rows_in_file_order(self) -> Iterator[dict]:
        """Every kept capture, in WARC order (sequential reads)."""
        cursor = self.db.cursor()
        for values in cursor.execute(f"SELECT {FIELDS} FROM captures ORDER BY warc, offset"):
            yield dict(zip(FIELDS.split(", "), values))

    def add_page(self, url: str, path: str, title: str, archived_at: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?)", (url, path, title, archived_at)
        )

    def pages(self, listed: bool = False) -> Iterator[dict]:
        """Every archived page (archive.json: each is checked); ``listed``: one per page, as
        the 归档目录 lists them (a folder's ``/`` and its ``/index.html`` are one page)."""
        cursor = self.db.cursor()
        where = f" WHERE NOT ({SAME_PAGE})" if listed else ""
        query = f"SELECT * FROM pages{where} ORDER BY url"
        for url, path, title, archived_at in cursor.execute(query):
            yield {"url": url, "path": path, "title": title, "archived_at": archived_at}

    def page_count(self) -> int:
        """The pages the 归档目录 lists."""
        return self.db.execute(f"SELECT count(*) FROM pages WHERE NOT ({SAME_PAGE})").fetchone()[0]

    def close(self) -> None:
        self.db.close()


def _suffixed(path: str, salt: str) -> str:
    """The path with a hash before its extension, for a URL whose own path is taken.

    >>> _suffixed("a.gov.cn/x.html", "u")
    'a.gov.cn/x~51e69892.html'
    """
    folder, _, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    suffix = hashlib.sha1(salt.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    name = f"{stem}~{suffix}.{extension}" if dot and stem else f"{name}~{suffix}"
    return f"{folder}/{name}" if folder else name
