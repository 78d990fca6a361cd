"""republish onto a full disk: a clear message, exit 1, and nothing published.

A real full file system where the test may mount one (a 2 MiB tmpfs: errno 28, as the
issue saw it), and everywhere a file-size limit (RLIMIT_FSIZE: EFBIG) in the command's
own process, which fails the same writes.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "warc"))
import hostile  # noqa: E402


def pages_warc(path: Path, count: int, size: int) -> Path:
    """``count`` pages of ``size`` bytes of incompressible text each."""
    records = [
        (f"/{n}.html", b"<html><body><p>" + os.urandom(size // 2).hex().encode() + b"</p>", [], {})
        for n in range(count)
    ]
    return hostile.write_warc(path, records)


def republish(warc: Path, out: Path, preexec=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archive_tool", "republish", str(warc), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=preexec,
        env=env,
    )


def published_files(out: Path) -> list[Path]:
    return [path for path in out.rglob("*") if path.is_file()] if out.exists() else []


@pytest.fixture
def tmpfs(tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the RLIMIT_FSIZE test covers it")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_republish_onto_a_full_disk_says_so_and_publishes_nothing(tmpfs, tmp_path):
    warc = pages_warc(tmp_path / "big.warc.gz", count=100, size=40_000)  # 4 MB of pages
    out = tmpfs / "archive"
    result = republish(warc, out)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "磁盘空间不足，无法写入" in result.stderr and "未发布任何内容" in result.stderr
    assert published_files(out) == [], "no partial archive, no overview"


def file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize(
    "limit, pages, size, said",
    [
        (200_000, 3, 600_000, "文件超过系统允许的大小"),  # a page fails to be written
        (20_000, 200, 1000, "无法写入临时索引"),  # the scratch index fails first: TMPDIR named
    ],
)
def test_republish_stops_when_a_write_fails_and_publishes_nothing(
    limit, pages, size, said, tmp_path
):
    warc = pages_warc(tmp_path / "pages.warc.gz", count=pages, size=size)
    out = tmp_path / "archive"
    result = republish(warc, out, preexec=file_size_limit(limit))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert said in result.stderr and "未发布任何内容" in result.stderr
    assert published_files(out) == []
