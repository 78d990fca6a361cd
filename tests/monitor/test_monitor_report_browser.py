"""report.html in Debian's Chromium: no axe violations (WCAG 2.1 AA), no sideways scrolling at
375 px, nothing loaded from anywhere, its style allowed by its own CSP hash, hostile
evidence shown as text."""

from __future__ import annotations

import pytest
from browser import (  # skips the module without chromium
    launched_chromium,
)
from monitor_helpers import age, built, run, tamper

from archive_tool.monitor.htmlreport import render_html
from archive_tool.monitor.indicators import SERIOUS_ERROR, Finding
from archive_tool.monitor.report import report_data

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    content, output = built(tmp_path_factory, "aged", age, tamper)
    folder = tmp_path_factory.mktemp("browser-report")
    result, files = run(content, output, folder / "report", folder / "整改清单.yaml")
    return result, files["report.html"]


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [375, 1280])
def test_the_report_passes_axe_and_does_not_scroll_sideways(browser, report, width):
    from axe_playwright_python.sync_playwright import Axe

    _, html = report
    page = browser.new_page(viewport={"width": width, "height": 800})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(html.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    found = [(v["id"], len(v["nodes"])) for v in result.response["violations"]]
    assert result.violations_count == 0, found
    assert requested == [html.as_uri()]
    assert page.locator("script").count() == 0
    # The style block ran under the page's own CSP (its hash): the headings are styled.
    border = page.evaluate("getComputedStyle(document.querySelector('h2')).borderBottomStyle")
    assert border == "solid"
    # The verdict comes before any problem list.
    text = page.locator("main").inner_text()
    assert text.index("3 个不合格") < text.index("问题清单")
    page.close()


def test_hostile_evidence_is_shown_as_text(browser, report, tmp_path):
    result, _ = report
    site = result.sites[0]
    site.findings.append(
        Finding(
            site.site.id,
            SERIOUS_ERROR,
            "javascript:alert(1)",
            '<img src=x onerror="document.title=1"><script>document.title=2</script>',
        )
    )
    path = tmp_path / "report.html"
    path.write_text(render_html(report_data(result)), "utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    assert page.title().startswith("亳州市政府网站群监测报告")
    assert page.locator("main img").count() == 0 and page.locator("script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert "<script>document.title=2</script>" in page.locator("main").inner_text()
    page.close()
    site.findings.pop()
