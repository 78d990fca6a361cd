"""The reports as data: a site's entries (field, value, the count behind it), the group's
summary and the page a site's build publishes. Built by ``annual``; read by ``page`` and
``tables``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import urls
from ..content.sitetypes import SiteType
from .counts import Count
from .fields import SECTIONS, SOURCE_LABELS, Field, Section

PAGE_FOLDER = "ndbb"  # 年度报表: where a site publishes its reports (/ndbb/2026.html)


@dataclass(frozen=True)
class Entry:
    """One field of one site's report: its value and, when counted, the items behind it."""

    field: Field
    value: Any
    count: Count | None = None
    # Where a figure came from when not from its field's usual source (the access logs).
    source: str = ""

    @property
    def source_label(self) -> str:
        return self.source or SOURCE_LABELS[self.field.source]


@dataclass
class SiteReport:
    site_id: str
    site_name: str
    site_kind: SiteType
    domain: str
    year: int
    as_of: date
    figures_file: str
    entries: list[Entry]

    @property
    def complete_year(self) -> bool:
        return self.as_of == date(self.year, 12, 31)

    @property
    def origin(self) -> str:
        return urls.site_url(self.domain)

    @property
    def title(self) -> str:
        return f"{self.site_name}{self.site_kind.site_word}{self.year}年度工作报表"

    @property
    def stem(self) -> str:
        """The name of its files: ``bozhou-2026``."""
        return f"{self.site_id}-{self.year}"

    def entry(self, key: str) -> Entry:
        for entry in self.entries:
            if entry.field.key == key:
                return entry
        raise KeyError(key)

    def sections(self) -> list[tuple[Section, list[Entry]]]:
        by_key = {entry.field.key: entry for entry in self.entries}
        return [(s, [by_key[f.key] for f in s.fields]) for s in SECTIONS]


@dataclass(frozen=True)
class SummaryRow:
    field: Field
    values: dict[str, Any]  # site id → its value
    total: Any


@dataclass
class GroupSummary:
    name: str  # the group's, e.g. 亳州市人民政府网站群
    year: int
    as_of: date
    reports: list[SiteReport]
    rows: list[SummaryRow] = field(default_factory=list)

    @property
    def complete_year(self) -> bool:
        return self.as_of == date(self.year, 12, 31)

    @property
    def title(self) -> str:
        return f"{self.name}{self.year}年度工作报表汇总"

    @property
    def stem(self) -> str:
        return f"group-{self.year}"


@dataclass(frozen=True)
class AnnualPage:
    """A site's report as its build publishes it: the page's content (the theme wraps it in
    the site's header and footer), its path, and the downloads beside it."""

    year: int
    title: str
    path: str  # "ndbb/2026.html"
    html: str  # the body, links relative to the page
    downloads: dict[str, bytes]  # "ndbb/bozhou-2026.csv" → bytes (.csv, .xlsx, .json)
