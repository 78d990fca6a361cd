"""Shared by the 年度工作报表 tests: an independent count of the demo content (plain file
reading, its own definitions, no archive_tool code), and the demo's reports made once."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import holidays
import pytest
import yaml
from conftest import DEMO_CONTENT, archive_tool

YEAR = 2026
AS_OF = "2026-12-31"
SITES = ("bozhou", "fgw", "gxq", "qcq", "sjj")  # the demo's published sites

# The definitions of docs/annual-report.md, written out again.
OVERVIEW = {"概况信息", "机构职能", "负责人信息"}
DISCLOSURE = {"通知公告", "政策文件", "政策解读", "人事信息", "规划计划"}
META = re.compile(r"^([A-Za-z_]+):\s*(.*)$")


def metadata(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = META.match(line)
        if not match:
            break
        found[match[1].lower()] = match[2].strip()
    return found


def columns(site: str) -> dict[str, dict]:
    data = yaml.safe_load((DEMO_CONTENT / site / "site.yaml").read_text(encoding="utf-8"))
    return {column["id"]: column for column in data["columns"]}


def posts(site: str, year: int) -> list[tuple[dict, dict]]:
    """(metadata, column) of every article the site published in ``year``: its own and its
    copies of library items (a repost counted on its 转载 day)."""
    known = columns(site)
    found = []
    for path in sorted((DEMO_CONTENT / site).glob("*/*.md")):
        meta = metadata(path)
        if meta.get("disclosure") != "不予公开" and meta["date"].startswith(str(year)):
            found.append((meta, known[path.parent.name]))
    for path in sorted((DEMO_CONTENT / "_library").glob("*.md")):
        meta = metadata(path)
        origin_site, _, origin_column = meta["origin"].partition("/")
        if origin_site == site and meta["date"].startswith(str(year)):
            found.append((meta, known[origin_column]))
        for entry in filter(None, (e.strip() for e in meta.get("reposts", "").split(";"))):
            where, _, when = entry.partition(" ")
            repost_site, _, column = where.partition("/")
            if repost_site == site and when.startswith(str(year)):
                found.append((meta, known[column]))
    return found


def records(site: str, folder: str) -> list[dict]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((DEMO_CONTENT / site / folder).glob("*.yaml"))
    ]


def working_days(start: date, end: date) -> int:
    calendar = holidays.China(years=range(start.year, end.year + 1))
    days, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        days += calendar.is_working_day(day)
    return days


def day_of(value) -> date:
    return date.fromisoformat(str(value)[:10])


def independent_count(site: str, year: int = YEAR) -> dict[str, object]:
    """The report's computed figures for one demo site, counted by hand (in code)."""
    published = posts(site, year)
    interpretations = [
        meta for meta, column in published if meta.get("interprets") or column["name"] == "政策解读"
    ]
    letters = [r for r in records(site, "letters") if str(r["留言时间"]).startswith(str(year))]
    cutoff = date(year, 12, 31)
    answered = [r for r in letters if r.get("答复时间") and day_of(r["答复时间"]) <= cutoff]
    days = [
        working_days(day_of(r.get("受理日期") or r["留言时间"]), day_of(r["答复时间"]))
        for r in answered
    ]
    consultations = [
        r for r in records(site, "consultations") if str(r["开始日期"]).startswith(str(year))
    ]
    results = [
        r
        for r in records(site, "consultations")
        if r.get("征集结果") and str(r.get("结果发布日期")).startswith(str(year))
    ]
    services = records(site, "services")
    online = Counter(r["网上可办理程度"] for r in services)["全程网办"]
    return {
        "信息发布.总数": len(published),
        "信息发布.概况类信息更新量": sum(c["name"] in OVERVIEW for _, c in published),
        "信息发布.政务动态信息更新量": sum(
            c["name"] == "政务动态" or c["kind"] == "动态" for _, c in published
        ),
        "信息发布.信息公开目录信息更新量": sum(c["name"] in DISCLOSURE for _, c in published),
        "解读回应.解读信息发布.总数": len(interpretations),
        "解读回应.回应公众关注热点或重大舆情数量": sum(
            meta.get("type") == "辟谣" for meta, _ in published
        ),
        "办事服务.是否发布服务事项目录": "是" if services else "否",
        "办事服务.政务服务事项数量": len(services),
        "办事服务.可全程在线办理事项数量": online,
        "互动交流.留言办理.收到留言数量": len(letters),
        "互动交流.留言办理.办结留言数量": len(answered),
        "互动交流.留言办理.平均办理时间": round(sum(days) / len(days), 1) if days else None,
        "互动交流.留言办理.公开答复数量": sum(not r.get("不公开原因") for r in answered),
        "互动交流.征集调查.期数": len(consultations),
        "互动交流.征集调查.收到意见数量": sum(r.get("收到意见数") or 0 for r in consultations),
        "互动交流.征集调查.公布调查结果期数": len(results),
        "互动交流.在线访谈.期数": sum(
            str(r["访谈时间"]).startswith(str(year)) for r in records(site, "interviews")
        ),
    }


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> Path:
    """``archive-tool annual-report 2026`` on the demo, as of 31 December, written once."""
    folder = tmp_path_factory.mktemp("annual") / str(YEAR)
    result = archive_tool("annual-report", YEAR, DEMO_CONTENT, "-o", folder, "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    return folder
