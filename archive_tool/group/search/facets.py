"""The 政府信息公开目录's facets: 主题分类, 发布机构, 体裁 and 年份 of each disclosed page.

One definition for both places a citizen browses by them: the index copy gives each page
these as pagefind filters (searchindex.index_page, read from the page's 政府信息公开 table
as it is shown), and the site's 公开目录 page (themes/gov/templates/disclosure_catalogue.html)
lists each value with its count, linking to the search filtered by it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# The filter names: URL parameters of search.html, pagefind filter names, in this order.
FACETS = (("topic", "主题分类"), ("publisher", "发布机构"), ("genre", "体裁"), ("year", "年份"))
INTERPRETATION = "政策解读"
OTHER = "其他"
# 体裁: the 文种 a title ends with (《党政机关公文处理工作条例》第八条, and the kinds of
# document a 公开目录 lists besides), longest first so 通告 is not read as 告.
GENRES = (
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示",
    "批复", "议案", "纪要", "公示", "办法", "规定", "规划", "方案", "细则", "指南", "函",
)  # fmt: skip
# What may follow the 文种 at the end of a title: （摘要）, （第一批）, quotes.
TRAILING = re.compile(r"(?:[（(][^（）()]*[）)]|[”’》」\s])+$")


def genre_of(title: str, interprets: bool = False) -> str:
    """The 体裁 of a page titled ``title``: 政策解读 for an interpretation, else the 文种 it
    ends with, else 其他.

    >>> genre_of("亳州市人民政府办公室关于印发《亳州市政府网站群管理办法（暂行）》的通知")
    '通知'
    >>> genre_of("关于公布第一批示范项目的公示（第一批）"), genre_of("全市民生实事推进会召开")
    ('公示', '其他')
    >>> genre_of("《亳州市政府网站群管理办法（暂行）》政策解读", interprets=True)
    '政策解读'
    """
    if interprets or title.rstrip().endswith("解读"):
        return INTERPRETATION
    stem = TRAILING.sub("", title.strip())
    return next((genre for genre in GENRES if stem.endswith(genre)), OTHER)


def facet_counts(pages: Iterable[dict[str, str]]) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(name, label, [(value, count), …]) for each facet of ``pages`` (dicts by facet name):
    the most frequent values first, years newest first, 其他 last."""
    pages = list(pages)
    facets = []
    for name, label in FACETS:
        counts = Counter(page[name] for page in pages if page.get(name))
        if name == "year":
            values = sorted(counts.items(), reverse=True)
        else:
            values = sorted(counts.items(), key=lambda item: (item[0] == OTHER, -item[1], item[0]))
        facets.append((name, label, values))
    return facets


def catalogue(articles, column_names: dict[str, str], sponsor: str):
    """facet_counts of a site's disclosed ``articles`` (Pelican's, or any objects with
    title, date, category.slug and optional topic, publisher and policy), each value as the
    article's 政府信息公开 table shows it (themes/gov/templates/article.html)."""
    return facet_counts(
        {
            "topic": getattr(article, "topic", None)
            or column_names.get(article.category.slug, article.category.name),
            "publisher": getattr(article, "publisher", None) or sponsor,
            "genre": genre_of(article.title, getattr(article, "policy", None) is not None),
            "year": f"{article.date:%Y}",
        }
        for article in articles
    )
