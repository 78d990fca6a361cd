"""The demo group built by a real `pelican` run: what a visitor and a checker see in the HTML."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from conftest import DEMO_CONTENT, run_pelican
from lxml import html

SITES = {
    path.parent.name: yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in sorted(DEMO_CONTENT.glob("*/site.yaml"))
}
ONLINE = {site_id: data for site_id, data in SITES.items() if data["status"] == "online"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def pages(site_root: Path) -> list[Path]:
    """Every page at its own address; 404.html is served by nginx for any path, so its
    links start at the root (tests/group/test_continuity.py checks it behind nginx)."""
    return sorted(p for p in site_root.rglob("*.html") if p != site_root / "404.html")


def public_url(site: dict, site_root: Path, page: Path) -> str:
    path = page.relative_to(site_root).as_posix()
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return f"https://{site['domain']}/{path}"


def parse(page: Path):
    return html.fromstring(page.read_bytes())


def resolve(page: Path, href: str) -> Path:
    target = (page.parent / unquote(urlsplit(href).path)).resolve()
    return target / "index.html" if href.endswith("/") or target.is_dir() else target


@pytest.fixture(scope="module")
def output(demo_build) -> Path:
    return demo_build.output


def test_every_online_site_is_built_into_its_domain(output):
    built = {p.name for p in output.iterdir() if p.is_dir() and p.name != "nginx"}
    assert built == {data["domain"] for data in ONLINE.values()}
    assert len(built) >= 4
    index = parse(output / "index.html")
    links = set(index.xpath("//a/@href"))
    for data in ONLINE.values():
        assert f"{data['domain']}/index.html" in links


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_every_page_carries_the_footer_with_its_own_codes(output, site_id):
    site = ONLINE[site_id]
    root = output / site["domain"]
    psb_digits = re.search(r"\d{14}", site["公安机关备案号"]).group(0)
    checked = 0
    for page in pages(root):
        doc = parse(page)
        footer = doc.xpath("//footer")[0]
        text = footer.text_content()
        for expected in (
            site["主办单位"],
            site["承办单位"],
            site["contact"]["phone"],
            site["contact"]["address"],
            site["contact"]["email"],
            f"网站标识码：{site['site_code']}",
            site["ICP备案号"],
            site["公安机关备案号"],
        ):
            assert expected in text, f"{page}: footer lacks {expected}"
        hrefs = footer.xpath(".//a/@href")
        assert "https://beian.miit.gov.cn/" in hrefs
        assert f"https://beian.mps.gov.cn/#/query/webSearch?code={psb_digits}" in hrefs
        assert f"https://bszs.conac.cn/sitename?method=show&id={site['党政机关网站标识']}" in hrefs
        assert footer.xpath(".//a[contains(@href,'beian.mps.gov.cn')]/img[@alt]"), "公安 badge"
        jiucuo = [
            h for h in hrefs if h.startswith("https://zfwzgl.www.gov.cn/exposure/jiucuo.html?")
        ]
        assert len(jiucuo) == 1
        query = parse_qs(urlsplit(jiucuo[0]).query)
        assert query["site_code"] == [site["site_code"]]
        assert query["url"] == [public_url(site, root, page)]
        assert "url=https%3A%2F%2F" in jiucuo[0], "the page URL is percent-encoded"
        sitemap = footer.xpath(".//a[text()='网站地图']/@href")
        assert sitemap and resolve(page, sitemap[0]) == (root / "sitemap.html").resolve()
        assert doc.xpath("//meta[@name='SiteIDCode']/@content") == [site["site_code"]]
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_nothing_loads_from_another_origin_and_internal_links_resolve(output, site_id):
    root = output / ONLINE[site_id]["domain"]
    for page in pages(root):
        doc = parse(page)
        for url in doc.xpath(
            "//script/@src | //img/@src | //link[@rel='stylesheet']/@href"
            " | //iframe/@src | //source/@src"
        ):
            assert not urlsplit(url).scheme and not url.startswith("//"), f"{page}: {url}"
        for href in doc.xpath("//a/@href | //link/@href | //form/@action"):
            if urlsplit(href).scheme or href.startswith(("#", "//")):
                continue
            assert resolve(page, href).exists(), f"{page}: broken link {href}"


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_list_and_detail_pages_show_dates_newest_first(output, site_id):
    site = ONLINE[site_id]
    root = output / site["domain"]
    for column in site["columns"]:
        first = root / column["id"] / "index.html"
        assert first.exists(), f"column page {first}"
        listing = parse(first).xpath("//ul[@class='article-list']/li")
        assert listing
        dates = [li.xpath(".//time/text()")[0] for li in listing]
        assert all(DATE.match(d) for d in dates)
        assert dates == sorted(dates, reverse=True)
    for article in root.glob("*/[0-9][0-9][0-9][0-9][0-9][0-9]/*.html"):
        doc = parse(article)
        shown = doc.xpath("//p[@class='article-meta']//time/text()")
        assert shown and DATE.match(shown[0]), article
        pub = doc.xpath("//meta[@name='PubDate']/@content")[0]
        assert pub.startswith(shown[0])


def test_long_columns_are_paginated_newest_first(group_copy, tmp_path):
    column = group_copy / "bozhou" / "zwdt"
    for day in range(1, 29):
        (column / f"extra-{day:02d}.md").write_text(
            f"Title: 第{day}条补充动态\nDate: 2026-02-{day:02d} 09:00\ndisclosure: 主动公开\n\n正文。\n",
            encoding="utf-8",
        )
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    root = result.output / "www.bozhou.gov.cn" / "zwdt"
    pages = [root / "index.html", root / "index_2.html", root / "index_3.html"]
    assert all(p.exists() for p in pages)
    dates = []
    for page in pages:
        doc = parse(page)
        assert doc.xpath("//nav[@class='pagination']")
        dates += doc.xpath("//ul[@class='article-list']//time/text()")
    library = [  # items of the shared library published in this column
        item
        for item in (group_copy / "_library").glob("*.md")
        if "\nOrigin: bozhou/zwdt\n" in item.read_text(encoding="utf-8")
    ]
    assert library
    assert len(dates) == len(list(column.glob("*.md"))) + len(library)
    assert dates == sorted(dates, reverse=True)
    assert parse(pages[1]).xpath("//nav[@class='pagination']//a[text()='上一页']/@href")


def test_portal_home_links_every_published_subsite(output):
    home = parse(output / "www.bozhou.gov.cn" / "index.html")
    links = set(home.xpath("//section[@class='subsites']//a/@href"))
    for data in ONLINE.values():
        if data["type"] != "portal":
            assert f"https://{data['domain']}/" in links
    pending = [d for d in SITES.values() if d["status"] != "online"]
    for data in pending:
        assert f"https://{data['domain']}/" not in links


@pytest.mark.parametrize("site_id", sorted(ONLINE))
def test_sitemap_lists_every_column_and_article(output, site_id):
    site = ONLINE[site_id]
    root = output / site["domain"]
    sitemap = root / "sitemap.html"
    targets = {resolve(sitemap, href) for href in parse(sitemap).xpath("//main//a/@href")}
    for column in site["columns"]:
        assert (root / column["id"] / "index.html").resolve() in targets
    articles = {p.resolve() for p in root.glob("*/[0-9][0-9][0-9][0-9][0-9][0-9]/*.html")}
    assert articles and articles <= targets
    # 栏目责任人 are shown only when site.yaml says show_column_owners: true (no demo site
    # does; tests/safety/test_side_doors.py builds one that does).
    text = parse(sitemap).text_content()
    assert "栏目责任人" not in text
    assert not any(column["owner"] in text for column in site["columns"])


def test_portal_publishes_the_measures(output):
    found = [
        p
        for p in (output / "www.bozhou.gov.cn" / "zcwj").rglob("*.html")
        if "亳政办秘〔2019〕49号" in p.read_text(encoding="utf-8")
    ]
    assert found
    text = parse(found[0]).text_content()
    assert "亳州市政府网站群管理办法" in text and "已归档" in text and "第十四条" in text


def test_demo_group_has_enough_realistic_articles():
    articles = list(DEMO_CONTENT.glob("*/*/*.md"))
    online = [a for a in articles if a.parts[-3] in ONLINE]
    assert len(online) >= 60
    years = {
        int(re.search(r"^Date: (\d{4})", a.read_text(encoding="utf-8"), re.MULTILINE).group(1))
        for a in online
    }
    assert len(years) >= 2, "articles are spread over the last two years"


def test_rebuild_replaces_previous_output(tmp_path):
    output = tmp_path / "output"
    stale = output / "www.bozhou.gov.cn" / "stale.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    result = run_pelican(DEMO_CONTENT, output)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert (output / "www.bozhou.gov.cn" / "index.html").exists()
    # No staging or previous output left; only the parsed articles (group.build.contentcache).
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".output")]
    assert leftovers == [".output.cache"]
