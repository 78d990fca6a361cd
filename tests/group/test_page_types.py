"""Every page type is a full page (issue 15): the reference §7 <meta> set, records listed in
their columns and on the home page, lists in pages, 索引号 for any file name, the 国徽 and
the marks, a favicon and a meta description."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import run_pelican
from lxml import html
from test_build import ONLINE, SITES, parse, resolve

PUB_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
DETAIL = ("ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource", "Url")
LIST = ("ColumnName", "ColumnType")


def metas(page: Path) -> dict[str, str]:
    return {m.get("name"): m.get("content") for m in parse(page).xpath("//head/meta[@name]")}


def detail_pages(root: Path) -> dict[str, list[Path]]:
    """One list per page type with detail pages, by the glob that finds them."""
    return {
        "article": sorted(root.glob("*/[0-9][0-9][0-9][0-9][0-9][0-9]/*.html")),
        "service": sorted(root.glob("services/[!i]*.html")),
        "letter": sorted(root.glob("letters/[!i]*.html")),
        "consultation": sorted(root.glob("consultations/[!i]*.html")),
        "interview": sorted(root.glob("interviews/[!i]*.html")),
    }


@pytest.fixture(scope="module")
def output(demo_build) -> Path:
    return demo_build.output


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_detail_pages_of_every_type_carry_the_article_meta_set(output, site_id):
    site = ONLINE[site_id]
    root = output / site["domain"]
    kinds = {c["name"]: c["kind"] for c in site["columns"]}
    for kind, pages in detail_pages(root).items():
        for page in pages:
            found = metas(page)
            for name in DETAIL:
                assert found.get(name), f"{page}: no {name}"
            assert PUB_DATE.match(found["PubDate"]), f"{page}: PubDate {found['PubDate']}"
            assert found["ColumnType"] == kinds.get(found["ColumnName"], found["ColumnType"])
            assert found["Url"].startswith(f"https://{site['domain']}/"), page
            assert found["SiteIDCode"] == site["site_code"]
            if kind == "service":
                shown = parse(page).xpath("string(//p[@class='article-meta']//time)")
                assert shown == found["PubDate"][:10], "the guide shows its 更新日期"
    if site_id == "bozhou":
        assert all(detail_pages(root).values()), "the portal has every record type"


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_list_pages_carry_the_column_meta_set(output, site_id):
    root = output / ONLINE[site_id]["domain"]
    lists = [root / c["id"] / "index.html" for c in ONLINE[site_id]["columns"]]
    for folder in ("services", "letters", "consultations", "interviews", "piyao"):
        lists += sorted((root / folder).glob("index*.html"))
    lists += [root / "xxgk" / "fdzdgknr.html", root / "xxgk" / "ysqgk.html", root / "notices.html"]
    for page in lists:
        assert page.exists(), page
        found = metas(page)
        for name in LIST:
            assert found.get(name), f"{page}: no {name}"


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_every_page_has_a_description_and_a_favicon(output, site_id):
    root = output / ONLINE[site_id]["domain"]
    assert (root / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00", "an .ico file"
    home = parse(root / "index.html").xpath("string(//meta[@name='description']/@content)")
    assert ONLINE[site_id]["name"] in home and len(home) > 20, home
    for page in sorted(root.rglob("*.html")):
        if "archive" in page.relative_to(root).parts:
            continue
        document = parse(page)
        description = document.xpath("string(//meta[@name='description']/@content)").strip()
        assert description, f"{page}: no meta description"
        (icon,) = document.xpath("//link[@rel='icon']/@href")
        if page == root / "404.html":  # served for any path: its links start at the root
            assert icon == "/favicon.ico"
            continue
        assert resolve(page, icon) == (root / "favicon.ico").resolve()


def test_records_are_listed_in_their_columns_and_on_the_home_page(output):
    root = output / SITES["bozhou"]["domain"]
    services = {p.name for p in root.glob("services/[!i]*.html")}
    column = parse(root / "bsfw" / "index.html")
    listed = {
        href.split("/")[-1]
        for href in column.xpath("//ul[contains(@class,'record-list')]//a/@href")
    }
    assert services <= listed, "办事服务 lists every 办事指南"
    talks = parse(root / "hdjl" / "index.html").xpath(
        "//ul[contains(@class,'record-list')]//a/@href"
    )
    assert any("/letters/" in href for href in talks) and any("interviews/" in h for h in talks)
    home = parse(root / "index.html")
    block = home.xpath("//section[.//h2[@id='col-bsfw']]//a/@href")
    assert any(href.startswith("./services/") for href in block), block
    block = home.xpath("//section[.//h2[@id='col-hdjl']]//a/@href")
    assert any("letters/" in href for href in block), block


def test_record_lists_are_paginated_and_every_letter_is_on_one_page(output):
    root = output / SITES["bozhou"]["domain"]
    letters = {p.name for p in root.glob("letters/2026-*.html")}
    assert len(letters) > 10
    pages = sorted(root.glob("letters/index*.html"))
    assert [p.name for p in pages] == ["index.html", "index_2.html"]
    seen: list[str] = []
    for page in pages:
        rows = parse(page).xpath("//table[contains(@class,'letter-table')]//td[1]//a/@href")
        assert 0 < len(rows) <= 10
        seen += [href.split("/")[-1] for href in rows]
        nav = parse(page).xpath("//nav[@class='pagination']//a/@href")
        assert nav and all(resolve(page, href).exists() for href in nav)
    assert sorted(seen) == sorted(letters)
    # The statistics count every letter on every page.
    assert "收到留言" in pages[1].read_text(encoding="utf-8")


def test_header_shows_the_emblem_on_portals_and_the_chinese_domain(output):
    for site in ONLINE.values():
        root = output / site["domain"]
        for page in (root / "index.html", next(root.glob("zcwj/*/*.html"))):
            document = parse(page)
            header = document.xpath("//header")[0]
            emblems = header.xpath(".//img[@alt='国徽']/@src")
            if site["type"] in ("portal", "county"):
                assert emblems and resolve(page, emblems[0]).is_file(), page
                assert resolve(page, emblems[0]).name == Path(site["国徽"]).name
            else:
                assert not emblems, "only government portals show the 国徽"
            assert site["cn_domain"] in header.text_content()
            footer = document.xpath("//footer")[0]
            (badge,) = footer.xpath(".//a[contains(@href,'bszs.conac.cn')]")
            (image,) = badge.xpath("./img/@src")
            assert badge.xpath("./img/@alt") == ["党政机关网站标识"]
            assert resolve(page, image).is_file()


def test_placeholder_images_are_labelled_as_placeholders():
    """The demo ships no 国徽 artwork: each file named in site.yaml says it is a placeholder."""
    for site_id, site in SITES.items():
        for key in ("国徽", "党政机关网站标识图片"):
            if key in site:
                assert "placeholder" in site[key], (site_id, key)


def test_an_article_in_a_file_named_in_chinese_shows_its_index_number(group_copy, tmp_path):
    article = group_copy / "bozhou" / "tzgg" / "关于冬季用电安全的提示.md"
    article.write_text(
        "Title: 关于冬季用电安全的提示\nDate: 2026-11-20 09:00\ndisclosure: 主动公开\n\n"
        "冬季用电负荷较大，请注意用电安全。\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    result = run_pelican(group_copy, output)
    assert result.returncode == 0, result.stderr
    ledger = yaml.safe_load((group_copy / "bozhou" / "index-numbers.yaml").read_text("utf-8"))
    number = ledger["关于冬季用电安全的提示"]
    (page,) = [
        p
        for p in (output / "www.bozhou.gov.cn" / "tzgg").rglob("*.html")
        if "关于冬季用电安全的提示" in p.read_text(encoding="utf-8") and p.parent.name != "tzgg"
    ]
    shown = html.fromstring(page.read_bytes()).xpath(
        "string(//table[@class='gk-meta']//th[.='索引号']/following-sibling::td[1])"
    )
    assert shown == number
