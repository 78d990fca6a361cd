"""A legacy CMS site whose links are partly made by script: the HTTP crawl finds the
TRS-paginated list pages by pattern, the browser crawl (``--browser``) finds everything.

The site (``legacycms``) is served by http.server on loopback; the WARCs must pass
``archive-tool verify`` and ``warcio check``, republish must show every page, and the
WACZ of the browser capture must open in ReplayWeb.page (its npm package, served locally:
``npm ci --prefix tests/replayweb``; skipped without it unless REQUIRE_BROWSER is set).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import legacycms
import pytest
from conftest import archive_tool, ctrl_c_reaches_it
from growing import wait_for_captures
from servers import serve_directory
from warcio.archiveiterator import ArchiveIterator

BIN = Path(sys.executable).parent


def captured(path: Path) -> dict[str, tuple[int, bytes]]:
    """Target URI -> (status, payload) of every response record."""
    found = {}
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found[uri] = (
                    int(record.http_headers.get_statuscode()),
                    record.content_stream().read(),
                )
    return found


def assert_valid(warc: Path) -> None:
    ours = archive_tool("verify", warc)
    assert ours.returncode == 0 and "结论：通过" in ours.stdout, ours.stdout + ours.stderr
    theirs = subprocess.run(
        [str(BIN / "warcio"), "check", str(warc)], capture_output=True, text=True, check=False
    )
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = legacycms.build(tmp_path_factory.mktemp("legacycms"))
    with serve_directory(root) as url:
        yield url


def test_http_crawl_finds_trs_pagination_by_pattern(site, tmp_path):
    warc = tmp_path / "http.warc.gz"
    result = archive_tool("snapshot", site, "-o", warc, "--processes", "2")
    assert result.returncode == 0, result.stderr
    pages = captured(warc)
    for name in legacycms.HTTP_PAGES:
        assert pages.get(site + name, (0,))[0] == 200, f"{name} not captured"
    assert "其中 2 个页面由翻页规则（createPageHTML、index_N.html）发现" in result.stderr
    assert not any(site + name in pages for name in legacycms.SCRIPT_PAGES), "no browser, no script"
    assert_valid(warc)


@pytest.fixture(scope="module")
def browser_capture(site, tmp_path_factory):
    pytest.importorskip("playwright.sync_api")
    import browser  # noqa: F401 — skips the module without Debian's chromium

    warc = tmp_path_factory.mktemp("browser") / "browser.warc.gz"
    result = archive_tool("snapshot", site, "-o", warc, "--browser")
    assert result.returncode == 0, result.stderr
    return warc, result


def test_browser_crawl_finds_script_made_links_and_json_filled_pages(site, browser_capture):
    warc, result = browser_capture
    pages = captured(warc)
    for name in legacycms.ALL_PAGES:
        assert pages.get(site + name, (0,))[0] == 200, f"{name} not captured"
    assert b"art_json.html" in pages[site + "zwgk/list.json"][1], "the JSON the page fetched"
    assert site + "zwgk/more.json" in pages, "the JSON that 加载更多 fetched"
    assert "其中 3 个页面只有运行页面脚本后才能发现" in result.stderr
    assert_valid(warc)


def test_browser_capture_republishes_every_page(site, browser_capture, tmp_path):
    warc, _ = browser_capture
    out = tmp_path / "archive"
    result = archive_tool("republish", warc, "-o", out)
    assert result.returncode == 0, result.stderr
    archive = next(p for p in out.iterdir() if p.is_dir())
    host = next(p for p in archive.iterdir() if p.is_dir())
    for name in legacycms.ALL_PAGES:
        html = (host / (name or "index.html")).read_text(encoding="utf-8")
        assert "已归档" in html, name
    checked = archive_tool("verify", out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


REPLAYWEB = Path(__file__).parents[1] / "replayweb" / "node_modules" / "replaywebpage"


@pytest.fixture(scope="module")
def replayweb_app(browser_capture, tmp_path_factory):
    """ReplayWeb.page (ui.js, sw.js, index.html of its npm package) with the capture's WACZ,
    served by http.server; yields the app's URL opened on that WACZ."""
    if not (REPLAYWEB / "ui.js").exists():
        if os.environ.get("REQUIRE_BROWSER"):
            raise RuntimeError("ReplayWeb.page is not installed: npm ci --prefix tests/replayweb")
        pytest.skip("ReplayWeb.page: npm ci --prefix tests/replayweb")
    warc, _ = browser_capture
    root = tmp_path_factory.mktemp("replayweb")
    for name in ("ui.js", "sw.js", "index.html"):
        shutil.copy(REPLAYWEB / name, root / name)
    packed = archive_tool("wacz", warc, "-o", root / "capture.wacz")
    assert packed.returncode == 0, packed.stderr
    with serve_directory(root) as url:
        yield f"{url}index.html?source={url}capture.wacz"


