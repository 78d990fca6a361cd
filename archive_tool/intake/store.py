"""The intake's database: every submission and its handling, and the service's secret.

SQLite in WAL mode by default (one file, created private to its owner), PostgreSQL when the
target is a ``postgresql://`` URL. Every write is one transaction committed synchronously
(SQLite ``synchronous=FULL``, PostgreSQL ``synchronous_commit=on``): when ``submit`` returns,
the submission survives a crash of the process or of the machine. The citizen's personal
data (姓名, 联系电话, 身份证号码, 联系地址) is stored here and nowhere else; what leaves the
database is masked (``export``, the handler's ``list``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import queue
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import IntakeError

# The states of a submission, in order (the handler's command line moves it along).
RECEIVED, ACCEPTED, FORWARDED, ANSWERED = "已收到", "已受理", "已转办", "已答复"
HANDLED = (ACCEPTED, FORWARDED, ANSWERED)  # 受理 or later: exported as letter records
LETTER, OPINION = "letter", "opinion"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed again
CODE_LENGTH = 8
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

COLUMNS = (
    "id", "number", "code_hash", "kind", "site", "type", "consultation", "title", "body",
    "name", "phone", "id_number", "address", "received", "status", "accepted", "department",
    "forwarded", "reply_unit", "reply_text", "replied", "exported",
)  # fmt: skip
SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id {serial} PRIMARY KEY,
    number TEXT UNIQUE,
    code_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    site TEXT NOT NULL,
    type TEXT NOT NULL,
    consultation TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    id_number TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    received TEXT NOT NULL,
    status TEXT NOT NULL,
    accepted TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    forwarded TEXT NOT NULL DEFAULT '',
    reply_unit TEXT NOT NULL DEFAULT '',
    reply_text TEXT NOT NULL DEFAULT '',
    replied TEXT NOT NULL DEFAULT '',
    exported TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS submissions_site ON submissions (site, status);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
"""


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


