"""Real HTTP servers on 127.0.0.1 for the archive tests (port 0, stopped after use)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path


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
