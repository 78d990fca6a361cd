"""An archive's 归档目录 lists each page once with whole times, and its archived pages show
no search box (issue 27): an archive has neither a search engine nor scripts behind it."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from conftest import archive_tool
from test_hostile_archives import Rec, build_warc

HOST = "http://www.example.gov.cn"
HOME = (
    "<html><head><title>首页</title></head><body>"
    '<form class="search-box" role="search" action="/search.html"><label>搜索'
    '<input name="q"></label><button>搜索</button></form>'
    '<form action="/s"><input type="SEARCH" name="w"></form>'
    '<search><input name="k"></search>'
    '<form action="javascript:go()"><button>查询</button></form>'
    '<form onsubmit="return go()"><button>提交</button></form>'
    '<form action="/letter.html" method="get"><input name="name"><button>写信</button></form>'
    '<p>正文<a href="/a.html">甲</a></p></body></html>'
)
PAGES = {
    "/": HOME,
    "/index.html": HOME,
    "/a.html": "<html><head><title>甲</title></head><body><p>正文</p></body></html>",
    "/letter.html": "<html><head><title>写信</title></head><body><p>写信</p></body></html>",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("directory")
    records = [
        Rec(HOST + name, body.encode(), date="2026-11-24T02:00:00Z") for name, body in PAGES.items()
    ]
    warc = build_warc(root / "site.warc.gz", records)
    out = root / "out"
    result = archive_tool("republish", warc, "-o", out)
    assert result.returncode == 0, result.stderr
    check = archive_tool("verify", out)
    assert check.returncode == 0 and "结论：通过" in check.stdout, check.stdout
    return next(out.glob("*/index.html")).parent


def test_the_directory_lists_each_page_once_with_whole_times(archive):
    directory = lxml.html.fromstring((archive / "index.html").read_bytes())
    rows = directory.xpath("//tbody/tr")
    addresses = [row.xpath("string(td[2])") for row in rows]
    assert addresses == [f"{HOST}/", f"{HOST}/a.html", f"{HOST}/letter.html"]
    assert "共 3 个" in directory.text_content()
    for row in rows:
        (time,) = row.xpath("td[3]/time")
        assert time.text == "2026-11-24 10:00"  # 北京时间
        assert time.get("datetime") == "2026-11-24T10:00:00+08:00"
    assert "time{white-space:nowrap}" in directory.xpath("string(//style)")
    # archive.json keeps both addresses: each is checked and redirected.
    manifest = (archive / "archive.json").read_text(encoding="utf-8")
    assert f'"{HOST}/index.html"' in manifest


def test_archived_pages_have_no_search_box(archive):
    home = lxml.html.fromstring((archive / "www.example.gov.cn" / "index.html").read_bytes())
    assert home.xpath("//*[@role='search'] | //search | //input[@type]") == []
    kept = [form.xpath("string(.//button)") for form in home.xpath("//form")]
    assert kept == ["写信"], "only the form that works without a script stays"
    assert "正文" in home.text_content()


def test_in_chromium_times_stay_whole_on_a_phone_and_no_search_box_shows(archive):
    from browser import launched_chromium  # skips this test without chromium
    from servers import serve_directory

    with serve_directory(archive.parent) as url, launched_chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto(f"{url}{archive.name}/index.html")
        assert page.locator("tbody tr").count() == 3
        for time in page.locator("tbody time").all():
            box = time.bounding_box()
            line = float(time.evaluate("t => parseFloat(getComputedStyle(t).lineHeight)"))
            assert box["height"] < 1.5 * line, "the time breaks over two lines"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("tbody a").first.click()
        page.wait_for_load_state()
        assert "已归档" in page.inner_text("body")
        assert page.locator("input[type=search], [role=search], search, .search-box").count() == 0
        assert page.locator("input").count() == 1, "only the 写信 form's field"
        assert page.get_by_role("button", name="写信").is_visible()
