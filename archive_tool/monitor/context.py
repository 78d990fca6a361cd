"""What every indicator of one site reads: the site, the date, the crawl and its records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..content.registry import Column, Site
from ..group.rules.deadlines import ReplyLimits
from ..group.rules.interaction import Interaction
from ..group.rules.services import ServiceItem
from ..safety.lexicon import Lexicon
from .crawl import Crawl
from .pages import Page


@dataclass
class SiteContext:
    site: Site
    home: str  # the home page's public URL, https://<domain>/
    today: date
    mode: str  # "built" or "live"
    crawl: Crawl | None  # None when the home page could not be opened
    lexicon: Lexicon
    services: list[ServiceItem] = field(default_factory=list)
    interaction: Interaction | None = None
    domains: frozenset[str] = frozenset()  # every domain of the group
    limits: ReplyLimits = field(default_factory=ReplyLimits)  # the group's reply limits

    def column_url(self, column: Column) -> str:
        return f"{self.home}{column.id}/"

    def page(self, url: str) -> Page | None:
        return self.crawl.pages.get(url) if self.crawl else None

    def column_items(self, column: Column) -> list[str]:
        """The links a column page lists: pages below the column's folder."""
        url = self.column_url(column)
        page = self.page(url)
        if page is None:
            return []
        return [link for link in page.main_links if link.startswith(url) and link != url]
