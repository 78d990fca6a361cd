"""The search index in shards (group.search.shards): one pagefind bundle per year, listed in
``pagefind/shards.json``; a rebuild indexes again only the shards whose pages changed."""

from __future__ import annotations

import json
from pathlib import Path

from archive_tool.group.search.shards import SHARDS_FILE, index_site

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="PubDate" content="{date} 09:00"><title>{title}</title></head>
<body><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>"""


def write_site(site, pages):
    for relative, (date, text) in pages.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        body = PAGE.format(date=date, title=relative, text=text)
        path.write_text(body.replace('<meta name="PubDate" content=" 09:00">', ""), "utf-8")


PAGES = {
    "zwdt/a.html": ("2026-03-01", "中医药产业"),
    "zwdt/b.html": ("2025-07-01", "公积金"),
    "tzgg/c.html": ("2025-01-02", "招聘"),
    "about.html": ("", "网站简介"),
}


def dates_of(pages):
    """The publish days the content model hands the index (searchindex.page_dates)."""
    return {relative: date for relative, (date, _) in pages.items() if date}


DATES = dates_of(PAGES)


def test_one_bundle_per_year_newest_first_and_undated_last(tmp_path):
    site = tmp_path / "site"
    write_site(site, PAGES)
    report = index_site(site, "亳州市人民政府", "www.bozhou.gov.cn", DATES)
    listed = json.loads((site / "pagefind" / SHARDS_FILE).read_text(encoding="utf-8"))["shards"]
    assert [(s["name"], s["pages"]) for s in listed] == [("2026", 1), ("2025", 2), ("undated", 1)]
    assert report.indexed == ["2026", "2025", "undated"] and report.reused == []
    for name in ("2026", "2025", "undated"):
        entry = json.loads((site / "pagefind" / name / "pagefind-entry.json").read_text("utf-8"))
        assert entry["languages"]["und"]["page_count"] == dict(listed_pages(listed))[name]
        assert (site / "pagefind" / name / "pagefind.js").is_file()
        assert not (site / "pagefind" / name / "pagefind-ui.js").exists()  # search.js needs none


def listed_pages(listed):
    return [(s["name"], s["pages"]) for s in listed]


def test_an_edit_indexes_only_its_shard_and_the_rest_is_linked_from_the_published(tmp_path):
    published, rebuilt = tmp_path / "published", tmp_path / "rebuilt"
    write_site(published, PAGES)
    index_site(published, "亳州市人民政府", "www.bozhou.gov.cn", DATES)
    edited = dict(PAGES, **{"zwdt/b.html": ("2025-07-01", "住房公积金提取")})
    write_site(rebuilt, edited)
    ran = []
    report = index_site(
        rebuilt,
        "亳州市人民政府",
        "www.bozhou.gov.cn",
        dates_of(edited),
        published,
        run=lambda *a: ran.append(a),
    )
    assert report.indexed == ["2025"] and report.reused == ["2026", "undated"]
    assert len(ran) == 1 and ran[0][ran[0].index("--output-path") + 1].endswith("/2025")
    entry = Path("pagefind", "2026", "pagefind-entry.json")
    assert (rebuilt / entry).stat().st_ino == (published / entry).stat().st_ino  # linked


def test_a_changed_site_name_or_no_published_listing_indexes_everything(tmp_path):
    published, rebuilt = tmp_path / "published", tmp_path / "rebuilt"
    write_site(published, PAGES)
    index_site(published, "亳州市人民政府", "www.bozhou.gov.cn", DATES)
    write_site(rebuilt, PAGES)
    report = index_site(rebuilt, "亳州市政府", "www.bozhou.gov.cn", DATES, published, run=lambda *a: None)
    assert report.reused == []
    (published / "pagefind" / SHARDS_FILE).write_text("{", encoding="utf-8")
    report = index_site(
        rebuilt, "亳州市人民政府", "www.bozhou.gov.cn", DATES, published, run=lambda *a: None
    )
    assert report.reused == []
