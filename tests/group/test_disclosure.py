"""政府信息公开 metadata (第十条（二）) and 政策解读 (第七条（二）) in the built HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import run_pelican
from lxml import html

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def write_article(content, site, column, slug, **meta):
    lines = [f"{key}: {value}" for key, value in meta.items()]
    (content / site / column / f"{slug}.md").write_text(
        "\n".join(lines) + "\n\n正文内容。\n", encoding="utf-8"
    )


def test_missing_disclosure_fails_the_build(group_copy, tmp_path):
    write_article(
        group_copy,
        "fgw",
        "tzgg",
        "no-disclosure",
        Title="未标公开属性的通知",
        Date="2026-11-20 09:00",
    )
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 1
    assert "content/fgw/tzgg/no-disclosure.md" in result.stderr
    assert "字段「disclosure」" in result.stderr and "第十条（二）" in result.stderr


def test_withheld_article_is_published_nowhere(group_copy, tmp_path):
    write_article(
        group_copy,
        "fgw",
        "tzgg",
        "internal-plan",
        Title="内部处置预案（不予公开）",
        Date="2026-11-21 09:00",
        disclosure="不予公开",
    )
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    site = result.output / "fgw.bozhou.gov.cn"
    assert not list(site.rglob("internal-plan*"))
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            assert "内部处置预案" not in path.read_text(encoding="utf-8"), path


def test_metadata_table_abolished_marking_and_interpretation_links(group_copy, tmp_path):
    write_article(
        group_copy,
        "fgw",
        "zcwj",
        "old-policy",
        Title="已废止的旧办法",
        Date="2025-03-01 09:00",
        disclosure="主动公开",
        doc_number="亳发改〔2025〕1号",
        written_date="2025-02-26",
        validity="废止",
        publisher="亳州市发展和改革委员会",
        index_no="11341600MB00000030/2025-09999",
    )
    write_article(
        group_copy,
        "fgw",
        "zcjd",
        "old-policy-jiedu",
        Title="《旧办法》政策解读",
        Date="2025-03-02 09:00",
        disclosure="主动公开",
        interprets="亳发改〔2025〕1号",
    )
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 0, result.stderr
    site = result.output / "fgw.bozhou.gov.cn"
    policy_file = next(site.glob("zcwj/*/old-policy.html"))
    policy = html.fromstring(policy_file.read_bytes())
    table = policy.xpath("//table[@class='gk-meta']")[0].text_content()
    for expected in (
        "11341600MB00000030/2025-09999",
        "亳发改〔2025〕1号",
        "2025-02-26",
        "2025-03-01",
        "废止",
        "主动公开",
        "亳州市发展和改革委员会",
    ):
        assert expected in table
    assert policy.xpath("//p[@class='abolished']/text()") == ["本文件已废止"]
    interpretation = policy.xpath("//section[@class='interpretations']//a")[0]
    assert interpretation.text == "《旧办法》政策解读"
    jiedu = html.fromstring(next(site.glob("zcjd/*/old-policy-jiedu.html")).read_bytes())
    back = jiedu.xpath("//p[@class='policy-link']/a/@href")[0]
    assert (
        next(site.glob("zcjd/*/old-policy-jiedu.html")).parent / back
    ).resolve() == policy_file.resolve()
    # A 解读 shows its policy's 文号 (linked) and 有效性, no 「—」 and no 成文日期 of its own.
    rows = {th.text: th.getnext() for th in jiedu.xpath("//table[@class='gk-meta']//th")}
    assert "文号" not in rows and "成文日期" not in rows and "有效性" not in rows
    assert rows["所解读文件"].text_content() == "亳发改〔2025〕1号"
    link = rows["所解读文件"].xpath("a/@href")[0]
    assert (next(site.glob("zcjd/*/old-policy-jiedu.html")).parent / link).resolve() == (
        policy_file.resolve()
    )
    assert rows["文件有效性"].text_content() == "废止"
    assert "—" not in jiedu.xpath("string(//table[@class='gk-meta'])")
    listing = html.fromstring((site / "zcwj" / "index.html").read_bytes())
    row = next(
        li
        for li in listing.xpath("//ul[@class='article-list']/li")
        if "已废止的旧办法" in li.text_content()
    )
    assert "已废止" in row.text_content()


def test_dangling_interpretation_fails(group_copy, tmp_path):
    write_article(
        group_copy,
        "fgw",
        "zcjd",
        "orphan-jiedu",
        Title="无主解读",
        Date="2026-11-20 09:00",
        disclosure="主动公开",
        interprets="亳发改〔2099〕9号",
    )
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 1
    assert "字段「interprets」" in result.stderr and "第七条（二）" in result.stderr


def test_sitemap_xml_and_robots_txt_per_site(demo_build):
    for site in (p for p in demo_build.output.iterdir() if p.is_dir() and p.name != "nginx"):
        tree = ET.parse(site / "sitemap.xml")
        locations = [loc.text for loc in tree.getroot().iter(f"{SITEMAP_NS}loc")]
        articles = list(site.glob("*/[0-9][0-9][0-9][0-9][0-9][0-9]/*.html"))
        assert len(locations) >= len(articles) + 1
        assert all(loc.startswith(f"https://{site.name}/") for loc in locations)
        robots = (site / "robots.txt").read_text(encoding="utf-8")
        assert f"Sitemap: https://{site.name}/sitemap.xml" in robots
