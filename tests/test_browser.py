"""The demo group in headless Chromium (Debian's package), served by a real HTTP server.

At 375 px no page scrolls sideways, the footer is visible, and the browser requests
nothing from any origin but the local server.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from test_build import ONLINE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but Debian's chromium is not installed")
    pytest.skip("Debian's chromium package is not installed", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


@pytest.fixture(scope="module")
def server(demo_build):
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(demo_build.output)
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def site_pages(domain: str, output) -> list[str]:
    root = output / domain
    article = next(root.glob("zwdt/*/*.html"))
    return ["index.html", "zwdt/", "sitemap.html", article.relative_to(root).as_posix()]


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_pages_fit_375px_and_load_only_from_their_origin(browser, server, demo_build, site_id):
    domain = ONLINE[site_id]["domain"]
    page = browser.new_page(viewport={"width": 375, "height": 800})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in site_pages(domain, demo_build.output):
        response = page.goto(f"{server}/{domain}/{path}")
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways ({width}px)"
        footer = page.locator("footer")
        assert footer.is_visible()
        assert "我为政府网站找错" in footer.inner_text()
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
            )
            != "rgba(0, 0, 0, 0)"
        )
    page.close()
    foreign = [url for url in requested if urlsplit(url).netloc != urlsplit(server).netloc]
    assert foreign == []


def test_search_box_filters_by_title(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/www.bozhou.gov.cn/index.html")
    page.fill("#search-q", "管理办法")
    page.click(".search-box button")
    page.wait_for_url("**/search.html?q=*")
    visible = page.locator("#search-results li:visible")
    assert visible.count() >= 1
    assert all("管理办法" in text for text in visible.all_inner_texts())
    assert "搜索结果" in page.locator("#search-status").inner_text()
    page.close()
