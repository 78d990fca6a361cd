"""Counting for the annual report: an ``Item`` (one thing a figure counts), a ``Count`` (the
items and how they make the figure) and the ``Scope`` of one site's year, with the articles
it published in that year. What each figure counts is in ``counters``.

The figure is never stored apart from its items, so a report cannot show a count its list
does not back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from ..content.articles import ArticleFile
from ..content.registry import Column, Site, display_path
from ..group.rules.articlerules import WITHHELD
from ..group.rules.check import GroupReport

# How a count is made from its items.
NUMBER, SUM, MEAN, ANY = "number", "sum", "mean", "any"


@dataclass(frozen=True)
class Item:
    """One thing a figure counts: what it is, when, where it is published and where it
    comes from."""

    title: str
    day: date | None
    path: str  # its page below the site's root ("" when it has none: a withheld letter)
    file: str  # the content file it comes from, as the user knows it
    note: str = ""
    amount: int | float | None = None  # for SUM and MEAN counts


@dataclass(frozen=True)
class Count:
    items: tuple[Item, ...]
    how: str = NUMBER

    @property
    def value(self) -> int | float | str | None:
        if self.how == NUMBER:
            return len(self.items)
        if self.how == ANY:
            return "是" if self.items else "否"
        amounts = [item.amount for item in self.items if item.amount is not None]
        if self.how == SUM:
            return sum(amounts)
        return round(sum(amounts) / len(amounts), 1) if amounts else None

    @property
    def unknown(self) -> tuple[Item, ...]:
        """Items whose amount is not known (SUM and MEAN): the figure leaves them out."""
        if self.how in (SUM, MEAN):
            return tuple(item for item in self.items if item.amount is None)
        return ()


@dataclass(frozen=True)
class Post:
    """An article the site publishes: its own, or its copy of a library item."""

    article: ArticleFile
    column: Column | None
    published: datetime  # the day it appeared on this site (a repost: its 转载时间)
    path: str
    repost: bool = False

    @property
    def meta(self) -> dict[str, str]:
        return self.article.meta

    @property
    def column_name(self) -> str:
        return self.column.name if self.column else ""


@dataclass
class Scope:
    """What one site's report counts: the checked group, the site, the year and the day the
    count is made (31 December, or earlier for the running year)."""

    report: GroupReport
    site: Site
    year: int
    as_of: date

    def within(self, moment: date | datetime | None) -> bool:
        if moment is None:
            return False
        day = moment.date() if isinstance(moment, datetime) else moment
        return day.year == self.year and day <= self.as_of

    def shown(self, folder: str, slug: str) -> str:
        root = self.report.group.root
        return display_path(root / self.site.id / folder / f"{slug}.yaml", root)

    @cached_property
    def posts(self) -> list[Post]:
        """Every article published on the site within the year, oldest first."""
        columns = {column.id: column for column in self.site.columns}
        found = []
        for article in self.site.articles:
            if article.published is None or article.meta.get("disclosure") in (None, WITHHELD):
                continue
            if not article.column:
                continue
            column = columns.get(article.column)
            found.append(Post(article, column, article.published, article.page() or ""))
        for copy in self.report.library:
            item = copy.item
            if copy.site != self.site.id or item.meta.get("disclosure") in (None, WITHHELD):
                continue
            published = copy.reposted or item.published
            column = columns.get(copy.column)
            found.append(Post(item, column, published, copy.page, copy.is_repost))
        found = [post for post in found if self.within(post.published)]
        found.sort(key=lambda post: (post.published, post.path))
        return found

