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

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..compliance import WARNING, Violation
from ..content.articles import ArticleFile, parse_date
from ..content.loader import LIBRARY_FOLDER
from ..content.registry import Group
from .articlerules import REPOST_ARTICLE, REPOST_WITHIN, check_metadata, late_repost

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


def library_placements(group: Group) -> tuple[list[Placement], list[Violation]]:
    """Every copy of every library item, and every problem with the items."""
    placements, problems = [], []
    for item in group.library:
        found, copies = _item(group, item)
        problems += found
        if not any(v.severity != WARNING for v in found):
            placements += copies
    return placements, problems


def _item(group: Group, item: ArticleFile) -> tuple[list[Violation], list[Placement]]:
    def problem(field_name, message, article=ARTICLE, severity="error"):
        return Violation(LIBRARY_FOLDER, item.shown, field_name, message, article, severity)

    metadata = item.metadata
    if metadata is None:
        return [problem("(文件)", item.unreadable)], []
    published = item.published
    problems = list(check_metadata(metadata, problem, published))
    origin = _site_column(group, metadata.get("origin", ""), "Origin", problem, problems)
    copies = []
    if origin and published:
        copies.append(Placement(item, *origin, *origin, None))
    entries = [e.strip() for e in metadata.get("reposts", "").split(";") if e.strip()]
    for number, entry in enumerate(entries, 1):
        where = f"Reposts[{number}]"
        target, _, when = entry.partition(" ")
        site_column = _site_column(group, target, where, problem, problems)
        reposted = parse_date(when.strip())
        if reposted is None:
            problems.append(
                problem(
                    where,
                    f"应写为“站点ID/栏目id YYYY-MM-DD HH:MM”（转载时间），实为「{entry}」",
                    REPOST_ARTICLE,
                )
            )
            continue
        if not (site_column and origin and published):
            continue
        if reposted < published:
            problems.append(problem(where, "转载时间早于原文发布时间", REPOST_ARTICLE))
            continue
        origin_site = group.sites[origin[0]]
        from_above = origin_site.type == "portal" or group.sites[site_column[0]].parent == origin[0]
        if from_above and reposted - published > REPOST_WITHIN:
            late = late_repost(metadata.get("title"), reposted - published)
            reposter = group.sites[site_column[0]].name
            problems.append(problem(where, reposter + late, REPOST_ARTICLE, WARNING))
        if site_column[0] in {copy.site for copy in copies}:
            problems.append(problem(where, f"站点「{site_column[0]}」已发布本条信息，不能重复转载"))
            continue
        copies.append(Placement(item, *site_column, *origin, reposted))
    return problems, copies


def _site_column(group, value, field_name, problem, problems) -> tuple[str, str] | None:
    site_id, _, column = value.strip().partition("/")
    site = group.sites.get(site_id)
    if site is None or column not in {c.id for c in site.columns}:
        problems.append(
            problem(field_name, f"应为“站点ID/栏目id”，且站点和栏目已登记，实为「{value}」")
        )
        return None
    return site_id, column