@pytest.fixture
def chromium_page():
    from browser import launched_chromium  # skips without Debian's chromium

    with launched_chromium() as chromium:
        page = chromium.new_page()
        yield page
        page.close()


def test_replayweb_lists_searches_and_replays_the_capture(site, replayweb_app, chromium_page):
    from playwright.sync_api import expect

    page = chromium_page
    page.goto(replayweb_app)
    entries = page.locator("wr-page-entry")
    expect(entries).to_have_count(len(legacycms.ALL_PAGES), timeout=60_000)  # every page
    expect(page.get_by_role("link", name="某县人民政府（旧站）")).to_be_visible()  # titles
    search = page.locator('input[placeholder^="Search"]')
    search.fill("加载更多后的文章")
    search.press("Enter")
    expect(entries).to_have_count(1, timeout=30_000)  # the search leaves that one page
    expect(page.get_by_role("link", name="加载更多后的文章")).to_be_visible()
    # A page whose list is filled by fetch(): the replayed script gets its JSON from the WACZ.
    page.goto(f"{replayweb_app}#view=pages&url={site}zwgk/index.html")
    replayed = page.frame_locator("wr-coll-replay iframe")
    expect(replayed.get_by_role("heading", name="政务公开")).to_be_visible(timeout=60_000)
    expect(replayed.get_by_role("link", name="JSON 列表中的文章")).to_be_visible()


def test_browser_without_chromium_is_refused_before_any_output(site, tmp_path):
    warc = tmp_path / "browser.warc.gz"
    result = subprocess.run(
        [sys.executable, "-m", "archive_tool", "snapshot", site, "-o", warc, "--browser"],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROMIUM_PATH": str(tmp_path / "no-chromium")},
        check=False,
    )
    assert result.returncode == 1
    assert "--browser 需要 Chromium" in result.stderr and "CHROMIUM_PATH" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir()), "no output"


def test_interrupted_browser_crawl_resumes_to_the_whole_site(site, browser_capture, tmp_path):
    """Pages captured before Ctrl-C are run again on --resume: their script-made links
    (the home page's document.write menu) are not lost, and nothing is recorded twice."""
    warc = tmp_path / "b.warc.gz"
    command = [sys.executable, "-m", "archive_tool", "snapshot", site, "-o", str(warc)]
    command += ["--browser", "--delay", "0.3"]
    process = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_reaches_it,  # noqa: PLW1509
    )
    wait_for_captures(tmp_path / "b.warc.gz.open", process, 2)  # the home page and one more
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=120)[1]
    assert process.returncode == 130 and "--resume" in stderr, stderr
    resumed = archive_tool(*command[3:], "--resume")
    assert resumed.returncode == 0, resumed.stderr
    with open(warc, "rb") as stream:
        uris = [
            record.rec_headers.get_header("WARC-Target-URI")
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        ]
    assert len(uris) == len(set(uris)), "nothing recorded twice"
    assert set(uris) == set(captured(browser_capture[0])), "the same as an uninterrupted crawl"
    assert_valid(warc)
