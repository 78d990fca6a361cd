"""Values that parse but make no sense: the rules on range and sense across the content.

A date outside the window every content date lies in (``values.implausible``: from
1949-10-01 to a year after the build date), a count that is negative, NaN or infinite
(``values.count_problem``), a metadata key written twice (Pelican keeps the last without a
word), a control character Pelican cannot put in a feed, an article nested deeper than
Markdown can render (Pelican drops it with a log line), and sites whose ``parent`` links
go round in a circle. Each is a rule registered in compliance.RULES, listed in
docs/rules.md; nothing here opens a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from ...compliance import Violation, rule, shorten, site_rule
from ...content.articles import parse_date
from ...content.records import Record
from ...content.registry import Group, Site
from ...content.values import count_problem, implausible, parse_moment
from .articlerules import DATE_SOURCE, Entry

FORMAT = "内容格式"
ARTICLE_DATES = (("date", "Date"), ("modified", "Modified"), ("source_date", "source_date"))
# Control characters XML 1.0 (every feed) refuses, and that no editor means to write.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Python-Markdown renders nested lists recursively and runs out of stack near 200 levels;
# no page of a government site nests a list or a quotation anywhere near 30 deep.
MAX_NESTING = 30
INDENT = 4  # Python-Markdown's tab_length: one level of list nesting
QUOTE = re.compile(r"\s*>")
# Counts in records: (folder, key within an item, least value); "办理材料[].份数" per item.
MATERIAL_COPIES = ("办理材料", "份数", 1)
OPINIONS = ("收到意见数", 0)


@rule("article", "元数据每个字段只写一次", FORMAT)
def repeated_metadata_keys(entry: Entry) -> Iterator[Violation]:
    for key in entry.article.repeated:
        yield entry.problem(
            key, f"字段「{shorten(key)}」写了不止一次（只会保留最后一个）：请删去多余的一行", FORMAT
        )


@rule("article", "发布日期、修改日期、原文发布时间在 1949-10-01 至构建日期后一年之内", DATE_SOURCE)
def plausible_article_dates(entry: Entry) -> Iterator[Violation]:
    for key, field_name in ARTICLE_DATES:
        problem = implausible(parse_date(entry.article.meta.get(key, "")), entry.today)
        if problem:
            yield entry.problem(
                field_name, f"{problem}（实为「{entry.article.meta[key]}」）", DATE_SOURCE
            )


@rule("article", "元数据和正文不含控制字符（NUL 等）", FORMAT)
def no_control_characters(entry: Entry) -> Iterator[Violation]:
    article = entry.article
    for key, value in article.meta.items():
        found = CONTROL.search(value)
        if found:
            yield entry.problem(key.capitalize(), _control_message(found[0]), FORMAT)
    if article.metadata is None:
        return
    for number, line in enumerate(article.body.split("\n"), article.body_line):
        found = CONTROL.search(line)
        if found:
            yield entry.problem("(正文)", f"第 {number} 行{_control_message(found[0])}", FORMAT)
            return


def _control_message(character: str) -> str:
    return f"含控制字符 U+{ord(character):04X}（订阅源和网页都不能包含）：请删除"


@rule("article", f"正文的列表和引用嵌套不超过 {MAX_NESTING} 层", FORMAT)
def bounded_nesting(entry: Entry) -> Iterator[Violation]:
    if entry.article.metadata is None:
        return
    for number, line in enumerate(entry.article.body.split("\n"), entry.article.body_line):
        depth = nesting(line)
        if depth > MAX_NESTING:
            yield entry.problem(
                "(正文)",
                f"第 {number} 行的列表或引用嵌套了 {depth} 层，超过 {MAX_NESTING} 层"
                "（无法生成页面）：请减少缩进或嵌套",
                FORMAT,
            )
            return


def nesting(line: str) -> int:
    """How deep a Markdown line nests: a level per four columns of indent and per ``>``.

    >>> nesting("        - 三级"), nesting("> > 引用"), nesting("正文")
    (2, 2, 0)
    """
    depth = 0
    while True:
        expanded = line.expandtabs(INDENT)
        stripped = expanded.lstrip(" ")
        depth += (len(expanded) - len(stripped)) // INDENT
        if not QUOTE.match(stripped):
            return depth
        depth += 1
        line = stripped.lstrip()[1:]


@rule("record", "日期（…日期、…时间）在 1949-10-01 至构建日期后一年之内", FORMAT)
def plausible_record_dates(record: Record, attachments, today: date | None) -> Iterator[Violation]:
    for key, value in record.data.items():
        if isinstance(key, str) and key.endswith(("日期", "时间")):
            problem = implausible(parse_moment(value), today)
            if problem:
                yield record.violation(key, f"{problem}（实为「{record.brief(key)}」）", FORMAT)


@rule("record", "份数、收到意见数为不小于 0 的有限整数（份数至少为 1）", FORMAT)
def plausible_counts(record: Record, attachments, today) -> Iterator[Violation]:
    key, least = OPINIONS
    if key in record.data:
        yield from _count(record, key, record.data[key], least)
    items, key, least = MATERIAL_COPIES
    materials = record.data.get(items)
    if isinstance(materials, list):
        for number, material in enumerate(materials, 1):
            if isinstance(material, dict) and key in material:
                yield from _count(record, f"{items}[{number}].{key}", material[key], least)


def _count(record: Record, where: str, value: Any, least: int) -> Iterator[Violation]:
    problem = count_problem(value, least)
    if problem:
        yield record.violation(where, problem, FORMAT)


@site_rule("上级网站不成环：沿 parent 向上终止于没有上级的主站", "第二条")
def no_parent_cycle(site: Site, group: Group) -> Iterator[Violation]:
    chain, current = [site.id], site
    while current.parent and current.parent in group.sites:
        if current.parent in chain:
            if current.parent == site.id:  # reported once, by each site on the circle
                circle = " → ".join([*chain, site.id])
                yield site.violation(
                    "parent",
                    f"上级网站形成循环（{circle}）：主站不写 parent，其他网站的 parent 写主站",
                    "第二条",
                )
            return
        chain.append(current.parent)
        current = group.sites[current.parent]
