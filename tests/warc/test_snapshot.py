"""archive-tool snapshot / verify / index / wacz against real servers and real readers.

The demo portal, built by pelican, is served by http.server on loopback and crawled;
the WARC must pass `warcio check`, our verify, pywb replay and WACZ validation.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

import pytest
from conftest import archive_tool, ctrl_c_reaches_it
from growing import wait_for_captures
from servers import (
    closed_port_url,
    pywb_replaying,
    serve_directory,
    serve_handler,
    wget_warc,
)
from warcio.archiveiterator import ArchiveIterator

BIN = Path(sys.executable).parent


def records(path: Path) -> list:
    """(type, headers, http headers, payload) of every record."""
    found = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            found.append(
                (
                    record.rec_type,
                    record.rec_headers,
                    record.http_headers,
                    record.content_stream().read(),
                )
            )
    return found


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def portal_root(demo_build) -> Path:
    return demo_build.output / "www.bozhou.gov.cn"


@pytest.fixture(scope="module")
def portal_server(portal_root):
    with serve_directory(portal_root) as url:
        yield url


@pytest.fixture(scope="module")
def portal_warc(portal_server, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("snap") / "portal.warc.gz"
    result = archive_tool(
        "snapshot",
        portal_server,
        "-o",
        path,
        "--reason",
        "改版归档",
        "--operator",
        "亳州市政务公开办",
    )
    assert result.returncode == 0, result.stderr
    assert "抓取完成" in result.stderr
    return path


def captured_urls(path: Path) -> set[str]:
    return {
        h.get_header("WARC-Target-URI")
        for kind, h, _, _ in records(path)
        if kind in ("response", "revisit")
    }


def test_snapshot_captures_every_page_with_standard_records(
    portal_warc, portal_root, portal_server
):
    assert warcio_check(portal_warc).returncode == 0
    all_records = records(portal_warc)
    kinds = [kind for kind, *_ in all_records]
    assert kinds[0] == "warcinfo"
    info = all_records[0][3].decode("utf-8")
    assert "software: archive-tool/" in info and "description: 改版归档" in info
    assert "operator: 亳州市政务公开办" in info and "hostname:" in info
    assert all_records[0][1].protocol == "WARC/1.1"

    urls = captured_urls(portal_warc)
    for page in portal_root.rglob("*.html"):
        relative = page.relative_to(portal_root).as_posix()
        if relative == "404.html":
            continue  # linked from nowhere: nginx serves it for addresses that do not exist
        folder = relative[: -len("index.html")] if relative.endswith("index.html") else None
        assert portal_server + relative in {unquote(u) for u in urls} or (
            folder is not None and portal_server + folder in urls
        ), relative
    assert portal_server + "theme/css/gov.css" in urls
    assert portal_server + "theme/img/psb.svg" in urls

    responses = {
        h.get_header("WARC-Record-ID"): h
        for kind, h, _, _ in all_records
        if kind in ("response", "revisit")
    }
    requests = [h for kind, h, _, _ in all_records if kind == "request"]
    assert {h.get_header("WARC-Concurrent-To") for h in requests} == set(responses)
    for kind, headers, _, _ in all_records:
        if kind == "response":
            assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
            assert headers.get_header("WARC-Block-Digest").startswith("sha1:")


def test_identical_payloads_become_revisits(portal_warc, portal_server):
    revisits = [h for kind, h, _, _ in records(portal_warc) if kind == "revisit"]
    assert revisits, "/ and /index.html carry the same home page"
    home = [
        h
        for h in revisits
        if h.get_header("WARC-Target-URI") in (portal_server, portal_server + "index.html")
    ]
    assert home and home[0].get_header("WARC-Refers-To-Target-URI")
    assert home[0].get_header("WARC-Profile").endswith("/warc/1.1/revisit/identical-payload-digest")


def test_robots_txt_is_recorded_once(portal_warc):
    robots = [
        http.get_statuscode()
        for kind, h, http, _ in records(portal_warc)
        if kind == "response" and h.get_header("WARC-Target-URI").endswith("/robots.txt")
    ]
    assert robots == ["200"]


def test_verify_summarises_our_warc(portal_warc):
    result = archive_tool("verify", portal_warc)
    assert result.returncode == 0, result.stderr
    assert "结论：通过" in result.stdout and "个 HTML 页面" in result.stdout
    assert "warcinfo 1" in result.stdout


@pytest.fixture(scope="module")
def portal_wget_warc(portal_server, tmp_path_factory) -> Path:
    return wget_warc(portal_server, tmp_path_factory.mktemp("wget"), "--no-parent")


def test_verify_accepts_wget_and_rejects_a_flipped_byte(portal_wget_warc, tmp_path):
    good = archive_tool("verify", portal_wget_warc)
    assert good.returncode == 0, good.stderr
    data = bytearray(portal_wget_warc.read_bytes())
    data[len(data) // 2] ^= 0x40
    broken = tmp_path / "flipped.warc.gz"
    broken.write_bytes(bytes(data))
    bad = archive_tool("verify", broken)
    assert bad.returncode == 1
    assert "偏移" in bad.stderr and "Traceback" not in bad.stderr


def test_verify_names_a_truncated_last_record(portal_warc, tmp_path):
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(portal_warc.read_bytes()[:-300])
    result = archive_tool("verify", truncated)
    assert result.returncode == 1
    assert "最后一条记录不完整" in result.stderr


def test_verify_accepts_warcio_capture_http(tmp_path, portal_server):
    script = (
        "from warcio.capture_http import capture_http\n"
        "import requests\n"
        f"with capture_http({str(tmp_path / 'warcio.warc.gz')!r}):\n"
        f"    requests.get({portal_server!r})\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    result = archive_tool("verify", tmp_path / "warcio.warc.gz")
    assert result.returncode == 0, result.stderr


def test_index_is_sorted_cdxj(portal_warc, tmp_path):
    index = tmp_path / "portal.cdxj"
    result = archive_tool("index", portal_warc, "-o", index)
    assert result.returncode == 0, result.stderr
    lines = index.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    key, timestamp, fields = lines[0].split(" ", 2)
    assert key.startswith("1,0,0,127:") and len(timestamp) == 14
    assert {"url", "status", "digest", "offset", "length", "filename"} <= json.loads(fields).keys()


def test_wacz_is_valid_and_lists_pages_with_titles(portal_warc, tmp_path):
    package = tmp_path / "portal.wacz"
    result = archive_tool("wacz", portal_warc, "-o", package, "--title", "亳州市人民政府网站归档")
    assert result.returncode == 0, result.stderr
    from wacz.main import main as wacz_main

    assert wacz_main(["validate", "-f", str(package)]) == 0
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()]
        datapackage = json.loads(archive.read("datapackage.json"))
    assert {
        "datapackage.json",
        "pages/pages.jsonl",
        "indexes/index.cdx.gz",
        f"archive/{portal_warc.name}",
    } <= names
    assert pages[0]["format"] == "json-pages-1.0"
    assert any(page.get("title") == "亳州市人民政府" for page in pages[1:])
    assert all(r["hash"].startswith("sha256:") for r in datapackage["resources"])


def test_pywb_replays_home_and_article(portal_warc, portal_server, tmp_path):
    article = next(u for u in captured_urls(portal_warc) if "/zcwj/201905/" in u)
    with pywb_replaying(portal_warc, tmp_path) as wayback:
        home = urlopen(f"{wayback}demo/id_/{portal_server}", timeout=30).read()
        assert "亳州市人民政府" in home.decode("utf-8") and "我为政府网站找错" in home.decode(
            "utf-8"
        )
        page = urlopen(f"{wayback}demo/id_/{article}", timeout=30).read().decode("utf-8")
        assert "亳政办秘〔2019〕49号" in page and "第八条" in page
        rewritten = urlopen(f"{wayback}demo/mp_/{article}", timeout=30).read().decode("utf-8")
        assert "亳州市政府网站群管理办法" in rewritten


def test_from_dir_writes_what_a_crawl_would(portal_root, tmp_path):
    path = tmp_path / "fromdir.warc.gz"
    result = archive_tool(
        "snapshot",
        "--from-dir",
        portal_root,
        "--base-url",
        "https://www.bozhou.gov.cn/",
        "-o",
        path,
    )
    assert result.returncode == 0, result.stderr
    assert warcio_check(path).returncode == 0
    assert archive_tool("verify", path).returncode == 0
    responses = {
        h.get_header("WARC-Target-URI"): http
        for kind, h, http, _ in records(path)
        if kind == "response"
    }
    home = responses["https://www.bozhou.gov.cn/"]
    assert home.get_statuscode() == "200"
    assert home.get_header("Content-Type") == "text/html; charset=utf-8"
    assert home.get_header("Last-Modified").endswith("GMT")
    assert int(home.get_header("Content-Length")) == (portal_root / "index.html").stat().st_size
    assert (
        responses["https://www.bozhou.gov.cn/theme/css/gov.css"]
        .get_header("Content-Type")
        .startswith("text/css")
    )
    files = [p for p in portal_root.rglob("*") if p.is_file()]
    assert len(captured_urls(path)) == len(files) + len(list(portal_root.rglob("index.html")))


def test_from_dir_repeated_payloads_across_batches_become_revisits(tmp_path):
    """Pool processes compress batches; the writer still turns a repeat into a revisit."""
    from archive_tool.warc.fromdir import BATCH_FILES

    site = tmp_path / "site"
    site.mkdir()
    count = BATCH_FILES * 3
    for n in range(count):
        text = "同一份附件" if n in (1, count - 2) else f"第{n}号"
        (site / f"f{n:04d}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "batches.warc.gz"
    result = archive_tool(
        "snapshot", "--from-dir", site, "--base-url", "https://x.gov.cn/", "-o", path,
        "--processes", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert warcio_check(path).returncode == 0
    assert archive_tool("verify", path).returncode == 0
    found = records(path)
    revisits = [h for kind, h, _, _ in found if kind == "revisit"]
    assert [h.get_header("WARC-Target-URI") for h in revisits] == [
        f"https://x.gov.cn/f{count - 2:04d}.txt"
    ]
    assert revisits[0].get_header("WARC-Refers-To-Target-URI") == "https://x.gov.cn/f0001.txt"
    targets = [h.get_header("WARC-Target-URI") for kind, h, _, _ in found if kind == "request"]
    assert targets == [f"https://x.gov.cn/f{n:04d}.txt" for n in range(count)], "file order"


def test_the_request_record_holds_the_bytes_the_server_received(tmp_path):
    """libcurl sends the request; the record must hold exactly what went on the wire."""
    import socket
    import threading

    from archive_tool.warc.httpfetch import Fetcher

    received = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(4096)
            received.append(data)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Odd:  spaced value \r\n"
                b"Content-Length: 2\r\nConnection: close\r\n\r\nok"
            )

    server = threading.Thread(target=answer, daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/a%20b/c.html?q=1"
    capture = Fetcher(timeout=5).fetch(url)
    server.join(timeout=5)
    listener.close()
    assert received and capture.request_head == received[0]
    assert capture.request_head.startswith(b"GET /a%20b/c.html?q=1 HTTP/1.1\r\n")
    assert capture.status == 200 and capture.reason == "OK"
    assert ("X-Odd", "spaced value") in capture.headers
    assert capture.body.read_all() == b"ok" and capture.ip_address == "127.0.0.1"
    capture.body.close()


def test_from_dir_refuses_a_missing_folder_without_output(tmp_path):
    result = archive_tool(
        "snapshot",
        "--from-dir",
        tmp_path / "nope",
        "--base-url",
        "https://www.bozhou.gov.cn/",
        "-o",
        tmp_path / "x.warc.gz",
    )
    assert result.returncode == 1 and "目录不存在" in result.stderr
    assert list(tmp_path.iterdir()) == []


def assert_valid_warc(path: Path) -> None:
    assert path.exists(), path
    assert warcio_check(path).returncode == 0
    assert archive_tool("verify", path).returncode == 0


def test_unreachable_host_is_reported_and_the_warc_stays_valid(tmp_path):
    path = tmp_path / "down.warc.gz"
    result = archive_tool("snapshot", closed_port_url(), "-o", path, "--timeout", "3")
    assert result.returncode == 1
    assert "失败：1 个网址" in result.stderr and "无法连接" in result.stderr
    assert "Traceback" not in result.stderr
    assert_valid_warc(path)


def test_non_http_url_is_refused(tmp_path):
    path = tmp_path / "ftp.warc.gz"
    result = archive_tool("snapshot", "ftp://www.bozhou.gov.cn/", "-o", path)
    assert result.returncode == 1 and "只能抓取 http 或 https 网址" in result.stderr
    assert_valid_warc(path)


class StallingHandler(http.server.BaseHTTPRequestHandler):
    """/ links to /stall, which sends half a response and then never finishes (sets stalled)."""

    stalled = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html>" * 100)
            self.wfile.flush()
            self.stalled.set()
            time.sleep(120)
            return
        body = b'<html><body><a href="/stall">slow</a><a href="/ok">ok</a></body></html>'
        self.send_response(200 if self.path in ("/", "/ok") else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_response_that_never_finishes_times_out(tmp_path):
    path = tmp_path / "stall.warc.gz"
    with serve_handler(StallingHandler) as url:
        started = time.monotonic()
        result = archive_tool("snapshot", url, "-o", path, "--timeout", "1")
        assert time.monotonic() - started < 60, "it waited for the stalled response (120 s)"
    assert result.returncode == 1
    assert "超时" in result.stderr and "/stall" in result.stderr
    assert_valid_warc(path)
    assert {url, url + "ok"} <= captured_urls(path)
    statuses = {
        h.get_header("WARC-Target-URI"): http.get_statuscode()
        for kind, h, http, _ in records(path)
        if kind == "response"
    }
    assert statuses[url + "robots.txt"] == "404", "error responses are recorded as they came"


BIG_BYTES = 200 * 1024 * 1024


class BigHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path != "/big.bin":
            body = b'<html><a href="/big.bin">data</a></html>'
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(BIG_BYTES))
        self.end_headers()
        block = os.urandom(1024) * 1024
        for _ in range(BIG_BYTES // len(block)):
            self.wfile.write(block)


def peak_memory_mb(process: subprocess.Popen) -> float:
    """The child's VmHWM (high-water RSS of its own image: ru_maxrss would count the fork)."""
    peak = 0.0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
        except OSError:
            break
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
        time.sleep(0.05)
    return peak


