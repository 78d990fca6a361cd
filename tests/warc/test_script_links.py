"""A legacy CMS site whose links are partly made by script: the HTTP crawl finds the
TRS-paginated list pages by pattern, the browser crawl (``--browser``) finds everything.

The site (``legacycms``) is served by nginx on loopback; the WARCs must pass
``archive-tool verify`` and ``warcio check``, the browser capture must replay in pywb,
republish must show every page with 已归档, ``continuity`` must find no old address lost
after a redesign of the site, and the WACZ of the browser capture must open in
ReplayWeb.page (its npm package, served locally: ``npm ci --prefix tests/replayweb``;
skipped without it unless REQUIRE_BROWSER is set).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.request import urlopen

import legacycms
import pytest
from conftest import archive_tool, ctrl_c_reaches_it
from growing import wait_for_captures
from servers import pywb_replaying, serve_directory, serve_directory_with_nginx
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
    with serve_directory_with_nginx(root, tmp_path_factory.mktemp("nginx")) as url:
        yield url


def snapshot(site, tmp_path_factory, name: str, *options):
    """A capture of the legacy site into a WARC of its own: (its path, the run)."""
    warc = tmp_path_factory.mktemp(name) / f"{name}.warc.gz"
    result = archive_tool("snapshot", site, "-o", warc, *options)
    assert result.returncode == 0, result.stderr
    return warc, result


@pytest.fixture(scope="module")
def http_capture(site, tmp_path_factory):
    return snapshot(site, tmp_path_factory, "http", "--processes", "2")


def test_http_crawl_finds_trs_pagination_by_pattern(site, http_capture):
    warc, result = http_capture
    pages = captured(warc)
    for name in legacycms.HTTP_PAGES:
        assert pages.get(site + name, (0,))[0] == 200, f"{name} not captured"
    assert "其中 2 个页面由翻页规则（createPageHTML、index_N.html）发现" in result.stderr
    assert not any(site + name in pages for name in legacycms.SCRIPT_PAGES), "no browser, no script"
    # The rest is reported: the home page's document.write menu (page.js, which defines
    # createPageHTML, is not counted: its pages were followed).
    assert "1 个页面或脚本文件含有写入或请求内容的脚本" in result.stderr
    assert "可加 --browser 重新抓取" in result.stderr
    assert_valid(warc)


@pytest.fixture(scope="module")
def browser_capture(site, tmp_path_factory):
    pytest.importorskip("playwright.sync_api")
    import browser  # noqa: F401 — skips the module without Debian's chromium

    return snapshot(site, tmp_path_factory, "browser", "--browser")


def test_browser_crawl_finds_script_made_links_and_json_filled_pages(site, browser_capture):
    warc, result = browser_capture
    pages = captured(warc)
    for name in legacycms.ALL_PAGES:
        assert pages.get(site + name, (0,))[0] == 200, f"{name} not captured"
    assert b"art_json.html" in pages[site + "zwgk/list.json"][1], "the JSON the page fetched"
    assert site + "zwgk/more.json" in pages, "the JSON that 加载更多 fetched"
    assert pages[site + "zwgk/art_timer.html"][0] == 200, "the link a timer added after load"
    assert "其中 4 个页面只有运行页面脚本后才能发现" in result.stderr
    assert "可加 --browser" not in result.stderr, "it ran them"
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


def test_pywb_replays_every_page_of_the_browser_capture(site, browser_capture, tmp_path):
    warc, _ = browser_capture
    titles = {name: legacycms.title(name) for name in legacycms.ALL_PAGES}
    with pywb_replaying(warc, tmp_path) as wayback:
        for name, title in titles.items():
            body = urlopen(f"{wayback}demo/id_/{site}{name}", timeout=30).read()
            assert f"<title>{title}</title>" in body.decode("utf-8"), name
        data = urlopen(f"{wayback}demo/id_/{site}zwgk/list.json", timeout=30).read()
        assert b"/zwgk/art_json.html" in data, "the data the page's script fetched"
        framed = urlopen(f"{wayback}demo/mp_/{site}zwgk/index.html", timeout=30).read()
        assert b"/demo/" in framed and b"js/list.js" in framed, "its script, rewritten"


def redesigned_site(folder: Path, capture: Path) -> Path:
    """A redesign of the legacy site (a new home page and column; every old page gone),
    with the capture republished as its archive; returns the new build's folder."""
    new = folder / "127.0.0.1"
    (new / "xxgk").mkdir(parents=True)
    (new / "index.html").write_text(
        legacycms.page("某县人民政府", '<a href="/xxgk/">信息公开</a>'), encoding="utf-8"
    )
    (new / "xxgk" / "index.html").write_text(
        legacycms.page("信息公开", "<p>新栏目</p>"), encoding="utf-8"
    )
    archived = archive_tool("republish", capture, "-o", new / "archive")
    assert archived.returncode == 0, archived.stderr
    return new


def test_continuity_after_a_redesign_loses_no_address_of_the_browser_capture(
    browser_capture, tmp_path
):
    warc, _ = browser_capture
    new = redesigned_site(tmp_path, warc)
    for sources in ([], [warc]):  # the new build's own archive; the old capture's addresses
        result = archive_tool("continuity", new, *sources)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "404 0 个" in result.stderr
    for name in legacycms.SCRIPT_PAGES + ["zwgk/list.json"]:
        assert f"归档副本\t/{name} → /archive/" in result.stdout, name


def test_continuity_names_what_an_http_only_archive_would_lose(
    http_capture, browser_capture, tmp_path
):
    """The HTTP crawl's archive as the redesign's only archive: the addresses only scripts
    lead to (known from the browser capture) would answer 404, and are named."""
    new = redesigned_site(tmp_path, http_capture[0])
    result = archive_tool("continuity", new, browser_capture[0])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for name in legacycms.SCRIPT_PAGES:
        assert f"404\t/{name}" in result.stdout, name
    assert "个旧网址在新版中将返回 404" in result.stderr


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
