"""The figures content cannot know: ``content/<site-id>/annual/<YEAR>.yaml``, one per site and year.

The file uses the form's own names, nested as the form groups them (``fields.SECTIONS``)::

    安全防护:
      安全检测评估次数: 12
      发现问题数量: 5

Every supplied field must be written: a missing one is an error naming the file and the
field, never a silent zero. A field the toolkit counts from content, or reads from
site.yaml, must not be written (the page would show two figures for one field); an
unknown key is reported with the known key it most likely means.

The content loader reads these files with the other records of a site (``annual/`` is
one of its record folders, so the publishing-safety scan reads them too); this module
reads a file itself only for a group loaded without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compliance import Violation, shorten
from ..content.loader import ANNUAL_FOLDER
from ..content.registry import Group, display_path
from ..content.values import parse_day, unknown_key_message, unknown_keys
from ..content.yamlfile import read_yaml_file, reading_problem
from .fields import (
    AMOUNT,
    COUNT,
    DATE,
    REGISTRY,
    SUPPLIED,
    TEXT,
    YESNO,
    Field,
    all_fields,
)

ARTICLE = "第十条（五）"
MAX_TEXT = 200
YES, NO = "是", "否"

# Figures that must agree with each other: (field, relation, fields).
CONSISTENCY = (
    ("网站基本信息.独立用户访问总量", "<=", ("网站基本信息.网站总访问量",)),
    ("安全防护.问题整改数量", "<=", ("安全防护.发现问题数量",)),
    ("互动交流.在线访谈.答复网民提问数量", "<=", ("互动交流.在线访谈.网民留言数量",)),
    ("办事服务.办件量.总数", "==", ("办事服务.办件量.自然人", "办事服务.办件量.法人")),
)


@dataclass
class Figures:
    """A site's supplied figures for one year, typed, by field key."""

    site: str
    year: int
    file: str  # as the user knows it
    values: dict[str, Any] = field(default_factory=dict)


def figures_path(root: Path, site_id: str, year: int) -> Path:
    return Path(root) / site_id / ANNUAL_FOLDER / f"{year}.yaml"


def read_figures(group: Group, site_id: str, year: int) -> tuple[Figures | None, list[Violation]]:
    """The site's figures file for ``year``, checked: every supplied field present and of
    its type, nothing unknown, nothing the toolkit counts itself."""
    path = figures_path(group.root, site_id, year)
    shown = display_path(path, group.root)

    def problem(key: str, message: str) -> Violation:
        return Violation(site_id, shown, key, message, ARTICLE)

    if not path.is_file():
        return None, [
            problem(
                "(文件)",
                f"缺少 {year} 年度工作报表的填报数据文件：网站访问量、安全防护等内容无法统计的数据"
                f"须写在此文件中（格式见 docs/annual-report.md）",
            )
        ]
    site = group.sites.get(site_id)
    loaded = [f for f in site.records.get(ANNUAL_FOLDER, []) if f.path == path] if site else []
    file = loaded[0] if loaded else read_yaml_file(site_id, path, shown)
    if file.error is not None:
        key = "(文件)" if isinstance(file.error, UnicodeDecodeError) else "(YAML)"
        return None, [problem(key, reading_problem(file.error))]
    if not isinstance(file.data, dict):
        return None, [problem("(文件)", "内容应是按报表分组填写的“字段: 值”映射")]
    figures = Figures(site_id, year, shown)
    problems = list(_walk(file.data, _tree(), "", figures, problem))
    if not problems:
        problems += _consistency(figures, problem)
    return (None if problems else figures), problems


def _tree() -> dict[str, Any]:
    """The form's nesting: each name maps to a Field or to the names below it."""
    tree: dict[str, Any] = {}
    for item in all_fields():
        node = tree
        for name in item.path[:-1]:
            node = node.setdefault(name, {})
        node[item.name] = item
    return tree


