"""政府信息公开 as a citizen uses it, in Chromium on the demo (issue 27): the 公开目录 lists
its facets and each leads to the pages of that facet, newest first; search filters and
orders by date; snippets read as text (no label or title glued on, highlights without
punctuation); a policy and its 解读 show the right fields."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser import launched_chromium  # skips the module without chromium
from servers import serve_directory
from test_search_recall import all_shown

PORTAL = "www.bozhou.gov.cn"
PUNCTUATION = re.compile(r"[\s，。、；：？！“”‘’（）《》〔〕【】,.;:!?()\[\]\"'…—-]")


@pytest.fixture(scope="module")
def site(demo_build):
    with serve_directory(demo_build.output) as url:
        yield url + PORTAL


@pytest.fixture(scope="module")
def page():
    with launched_chromium() as browser:
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        yield tab


def results(page) -> list[dict]:
    all_shown(page)
    return page.eval_on_selector_all(
        ".search-result",
        """items => items.map(item => ({
            title: item.querySelector("h2 a").textContent,
            href: item.querySelector("h2 a").href,
            date: (item.querySelector("time") || {}).textContent || "",
            excerpt: item.querySelector(".search-result-excerpt").textContent,
            marks: Array.from(item.querySelectorAll("mark")).map(m => m.textContent)}))""",
    )


def test_the_catalogue_lists_each_facet_and_leads_to_its_pages(page, site):
    page.goto(f"{site}/xxgk/index.html")
    page.get_by_role("link", name="政府信息公开目录").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "政府信息公开目录"
    headings = page.locator(".catalogue-facet h2").all_inner_texts()
    assert headings == ["按主题分类", "按发布机构", "按体裁", "按年份"]
    genre = page.locator(".catalogue-facet", has=page.get_by_role("heading", name="按体裁"))
    listed = genre.locator("li", has_text="通知").first.inner_text()
    count = int(re.search(r"（(\d+) 条）", listed).group(1))
    genre.get_by_role("link", name="通知", exact=True).click()
    found = results(page)
    assert "体裁：通知" in page.inner_text("#search-status")
    assert len(found) == count
    assert all(item["title"].endswith("通知") for item in found), found
    dates = [item["date"] for item in found]
    assert dates == sorted(dates, reverse=True), "newest first"
    years = page.locator(".catalogue-facet", has=page.get_by_role("heading", name="按年份"))
    page.go_back()
    years.get_by_role("link", name="2025").click()
    found = results(page)
    assert found and all(item["date"].startswith("2025") for item in found)


def test_search_filters_and_sorts_by_date(page, site):
    page.goto(f"{site}/search.html?q={quote('发展')}")
    everything = results(page)
    filters = page.locator("#search-filters")
    assert filters.is_visible()
    page.select_option("#search-filter-year", "2026")
    page.select_option("#search-sort", "date")
    page.get_by_role("button", name="搜索").click()
    found = results(page)
    assert "年份：2026" in page.inner_text("#search-status")
    assert found and len(found) < len(everything)
    assert all(item["date"].startswith("2026") for item in found), found
    dates = [item["date"] for item in found]
    assert dates == sorted(dates, reverse=True)
    assert page.input_value("#search-filter-year") == "2026", "the choice is kept"
    assert page.input_value("#search-sort") == "date"


def test_the_groups_search_sorts_every_site_by_date(page, site):
    # Each site's shards are sorted by pagefind on their own and the sites merged by date as
    # they are shown (search.js newestFirst): the same results, newest first across sites.
    page.goto(f"{site}/search.html?q={quote('发展')}&scope=group")
    ranked = results(page)
    page.goto(f"{site}/search.html?q={quote('发展')}&scope=group&sort=date")
    found = results(page)
    assert "按发布日期排列" in page.inner_text("#search-status")
    assert sorted(item["href"] for item in found) == sorted(item["href"] for item in ranked)
    assert len({item["href"].split("/")[2] for item in found}) > 1, "several sites"
    dated = [item["date"] for item in found if item["date"]]
    assert dated == sorted(dated, reverse=True)
    assert [item["date"] for item in found[: len(dated)]] == dated, "undated pages last"


@pytest.mark.parametrize("word", ["办事指南", "路灯", "中医药", "12345"])
def test_snippets_read_as_text(page, site, word):
    page.goto(f"{site}/search.html?q={quote(word)}")
    found = results(page)
    assert found
    for item in found:
        excerpt = item["excerpt"]
        # No label of a record's table, and no title run into the text after it.
        for label in ("留言时间", "留言内容", "事项名称", "事项类型", "实施机构", "留言信息"):
            assert label not in excerpt, (label, excerpt)
        for mark in item["marks"]:
            assert mark and not PUNCTUATION.search(mark), (mark, excerpt)
        assert "\u2e31" not in excerpt and "\u2e31" not in item["title"]
    titled = [item for item in found if item["excerpt"].startswith(item["title"])]
    for item in titled:  # a title at the start of the excerpt is set apart by a break
        assert item["excerpt"][len(item["title"])] == "\u3000", item["excerpt"]


def test_a_policy_and_its_interpretation_show_their_fields(page, site):
    page.goto(f"{site}/zcwj/index.html")
    page.get_by_role(
        "link", name=re.compile("促进中医药产业高质量发展若干政策的通知")
    ).first.click()
    page.wait_for_load_state()
    table = page.locator("table.gk-meta")
    row = lambda header: table.locator(f"th:text-is('{header}') + td").inner_text()
    assert row("有效性") == "有效"
    assert row("文号") == "亳政办〔2025〕31号"
    page.locator("section.interpretations a").first.click()
    page.wait_for_load_state()
    table = page.locator("table.gk-meta")
    assert "—" not in table.inner_text()
    assert (
        table.locator("th:text-is('文号'), th:text-is('成文日期'), th:text-is('有效性')").count()
        == 0
    )
    assert row("所解读文件") == "亳政办〔2025〕31号"
    assert row("文件有效性") == "有效"
    table.get_by_role("link", name="亳政办〔2025〕31号").click()
    page.wait_for_load_state()
    assert "促进中医药产业高质量发展若干政策" in page.locator("h1").inner_text()
