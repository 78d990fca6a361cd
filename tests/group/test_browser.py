"""The demo group in headless Chromium (Debian's package), served by a real HTTP server.

At 375 px no page scrolls sideways, the footer is visible, and the browser requests
nothing from any origin but the local server.
"""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import urlsplit

import pytest
from browser import (  # skips the module without chromium
    launched_chromium,
)
from test_build import ONLINE


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
    with launched_chromium() as browser:
        yield browser


def site_pages(domain: str, output) -> list[str]:
    """Home, a column, the site map, an article, and the record pages the site has."""
    root = output / domain
    pages = ["index.html", "zwdt/", "sitemap.html"]
    for pattern in ("zwdt/*/*.html", "services/[!i]*.html", "letters/[!i]*.html"):
        pages += [p.relative_to(root).as_posix() for p in sorted(root.glob(pattern))[:1]]
    pages += [p for p in ("services/index.html", "letters/index.html") if (root / p).is_file()]
    return pages


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


SEARCHED = "#search[aria-busy=false] #search-status:not(:empty)"  # search.js is done


def test_full_text_search_finds_chinese_words(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/www.bozhou.gov.cn/index.html")
    page.fill("#search-q", "归档")
    page.click(".search-box button")
    page.wait_for_selector(SEARCHED, timeout=15000)
    titles = page.locator(".search-result h2 a").all_inner_texts()
    assert any("亳州市政府网站群管理办法" in title for title in titles), titles
    page.close()


def test_group_search_on_the_portal_finds_other_sites_pages(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/www.bozhou.gov.cn/search.html?scope=group&q=企业投资项目备案")
    page.wait_for_selector(SEARCHED, timeout=15000)
    links = page.eval_on_selector_all(".search-result h2 a", "els => els.map(e => e.href)")
    assert any(link.startswith("https://fgw.bozhou.gov.cn/services/") for link in links), links
    # The same query on the portal alone finds nothing of the 发改委 site.
    page.goto(f"{server}/www.bozhou.gov.cn/search.html?q=企业投资项目备案")
    page.wait_for_selector(SEARCHED, timeout=15000)
    links = page.eval_on_selector_all(".search-result h2 a", "els => els.map(e => e.href)")
    assert not any("fgw.bozhou.gov.cn" in link for link in links), links
    page.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.parametrize("site_id", ["bozhou", "qcq"])
def test_no_axe_violations_of_wcag21_aa(browser, server, demo_build, site_id):
    """Home, a column, a policy with its 公开 table, a service guide and the letters pages."""
    from axe_playwright_python.sync_playwright import Axe

    domain = ONLINE[site_id]["domain"]
    root = demo_build.output / domain
    policy = next(root.glob("zcwj/*/*.html")).relative_to(root).as_posix()
    service = next(root.glob("services/[!i]*.html")).relative_to(root).as_posix()
    letter = next(root.glob("letters/[!i]*.html")).relative_to(root).as_posix()
    page = browser.new_page()
    for path in [
        "index.html",
        "zwdt/",
        policy,
        "sitemap.html",
        "notices.html",
        "search.html?q=政务&scope=group",
        "services/index.html",
        service,
        "letters/index.html",
        letter,
    ]:
        page.goto(f"{server}/{domain}/{path}")
        if path.startswith("search.html"):
            page.wait_for_selector(SEARCHED, timeout=15000)  # with its results
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        found = [(v["id"], len(v["nodes"])) for v in result.response["violations"]]
        assert result.violations_count == 0, f"{path}: {found}"
    page.close()


def test_font_size_switch_and_keyboard_navigation(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/www.bozhou.gov.cn/index.html")
    size = "getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(size) == "16px"
    page.click("text=无障碍工具条")
    page.click("#a11y-tools >> text=大字号")
    assert page.evaluate(size) == "20px"
    page.reload()
    assert page.evaluate(size) == "20px", "the choice is remembered"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.locator(".skip-link").bounding_box()["width"] > 0, (
        "the skip link shows when focused"
    )
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.textContent.trim()"))
    assert {"首页", "政务动态", "关怀版", "大字号", "搜索"} <= reached
    page.close()
