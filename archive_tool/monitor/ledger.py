"""The 政府网站问题整改清单 and 问题销号 (第十一条（二）): numbered items, kept with the content.

Each serious (单项否决) problem a group run finds gets an item with a stable number
(``亳政网整〔2026〕第7号``), the date issued and a deadline 3 working days later on the
PRC calendar (lifecycle.workdays, as the notices use). A later run marks the item
已整改 only when it checked the problem and found it gone, and 逾期 once the deadline
has passed first (an item fixed after its deadline is 已整改 and stays marked 逾期).
Numbers count up per year of issue, never change and are never reused: the last number
of each year is kept in the file, so deleting an item does not free its number. A
problem that comes back after 销号 is a new item.

The ledger is ``content/_monitoring/整改清单.yaml``, committed with the content (the
loader skips folders starting with ``_`` that are not the library or the lexicons). It
is read with the bounded YAML reader; a malformed ledger stops the run before anything
is written, and the file is replaced atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ..content.values import parse_day
from ..content.yamlfile import MAX_LEDGER_BYTES, read_yaml_file, reading_problem
from ..errors import ToolkitError
from ..lifecycle.workdays import add_working_days
from .indicators import BY_NAME, Finding

MONITORING_FOLDER = "_monitoring"  # content/_monitoring/
LEDGER_NAME = "整改清单.yaml"
NUMBER_PREFIX = "亳政网整"
NUMBER = re.compile(rf"^{NUMBER_PREFIX}〔(\d{{4}})〕第(\d+)号$")
DEADLINE_WORKING_DAYS = 3  # 整改时限不超过 3 个工作日
OPEN, FIXED, OVERDUE = "整改中", "已整改", "逾期"
STATUSES = (OPEN, FIXED, OVERDUE)
MODES = {"built": "构建输出", "live": "在线访问"}
HEADER = """\
# 政府网站问题整改清单（《亳州市政府网站群管理办法（暂行）》第十一条（二）问题销号制度）
# 由 archive-tool monitor 维护：每个严重问题登记一个编号，整改时限 3 个工作日；
# 复核确认问题消失后销号（已整改），期限内未整改的标为逾期。
# 编号一经下发不再改变、不再重复使用（“编号计数”记录每年已用到的号）。请勿手工改动编号。
"""
KEYS = ("最近监测日期", "编号计数", "问题")
ITEM_KEYS = (
    "编号",
    "站点",
    "指标",
    "页面",
    "问题标识",
    "证据",
    "下发日期",
    "整改期限",
    "状态",
    "监测方式",
    "最近复核",
    "销号日期",
    "逾期",
)
ITEM_REQUIRED = ITEM_KEYS[:9]


def format_number(year: int, number: int) -> str:
    """
    >>> format_number(2026, 7)
    '亳政网整〔2026〕第7号'
    """
    return f"{NUMBER_PREFIX}〔{year}〕第{number}号"


@dataclass
class Item:
    number: str
    site: str
    indicator: str
    page: str
    key: str
    evidence: str
    issued: date
    deadline: date
    status: str = OPEN
    mode: str = "built"
    checked: date | None = None  # the last run that checked the item
    closed: date | None = None  # 销号日期
    overdue: bool = False  # the deadline passed before the fix was verified

    @property
    def open(self) -> bool:
        return self.status in (OPEN, OVERDUE)

    @property
    def shown_status(self) -> str:
        if self.status == FIXED and self.overdue:
            return "已整改（逾期）"
        return self.status

    def as_dict(self) -> dict:
        data = {
            "编号": self.number,
            "站点": self.site,
            "指标": self.indicator,
            "页面": self.page,
            "问题标识": self.key,
            "证据": self.evidence,
            "下发日期": self.issued.isoformat(),
            "整改期限": self.deadline.isoformat(),
            "状态": self.status,
            "监测方式": MODES.get(self.mode, self.mode),
        }
        if self.checked:
            data["最近复核"] = self.checked.isoformat()
        if self.closed:
            data["销号日期"] = self.closed.isoformat()
        if self.overdue:
            data["逾期"] = True
        return data


@dataclass
class Ledger:
    path: Path
    shown: str
    items: list[Item] = field(default_factory=list)
    counters: dict[int, int] = field(default_factory=dict)  # year → last number issued
    last_run: date | None = None

    def for_site(self, site: str) -> list[Item]:
        return [item for item in self.items if item.site == site]

    def by_key(self) -> dict[str, Item]:
        """The open item of each problem."""
        return {item.key: item for item in self.items if item.open}


def read_ledger(path: Path, shown: str | None = None) -> Ledger:
    """The ledger at ``path`` (empty when the file does not exist yet)."""
    shown = shown or str(path)
    ledger = Ledger(Path(path), shown)
    if not ledger.path.exists():
        return ledger
    file = read_yaml_file(MONITORING_FOLDER, ledger.path, shown, MAX_LEDGER_BYTES)
    if file.error is not None:
        raise ToolkitError(f"{shown}：{reading_problem(file.error)}")
    data = file.data if file.data is not None else {}
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ToolkitError(f"{shown}：内容应是含「问题」列表的映射")
    problems += [f"未知字段「{key}」" for key in data if key not in KEYS]
    if data.get("最近监测日期") not in (None, ""):
        ledger.last_run = parse_day(data["最近监测日期"])
        if ledger.last_run is None:
            problems.append("「最近监测日期」应为 YYYY-MM-DD")
    counters = data.get("编号计数") or {}
    if not isinstance(counters, dict):
        problems.append("「编号计数」应为“年份: 已用到的号”的映射")
        counters = {}
    for year, last in counters.items():
        if not (str(year).isdigit() and isinstance(last, int) and last >= 0):
            problems.append(f"「编号计数」中「{year}: {last}」应为“年份: 号数”")
        else:
            ledger.counters[int(year)] = last
    entries = data.get("问题") or []
    if not isinstance(entries, list):
        problems.append("「问题」应为列表")
        entries = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, 1):
        item, found = _item(entry, f"问题[{index}]")
        problems += found
        if item is None:
            continue
        if item.number in seen:
            problems.append(f"问题[{index}]：编号「{item.number}」重复")
        seen.add(item.number)
        ledger.items.append(item)
    if problems:
        raise ToolkitError(f"{shown} 有误，未生成报告：\n" + "\n".join(f"  {p}" for p in problems))
    for item in ledger.items:  # the counter never falls behind an issued number
        year, number = _number_parts(item.number)
        ledger.counters[year] = max(ledger.counters.get(year, 0), number)
    return ledger


def _number_parts(number: str) -> tuple[int, int]:
    match = NUMBER.match(number)
    return int(match[1]), int(match[2])


def _item(entry, where: str) -> tuple[Item | None, list[str]]:
    if not isinstance(entry, dict):
        return None, [f"{where}：应为“字段: 值”的映射"]
    problems = [f"{where}：未知字段「{key}」" for key in entry if key not in ITEM_KEYS]
    problems += [f"{where}：缺少「{key}」" for key in ITEM_REQUIRED if entry.get(key) in (None, "")]
    if problems:
        return None, problems
    text = {key: str(entry.get(key) or "").strip() for key in ITEM_KEYS}
    if not NUMBER.match(text["编号"]):
        problems.append(
            f"{where}：编号应为「{format_number(2026, 1)}」的形式，实为「{text['编号'][:40]}」"
        )
    if text["指标"] not in BY_NAME:
        problems.append(f"{where}：未知指标「{text['指标'][:40]}」")
    if text["状态"] not in STATUSES:
        problems.append(f"{where}：状态应为 {' / '.join(STATUSES)} 之一")
    days = {}
    for key in ("下发日期", "整改期限", "最近复核", "销号日期"):
        days[key] = parse_day(text[key]) if text[key] else None
        if text[key] and days[key] is None:
            problems.append(f"{where}：「{key}」应为 YYYY-MM-DD")
    if problems:
        return None, problems
    modes = {label: mode for mode, label in MODES.items()}
    item = Item(
        number=text["编号"],
        site=text["站点"],
        indicator=text["指标"],
        page=text["页面"],
        key=text["问题标识"],
        evidence=text["证据"],
        issued=days["下发日期"],
        deadline=days["整改期限"],
        status=text["状态"],
        mode=modes.get(text["监测方式"], "built"),
        checked=days["最近复核"],
        closed=days["销号日期"],
        overdue=entry.get("逾期") is True,
    )
    return item, []


def check_date(ledger: Ledger, today: date) -> None:
    """Refuse a run as of a date before the last one recorded: items are settled in order."""
    if ledger.last_run and today < ledger.last_run:
        raise ToolkitError(
            f"{ledger.shown} 已记录 {ledger.last_run:%Y-%m-%d} 的监测，不能按更早的日期"
            f" {today:%Y-%m-%d} 更新整改清单（可加 --no-ledger 只生成报告）"
        )


def update_ledger(
    ledger: Ledger,
    findings: Iterable[Finding],
    covered: Callable[[Item], bool],
    today: date,
    mode: str,
) -> dict[str, list[Item]]:
    """Issue items for new serious findings, and settle the open ones as of ``today``.

    ``covered(item)`` says whether this run checked the item's problem (its site, its
    indicator and, for a problem on one page, that page): only then may a missing finding
    close it. Returns the items by what happened: issued, fixed, overdue, open.
    """
    check_date(ledger, today)
    changes: dict[str, list[Item]] = {"issued": [], "fixed": [], "overdue": [], "open": []}
    current = ledger.by_key()
    found: dict[str, Finding] = {}
    for finding in findings:
        if finding.veto:
            found.setdefault(finding.key, finding)
    for key, finding in found.items():
        item = current.get(key)
        if item is None:
            item = _issue(ledger, finding, today, mode)
            changes["issued"].append(item)
            continue
        item.evidence, item.page, item.checked = finding.evidence, finding.page, today
        if today > item.deadline:
            if item.status == OPEN:
                changes["overdue"].append(item)
            item.status, item.overdue = OVERDUE, True
        else:
            changes["open"].append(item)
    for key, item in current.items():
        if key in found or not covered(item):
            if key not in found and item.status == OPEN and today > item.deadline:
                item.status, item.overdue = OVERDUE, True
                changes["overdue"].append(item)
            continue
        item.status, item.closed, item.checked = FIXED, today, today
        item.overdue = item.overdue or today > item.deadline
        changes["fixed"].append(item)
    ledger.last_run = max(ledger.last_run or today, today)
    return changes


def _issue(ledger: Ledger, finding: Finding, today: date, mode: str) -> Item:
    number = ledger.counters.get(today.year, 0) + 1
    ledger.counters[today.year] = number
    item = Item(
        number=format_number(today.year, number),
        site=finding.site,
        indicator=finding.indicator.name,
        page=finding.page,
        key=finding.key,
        evidence=finding.evidence,
        issued=today,
        deadline=add_working_days(today, DEADLINE_WORKING_DAYS),
        mode=mode,
        checked=today,
    )
    ledger.items.append(item)
    return item


def write_ledger(ledger: Ledger) -> None:
    """Replace the ledger file atomically (a temporary file in the same folder)."""
    data = {
        "最近监测日期": ledger.last_run.isoformat() if ledger.last_run else None,
        "编号计数": {str(year): last for year, last in sorted(ledger.counters.items())},
        "问题": [item.as_dict() for item in ledger.items],
    }
    text = HEADER + yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    ledger.path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(ledger.path, text)


def replace_file(path: Path, text: str) -> Path:
    """Write ``path`` whole or not at all (a temporary file in the same folder, then renamed),
    readable by everyone (0644) like any file a person writes: reports and the 整改清单 are
    served by a web server running as another user (mkstemp alone gives 0600, a 403)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
