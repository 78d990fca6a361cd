"""Live mode against real HTTP servers on 127.0.0.1: repeated visits with a time limit (some
slow, some answered with 500), a visit log that adds up across runs, and dead links within
the group and to another website (404)."""

from __future__ import annotations

import http.server
import itertools
import json
import threading
import time
from datetime import date
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from monitor_helpers import DOMAINS, built, run
from servers import QuietHandler, serve_handler

from archive_tool.cli import cli

TIMEOUT = 0.5  # seconds: a visit slower than this fails (15 s in the national method)
SLOW = 1.5


class External(http.server.BaseHTTPRequestHandler):
    """Another website: every page is gone."""

    requests: ClassVar[list[str]] = []

    def do_GET(self):
        External.requests.append(self.path)
        self.send_error(404)

    def log_message(self, *args):
        pass


def group_handler(root, external: str):
    """The built group under /<domain>/: the 数据资源局's home page answers its first visit
    slowly and its second with 500; the 谯城区 home page links to a missing page of its
    own and to a missing page of another website."""
    counter = itertools.count(1)
    lock = threading.Lock()
    sjj = {f"/{DOMAINS['sjj']}/", f"/{DOMAINS['sjj']}/index.html"}
    qcq = {f"/{DOMAINS['qcq']}/", f"/{DOMAINS['qcq']}/index.html"}
    extra = (
        f'<p><a href="./gone.html">旧页面</a> <a href="{external}old/page.html">外部网站</a></p>'
    )

    class Group(QuietHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            path = urlsplit(self.path).path
            try:
                if path in sjj:
                    with lock:
                        number = next(counter)
                    if number == 1:
                        time.sleep(SLOW)
                    elif number == 2:
                        self.send_error(500)
                        return
                if path in qcq:
                    body = (root / DOMAINS["qcq"] / "index.html").read_text("utf-8")
                    data = body.replace("</main>", extra + "</main>").encode("utf-8")
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                super().do_GET()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the monitor gave up on a slow answer

    return Group


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return built(tmp_path_factory, "demo")


def beijing_today() -> str:
    """Visits are logged at the real time; the run is as of the real day in 北京时间."""
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))


def live(content, report, server, visits, ledger):
    args = [
        "monitor",
        str(content),
        "-o",
        str(report),
        "--live",
        "--url-pattern",
        server + "{domain}/",
        "--date",
        beijing_today(),
        "--timeout",
        str(TIMEOUT),
        "--rounds",
        "4",
        "--sample-pages",
        "0",
        "--visits",
        str(visits),
        "--skip-host",
        "www.ah.gov.cn",  # the one real website the demo links to: no internet in tests
        "--ledger",
        str(ledger),
    ]
    result = CliRunner().invoke(cli, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    data = json.loads((report / "report.json").read_text("utf-8"))
    return result, data


# The demo's 互动 platform and 政务服务网 (site.yaml 互动平台) are hosts outside this test's
# servers, so their links are dead here; tests/group/test_channels.py checks those links.
PLATFORM_HOSTS = ("hudong.bozhou.gov.cn", "zwfw.bozhou.gov.cn")


def test_live_visits_slow_and_failing_pages_and_dead_links(demo, tmp_path):
    content, output = demo
    visits = tmp_path / "visits.jsonl"
    ledger = tmp_path / "整改清单.yaml"
    External.requests.clear()
    with (
        serve_handler(External) as external,
        serve_handler(group_handler(output, external)) as server,
    ):
        started = time.monotonic()
        first, data = live(content, tmp_path / "r1", server, visits, ledger)
        took = time.monotonic() - started
        external_requests = list(External.requests)
        _, again = live(content, tmp_path / "r2", server, visits, ledger)
    assert first.exit_code == 1, first.stderr
    found = {}
    for site in data["sites"]:
        for problem in site["problems"]:
            if any(host in problem["evidence"] for host in PLATFORM_HOSTS):
                continue
            found.setdefault(problem["indicator"], []).append((site["id"], problem))
    # Only the 数据资源局 failed visits: 2 of 4 (a timeout and a 500).
    (unreachable,) = found.pop("站点无法访问")
    assert unreachable[0] == "sjj"
    evidence = unreachable[1]["evidence"]
    assert "共访问 4 次，失败 2 次（50.0%，≥ 5%）" in evidence
    assert "超时 1 次" in evidence and "HTTP 500 1 次" in evidence
    assert unreachable[1]["number"].startswith("亳政网整〔" + data["date"][:4] + "〕第")
    assert {s["id"]: s["visits"]["visits"] for s in data["sites"]} == dict.fromkeys(DOMAINS, 4)
    # The two dead links on the 谯城区 home page: its own page and the other website's.
    dead = sorted(problem["evidence"] for _, problem in found.pop("首页链接不可用"))
    assert len(dead) == 2
    assert dead[0].startswith("外部链接 " + external + "old/page.html 打不开（HTTP 404）")
    assert dead[1].startswith("站内链接 https://www.qcq.gov.cn/gone.html 打不开（HTTP 404）")
    assert external_requests == ["/old/page.html"]  # checked once per run, not once per page
    # Everything else is what the same output shows read from the folder on the same day.
    folder = run(content, output, tmp_path / "built", None, today=date.fromisoformat(data["date"]))
    assert sorted((s, p["indicator"], p["page"]) for s, p in _all(found)) == sorted(
        (f.site, f.indicator.name, f.page) for s in folder[0].sites for f in s.findings
    )
    assert took < 60
    # The second run adds its visits to the log: 8 visits, still 2 failed (25 %).
    lines = visits.read_text("utf-8").splitlines()
    assert len(lines) == 2 * 4 * len(DOMAINS)
    assert all(json.loads(line)["url"].startswith("https://") for line in lines)
    sjj = next(site for site in again["sites"] if site["id"] == "sjj")
    assert sjj["visits"]["visits"] == 8 and sjj["visits"]["failures"] == 2
    assert sjj["verdict"] == "不合格"
    assert again["ledger"]["issued"] == []  # the same item, not a new number
    assert unreachable[1]["number"] in [item["number"] for item in sjj["rectification"]]


def _all(found):
    return [(site, problem) for items in found.values() for site, problem in items]


def test_a_visit_log_line_that_is_not_a_visit_is_skipped_and_noted(demo, tmp_path):
    content, output = demo
    visits = tmp_path / "visits.jsonl"
    visits.write_text('{"time": "yesterday"}\nnot json\n', "utf-8")
    with (
        serve_handler(External) as external,
        serve_handler(group_handler(output, external)) as server,
    ):
        _, data = live(content, tmp_path / "r", server, visits, tmp_path / "l.yaml")
    assert any("2 行无法读取" in note for note in data["notes"])
    assert len(visits.read_text("utf-8").splitlines()) == 2 + 4 * len(DOMAINS)
