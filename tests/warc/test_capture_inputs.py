"""What `snapshot` is given: conflicting sources refused, --resume only of the same capture,
--from-dir never blocked or led out of its folder, HTTP responses bounded in size.

For --from-dir, what a web server would not serve from the folder (a FIFO, a device, a
link to /etc/passwd, a file that cannot be read or is gone when read) is left out and
named in the summary as a failed URL, exit 1, while every other file is captured: an
archivist gets a complete, valid WARC of the site and the list of what is not in it.
"""

from __future__ import annotations

import gzip
import http.server
import os
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import AS_A_USER, archive_tool
from servers import serve_handler

from archive_tool.warc.fromdir import Skipped, _prepare_files

BASE = "https://www.example.gov.cn/"


def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    (root / "index.html").write_text("<html><title>首页</title><a href=a/p.html>p</a></html>")
    (root / "a" / "p.html").write_text("<html><title>文章</title></html>")
    return root


def warc_text(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def snapshot_dir(root: Path, out: Path, *extra):
    return archive_tool("snapshot", "--from-dir", root, "--base-url", BASE, "-o", out, *extra)


def test_a_url_and_from_dir_together_are_refused(tmp_path):
    out = tmp_path / "x.warc.gz"
    result = snapshot_dir(site(tmp_path), out, "http://127.0.0.1:9/")
    assert result.returncode == 1
    assert "不能同时给出网址" in result.stderr and "--from-dir" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("x.warc.gz*"))


def test_an_output_inside_the_folder_is_refused(tmp_path):
    """Else the capture takes in its own growing FILE.open and FILE.open.lock."""
    root = site(tmp_path)
    out = root / "a" / "x.warc.gz"
    result = snapshot_dir(root, out)
    assert result.returncode == 1, result.stderr
    assert f"输出文件 {out} 在 --from-dir 目录 {root} 之内" in result.stderr
    assert sorted(p.name for p in (root / "a").iterdir()) == ["p.html"]


def test_a_fifo_is_named_and_skipped_without_blocking(tmp_path):
    root = site(tmp_path)
    os.mkfifo(root / "a" / "pipe.html")  # nobody writes to it: opening it would block
    out = tmp_path / "x.warc.gz"
    result = snapshot_dir(root, out, "--processes", "1")  # archive_tool times out at 300 s
    assert result.returncode == 1, result.stderr
    assert f"{BASE}a/pipe.html" in result.stderr and "不是普通文件" in result.stderr
    data = warc_text(out)
    assert b"a/p.html" in data and b"pipe.html" not in data


def test_a_symlink_out_of_the_folder_is_not_followed(tmp_path):
    root = site(tmp_path)
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:secret-line")
    (root / "passwd.txt").symlink_to(secret)
    (root / "inner.html").symlink_to(root / "a" / "p.html")  # inside: served as a web server would
    out = tmp_path / "x.warc.gz"
    result = snapshot_dir(root, out)
    assert result.returncode == 1, result.stderr
    assert f"{BASE}passwd.txt" in result.stderr and "站点目录之外" in result.stderr
    data = warc_text(out)
    assert b"secret-line" not in data and b"inner.html" in data


def test_a_file_gone_when_read_is_named_and_skipped(tmp_path):
    root = site(tmp_path)
    started = datetime.now(timezone.utc)
    out = _prepare_files((str(root), ["gone.html", "index.html"], BASE, started))
    assert isinstance(out[0], Skipped) and out[0].relative == "gone.html"
    assert out[0].reason.startswith("无法读取（")
    assert len(out) == 2  # the other file is still captured


@pytest.mark.skipif(AS_A_USER and not shutil.which("setpriv"), reason="needs setpriv as root")
def test_an_unreadable_page_and_folder_are_named_and_skipped(tmp_path):
    """From outside, as a user without the right to read them: named, the rest captured."""
    root = site(tmp_path)
    (root / "a" / "locked.html").write_text("<p>locked-text</p>")
    (root / "b").mkdir()
    (root / "b" / "x.html").write_text("<p>hidden-text</p>")
    (root / "a" / "locked.html").chmod(0)
    (root / "b").chmod(0)
    tmp_path.chmod(0o755)  # the output folder stays writable for the user
    out = tmp_path / "x.warc.gz"
    try:
        result = subprocess.run(
            [
                *AS_A_USER,
                sys.executable,
                "-m",
                "archive_tool",
                "snapshot",
                "--from-dir",
                root,
                "--base-url",
                BASE,
                "-o",
                out,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        (root / "b").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{BASE}a/locked.html：无法读取" in result.stderr
    assert f"{BASE}b/：无法读取目录" in result.stderr
    data = warc_text(out)
    assert b"a/p.html" in data and b"locked-text" not in data and b"hidden-text" not in data


def test_resume_of_another_capture_is_refused_and_nothing_touched(tmp_path):
    first, second = site(tmp_path / "one"), site(tmp_path / "two")
    out = tmp_path / "x.warc.gz"
    open_path = tmp_path / "x.warc.gz.open"
    result = snapshot_dir(first, out)
    assert result.returncode == 0, result.stderr
    out.rename(open_path)  # as an interrupted run leaves it
    before = open_path.read_bytes()
    refused = snapshot_dir(second, out, "--resume")
    assert refused.returncode == 1
    assert "是另一次抓取" in refused.stderr and str(second.resolve()) in refused.stderr
    assert open_path.read_bytes() == before and not out.exists()
    again = snapshot_dir(first, out, "--resume", "--processes", "1")  # speed may change
    assert again.returncode == 0, again.stderr
    assert out.exists()


class EndlessHandler(http.server.BaseHTTPRequestHandler):
    """A page that streams forever (no Content-Length, chunks until the client leaves)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path != "/":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        piece = b"<p>" + b"x" * 65533
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        except OSError:
            pass


def test_a_page_that_streams_forever_stops_at_the_size_limit(tmp_path):
    out = tmp_path / "x.warc.gz"
    with serve_handler(EndlessHandler) as url:
        result = archive_tool("snapshot", url, "-o", out, "--max-response-size", "5", "--no-robots")
    assert result.returncode == 1, result.stderr
    assert url in result.stderr and "响应超过 5 MiB 的上限" in result.stderr
    assert out.stat().st_size < 1024 * 1024  # nothing of the endless page was kept
