"""The new page types in Chromium (issue 15): zero axe violations (WCAG 2.1 AA), no console
error (a missing favicon is one on every page), tap targets of at least 24 px on a phone,
and the maintenance page with the site's header and footer.

Lighthouse's own scores for the pages issue 15 names are in test_lighthouse.py; the checks
here cover every new page type of every site (favicon, meta description: test_page_types.py;
console, axe, tap targets: below)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import (  # skips the module without chromium
    launched_chromium,
)
from conftest import FGW_OFFLINE, archive_tool, run_pelican
from test_build import ONLINE

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SEARCHED = "#search[aria-busy=false] #search-status:not(:empty)"
# What a thumb must hit on a phone (links inside running text are exempt, as in WCAG 2.5.8).
TARGETS = (
    "nav a, footer a, button, .pagination a, .more a, .search-form input, .search-scope input,"
    " .disclosure-parts a"
)

PHONE = 640  # px: the theme's phone layout, where TARGETS are checked


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: Path):
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(scope="module")
def server(demo_build):
    httpd, url = serve(demo_build.output)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


def new_pages(root: Path) -> list[str]:
    """The page types issue 15 adds or changes, as far as the site has them."""
    pages = [
        "index.html",
        "xxgk/",
        "xxgk/fdzdgknr.html",
        "xxgk/ysqgk.html",
        "notices.html",
    ]
    if (root / "bsfw").is_dir():  # 办事服务: not on a 开发区 site (sitetypes: services=False)
        pages.append("bsfw/")
    pages += ["search.html?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"]  # 营商环境, with results
    for pattern in (
        "xxgk/*/xxgk-zhinan.html",
        "services/index.html",
        "letters/index_2.html",
        "consultations/index.html",
        "consultations/[!i]*.html",
        "interviews/index.html",
        "interviews/[!i]*.html",
        "piyao/index.html",
    ):
        found = sorted(root.glob(pattern))[:1]
        pages += [p.relative_to(root).as_posix() for p in found]
    return pages


def audit(page, url: str, errors: list[str]) -> list[str]:
    """axe's violations, the console errors and sideways scroll of one page at the page's
    viewport width, and on a phone's (up to PHONE px) its tap targets under 24 px."""
    errors.clear()
    response = page.goto(url)
    assert response.status == 200, url
    if "search.html" in url:
        page.wait_for_selector(SEARCHED, timeout=20000)
    problems = [f"console: {e}" for e in errors]
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    problems += [f"axe {v['id']} ({len(v['nodes'])})" for v in result.response["violations"]]
    small = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
             .filter(e => e.offsetParent !== null)
             .map(e => [e.textContent.trim() || e.outerHTML.slice(0, 40), e.getBoundingClientRect()])
             .filter(([, r]) => r.height < 24 && r.width > 0)
             .map(([name, r]) => name + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))""",
        TARGETS,
    )
    if page.viewport_size["width"] <= PHONE:  # a mouse needs no thumb-sized target
        problems += [f"tap target {s}" for s in small]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:
        problems.append(f"scrolls sideways ({width}px)")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_new_page_types_pass_axe_with_a_clean_console(browser, server, demo_build, site_id):
    domain = ONLINE[site_id]["domain"]
    page = browser.new_page(viewport={"width": 375, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    found = {}
    for path in new_pages(demo_build.output / domain):
        problems = audit(page, f"{server}/{domain}/{path}", errors)
        if problems:
            found[path] = problems
    page.close()
    assert found == {}


def test_the_maintenance_page_is_a_full_page_of_the_site(browser, group_copy, tmp_path):
    recorded = archive_tool("notice", *FGW_OFFLINE, "--content", group_copy)
    assert recorded.returncode == 0, recorded.stderr
    output = tmp_path / "output"
    result = run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-25"')
    assert result.returncode == 0, result.stderr
    site = output / "fgw.bozhou.gov.cn"
    httpd, url = serve(site)  # as nginx serves it: the site is the document root
    try:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        assert audit(page, f"{url}/maintenance-1.html", errors) == []
        assert page.inner_text(".site-name") == "亳州市发展和改革委员会"
        assert "网站标识码：3416000002" in page.inner_text("footer")
        assert "2026-12-01 08:00" in page.inner_text("main")
        background = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        assert page.evaluate(background) != "rgba(0, 0, 0, 0)", "styled"
        page.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
