"""The site runs' caches (plugins/sitegroup/speed.py) give what Pelican gives, computed once."""

from __future__ import annotations

import copy
import sys
from types import SimpleNamespace

import pytest
from conftest import DEMO_CONTENT, REPO
from pelican.contents import Article, Content
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category
from pelican.utils import SafeDatetime

sys.path.insert(0, str(REPO / "plugins"))
from sitegroup import speed

# Files that leave state in a Markdown instance: metadata (and the summary Pelican renders
# with the same instance), footnotes, a table of contents, abbreviations, raw HTML blocks.
TRICKY = {
    "a-footnotes.md": "Title: 脚注\nDate: 2026-01-02\nSummary: 摘要*强调*[^s]\n\n正文[^1]。\n\n"
    "[^1]: 第一个脚注\n[^s]: 摘要的脚注\n",
    "b-toc.md": "Title: 目录\nDate: 2026-01-03\n\n[TOC]\n\n# 第一章\n\n## 第一节\n\n# 第一章\n",
    "c-abbr.md": "Title: 缩写\nDate: 2026-01-04\n\nHTML 页面\n\n*[HTML]: 超文本标记语言\n",
    "d-plain.md": "没有元数据的正文，也没有脚注。\n\nHTML 不是缩写了。\n",
    "e-html.md": 'Title: 块\nDate: 2026-01-05\n\n<div markdown="1">\n*内部*\n</div>\n\n正文[^1]\n\n'
    "[^1]: 又一个脚注\n",
    "f-toc-again.md": "Title: 目录二\nDate: 2026-01-06\n\n[TOC]\n\n# 第一章\n",
}


def reader_settings() -> dict:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings["MARKDOWN"]["extension_configs"]["markdown.extensions.toc"] = {}
    settings["MARKDOWN"]["extension_configs"]["markdown.extensions.footnotes"] = {
        "UNIQUE_IDS": True
    }
    return settings


def test_one_markdown_instance_reads_every_file_as_a_fresh_one_would(tmp_path, monkeypatch):
    for name, text in TRICKY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = sorted(tmp_path.glob("*.md")) + sorted(DEMO_CONTENT.glob("*/*/*.md"))
    files += sorted(tmp_path.glob("*.md"))  # again, after the demo's
    fresh = [MarkdownReader(reader_settings()).read(str(path)) for path in files]
    made = []

    class Counted(speed.Markdown):
        def __init__(self, **kwargs):
            made.append(self)
            super().__init__(**kwargs)

    monkeypatch.setattr(speed, "Markdown", Counted)
    reader = speed.ReusedMarkdownReader(reader_settings())
    reused = [reader.read(str(path)) for path in files]
    assert len(made) == 1
    for path, (content, metadata), (expected, expected_metadata) in zip(files, reused, fresh):
        assert content == expected, path
        assert metadata == expected_metadata, path


def test_only_the_site_runs_read_with_the_reused_instance():
    for site, expected in (("bozhou", speed.ReusedMarkdownReader), (None, MarkdownReader)):
        readers = SimpleNamespace(
            settings={"GROUP_SITE": site}, reader_classes={"md": MarkdownReader}
        )
        speed.use_reused_markdown(readers)
        assert readers.reader_classes["md"] is expected


@pytest.fixture
def installed(monkeypatch):
    # monkeypatch puts Pelican's own methods back after the test.
    monkeypatch.setattr(Content, "get_url_setting", Content.get_url_setting)
    monkeypatch.setattr(SafeDatetime, "strftime", SafeDatetime.strftime)
    speed.install(SimpleNamespace(settings={"GROUP_SITE": None}))
    assert Content.get_url_setting is not speed._cached_url_setting  # not in the group run
    speed.install(SimpleNamespace(settings={"GROUP_SITE": "bozhou"}))
    calls = []

    def counted(self, key):
        calls.append(key)
        return speed_url_setting(self, key)

    speed_url_setting = speed._pelican_url_setting
    monkeypatch.setattr(speed, "_pelican_url_setting", counted)
    return calls


def test_urls_are_computed_afresh_until_frozen_then_once(installed):
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings["ARTICLE_URL"] = settings["ARTICLE_SAVE_AS"] = "{category}/{date:%Y%m}/{slug}.html"
    article = Article(
        "正文",
        metadata={"title": "通知", "date": SafeDatetime(2026, 3, 4), "slug": "tz"},
        settings=settings,
    )
    article.category = Category("a", settings)
    assert article.url == "a/202603/tz.html"
    article.category = Category("b", settings)  # add_library_copies sets the column late
    assert article.url == "b/202603/tz.html"
    speed.freeze_urls(SimpleNamespace(settings={"GROUP_SITE": "bozhou"}, articles=[article]))
    installed.clear()
    assert [article.url, article.url, article.save_as, article.url] == ["b/202603/tz.html"] * 4
    assert installed == ["url", "save_as"]


def test_a_date_formats_each_format_once(installed, monkeypatch):
    calls = []
    pelican_strftime = speed._pelican_strftime
    monkeypatch.setattr(
        speed, "_pelican_strftime", lambda *a: calls.append(a[1]) or pelican_strftime(*a)
    )
    day = SafeDatetime(2026, 11, 5, 9, 30)
    shown = [day.strftime("%Y-%m-%d"), day.strftime("%Y-%m-%d"), day.strftime("%-d日 %H:%M")]
    assert shown == ["2026-11-05", "2026-11-05", "5日 09:30"]
    assert calls == ["%Y-%m-%d", "%-d日 %H:%M"]
    assert SafeDatetime(2026, 11, 6).strftime("%Y-%m-%d") == "2026-11-06"
