"""Real HTTP servers on 127.0.0.1 for the archive tests (port 0, stopped after use)."""

from __future__ import annotations

import contextlib
import functools
import http.client
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_directory(root: Path):
    """http.server serving root; yields its base URL with a trailing slash."""
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def serve_handler(handler_class):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def start_nginx(work: Path, servers: str, http_includes: str = "") -> tuple[subprocess.Popen, int]:
    """A throwaway nginx on a free loopback port (PORT in servers), its files in work."""
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read pytest's folders
    temp = " ".join(f"{kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy"))
    temp += " ".join(f" {kind}_temp_path {work}/{kind};" for kind in ("fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(
        f"{user}worker_processes 1;\nerror_log {work}/error.log;\npid {work}/nginx.pid;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  access_log off;\n  include /etc/nginx/mime.types;\n  {temp}\n"
        f"  {http_includes}\n{servers.replace('PORT', str(port))}\n}}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return process, port
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not start")


@contextlib.contextmanager
def serve_directory_with_nginx(root: Path, work: Path):
    """nginx serving root (its temp files and logs in work); yields its base URL.
    Skips the test without nginx."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed")
    server = f"server {{ listen 127.0.0.1:PORT; root {root}; charset utf-8; }}"
    process, port = start_nginx(work, server, "")
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def pywb_replaying(warc: Path, work: Path, collection: str = "demo"):
    """pywb's ``wayback`` on loopback over a collection holding warc, indexed by
    ``archive-tool index``; yields its base URL (``{url}{collection}/id_/<original URL>``)."""
    from conftest import archive_tool

    folder = work / "collections" / collection
    (folder / "archive").mkdir(parents=True)
    (folder / "indexes").mkdir()
    copy = folder / "archive" / warc.name
    copy.write_bytes(warc.read_bytes())
    indexed = archive_tool("index", copy, "-o", folder / "indexes" / "index.cdxj")
    assert indexed.returncode == 0, indexed.stderr
    port = free_port()
    wayback = [str(Path(sys.executable).parent / "wayback"), "--bind", "127.0.0.1"]
    with running([*wayback, "-p", str(port)], work, f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}/"


@contextlib.contextmanager
def running(command: list[str], cwd: Path, url: str, timeout: float = 60):
    """Start a server process, wait until url answers, stop it afterwards."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = (
                        process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
                    )
                    raise RuntimeError(f"{command[0]} did not start:\n{output}") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wget_warc(url: str, folder: Path, *options: str) -> Path:
    """Crawl url with GNU wget into folder/site.warc.gz, as another archiving tool would."""
    subprocess.run(
        [
            "wget",
            "-q",
            "-r",
            "-l",
            "3",
            *options,
            "-P",
            str(folder / "files"),
            f"--warc-file={folder / 'site'}",
            url,
        ],
        check=False,
        timeout=300,
    )
    return folder / "site.warc.gz"
