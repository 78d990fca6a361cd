"""索引号: ``<unit code>/<YYYY>-<NNNNN>``, given once to every published article, never changed.

An editor may write ``index_no:`` in an article. Otherwise the build gives the next free
serial of the article's year and records it in the site's ledger,
``content/<site-id>/index-numbers.yaml`` (slug → 索引号), which is kept with the content
like a lock file: a number once given stays with its article in every later build, even
when articles are added, back-dated or removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ...compliance import Violation, rule, run_rules
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
    """Numbers for the dated ``articles`` a site publishes (its own and its library copies),
    after the ``numbers`` rules checked the ledger and the numbers written in them."""
    ledger = Ledger(site.id, group.root / site.id / LEDGER_FILE)
    if site.ledger is not None and site.ledger.error is None:
        if isinstance(site.ledger.data, dict):
            ledger.numbers = {str(k): str(v) for k, v in site.ledger.data.items()}
    for article in articles:
        if written(article):
            ledger.numbers[article.slug] = written(article)
    problems = run_rules("numbers", site, articles, ledger)
    unit = unit_code(site)
    if not UNIT_CODE.match(unit):
        return ledger, problems  # the unit_code rule of the registry reports the site
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


def written(article: ArticleFile) -> str:
    """The 索引号 an editor wrote in the article ("" when the build gives it)."""
    return article.meta.get("index_no", "")


def unit_code(site: Site) -> str:
    return str(site.get("unit_code") or "")


@rule("numbers", "索引号登记簿可以读取", ARTICLE)
def readable_ledger(site: Site, articles, ledger: Ledger) -> Iterator[Violation]:
    if site.ledger is not None and site.ledger.error is not None:
        message = f"无法读取：{site.ledger.error}"
        yield Violation(site.id, site.ledger.shown, "(YAML)", message, ARTICLE)


@rule("numbers", "文章写明的索引号为「信息公开单位代码/年份-五位序号」", ARTICLE)
def written_number_form(site: Site, articles, ledger: Ledger) -> Iterator[Violation]:
    unit = unit_code(site)
    for shown, number in _written(articles).values():
        match = INDEX_NO.match(number)
        if not match or (unit and match["unit"] != unit):
            expected = f"索引号应为「{unit or '<unit_code>'}/YYYY-NNNNN」，实为「{number}」"
            yield Violation(site.id, shown, "index_no", expected, ARTICLE)


@rule("numbers", "文章写明的索引号未被其他文章使用", ARTICLE)
def written_number_unique(site: Site, articles, ledger: Ledger) -> Iterator[Violation]:
    if not UNIT_CODE.match(unit_code(site)):
        return  # the unit_code rule of the registry reports the site
    given = _written(articles)
    used: dict[str, str] = {}
    for slug, number in ledger.numbers.items():
        if number in used and slug in given:
            message = f"索引号「{number}」已用于「{used[number]}」"
            yield Violation(site.id, given[slug][0], "index_no", message, ARTICLE)
        used.setdefault(number, slug)


def _written(articles: list[ArticleFile]) -> dict[str, tuple[str, str]]:
    """(file shown, 索引号) of each article with a written 索引号, by slug (the last wins)."""
    return {a.slug: (a.shown, written(a)) for a in articles if written(a)}
