"""Archived pages in headless Chromium: the banner is visible, even on a hostile page."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from browser import (  # skips the module without chromium
    launched_chromium,
)
from servers import serve_directory
from test_republish import republished

HOSTILE_CSS = """
body > *:first-child { display: none !important; }
div, [role=note], [data-archive-banner], strong, span { visibility: hidden !important;
  display: none !important; height: 0 !important; font-size: 0 !important; }
body { margin-top: -400px !important; position: absolute !important; top: -400px !important; }
html { transform: translateY(-300px) !important; opacity: .01 !important; }
"""


# Overlays over the top edge: the highest z-index, later in the page than the banner, on an
# element, in an inline style with !important, and on body's pseudo-elements.
OVERLAY_CSS = """
.cover { position: fixed; top: 0; left: 0; right: 0; height: 200px; background: #000;
  z-index: 2147483647; }
body::after { content: ""; position: fixed; top: 0; left: 0; width: 100%; height: 150px;
  background: #123; z-index: 2147483647; }
"""
OVERLAY_BODY = (
    "<div>正文内容</div><div class='cover'></div>"
    "<div style='position:fixed!important;top:0;left:0;width:100%;height:180px;"
    "background:#333;z-index:2147483647!important'></div>"
)


def hostile_page_warc(
    path: Path, css: str = HOSTILE_CSS, body: str = "<div>正文内容</div>"
) -> Path:
    from archive_tool.warc.capture import Body, Capture
    from archive_tool.warc.httpfetch import request_head
    from archive_tool.warc.writer import WarcOutput

    output = WarcOutput(path, {})
    pages = {
        "http://old.example/": f"<html id='x'><head><title>敌意页面</title><style>{css}</style>"
        f"</head><body>{body}</body></html>",
    }
    for url, text in pages.items():
        output.write_capture(
            Capture(
                url=url,
                request_head=request_head(url),
                status=200,
                reason="OK",
                headers=[("Content-Type", "text/html; charset=utf-8")],
                body=Body.of(text.encode()),
                date=datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc),
            )
        )
    return output.close()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


def banner_pixels(png: bytes) -> int:
    """How many pixels of the banner's label red (#b2191c) a screenshot shows."""
    import io

    from PIL import Image

    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3])
    return sum(
        1 for r, g, b in pixels if abs(r - 0xB2) < 12 and abs(g - 0x19) < 12 and abs(b - 0x1C) < 12
    )


def assert_banner_visible(page, screenshot_path: Path) -> None:
    banner = page.locator("[data-archive-banner]")
    assert banner.count() == 1 and banner.is_visible()
    box = banner.bounding_box()
    assert box and box["y"] <= 1 and box["height"] >= 20, box
    assert "已归档" in banner.inner_text() and "归档时间：2026-11-24 10:00" in banner.inner_text()
    png = page.screenshot(
        path=str(screenshot_path), clip={"x": 0, "y": 0, "width": 800, "height": 120}
    )
    assert banner_pixels(png) > 300, "the red 已归档 label shows in the screenshot"


def test_banner_is_visible_on_an_archived_demo_page(browser, demo_warc, tmp_path):
    out = tmp_path / "out"
    archive = republished(demo_warc, out)
    article = next(archive.rglob("bozhou-zfwzqglbf-2019.html")).relative_to(out).as_posix()
    with serve_directory(out) as url:
        page = browser.new_page(viewport={"width": 800, "height": 900})
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url + article)
        banner = page.locator("[data-archive-banner]")
        assert banner.is_visible()
        assert "已归档" in banner.inner_text()
        png = page.screenshot(
            path=str(tmp_path / "article.png"), clip={"x": 0, "y": 0, "width": 800, "height": 120}
        )
        assert banner_pixels(png) > 300
        assert all(r.startswith(url) for r in requested), requested
        page.close()


def test_hostile_css_cannot_hide_the_banner(browser, tmp_path):
    warc = hostile_page_warc(tmp_path / "hostile.warc.gz")
    out = tmp_path / "out"
    archive = republished(warc, out)
    with serve_directory(out) as url:
        page = browser.new_page(viewport={"width": 800, "height": 600})
        page.goto(url + f"{archive.name}/old.example/index.html")
        assert_banner_visible(page, tmp_path / "hostile.png")
        page.close()


def test_overlays_with_the_highest_z_index_do_not_cover_the_banner(browser, tmp_path):
    warc = hostile_page_warc(tmp_path / "overlay.warc.gz", OVERLAY_CSS, OVERLAY_BODY)
    out = tmp_path / "out"
    archive = republished(warc, out)
    with serve_directory(out) as url:
        page = browser.new_page(viewport={"width": 800, "height": 600})
        page.goto(url + f"{archive.name}/old.example/index.html")
        assert_banner_visible(page, tmp_path / "overlay.png")
        on_top = page.evaluate(
            "[10, 400, 790].map(x => !!document.elementFromPoint(x, 12)"
            ".closest('[data-archive-banner]'))"
        )
        assert on_top == [True, True, True]
        page.close()
