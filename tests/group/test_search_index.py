"""The copy of each page that the search index reads (group.search.searchindex), and the index.

Chinese is indexed one character to a token so that pagefind's segmenter and the browser's
cannot disagree (issue 15); search.js tokenizes the query the same way, which the browser
test in test_search_recall.py holds letter for letter against these.
"""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest
from conftest import DEMO_CONTENT
from hypothesis import given
from hypothesis import strategies as st
from lxml import html

from archive_tool.group.rules.check import check_group
from archive_tool.group.search.searchindex import (
    ATTACHING_BELOW,
    BLOCK_END,
    CLOSING_RANGES,
    FULL_WIDTH,
    INDEX_LANGUAGE,
    index_page,
    indexed_pages,
    is_token_char,
    padded,
    page_dates,
    tokenize,
    write_index_copy,
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("中医药", "中 医 药"),
        ("营商环境，", "营 商 环 境，"),
        ("《亳州市促进中医药产业》政策", "《 亳 州 市 促 进 中 医 药 产 业》 政 策"),
        ("亳政办〔2025〕31号", "亳 政 办〔 2025〕 31 号"),
        ("2026年12345热线", "2026 年 12345 热 线"),
        ("ＧＢ１５０９３标准", "GB15093 标 准"),
        ("https://www.bozhou.gov.cn/ 与 covid-19", "https://www.bozhou.gov.cn/ 与 covid-19"),
        ("数据要素×行动", "数 据 要 素× 行 动"),
        ("々〇𠀾", "々 〇 𠀾"),
        ("", ""),
    ],
)
def test_each_han_character_is_a_token_and_punctuation_stays_with_the_one_before(text, tokens):
    assert tokenize(text) == tokens


def test_tokens_are_the_text_with_spaces_only_between_what_was_written_together():
    text = "关于做好2026年度城乡居民基本医疗保险集中参保缴费工作的通告（皖医保〔2026〕3号）"
    assert tokenize(text).replace(" ", "") == text.replace(" ", "")


def tokenize_by_character(text: str) -> str:
    """The rule tokenize runs as one pattern, written as a loop over the characters."""

    def boundary(previous: str, char: str) -> bool:
        if not previous or previous.isspace() or char.isspace():
            return False
        if unicodedata.category(char)[0] in "PS":  # stays with the character before it
            return False
        closes = any(low <= ord(previous) <= high for low, high in CLOSING_RANGES)
        return is_token_char(previous) or is_token_char(char) or closes

    out, previous = [], ""
    for char in text.translate(FULL_WIDTH):
        out.append(" " * boundary(previous, char) + char)
        previous = char
    return "".join(out)


# Every kind of character the rule tells apart, and the edges of its ranges.
ALPHABET = (
    "中医药𠀾々〆〇ぁァ゠・゛ー豈ｱ，。、（）〔〕《》「」…—‘’×＋ａＺ１ab1-./% \t\n\u3000\xa0€©"
)


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_tokenize_puts_spaces_where_the_rule_does_for_each_character(text):
    assert tokenize(text) == tokenize_by_character(text)


@given(st.text(alphabet=ALPHABET, max_size=5))
def test_a_text_node_is_padded_where_a_token_meets_its_neighbour(text):
    closes = lambda char: any(low <= ord(char) <= high for low, high in CLOSING_RANGES)
    expected = " " + text if text and is_token_char(text[0]) else text
    if expected and (is_token_char(expected[-1]) or closes(expected[-1])):
        expected += " "
    assert padded(text) == expected


def test_tokenize_agrees_with_the_rule_on_every_pair_around_the_ranges():
    edges = {c for r in (*CLOSING_RANGES, (0x3005, 0x3007), (0x3040, 0x30FF)) for c in r}
    codes = edges | set(range(0x3000, 0x3100)) | set(range(0x20, 0x7F)) | {0x2013, 0x2027}
    sample = [chr(c) for c in sorted(codes)]
    text = "".join(a + b + "\n" for a in sample for b in sample)
    assert tokenize(text) == tokenize_by_character(text)


def test_no_punctuation_or_symbol_lies_beyond_what_the_pattern_lists():
    beyond = (chr(c) for c in range(ATTACHING_BELOW, sys.maxunicode + 1))
    assert not [c for c in beyond if unicodedata.category(c)[0] in "PS"]


PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="PubDate" content="2025-08-29 10:00"><link rel="canonical" href="{canonical}">
<script src="x.js"></script></head><body>
<article data-pagefind-body><h1>关于印发中医药政策的通知</h1>
<table class="gk-meta" data-pagefind-ignore><tr><th>索引号</th><td>11341600MB00000010/2025-00005</td>
<th>文号</th><td>亳政办〔2025〕31号</td></tr></table>
<p>促进中医药产业<b>高质量</b>发展。</p><script>var a = "中医";</script></article></body></html>"""


def test_the_copy_holds_tokens_and_the_metadata_results_show(tmp_path):
    page = PAGE.format(canonical="x").encode()
    copy = html.fromstring(index_page(page, "亳州市人民政府", published="2025-08-29"))
    words = lambda path: " ".join(copy.xpath(f"string({path})").split())
    # Each block ends with BLOCK_END: search.js shows a break there, not the title glued on.
    assert words("//h1") == f"关 于 印 发 中 医 药 政 策 的 通 知{BLOCK_END}"
    # Text split by inline markup is still one token a character.
    assert words("//p") == f"促 进 中 医 药 产 业 高 质 量 发 展。{BLOCK_END}"
    assert copy.xpath("string(//article/script)") == 'var a = "中医";', "scripts untouched"
    meta = {
        m.get("data-pagefind-meta"): m.get("content")
        for m in copy.xpath("//head/meta[@data-pagefind-meta]")
    }
    assert meta == {
        "site[content]": "亳州市人民政府",
        "date[content]": "2025-08-29",
        "index_no[content]": "11341600MB00000010/2025-00005",
        "doc_number[content]": "亳 政 办〔 2025〕 31 号",
    }
    assert copy.xpath("//body/@data-pagefind-sort") == ["date:2025-08-29"]
    # The 公开目录 facets, as the page's table and title show them (no 主题分类 here).
    filters = {
        m.get("data-pagefind-filter"): m.get("content")
        for m in copy.xpath("//head/meta[@data-pagefind-filter]")
    }
    assert filters == {"year[content]": "2025", "genre[content]": "通知"}


def test_the_copy_marks_a_repost_for_the_group_search_and_skips_pages_without_a_body(tmp_path):
    site = tmp_path / "built" / "qcq"
    (site / "zwdt").mkdir(parents=True)
    own = "https://www.qcq.gov.cn/zwdt/own.html"
    (site / "zwdt" / "own.html").write_text(PAGE.format(canonical=own), encoding="utf-8")
    repost = PAGE.format(canonical="https://www.bozhou.gov.cn/zwdt/original.html")
    (site / "zwdt" / "repost.html").write_text(repost, encoding="utf-8")
    (site / "index.html").write_text("<html><body><p>首页</p></body></html>", encoding="utf-8")
    (site / "pagefind").mkdir()
    (site / "pagefind" / "x.html").write_text(PAGE, encoding="utf-8")
    copies = tmp_path / "copies"
    count = write_index_copy(site, copies, "谯城区", "www.qcq.gov.cn", {})
    assert count == 2
    assert sorted(p.name for p in copies.rglob("*.html")) == ["own.html", "repost.html"]

    def origin(name):
        page = html.fromstring((copies / "zwdt" / name).read_bytes())
        return page.xpath("string(//head/meta[@data-pagefind-filter='origin[content]']/@content)")

    # search.js leaves "repost" pages out of the group's search: the item is listed once, at
    # its original on the portal.
    assert (origin("own.html"), origin("repost.html")) == ("", "repost")


def test_each_built_site_has_one_index_in_the_unsegmented_language(demo_build):
    sites = [path.parent for path in demo_build.output.glob("*/pagefind/shards.json")]
    assert len(sites) >= 4
    for bundle in sites:
        pages = 0
        for entry in bundle.glob("*/pagefind-entry.json"):
            languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
            assert list(languages) == [INDEX_LANGUAGE], entry
            pages += languages[INDEX_LANGUAGE]["page_count"]
        assert pages > 10, bundle
    # The served pages are not the copy: their text is as written.
    policy = next(demo_build.output.glob("www.bozhou.gov.cn/zcwj/*/zhongyiyao-chanye-2025.html"))
    assert "中医药产业" in policy.read_text(encoding="utf-8")


def test_the_index_dates_each_page_with_the_day_the_page_shows(demo_build):
    """The search index takes each page's date from the content model (page_dates), not
    from the page: every indexed page of the demo shows exactly that day as its PubDate."""
    report = check_group(DEMO_CONTENT)
    compared = 0
    for site in report.group.published_sites():
        dates = page_dates(report, site)
        for relative, source in indexed_pages(demo_build.output / site.domain):
            page = html.fromstring(source)
            shown = page.xpath("string(//meta[@name='PubDate']/@content)")[:10]
            assert dates.get(relative, "") == shown, (site.id, relative)
            compared += bool(shown)
    assert compared > 50
