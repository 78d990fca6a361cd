"""Which access logs to read and which site each belongs to, read line by line, bounded.

A log is a file or a folder of them (``access.log``, ``access.log.1``, ``access.log.2.gz``,
``access.log-20261201.gz``); gzip is recognised by its first bytes. A site's log is named
after its domain (``www.bozhou.gov.cn.access.log``, nginx's usual one log per server), or
all logs given belong to the one site named with ``--site``.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from ..errors import ToolkitError

GZIP_MAGIC = b"\x1f\x8b"
MAX_LINE = 16 * 1024  # bytes: a longer line is not a request line, and is skipped
MAX_FILE_BYTES = 8 * 1024**3  # read from one file (decompressed): a bound, not a sample
MAX_FILES = 10_000


def log_files(paths: list[Path]) -> list[Path]:
    """The files given, folders expanded to the logs in them, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and ".log" in p.name)
        elif path.is_file():
            found.append(path)
        else:
            raise ToolkitError(f"{path}：文件或目录不存在")
    if not found:
        raise ToolkitError(f"{'、'.join(map(str, paths))} 中没有访问日志（文件名含 .log）")
    if len(found) > MAX_FILES:
        raise ToolkitError(f"访问日志超过 {MAX_FILES} 个文件，请分批统计")
    return found


def site_of(path: Path, domains: dict[str, str]) -> str | None:
    """The site whose domain the file is named after (the longest that fits), or None."""
    name = path.name
    fits = [domain for domain in domains if name.startswith(domain + ".") or name == domain]
    return domains[max(fits, key=len)] if fits else None


def read_lines(path: Path) -> Iterator[str | None]:
    """The file's lines as text (None for a line too long to be a request), stopping at
    MAX_FILE_BYTES; a damaged gzip member ends the file with a ToolkitError."""
    with path.open("rb") as raw:
        packed = raw.read(2) == GZIP_MAGIC
    opener = gzip.open if packed else open
    read = 0
    try:
        with opener(path, "rb") as stream:
            while read < MAX_FILE_BYTES:
                line = stream.readline(MAX_LINE + 1)
                if not line:
                    return
                read += len(line)
                if len(line) > MAX_LINE:
                    while line and not line.endswith(b"\n"):  # the rest of the long line
                        line = stream.readline(MAX_LINE + 1)
                        read += len(line)
                    yield None
                    continue
                yield line.decode("utf-8", "replace").rstrip("\r\n")
    except (OSError, EOFError, zlib.error) as error:
        raise ToolkitError(
            f"{path}：读取到第 {read} 字节时出错（gzip 文件损坏或不完整：{error}）"
        ) from None
