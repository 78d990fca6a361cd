"""「我为政府网站找错」 messages and their handling times (第十条（四）).

The national platform forwards each message to the unit; the unit records it, with its
times, as one YAML file in ``content/_monitoring/jiucuo/`` (the name is the message's
number: lower-case letters, digits and hyphens)::

    站点: qcq                          # the site id (content/<站点>/)
    页面: https://www.qcq.gov.cn/…     # the page the message is about (optional)
    收到时间: 2026-11-20 09:10          # when the platform forwarded it
    回复意见时间: 2026-11-20 11:30      # the draft reply sent to 市政府办公室 for review
    答复时间: 2026-11-20 16:00          # the answer to the citizen
    摘要: 页面错别字                    # optional, never shown in reports

The draft reply is due half a working day after receipt and the answer one working day
after it, counting office hours (workhours.OFFICE_HOURS). A record still without a time
whose deadline has passed by the end of the monitoring date is late too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from ..content.registry import display_path
from ..content.values import parse_moment, unknown_key_message, unknown_keys
from ..content.yamlfile import read_yaml_file, reading_problem
from ..errors import ToolkitError
from .indicators import JIUCUO_LATE, Finding
from .workhours import WORKING_DAY, add_working_time

JIUCUO_FOLDER = "jiucuo"  # below content/_monitoring/
KEYS = ("站点", "页面", "收到时间", "回复意见时间", "答复时间", "摘要")
REQUIRED = ("站点", "收到时间")
TIMES = ("收到时间", "回复意见时间", "答复时间")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_RECORDS = 10000
DRAFT_TIME = WORKING_DAY / 2  # 半个工作日
ANSWER_TIME = WORKING_DAY  # 1 个工作日


@dataclass(frozen=True)
class JiucuoRecord:
    slug: str
    file: str
    site: str
    page: str
    received: datetime
    drafted: datetime | None
    answered: datetime | None


def read_records(folder: Path, content_root: Path) -> list[JiucuoRecord]:
    """Every record in ``folder``; a malformed one stops the run with every problem named
    (file and field), before anything is written."""
    if not folder.is_dir():
        return []
    files = sorted(path for path in folder.iterdir() if path.suffix == ".yaml")
    if len(files) > MAX_RECORDS:
        raise ToolkitError(f"{display_path(folder, content_root)}：找错记录超过 {MAX_RECORDS} 个")
    records, problems = [], []
    for path in files:
        shown = display_path(path, content_root)
        record, found = _record(path, shown)
        problems += found
        if record is not None:
            records.append(record)
    if problems:
        raise ToolkitError("找错记录有误，未生成报告：\n" + "\n".join(problems))
    return records


def _record(path: Path, shown: str) -> tuple[JiucuoRecord | None, list[str]]:
    if not NAME.match(path.stem):
        return None, [f"{shown}：文件名只能由小写字母、数字和连字符组成"]
    file = read_yaml_file("_monitoring", path, shown)
    if file.error is not None:
        return None, [f"{shown}：{reading_problem(file.error)}"]
    data = file.data
    if not isinstance(data, dict):
        return None, [f"{shown}：内容应是“字段: 值”的映射"]
    problems = [f"{shown}：{unknown_key_message(k, g)}" for k, g in unknown_keys(data, KEYS)]
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            problems.append(f"{shown}：缺少「{key}」")
    moments = {}
    for key in TIMES:
        value = data.get(key)
        moments[key] = parse_moment(value)
        if value not in (None, "") and moments[key] is None:
            problems.append(f"{shown}：「{key}」应为 YYYY-MM-DD HH:MM，实为「{str(value)[:40]}」")
    received = moments["收到时间"]
    for key in ("回复意见时间", "答复时间"):
        if received and moments[key] and moments[key] < received:
            problems.append(f"{shown}：「{key}」早于收到时间")
    if problems:
        return None, problems
    record = JiucuoRecord(
        path.stem,
        shown,
        str(data["站点"]).strip(),
        str(data.get("页面") or "").strip(),
        received,
        moments["回复意见时间"],
        moments["答复时间"],
    )
    return record, []


def jiucuo_findings(
    records: list[JiucuoRecord], site_id: str, home: str, today: date
) -> list[Finding]:
    end_of_day = datetime.combine(today, time.max)
    found = []
    for record in records:
        if record.site != site_id or record.received > end_of_day:
            continue
        late = []
        for label, done, allowed, span in (
            ("回复意见", record.drafted or record.answered, DRAFT_TIME, "半个工作日"),
            ("答复网民", record.answered, ANSWER_TIME, "1 个工作日"),
        ):
            deadline = add_working_time(record.received, allowed)
            if done is not None and done > end_of_day:
                done = None  # not yet done as of the monitoring date
            if done is None and deadline < end_of_day:
                late.append(f"{label}应在 {deadline:%Y-%m-%d %H:%M} 前（{span}），至今未完成")
            elif done is not None and done > deadline:
                late.append(
                    f"{label}于 {done:%Y-%m-%d %H:%M}，超过时限 {deadline:%Y-%m-%d %H:%M}（{span}）"
                )
        if late:
            evidence = (
                f"找错留言 {record.slug}（{record.received:%Y-%m-%d %H:%M} 收到）："
                + "；".join(late)
            )
            page = record.page if record.page.startswith(("http://", "https://")) else home
            found.append(
                Finding(site_id, JIUCUO_LATE, page, evidence, subject=f"找错 {record.slug}")
            )
    return found
