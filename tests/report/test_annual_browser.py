"""The reports in headless Chromium: no axe violation of WCAG 2.1 AA, nothing wider than
375 px, nothing requested from anywhere. Both as written by the CLI and as the build would
publish them: the page's body inside a page with the theme's own stylesheet."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from datetime import date
from urllib.parse import urlsplit

import pytest
from annual_helpers import SITES, YEAR, demo_reports  # noqa: F401
from browser import (  # skips the module without chromium
    launched_chromium,
)
from conftest import DEMO_CONTENT, REPO

from archive_tool.content.loader import load_content
from archive_tool.group.rules.check import check_content
from archive_tool.report.annual import site_report_page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
THEMED = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="../theme/css/gov.css"></head>
<body><main id="main" class="wrap">{body}</main></body></html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(demo_reports, tmp_path_factory):  # noqa: F811
    """The CLI's files under /cli/, and each site's page as its build would publish it
    (ndbb/2026.html with the theme's stylesheet) under /<site>/."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(demo_reports, root / "cli")
    report = check_content(load_content(DEMO_CONTENT), date(YEAR + 1, 1, 5))
    for site in SITES:
        annual = site_report_page(report, report.group.sites[site], YEAR)
        page = root / site / annual.path
        page.parent.mkdir(parents=True)
        page.write_text(THEMED.format(title=annual.title, body=annual.html), encoding="utf-8")
        css = root / site / "theme" / "css" / "gov.css"
        css.parent.mkdir(parents=True)
        shutil.copy(REPO / "themes" / "gov" / "static" / "css" / "gov.css", css)
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


PAGES = [f"cli/{site}-{YEAR}.html" for site in SITES] + [f"cli/group-{YEAR}.html"]
PAGES += [f"{site}/ndbb/{YEAR}.html" for site in SITES]


@pytest.mark.parametrize("path", PAGES)
def test_fits_375px_and_loads_nothing_else(browser, served, path):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{served}/{path}")
    assert response.status == 200
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path} scrolls sideways ({width}px)"
    # the tables really are laid out as cards: a row is as wide as the page's column
    row = page.locator("tr[id^='row-'], .summary-table tbody tr").first.bounding_box()
    assert row["width"] > 300
    page.close()
    local = urlsplit(served).netloc
    assert [url for url in requested if urlsplit(url).netloc != local] == []


# axe takes seconds a page: the portal's report (the longest), as written and as published,
# and the group's summary
@pytest.mark.parametrize("path", [f"cli/bozhou-{YEAR}.html", f"bozhou/ndbb/{YEAR}.html", PAGES[4]])
def test_no_axe_violations_of_wcag21_aa(browser, served, path):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{served}/{path}")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    found = [(v["id"], len(v["nodes"])) for v in result.response["violations"]]
    assert result.violations_count == 0, f"{path}: {found}"
    page.close()


def test_a_count_leads_to_its_list_and_back(browser, served):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{served}/cli/bozhou-{YEAR}.html")
    page.click("#row-letters-received a")
    assert page.evaluate("location.hash") == "#list-letters-received"
    assert page.locator("#list-letters-received h3").is_visible()
    page.click("#list-letters-received .back a")
    assert page.evaluate("location.hash") == "#row-letters-received"
    page.close()
