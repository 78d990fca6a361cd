"""A platform's export into a site's letter records (``content/<site>/letters/<编号>.yaml``).

Idempotent by 编号: each letter is one file named by it (in lower case, ``_`` as ``-``, as
record names are), a re-import rewrites what changed
and never adds a second file; keys the export does not give (不公开原因, a 保密审查) are kept.
The record is written as the intake's export writes it, masked (safety.citizens): 留言人 as
「张某」, no contact details, every personal number in the text hidden. A row that would not
make a valid letter (the group's own letter rules, group.rules.interaction) is reported
with its row number, field and column, and the other rows are imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..compliance import errors, run_rules, shorten
from ..content.loader import LETTER_FOLDER, load_content
from ..content.records import RECORD_SLUG, Record
from ..content.values import parse_moment
from ..content.yamlfile import write_record
from ..errors import ToolkitError
from ..group.rules.interaction import LETTER_ARTICLE, LETTER_TYPES
from ..safety.citizens import public_letter
from ..safety.numbers import mask_personal_numbers
from .columns import FIELDS, NUMBER, REQUIRED, SETTINGS_KEY, Mapping, site_mapping
from .sheet import read_rows

NUMBER_FORM = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")
TIMES = ("留言时间", "答复时间")  # written as YYYY-MM-DD HH:MM
DAYS = ("受理日期", "转办日期")  # written as YYYY-MM-DD
MAX_TEXT = 20_000  # characters in one cell


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行 字段「{self.field}」（列「{self.column}」）：{self.message}"


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    repeated: list[tuple[str, int, int]] = field(default_factory=list)  # 编号, first, kept row


def import_letters(export: Path, content_root: Path, site_id: str, today: date) -> ImportResult:
    """Import every good row of ``export`` into the site's letters; what was done."""
    group = load_content(Path(content_root))
    site = group.sites.get(site_id)
    if site is None:
        raise ToolkitError(
            f"{content_root}/{site_id}/site.yaml 不存在或无法读取：--site 应为网站群中站点的 ID"
        )
    mapping = site_mapping(site.raw(SETTINGS_KEY), site.file)
    header, rows = read_rows(Path(export))
    missing = [
        mapping.header_of(name) for name in REQUIRED if mapping.header_of(name) not in header
    ]
    if missing:
        raise ToolkitError(
            f"{export}：缺少列 {'、'.join(f'「{shorten(c)}」' for c in missing)}"
            f"（在 {site.file} 的「{SETTINGS_KEY}.列」中写明本平台的列名）"
        )
    existing = {
        file.slug: file.data
        for file in site.records.get(LETTER_FOLDER, [])
        if file.error is None and isinstance(file.data, dict)
    }
    folder = Path(content_root) / site_id / LETTER_FOLDER
    result = ImportResult()
    chosen: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, cells in rows:
        letter, problems = _letter(number, cells, mapping, site_id, folder, today)
        result.problems += problems
        if letter is None:
            continue
        key = letter.pop(NUMBER)
        if key in chosen:
            result.repeated.append((key, chosen[key][0], number))
        chosen[key] = (number, letter)
    folder.mkdir(exist_ok=True)
    for key, (_, letter) in chosen.items():
        before = existing.get(key)
        data = _merged(before, letter)
        if before == data:
            result.unchanged.append(key)
            continue
        write_record(folder / f"{key}.yaml", data)
        (result.updated if before is not None else result.added).append(key)
    return result


def _letter(number, cells, mapping: Mapping, site_id, folder, today):
    """The row as a masked letter record (with its 编号), or its problems."""
    problems: list[RowProblem] = []

    def problem(name: str, message: str) -> None:
        problems.append(RowProblem(number, name, mapping.header_of(name), message))

    data: dict[str, Any] = {}
    for name in FIELDS:
        value = cells.get(mapping.header_of(name))
        if value in (None, ""):
            continue
        if name in TIMES or name in DAYS:
            moment = _moment(value)
            if moment is None:
                problem(name, f"不是有效的日期时间：「{shorten(value)}」")
                continue
            data[name] = moment.strftime("%Y-%m-%d %H:%M" if name in TIMES else "%Y-%m-%d")
        elif isinstance(value, (datetime, date)):
            problem(name, "应为文字，实为日期")
        elif len(str(value)) > MAX_TEXT:
            problem(name, f"超过 {MAX_TEXT} 字")
        else:
            data[name] = str(value)
    given = data.get(NUMBER, "")
    key = given.lower().replace("_", "-")  # the record's file name
    valid = NUMBER_FORM.match(given) and RECORD_SLUG.match(key)
    if given and (not valid or mask_personal_numbers(given) != given):
        shown = mask_personal_numbers(shorten(given))
        message = f"编号只能由字母、数字、连字符和下划线组成（64 个字符以内），实为「{shown}」"
        problem(NUMBER, message)
    kind = data.get("类型")
    if kind is not None:
        if mapping.types.get(kind) in LETTER_TYPES:
            data["类型"] = mapping.types[kind]
        else:
            problem(
                "类型",
                f"「{shorten(kind)}」无法对应为 {' / '.join(LETTER_TYPES)}（在「{SETTINGS_KEY}.类型对照」中写明）",
            )
    if problems:
        return None, problems
    record_data = public_letter({k: v for k, v in data.items() if k != NUMBER})
    record = Record(site_id, str(folder / f"{key}.yaml"), key, record_data, LETTER_ARTICLE)
    found = errors(run_rules("record", record, frozenset(), today, applies_to=LETTER_FOLDER))
    if not key:
        problem(NUMBER, f"缺少「{NUMBER}」")
    for violation in found:
        problem(violation.field, violation.message)
    if problems:
        return None, problems
    return {NUMBER: key, **record_data}, []


def _moment(value: Any) -> datetime | None:
    """A platform's date or time: a spreadsheet's own, or text with - / . or 年月日."""
    if isinstance(value, (datetime, date)):
        return parse_moment(value)
    text = re.sub(r"[/.年月]", "-", str(value).strip()).replace("日", "")
    text = re.sub(r"-(\d)(?=\D|$)", r"-0\1", text)  # 2026-1-5 → 2026-01-05
    if re.match(r"^\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}:\d{2}$", text):
        text = text[:-3]  # seconds are not kept
    text = re.sub(r"\s+(\d):", r" 0\1:", text)
    return parse_moment(text)


def _merged(before: dict | None, letter: dict[str, Any]) -> dict[str, Any]:
    """The record after the import: what the export gives, over the keys it does not."""
    kept = {k: v for k, v in (before or {}).items() if k not in FIELDS}
    return letter | kept
