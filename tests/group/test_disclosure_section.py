"""政府信息公开 on every site (issue 15): its five standard parts, the 指南 and 制度 written as
content, 法定主动公开内容 by 主题分类 with 索引号, the 年报 list and 依申请公开."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_build import ONLINE, parse, resolve

PARTS = [
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "政府信息公开年报",
    "依申请公开",
]


@pytest.fixture(scope="module")
def output(demo_build) -> Path:
    return demo_build.output


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_every_site_has_the_five_parts_in_its_navigation(output, site_id):
    site = ONLINE[site_id]
    root = output / site["domain"]
    home = parse(root / "index.html")
    (entry,) = home.xpath("//nav[@class='column-nav']//a[.='政府信息公开']/@href")
    hub = resolve(root / "index.html", entry)
    assert hub == (root / "xxgk" / "index.html").resolve()
    document = parse(hub)
    assert document.xpath("//ul[@class='disclosure-parts']/li/h2/text()") == PARTS
    links = document.xpath("//ul[@class='disclosure-parts']//a/@href")
    assert len(links) >= 5, "指南, 制度, 法定主动公开内容, 年报 and 依申请公开 each link somewhere"
    for href in links:
        assert resolve(hub, href).is_file(), href
    guide = document.xpath("//ul[@class='disclosure-parts']/li[1]//a/text()")
    assert guide == [f"{site['name']}政府信息公开指南"]


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_statutory_list_holds_every_public_article_by_topic_with_its_index_number(output, site_id):
    site = ONLINE[site_id]
    root = output / site["domain"]
    page = root / "xxgk" / "fdzdgknr.html"
    document = parse(page)
    topics = document.xpath("//section[@class='topic']/h2/text()")
    names = [column["name"] for column in site["columns"]]
    assert topics and all(topic in names for topic in topics)
    assert topics == [name for name in names if name in topics], "in the columns' order"
    listed = document.xpath("//table[contains(@class,'disclosure-table')]//tbody/tr")
    for row in listed:
        (number,) = row.xpath("./td[1]/text()")
        assert number.startswith(site["unit_code"] + "/"), number
        (href,) = row.xpath("./td[2]/a/@href")
        article = parse(resolve(page, href))
        shown = article.xpath(
            "string(//table[@class='gk-meta']//th[.='索引号']/following-sibling::td[1])"
        )
        assert shown == number
        assert (
            article.xpath(
                "string(//table[@class='gk-meta']//th[.='公开属性']/following-sibling::td[1])"
            )
            == "主动公开"
        )
    # Each topic shows up to ten; its column has the rest.
    policies = root / "zcwj" / "index.html"
    in_column = len(parse(policies).xpath("//ul[@class='article-list']/li"))
    section = document.xpath("//section[@class='topic'][h2[starts-with(., '政策文件')]]")[0]
    assert len(section.xpath(".//tbody/tr")) == min(in_column, 10)


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_request_page_names_where_and_how_to_apply(output, site_id):
    site = ONLINE[site_id]
    page = output / site["domain"] / "xxgk" / "ysqgk.html"
    text = parse(page).text_content()
    for expected in (site["主办单位"], site["contact"]["address"], site["contact"]["phone"]):
        assert expected in text
    assert "20 个工作日" in text
    guide = parse(page).xpath("//p[@class='more-info']/a/@href")
    assert guide and resolve(page, guide[0]).is_file()


def test_annual_reports_are_listed_and_are_public_articles(output):
    for site in ONLINE.values():
        hub = output / site["domain"] / "xxgk" / "index.html"
        reports = parse(hub).xpath("//ul[@class='disclosure-parts']/li[4]//a")
        assert [a.text for a in reports] == [f"{site['name']}2025年政府信息公开工作年度报告"]