def _supplied_below(node: dict[str, Any]) -> list[Field]:
    found = []
    for child in node.values():
        if isinstance(child, Field):
            if child.source == SUPPLIED:
                found.append(child)
        else:
            found += _supplied_below(child)
    return found


def _walk(data: dict, tree: dict[str, Any], prefix: str, figures: Figures, problem):
    for key, guess in unknown_keys(data, tree):
        yield problem(prefix + key, unknown_key_message(key, guess))
    for name, node in tree.items():
        key = prefix + name
        given = data.get(name)
        if isinstance(node, Field):
            supplied = [node] if node.source == SUPPLIED else []
        else:
            supplied = _supplied_below(node)
        if not supplied:
            if name in data:
                source = "网站登记信息（site.yaml）" if _is_registry(node) else "网站内容自动统计"
                yield problem(key, f"「{key}」由{source}得出，不需要填写，请删除这一项")
            continue
        if given is None or given == "":
            if isinstance(node, Field):
                yield problem(key, f"缺少「{key}」：{HINTS[node.type]}")
            else:
                names = "、".join(item.key for item in supplied)
                yield problem(key, f"缺少「{key}」（应填写：{names}）")
            continue
        if isinstance(node, Field):
            value, message = parse_value(node, given)
            if message:
                yield problem(key, message)
            else:
                figures.values[key] = value
        elif not isinstance(given, dict):
            names = "、".join(item.name for item in supplied)
            yield problem(key, f"「{key}」下应分项填写：{names}")
        else:
            yield from _walk(given, node, key + ".", figures, problem)


HINTS = {
    COUNT: "请填写整数，没有请填 0",
    AMOUNT: "请填写数值，没有请填 0",
    YESNO: "请填写「是」或「否」",
    TEXT: "请填写，没有请写「无」",
    DATE: "请填写日期 YYYY-MM-DD",
}


def _is_registry(node) -> bool:
    return isinstance(node, Field) and node.source == REGISTRY


def parse_value(item: Field, value: Any) -> tuple[Any, str]:
    """A supplied value as its type, or the Chinese reason it is not one.

    >>> from .fields import field
    >>> parse_value(field("安全防护.发现问题数量"), "5个")
    (None, '应为不小于 0 的整数（不写单位），实为「5个」')
    >>> parse_value(field("安全防护.是否开展应急演练"), True)
    ('是', '')
    """
    shown = shorten(value)
    if item.type == COUNT:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value, ""
        return None, f"应为不小于 0 的整数（不写单位），实为「{shown}」"
    if item.type == AMOUNT:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return value, ""
        return None, f"应为不小于 0 的数（单位：{item.unit}，不写单位），实为「{shown}」"
    if item.type == YESNO:
        if isinstance(value, bool):
            return (YES if value else NO), ""
        if str(value).strip() in (YES, NO):
            return str(value).strip(), ""
        return None, f"应为「{YES}」或「{NO}」，实为「{shown}」"
    if item.type == DATE:
        day = parse_day(value)
        if day is None:
            return None, f"应为日期 YYYY-MM-DD，实为「{shown}」"
        return day, ""
    if item.type == TEXT:
        if isinstance(value, (dict, list, bool)):
            return None, "应为一段文字（没有请写「无」）"
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            return None, f"文字过长（不超过 {MAX_TEXT} 字）"
        return text, ""
    raise ValueError(f"unknown field type {item.type}")  # a mistake in fields.SECTIONS


def _consistency(figures: Figures, problem) -> list[Violation]:
    found = []
    for key, relation, others in CONSISTENCY:
        value = figures.values.get(key)
        parts = [figures.values.get(other) for other in others]
        if value is None or None in parts:
            continue
        total = sum(parts)
        named = " 与 ".join(f"「{other}」" for other in others)
        if relation == "<=" and value > total:
            found.append(problem(key, f"不应大于{named}（{value} > {total}）"))
        elif relation == "==" and value != total:
            found.append(problem(key, f"应等于{named}之和（{value} ≠ {total}）"))
    return found