class Store:
    """One database, shared by the threads of a process (a connection per thread)."""

    def __init__(self, target: str | Path):
        self.target = str(target)
        self.postgres = is_postgres(self.target)
        self._local = threading.local()
        # SQLite takes one writer at a time; waiting on a lock in the process is quicker and
        # fairer than SQLite's busy handler, which sleeps.
        self._write_lock = threading.Lock()
        if not self.postgres:
            _create_private(Path(self.target))
        with self._transaction() as run:
            for statement in SCHEMA.split(";"):
                serial = "BIGSERIAL" if self.postgres else "INTEGER"
                run(statement.format(serial=serial))

    # -- connections ----------------------------------------------------------------

    def _connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self):
        if self.postgres:
            try:
                import psycopg
            except ImportError as error:  # pragma: no cover - psycopg is a dependency
                raise IntakeError("使用 PostgreSQL 需要安装 psycopg") from error
            try:
                conn = psycopg.connect(self.target, autocommit=True)
            except psycopg.Error as error:
                raise IntakeError(f"无法连接数据库：{_first_line(error)}") from error
            conn.execute("SET synchronous_commit TO on")
            return conn
        try:
            conn = sqlite3.connect(self.target, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL may lose the last commits on power loss; FULL syncs the WAL
            # on every commit, so an acknowledged submission is on disk.
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as error:
            raise IntakeError(f"无法打开数据库 {self.target}：{error}") from error
        return conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        conn = self._connection()
        if self.postgres:
            with conn.transaction():
                yield lambda sql, params=(): conn.execute(sql.replace("?", "%s"), params)
            return
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield lambda sql, params=(): conn.execute(sql, params)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _read(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        conn = self._connection()
        if self.postgres:
            sql = sql.replace("?", "%s")
        cursor = conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- the service ------------------------------------------------------------------

    def secret(self) -> str:
        """The key that signs the forms' tokens, made once and kept in the database."""
        rows = self._read("SELECT value FROM meta WHERE key = 'secret'")
        if rows:
            return rows[0]["value"]
        with self._transaction() as run:
            run(
                "INSERT INTO meta (key, value) VALUES ('secret', ?) ON CONFLICT (key) DO NOTHING",
                (secrets.token_urlsafe(32),),
            )
        return self._read("SELECT value FROM meta WHERE key = 'secret'")[0]["value"]

    def submit(self, fields: dict[str, str], now: datetime) -> tuple[str, str]:
        """Store a submission, committed before returning; its 受理编号 and query code.

        Submissions arriving together are committed together by one writer thread (group
        commit): one transaction and one sync for all of them, and each caller returns
        only once that commit is done."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        number = self._writer.write((fields, now, code_hash(code)))
        return number, code

    @functools.cached_property
    def _writer(self) -> GroupCommit:
        return GroupCommit(self)

    def _insert(self, run, fields: dict[str, str], now: datetime, hashed: str) -> str:
        names = ["code_hash", "received", "status", *fields]
        values = [hashed, now.strftime(TIME_FORMAT), RECEIVED, *fields.values()]
        row = run(
            f"INSERT INTO submissions ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))}) RETURNING id",
            tuple(values),
        ).fetchone()
        number = f"{now:%Y%m%d}-{row[0]:05d}"
        run("UPDATE submissions SET number = ? WHERE id = ?", (number, row[0]))
        return number

    def lookup(self, number: str, code: str) -> dict[str, Any] | None:
        """The submission with this 受理编号, only when the query code matches."""
        rows = self._read("SELECT * FROM submissions WHERE number = ?", (number.strip(),))
        if not rows or not hmac.compare_digest(rows[0]["code_hash"], code_hash(code)):
            return None
        return rows[0]

    # -- the handler's command line -------------------------------------------------

    def get(self, number: str) -> dict[str, Any]:
        rows = self._read("SELECT * FROM submissions WHERE number = ?", (number.strip(),))
        if not rows:
            raise IntakeError(
                f"没有受理编号为「{number}」的留言，请用 archive-tool intake list 查看"
            )
        return rows[0]

    def listing(self, status: str | None = None, site: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM submissions WHERE 1 = 1", []
        if status:
            sql, params = sql + " AND status = ?", [*params, status]
        if site:
            sql, params = sql + " AND site = ?", [*params, site]
        return self._read(sql + " ORDER BY id", tuple(params))

    def accept(self, number: str, when: datetime) -> None:
        """受理: the submission is taken on (from 已收到 only)."""
        self._move(number, (RECEIVED,), ACCEPTED, "受理", accepted=when.strftime(TIME_FORMAT))

    def forward(self, number: str, department: str, when: datetime) -> None:
        """转办: handed to a department to answer (after 受理)."""
        if not department.strip():
            raise IntakeError("转办须写明承办单位（--to）")
        self._move(
            number,
            (ACCEPTED, FORWARDED),
            FORWARDED,
            "转办",
            department=department.strip(),
            forwarded=when.strftime(TIME_FORMAT),
        )

    def reply(self, number: str, unit: str, text: str, when: datetime) -> None:
        """答复: the answer, by the unit that gives it (after 受理)."""
        self._check(self.get(number), (ACCEPTED, FORWARDED, ANSWERED), "答复")
        if not text.strip():
            raise IntakeError("答复内容不能为空")
        if not unit.strip():
            raise IntakeError("须写明答复单位（--unit），或先转办给承办单位")
        self._move(
            number,
            (ACCEPTED, FORWARDED, ANSWERED),
            ANSWERED,
            "答复",
            reply_unit=unit.strip(),
            reply_text=text.strip(),
            replied=when.strftime(TIME_FORMAT),
        )

    def _move(self, number: str, sources: tuple[str, ...], target: str, action: str, **values):
        row = self.get(number)
        self._check(row, sources, action)
        if row["kind"] == OPINION and target != ACCEPTED:
            raise IntakeError(f"{number} 是意见征集的意见，只需受理，不转办、不答复")
        sets = ", ".join(f"{key} = ?" for key in values)
        with self._transaction() as run:
            run(
                f"UPDATE submissions SET status = ?, {sets} WHERE number = ?",
                (target, *values.values(), row["number"]),
            )

    @staticmethod
    def _check(row: dict[str, Any], sources: tuple[str, ...], action: str) -> None:
        if row["status"] not in sources:
            raise IntakeError(
                f"留言 {row['number']} 当前状态为「{row['status']}」，不能{action}"
                f"（须为 {' / '.join(sources)}）"
            )

    def for_export(self, site: str) -> list[dict[str, Any]]:
        """The site's letters taken on (受理 or later), oldest first."""
        marks = ", ".join("?" * len(HANDLED))
        return self._read(
            f"SELECT * FROM submissions WHERE site = ? AND kind = ? AND status IN ({marks}) "
            "ORDER BY id",
            (site, LETTER, *HANDLED),
        )

    def mark_exported(self, numbers: list[str], when: datetime) -> None:
        with self._transaction() as run:
            for number in numbers:
                run(
                    "UPDATE submissions SET exported = ? WHERE number = ?",
                    (when.strftime(TIME_FORMAT), number),
                )


class GroupCommit:
    """One writer thread: it takes every submission waiting (up to ``BATCH``), inserts them
    in one transaction, commits, then wakes each waiting caller with its 受理编号 or the error."""

    BATCH = 64

    def __init__(self, store: Store):
        self.store = store
        self.waiting: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._run, name="intake-writer", daemon=True).start()

    def write(self, item: tuple) -> str:
        slot = _Slot(item)
        self.waiting.put(slot)
        slot.done.wait()
        if slot.error is not None:
            raise slot.error
        return slot.number

    def _run(self) -> None:
        while True:
            batch = [self.waiting.get()]
            while len(batch) < self.BATCH:
                try:
                    batch.append(self.waiting.get_nowait())
                except queue.Empty:
                    break
            try:
                with self.store._transaction() as run:
                    numbers = [self.store._insert(run, *slot.item) for slot in batch]
                for slot, number in zip(batch, numbers):
                    slot.number = number
            except Exception as error:  # noqa: BLE001 - every caller of the batch gets it, whatever it is
                for slot in batch:
                    slot.error = error
            for slot in batch:
                slot.done.set()


class _Slot:
    __slots__ = ("done", "error", "item", "number")

    def __init__(self, item: tuple):
        self.item, self.done, self.number, self.error = item, threading.Event(), "", None


def _create_private(path: Path) -> None:
    """Create the database file readable and writable by its owner only (SQLite gives its
    -wal and -shm files the same mode); an existing file is left as it is."""
    if path.exists():
        return
    if not path.parent.is_dir():
        raise IntakeError(f"数据库所在的文件夹 {path.parent} 不存在")
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
