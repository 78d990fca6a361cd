"""索引号: ``<unit code>/<YYYY>-<NNNNN>``, given once to every published article, never changed.

An editor may write ``index_no:`` in an article. Otherwise the build gives the next free
serial of the article's year and records it in the site's ledger,
``content/<site-id>/index-numbers.yaml`` (slug → 索引号), which is kept with the content
like a lock file: a number once given stays with its article in every later build, even
when articles are added, back-dated or removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ...compliance import Violation
from ...content.articles import ArticleFile
from ...content.loader import LEDGER_FILE
from ...content.registry import Group, Site

ARTICLE = "《政府信息公开目录系统实施指引（试行）》（索引号）"
UNIT_CODE = re.compile(r"^(?:[0-9A-Z]{9}|[0-9A-HJ-NPQRTUWXY]{18})$")
INDEX_NO = re.compile(r"^(?P<unit>[0-9A-Z]+)/(?P<year>\d{4})-(?P<serial>\d{5})$")
LEDGER_HEADER = (
    "# 索引号登记簿：由构建自动维护（文章 Slug → 索引号），请随内容一起提交，不要手工改号。\n"
)


@dataclass
class Ledger:
    """A site's 索引号 by article slug; ``added`` are the ones this build gave."""

    site: str
    path: Path
    numbers: dict[str, str] = field(default_factory=dict)
    added: dict[str, str] = field(default_factory=dict)

    def save(self) -> None:
        """Write the ledger back if this build gave new numbers (after a successful build)."""
        if not self.added:
            return
        body = yaml.safe_dump(
            dict(sorted(self.numbers.items())), allow_unicode=True, sort_keys=False
        )
        self.path.write_text(LEDGER_HEADER + body, encoding="utf-8")


def assign_numbers(
    group: Group, site: Site, articles: list[ArticleFile]
) -> tuple[Ledger, list[Violation]]:
    """Numbers for the dated ``articles`` a site publishes (its own and its library copies)."""
    ledger = Ledger(site.id, group.root / site.id / LEDGER_FILE)
    problems: list[Violation] = []
    unit = str(site.get("unit_code") or "")
    if site.ledger is not None:
        if site.ledger.error is not None:
            problems.append(
                Violation(
                    site.id, site.ledger.shown, "(YAML)", f"无法读取：{site.ledger.error}", ARTICLE
                )
            )
        elif isinstance(site.ledger.data, dict):
            ledger.numbers = {str(k): str(v) for k, v in site.ledger.data.items()}
    written = {a.slug: (a.shown, a.meta["index_no"]) for a in articles if a.meta.get("index_no")}
    for slug, (shown, number) in written.items():
        match = INDEX_NO.match(number)
        if not match or (unit and match["unit"] != unit):
            problems.append(
                Violation(
                    site.id,
                    shown,
                    "index_no",
                    f"索引号应为「{unit or '<unit_code>'}/YYYY-NNNNN」，实为「{number}」",
                    ARTICLE,
                )
            )
        ledger.numbers[slug] = number
    if not UNIT_CODE.match(unit):
        return ledger, problems  # the unit_code rule of the registry reports the site
    used: dict[str, str] = {}
    for slug, number in ledger.numbers.items():
        if number in used and slug in written:
            problems.append(
                Violation(
                    site.id,
                    written[slug][0],
                    "index_no",
                    f"索引号「{number}」已用于「{used[number]}」",
                    ARTICLE,
                )
            )
        used.setdefault(number, slug)
    serials: dict[str, int] = {}
    for number in ledger.numbers.values():
        match = INDEX_NO.match(number)
        if match:
            year = match["year"]
            serials[year] = max(serials.get(year, 0), int(match["serial"]))
    for article in sorted(articles, key=lambda a: (a.published, a.slug)):
        if article.slug in ledger.numbers:
            continue
        year = f"{article.published:%Y}"
        serials[year] = serials.get(year, 0) + 1
        number = f"{unit}/{year}-{serials[year]:05d}"
        ledger.numbers[article.slug] = ledger.added[article.slug] = number
    return ledger, problems
