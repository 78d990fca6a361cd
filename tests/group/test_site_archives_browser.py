"""A redesigned site's 归档目录 in Chromium (issue 15): a page of the site in its theme, with
zero axe violations, a clean console and no sideways scroll on a phone, leading to each
archive's overview and from there to archived pages with their own 「已归档」 banner."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from browser import launched_chromium  # skips the module without chromium
from conftest import DEMO_CONTENT, made_once, run_pelican
from test_page_types_browser import audit, serve
from test_redesign import mark_redesign

DOMAIN = "fgw.bozhou.gov.cn"
MINUTE = "%Y-%m-%d %H:%M"


def build_redesigned(root: Path) -> Path:
    """The demo group built into root, then built again after fgw's redesign date: fgw's
    site folder, with one archive."""
    content, output = root / "content", root / "output"
    shutil.copytree(DEMO_CONTENT, content)
    first = run_pelican(content, output, "-e", 'BUILD_DATE="2026-11-20"')
    assert first.returncode == 0, first.stderr
    mark_redesign(content, "fgw", "2026-11-25")
    second = run_pelican(content, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert second.returncode == 0, second.stderr
    return output / DOMAIN


def redesigned_once(tmp_path_factory) -> Path:
    """build_redesigned once per test run for every module that reads it (made_once): the
    site folder, which they only read."""

    def make(root: Path) -> dict:
        try:
            return {"site": str(build_redesigned(root))}
        except AssertionError as failed:
            return {"failed": str(failed)}

    _, made = made_once(tmp_path_factory, "redesigned-fgw", make)
    assert "failed" not in made, made.get("failed")
    return Path(made["site"])


@pytest.fixture(scope="module")
def redesigned(tmp_path_factory):
    return redesigned_once(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as browser:
        yield browser


def test_the_archive_directory_is_a_page_of_the_site(browser, redesigned):
    httpd, url = serve(redesigned)  # as nginx serves it: the site is the document root
    try:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

        page.goto(f"{url}/index.html")
        page.get_by_role("link", name="网站归档").click()
        page.wait_for_load_state()
        assert page.url == f"{url}/archive/index.html"
        assert audit(page, page.url, errors) == []
        assert failed == []
        assert page.inner_text(".site-name") == "亳州市发展和改革委员会"
        assert "网站标识码：3416000002" in page.inner_text("footer")
        background = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        assert page.evaluate(background) != "rgba(0, 0, 0, 0)", "styled by the theme"
        shown = page.inner_text("main table time")
        assert "北京时间" in page.inner_text("main")

        page.locator("main table a", has=page.locator("time")).first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "归档目录", "the archive's own overview"
        listed = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", page.inner_text("table"))
        first = datetime.strptime(min(listed), MINUTE) - datetime.strptime(shown, MINUTE)
        assert timedelta(0) <= first <= timedelta(minutes=1), "北京时间, as the archive shows"
        page.get_by_role("link", name="全部归档").click()
        page.wait_for_load_state()
        assert page.url == f"{url}/archive/index.html", "back to the site's 网站归档"
        page.go_back()
        page.wait_for_load_state()
        page.locator("table a").first.click()
        page.wait_for_load_state()
        assert "已归档" in page.inner_text("body") and "归档时间" in page.inner_text("body")
        page.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def archive_pages(site: Path) -> list[str]:
    """The archive's own 归档目录 and one archived page (its copy of the site's home), as
    paths under the site's root."""
    (directory,) = site.glob("archive/2*/index.html")
    archived = directory.parent / DOMAIN / "index.html"
    return [p.relative_to(site).as_posix() for p in (directory, archived)]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_archive_and_an_archived_page_pass_axe(browser, redesigned, width):
    httpd, url = serve(redesigned)
    try:
        page = browser.new_page(viewport={"width": width, "height": 800})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        found = {}
        for path in archive_pages(redesigned):
            problems = audit(page, f"{url}/{path}", errors)
            if problems:
                found[path] = problems
        page.close()
        assert found == {}
    finally:
        httpd.shutdown()
        httpd.server_close()