def test_a_large_response_is_streamed_not_held_in_memory(tmp_path):
    path = tmp_path / "big.warc.gz"
    with serve_handler(BigHandler) as url:
        process = subprocess.Popen(
            [sys.executable, "-m", "archive_tool", "snapshot", url, "-o", str(path)],
            stderr=subprocess.PIPE,
            text=True,
        )
        peak_mb = peak_memory_mb(process)
        stderr = process.communicate(timeout=120)[1]
    assert process.returncode == 0, stderr
    assert 0 < peak_mb < 100, f"peak memory {peak_mb:.0f} MB for a {BIG_BYTES >> 20} MB response"
    big = [
        http
        for kind, h, http, _ in records(path)
        if h.get_header("WARC-Target-URI") == url + "big.bin"
    ]
    assert big and big[0].get_header("Content-Length") == str(BIG_BYTES)
    assert warcio_check(path).returncode == 0


def test_unwritable_output_path_is_refused(tmp_path, portal_server):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = archive_tool("snapshot", portal_server, "-o", blocker / "out.warc.gz")
    assert result.returncode == 1
    assert "无法写入输出文件" in result.stderr and "Traceback" not in result.stderr


def test_existing_output_is_not_overwritten(tmp_path, portal_server):
    existing = tmp_path / "done.warc.gz"
    existing.write_bytes(b"keep")
    result = archive_tool("snapshot", portal_server, "-o", existing)
    assert result.returncode == 1 and "已存在" in result.stderr
    assert existing.read_bytes() == b"keep"


