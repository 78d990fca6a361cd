"""archive-tool republish and verify DIR on WARCs from three writers, and hostile WARCs."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest
from conftest import archive_tool
from servers import QuietHandler, wget_warc

GBK_TEXT = "亳州市政务公开：归档测试页面（GBK 编码），鍼灸与中药材"
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


class SmallSiteHandler(QuietHandler):
    """Static files plus a redirect, as an older CMS site would serve them."""

    def do_GET(self):
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/new.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("oldsite")
    (root / "index.html").write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>旧版首页</title>'
        '<link rel="stylesheet" href="style.css"><script src="app.js"></script></head>'
        '<body><h1>旧版首页</h1><a href="gbk.html">GBK 页面</a> <a href="/old">旧链接</a>'
        ' <a href="https://beian.miit.gov.cn/">备案</a> <a href="missing.html">未抓取</a>'
        '<img src="logo.png" alt="标识" srcset="logo.png 1x, logo.png 2x">'
        "<p style=\"background:url('logo.png')\">样式</p></body></html>",
        encoding="utf-8",
    )
    (root / "gbk.html").write_bytes(
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        f"<title>GBK页面</title></head><body><p>{GBK_TEXT}</p>"
        f'<a href="index.html">返回</a></body></html>'.encode("gbk")
    )
    (root / "new.html").write_text(
        '<html><head><meta charset="utf-8"><title>新页面</title></head>'
        "<body>跳转后的页面</body></html>",
        encoding="utf-8",
    )
    (root / "style.css").write_text(
        '@import "print.css"; body { background: url(logo.png) }', encoding="utf-8"
    )
    (root / "print.css").write_text("h1 { color: #333 }", encoding="utf-8")
    (root / "logo.png").write_bytes(LOGO)
    (root / "app.js").write_text("document.body.innerHTML = ''", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def small_site_url(small_site):
    handler = functools.partial(SmallSiteHandler, directory=str(small_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    import threading

    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def wget_small_warc(small_site_url, tmp_path_factory) -> Path:
    return wget_warc(small_site_url + "index.html", tmp_path_factory.mktemp("wget-small"), "-p")


@pytest.fixture(scope="module")
def warcio_warc(small_site_url, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("warcio") / "capture.warc.gz"
    script = (
        "from warcio.capture_http import capture_http\nimport requests\n"
        f"with capture_http({str(path)!r}):\n"
        f"    for name in ('index.html', 'gbk.html', 'style.css', 'logo.png'):\n"
        f"        requests.get({small_site_url!r} + name)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    return path


def republished(warc: Path, out: Path, *extra) -> Path:
    result = archive_tool("republish", warc, "-o", out, *extra)
    assert result.returncode == 0, result.stderr
    archives = [p for p in out.iterdir() if p.is_dir()]
    assert len(archives) == 1
    return archives[0]


def host_dir(archive: Path) -> Path:
    return next(p for p in archive.iterdir() if p.is_dir())


def assert_archive_is_clean(out: Path) -> None:
    result = archive_tool("verify", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "结论：通过" in result.stdout


@pytest.mark.parametrize("writer", ["wget", "warcio"])
def test_foreign_warcs_republish_with_banner_and_exact_gbk_text(
    writer, wget_small_warc, warcio_warc, tmp_path
):
    warc = wget_small_warc if writer == "wget" else warcio_warc
    archive = republished(warc, tmp_path / "out")
    assert_archive_is_clean(tmp_path / "out")
    site = host_dir(archive)
    gbk = (site / "gbk.html").read_bytes()
    text = gbk.decode("utf-8")  # written as UTF-8
    assert GBK_TEXT in text
    doc = lxml.html.fromstring(gbk)
    assert doc.xpath("//meta/@charset") == ["utf-8"]
    assert not doc.xpath("//meta[contains(translate(@content,'GBK','gbk'),'charset=gbk')]")
    banner = doc.xpath("//body/*[1]")[0]
    assert banner.get("data-archive-banner") is not None
    assert "已归档" in banner.text_content() and "归档时间：" in banner.text_content()
    assert (site / "logo.png").read_bytes() == LOGO
    css = (site / "style.css").read_text(encoding="utf-8")
    assert 'url("logo.png")' in css
    index = (archive / "index.html").read_text(encoding="utf-8")
    assert "归档目录" in index and "GBK页面" in index


def test_wget_warc_keeps_redirects_and_marks_external_links(wget_small_warc, tmp_path):
    archive = republished(wget_small_warc, tmp_path / "out")
    site = host_dir(archive)
    redirect = (site / "old" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in redirect and "../new.html" in redirect
    home = lxml.html.fromstring((site / "index.html").read_bytes())
    external = home.xpath("//a[@href='https://beian.miit.gov.cn/']")[0]
    assert "archive-external" in external.get("class") and "离开归档" in external.get("title")
    missing = home.xpath("//a[text()='未抓取']")[0]
    assert missing.get("href").endswith("_not-archived.html")
    assert not home.xpath("//script"), "scripts are removed"
    assert home.xpath("//img/@src") == ["logo.png"]
    assert home.xpath("//img/@srcset") == ["logo.png 1x, logo.png 2x"]
    assert 'url("logo.png")' in home.xpath("//p/@style")[0]
    canonical = home.xpath("//link[@rel='canonical']/@href")
    assert canonical and canonical[0].endswith("/index.html")
    assert home.xpath("//meta[@name='robots']/@content") == [], (
        "indexable, canonical to the original"
    )
    archived_at = home.xpath("//meta[@name='archived-at']/@content")[0]
    assert archived_at.endswith("+08:00")


def test_demo_snapshot_republishes_and_verifies(demo_warc, tmp_path):
    out = tmp_path / "out"
    archive = republished(demo_warc, out, "--live-url", "https://www.bozhou.gov.cn/")
    assert_archive_is_clean(out)
    manifest = json.loads((archive / "archive.json").read_text(encoding="utf-8"))
    assert len(manifest["pages"]) >= 40
    page = next(p for p in manifest["pages"] if "bozhou-zfwzqglbf-2019" in p["path"])
    html = (archive / page["path"]).read_text(encoding="utf-8")
    assert "亳政办秘〔2019〕49号" in html and "https://www.bozhou.gov.cn/" in html
    overview = (out / "index.html").read_text(encoding="utf-8")
    assert f"{archive.name}/index.html" in overview


def test_republishing_the_same_capture_never_overwrites(demo_warc, tmp_path):
    out = tmp_path / "out"
    archive = republished(demo_warc, out)
    marker = archive / "index.html"
    before = marker.read_bytes()
    again = archive_tool("republish", demo_warc, "-o", out)
    assert again.returncode == 1 and "已存在" in again.stderr
    assert marker.read_bytes() == before


def verify_sitemap_changed(demo_warc, tmp_path, old: str, new: str):
    """archive-tool verify on a republished demo whose archived sitemap.html has old replaced."""
    out = tmp_path / "out"
    page = next(republished(demo_warc, out).rglob("sitemap.html"))
    page.write_text(page.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return archive_tool("verify", out)


def test_verify_dir_names_a_page_without_banner(demo_warc, tmp_path):
    result = verify_sitemap_changed(demo_warc, tmp_path, "data-archive-banner", "data-x")
    assert result.returncode == 1
    assert "sitemap.html" in result.stderr and "归档横幅" in result.stderr


def test_verify_dir_names_a_page_without_its_canonical_link(demo_warc, tmp_path):
    # Archived pages may be indexed: the canonical link is what names the original as the
    # preferred copy, so a page without it fails.
    result = verify_sitemap_changed(demo_warc, tmp_path, 'rel="canonical"', 'rel="x"')
    assert result.returncode == 1
    assert "sitemap.html" in result.stderr and "canonical" in result.stderr


def test_verify_dir_catches_a_leak_to_the_origin(demo_warc, tmp_path):
    out = tmp_path / "out"
    archive = republished(demo_warc, out)
    origin = json.loads((archive / "archive.json").read_text(encoding="utf-8"))["origins"][0]
    page = next(archive.rglob("search.html"))
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace("</main>", f'<img src="{origin}/tracker.gif"></main>'), encoding="utf-8"
    )
    result = archive_tool("verify", out)
    assert (
        result.returncode == 1
        and "从原网站加载" in result.stderr
        and "search.html" in result.stderr
    )


# -- hostile input ---------------------------------------------------------------------------

HOSTILE_PATHS = [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/escape.html",
    "/%2E%2E%2f%2e%2e%2fencoded-slash.html",
    "/a\\..\\..\\backslash.html",
    "//absolute/path.html",
    "/nul%00byte.html",
    "/" + "long" * 400 + ".html",
    "/Case.html",
    "/case.html",
    "/CASE.html",
]


def hostile_warc(path: Path) -> Path:
    from archive_tool.warc.capture import Body, Capture
    from archive_tool.warc.httpfetch import request_head
    from archive_tool.warc.writer import WarcOutput

    output = WarcOutput(path, {"description": "hostile"})
    for number, target in enumerate(HOSTILE_PATHS):
        url = "http://evil.example" + target
        body = (
            f"<html><head><title>页面{number}</title></head><body>"
            f'<div data-archive-banner="">已归档 伪造</div><p>内容{number}</p></body></html>'
        ).encode()
        output.write_capture(
            Capture(
                url=url,
                request_head=request_head("http://evil.example/"),
                status=200,
                reason="OK",
                headers=[("Content-Type", "text/html; charset=utf-8")],
                body=Body.of(body),
                date=datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc),
            )
        )
    return output.close()


def test_hostile_target_uris_stay_inside_and_never_overwrite(tmp_path):
    warc = hostile_warc(tmp_path / "hostile.warc.gz")
    out = tmp_path / "archive" / "out"
    out.mkdir(parents=True)
    (tmp_path / "archive" / "victim.txt").write_text("untouched")
    archive = republished(warc, out)
    root = out.resolve()
    written = [p for p in out.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(root) for p in written)
    assert (tmp_path / "archive" / "victim.txt").read_text() == "untouched"
    assert not (tmp_path / "etc").exists() and not Path("/escape.html").exists()
    pages = [p for p in (archive / "evil.example").rglob("*.html")]
    contents = sorted(
        lxml.html.fromstring(p.read_bytes()).xpath("string(//p[last()])") for p in pages
    )
    assert contents == sorted(f"内容{n}" for n in range(len(HOSTILE_PATHS)))
    names = [p.name.casefold() for p in pages]
    folded = [p.relative_to(archive).as_posix().casefold() for p in pages]
    assert len(set(folded)) == len(folded), "no two pages differ only in case"
    assert all(len(name.encode()) <= 255 for name in names)
    for page in pages:
        doc = lxml.html.fromstring(page.read_bytes())
        assert len(doc.xpath("//*[@data-archive-banner]")) == 1, "the forged banner is neutralised"
    assert_archive_is_clean(out)


def test_a_truncated_warc_gives_a_clear_message(demo_warc, tmp_path):
    broken = tmp_path / "broken.warc.gz"
    data = demo_warc.read_bytes()
    broken.write_bytes(data[: len(data) // 2] + b"garbage" * 100)
    result = archive_tool("republish", broken, "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "损坏" in result.stderr and "偏移" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
