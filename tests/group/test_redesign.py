"""A redesigned site is archived by the group build itself (第八条（四）)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import lxml.html
from conftest import archive_tool, run_pelican


def mark_redesign(content, site_id: str, day: str) -> None:
    path = content / site_id / "site.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + f"archive:\n  redesign: {day}\n", encoding="utf-8"
    )


def published(demo_build, output: Path) -> None:
    """The version published before the redesign: the demo group as built today (a copy of
    demo_build, the same content as group_copy, instead of a build of its own)."""
    shutil.copytree(demo_build.output, output)


def test_build_archives_the_previous_version_once_and_keeps_it(demo_build, group_copy, tmp_path):
    output = tmp_path / "output"
    published(demo_build, output)

    mark_redesign(group_copy, "fgw", "2026-11-01")
    article = min((group_copy / "fgw" / "zwdt").glob("*.md"))
    lines = article.read_text(encoding="utf-8").splitlines()
    old_title = lines[0].removeprefix("Title: ")
    article.write_text("\n".join(["Title: 改版后的新标题", *lines[1:]]) + "\n", encoding="utf-8")
    result = run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-25"')
    assert result.returncode == 0, result.stderr

    warcs = list((group_copy / "fgw" / "archive").glob("*.warc.gz"))
    assert [w.name for w in warcs] == ["20261101-改版.warc.gz"]
    assert archive_tool("verify", warcs[0]).returncode == 0
    site = output / "fgw.bozhou.gov.cn"
    archive_root = site / "archive"
    check = archive_tool("verify", archive_root)
    assert check.returncode == 0, check.stdout + check.stderr
    archived = next(archive_root.glob("*/fgw.bozhou.gov.cn/zwdt/index.html"))
    archived_html = archived.read_text(encoding="utf-8")
    assert "已归档" in archived_html and "归档时间：" in archived_html
    assert old_title in archived_html and "改版后的新标题" not in archived_html
    assert "改版后的新标题" in (site / "zwdt" / "index.html").read_text(encoding="utf-8")
    kept = list(archive_root.glob("*/20261101-改版.warc.gz"))
    assert kept and kept[0].read_bytes() == warcs[0].read_bytes()
    sitemap = lxml.html.fromstring((site / "sitemap.html").read_bytes())
    assert sitemap.xpath("//a[contains(@href, 'archive/index.html')]")
    (listed,) = sitemap.xpath(
        "//a[contains(@href, 'archive/2') and contains(@href, 'index')]/text()"
    )
    assert listed.endswith(" 改版归档") and not listed.startswith("20261101"), "北京时间"
    check_archive_directory(site)

    again = run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert again.returncode == 0, again.stderr
    assert list((group_copy / "fgw" / "archive").glob("*.warc.gz")) == warcs, "not archived twice"
    assert old_title in next(archive_root.glob("*/fgw.bozhou.gov.cn/zwdt/index.html")).read_text(
        encoding="utf-8"
    )


def check_archive_directory(site: Path) -> None:
    """The site's 归档目录 is a page of the site (its theme, header, footer, §7 meta), linked
    from every page's footer, listing each archive in 北京时间 with a link to its overview."""
    directory = site / "archive" / "index.html"
    page = lxml.html.fromstring(directory.read_bytes())
    assert page.xpath("string(//header//a[@class='site-name'])") == "亳州市发展和改革委员会"
    assert "网站标识码：3416000002" in page.xpath("string(//footer)")
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["../theme/css/gov.css"]
    meta = {m.get("name"): m.get("content") for m in page.xpath("//head/meta[@name]")}
    assert meta["SiteName"] == "亳州市发展和改革委员会" and meta["SiteIDCode"] == "3416000002"
    assert meta["SiteDomain"] == "fgw.bozhou.gov.cn" and meta["ColumnName"] == "网站归档"
    assert meta["ColumnType"] and meta["description"]
    home = lxml.html.fromstring((site / "index.html").read_bytes())
    (footer_link,) = home.xpath("//footer//a[.='网站归档']/@href")
    assert (site / footer_link).resolve() == directory.resolve()
    archives = sorted(p.parent.name for p in site.glob("archive/*/archive.json"))
    assert archives
    rows = page.xpath("//main//table//tbody/tr")
    assert len(rows) == len(archives)
    for row, archive_id in zip(rows, reversed(archives)):  # newest first
        (link,) = row.xpath(".//a[.//time]")
        target = (directory.parent / link.get("href")).resolve()
        assert target == (site / "archive" / archive_id / "index.html").resolve()
        overview = lxml.html.fromstring(target.read_bytes())
        assert overview.xpath("//h1/text()") == ["归档目录"]
        (back,) = overview.xpath("//a[.='全部归档']/@href")
        assert (target.parent / back).resolve() == directory.resolve()
        beijing = datetime.strptime(archive_id, "%Y%m%d%H%M%S") + timedelta(hours=8)
        assert row.xpath("string(.//time)") == f"{beijing:%Y-%m-%d %H:%M}", "北京时间, not UTC"
        (warc,) = row.xpath(".//a[contains(@href, '.warc.gz')]/@href")
        assert (directory.parent / warc).is_file()


def test_redesign_date_in_the_future_archives_nothing_yet(demo_build, group_copy, tmp_path):
    output = tmp_path / "output"
    published(demo_build, output)
    mark_redesign(group_copy, "sjj", "2026-12-31")
    result = run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-25"')
    assert result.returncode == 0, result.stderr
    assert not (group_copy / "sjj" / "archive").exists()


def test_redesign_without_previous_output_warns(group_copy, tmp_path):
    mark_redesign(group_copy, "sjj", "2026-11-01")
    result = run_pelican(group_copy, tmp_path / "output", "-e", 'BUILD_DATE="2026-11-25"')
    assert result.returncode == 0, result.stderr
    assert "没有上一版输出" in result.stderr and "站点「sjj」" in result.stderr


def test_bad_redesign_setting_is_refused(group_copy, tmp_path):
    mark_redesign(group_copy, "sjj", "下个月")
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode == 1
    assert "archive.redesign" in result.stderr and "第八条（四）" in result.stderr


def test_a_theme_gives_its_archive_templates_only_when_it_has_them(tmp_path):
    from archive_tool.group.continuity.redesign import THEME_TEMPLATES, theme_templates

    assert theme_templates(tmp_path) is None and theme_templates(None) is None
    (tmp_path / THEME_TEMPLATES).mkdir(parents=True)
    assert theme_templates(str(tmp_path)) == tmp_path / THEME_TEMPLATES