def test_interrupted_crawl_leaves_valid_records_and_resumes_without_duplicates(
    tmp_path, portal_server, portal_warc
):
    path = tmp_path / "resume.warc.gz"
    open_path = tmp_path / "resume.warc.gz.open"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archive_tool",
            "snapshot",
            portal_server,
            "-o",
            str(path),
            "--delay",
            "0.05",
            "--per-host",
            "1",
            "--concurrency",
            "1",
        ],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_reaches_it,  # noqa: PLW1509 (one signal() call, no lock)
    )
    wait_for_captures(open_path, process, 5)
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=120)[1]
    assert process.returncode == 130, stderr
    assert "抓取已中断" in stderr and "--resume" in stderr
    assert not path.exists() and open_path.exists()
    assert archive_tool("verify", open_path).returncode == 0
    before = captured_urls(open_path)
    assert before

    # A torn record, as a kill -9 in the middle of a write leaves it.
    with open(open_path, "ab") as stream:
        stream.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" * 50)[:-40])

    resumed = archive_tool("snapshot", portal_server, "-o", path, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert path.exists() and not open_path.exists()
    assert warcio_check(path).returncode == 0
    uris = [
        h.get_header("WARC-Target-URI")
        for kind, h, _, _ in records(path)
        if kind in ("response", "revisit")
    ]
    assert len(uris) == len(set(uris)), "no URL is captured twice"
    assert set(uris) == captured_urls(portal_warc), "the same as one uninterrupted crawl"
    assert urlsplit(portal_server).port


def test_parallel_crawl_captures_the_same_urls_as_one_process(tmp_path, portal_server):
    one, three = tmp_path / "one.warc.gz", tmp_path / "three.warc.gz"
    assert archive_tool("snapshot", portal_server, "-o", one, "--processes", "1").returncode == 0
    result = archive_tool("snapshot", portal_server, "-o", three, "--processes", "3")
    assert result.returncode == 0, result.stderr
    assert captured_urls(one) == captured_urls(three)
    assert warcio_check(three).returncode == 0
    assert archive_tool("verify", three).returncode == 0
    uris = [
        h.get_header("WARC-Target-URI")
        for kind, h, _, _ in records(three)
        if kind in ("response", "revisit")
    ]
    assert len(uris) == len(set(uris))
    assert any(kind == "revisit" for kind, *_ in records(three))


def test_parallel_crawl_stops_promptly_on_ctrl_c(tmp_path):
    path = tmp_path / "stop.warc.gz"
    handler = type("Stalling", (StallingHandler,), {"stalled": threading.Event()})
    with serve_handler(handler) as url:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "archive_tool",
                "snapshot",
                url,
                "-o",
                str(path),
                "--processes",
                "2",
                "--timeout",
                "60",
            ],
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=ctrl_c_reaches_it,  # noqa: PLW1509 (one signal() call, no lock)
        )
        # Stop it while a worker waits on the stalled response, the home page written.
        assert handler.stalled.wait(120), "the crawl never reached /stall"
        wait_for_captures(tmp_path / "stop.warc.gz.open", process, 1)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        stderr = process.communicate(timeout=120)[1]
        # Well short of the stall (120 s) and --timeout (60 s), with room for a loaded machine.
        assert time.monotonic() - started < 30
    assert process.returncode == 130, stderr
    open_path = tmp_path / "stop.warc.gz.open"
    assert archive_tool("verify", open_path).returncode == 0
    assert url in captured_urls(open_path)
