"""信息资源库 (第九条（三）, 先入库、后使用): items written once, published on several sites.

Each item is a Markdown article in ``content/_library/`` naming the site and column of
its original and each site that reposts it, with the 转载时间::

    Origin: bozhou/zwdt
    Reposts: qcq/zwdt 2026-11-19 15:20; fgw/zwdt 2026-11-19 18:05

Every copy is built by its own site on its own domain; a repost shows 来源 and points
its canonical link at the original. A repost of a portal or higher-level item more than
12 hours after the original (第十二条（二）) is listed in the build report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ...compliance import ERROR, WARNING, Violation, errors, rule, run_rules
from ...content.articles import ArticleFile, parse_date
from ...content.loader import LIBRARY_FOLDER
from ...content.registry import Group
from .articlerules import REPOST_ARTICLE, REPOST_WITHIN, Entry, late_repost

ARTICLE = "第九条（三）"


@dataclass(frozen=True)
class Placement:
    """One copy of a library item: the site and column that publish it."""

    item: ArticleFile
    site: str
    column: str
    origin_site: str
    origin_column: str
    reposted: datetime | None  # None for the original itself

    @property
    def path(self) -> Path:
        return self.item.path

    @property
    def is_repost(self) -> bool:
        return self.reposted is not None

    @property
    def page(self) -> str:
        """The copy's page below its site's root (an item without a date has no copies)."""
        return self.item.page(self.column) or ""

    @property
    def origin_page(self) -> str:
        """The original's page below its site's root: a repost's canonical link."""
        return self.item.page(self.origin_column) or ""


def library_placements(
    group: Group, today: date | None = None
) -> tuple[list[Placement], list[Violation]]:
    """Every copy of every library item, and every problem with the items."""
    placements, problems = [], []
    for item in group.library:
        entry = Entry(item, _problem_in(item), ARTICLE, today=today)
        found = run_rules("article", entry) + run_rules("library", entry, group)
        problems += found
        if not errors(found):
            placements += _copies(group, item)
    return placements, problems


def _problem_in(item: ArticleFile):
    def problem(field_name, message, article=ARTICLE, severity=ERROR):
        return Violation(LIBRARY_FOLDER, item.shown, field_name, message, article, severity)

    return problem


def _copies(group: Group, item: ArticleFile) -> list[Placement]:
    """The copies of an item its rules found no error in: the original, then each repost."""
    metadata, published = item.meta, item.published
    origin = _site_column(group, metadata.get("origin", ""))
    if not (origin and published):
        return []
    copies = [Placement(item, *origin, *origin, None)]
    for target, reposted in _reposts(metadata):
        copies.append(Placement(item, *_site_column(group, target), *origin, reposted))
    return copies


def _reposts(metadata: dict[str, str]) -> list[tuple[str, datetime | None]]:
    """(site/column written, 转载时间 or None) of each entry of ``Reposts:``."""
    entries = [e.strip() for e in metadata.get("reposts", "").split(";") if e.strip()]
    return [
        (target, parse_date(when.strip()))
        for target, _, when in (entry.partition(" ") for entry in entries)
    ]


@rule("library", "Origin 为已登记的站点和栏目", ARTICLE)
def registered_origin(entry: Entry, group: Group) -> Iterator[Violation]:
    metadata = entry.article.metadata
    if metadata is not None:
        value = metadata.get("origin", "")
        if _site_column(group, value) is None:
            yield entry.problem("Origin", _not_a_column(value))


@rule("library", "Reposts 的每一项为已登记的站点和栏目及不早于原文的转载时间", ARTICLE)
def valid_reposts(entry: Entry, group: Group) -> Iterator[Violation]:
    """Each repost: a registered site and column, a 转载时间 not before the original and,
    from a portal or parent site, within 12 hours (第十二条（二）); one copy per site."""
    item, problem = entry.article, entry.problem
    if item.metadata is None:
        return
    metadata, published = item.metadata, item.published
    origin = _site_column(group, metadata.get("origin", ""))
    sites = {origin[0]} if origin and published else set()
    entries = [e.strip() for e in metadata.get("reposts", "").split(";") if e.strip()]
    for number, (entry_text, (target, reposted)) in enumerate(
        zip(entries, _reposts(metadata)), 1
    ):
        where = f"Reposts[{number}]"
        site_column = _site_column(group, target)
        if site_column is None:
            yield problem(where, _not_a_column(target))
        if reposted is None:
            yield problem(
                where,
                f"应写为“站点ID/栏目id YYYY-MM-DD HH:MM”（转载时间），实为「{entry_text}」",
                REPOST_ARTICLE,
            )
            continue
        if not (site_column and origin and published):
            continue
        if reposted < published:
            yield problem(where, "转载时间早于原文发布时间", REPOST_ARTICLE)
            continue
        origin_site = group.sites[origin[0]]
        from_above = origin_site.kind.main or group.sites[site_column[0]].parent == origin[0]
        if from_above and reposted - published > REPOST_WITHIN:
            late = late_repost(metadata.get("title"), reposted - published)
            reposter = group.sites[site_column[0]].name
            yield problem(where, reposter + late, REPOST_ARTICLE, WARNING)
        if site_column[0] in sites:
            yield problem(where, f"站点「{site_column[0]}」已发布本条信息，不能重复转载")
            continue
        sites.add(site_column[0])


@rule("copies", "转载的信息与本站文章的 Slug 不重复", "内容格式")
def copy_slug_unique(site, articles, copies: list[Placement]) -> Iterator[Violation]:
    """A copy whose slug is one of the site's own articles' would overwrite its page."""
    own = {article.slug: article.shown for article in articles}
    for copy in copies:
        slug = copy.item.slug
        if slug in own:
            yield Violation(
                site.id,
                copy.item.shown,
                "Slug",
                f"与本站 {own[slug]} 的 Slug「{slug}」重复，页面会互相覆盖",
                "内容格式",
            )


def library_articles(
    articles: list[ArticleFile], copies: list[Placement]
) -> list[ArticleFile]:
    """The item of each copy a site publishes beside its own ``articles``
    (articlerules.published_articles): a copy with an own slug is not."""
    own = {article.slug for article in articles}
    return [copy.item for copy in copies if copy.item.slug not in own]


def _not_a_column(value: str) -> str:
    return f"应为“站点ID/栏目id”，且站点和栏目已登记，实为「{value}」"


def _site_column(group: Group, value: str) -> tuple[str, str] | None:
    site_id, _, column = value.strip().partition("/")
    site = group.sites.get(site_id)
    if site is None or column not in {c.id for c in site.columns}:
        return None
    return site_id, column
