"""The computed figures of the 年度工作报表 against an independent count of the demo content."""

from __future__ import annotations

import json
from datetime import date

import pytest
from annual_helpers import SITES, YEAR, demo_reports, independent_count  # noqa: F401
from conftest import DEMO_CONTENT

from archive_tool.content.loader import load_content
from archive_tool.group.rules.check import check_content
from archive_tool.report.annual import group_reports
from archive_tool.report.counters import COUNTERS
from archive_tool.report.counts import Scope
from archive_tool.report.fields import all_fields


def computed(folder, site: str) -> dict[str, object]:
    data = json.loads((folder / f"{site}-{YEAR}.json").read_text(encoding="utf-8"))
    return {f["key"]: f["value"] for f in data["fields"] if f["source"] == "computed"}


@pytest.mark.parametrize("site", SITES)
def test_figures_match_an_independent_count(demo_reports, site):  # noqa: F811
    expected = independent_count(site)
    found = computed(demo_reports, site)
    assert {key: found[key] for key in expected} == expected
    # the demo is not empty: a count that silently found nothing would not pass
    assert expected["信息发布.总数"] > 0 and expected["信息发布.政务动态信息更新量"] > 0
    assert expected["解读回应.解读信息发布.总数"] > 0


def test_the_demo_portal_has_letters_consultations_interviews_and_online_services():
    expected = independent_count("bozhou")
    assert (
        expected["互动交流.留言办理.收到留言数量"] > expected["互动交流.留言办理.办结留言数量"] > 0
    )
    assert expected["互动交流.留言办理.平均办理时间"] > 0
    assert expected["互动交流.征集调查.收到意见数量"] > 0
    assert expected["互动交流.在线访谈.期数"] > 0
    assert 0 < expected["办事服务.可全程在线办理事项数量"] < expected["办事服务.政务服务事项数量"]


@pytest.fixture(scope="module")
def checked():
    return check_content(load_content(DEMO_CONTENT), date(2026, 12, 31))


@pytest.mark.parametrize("site", SITES)
def test_only_what_was_published_in_the_year_counts(checked, site):
    scope = Scope(checked, checked.group.sites[site], 2025, date(2025, 12, 31))
    expected = independent_count(site, 2025)
    found = {f.key: COUNTERS[f.counter](scope).value for f in all_fields() if f.counter}
    assert {key: found[key] for key in expected} == expected
    assert expected != independent_count(site)  # the year decides what is counted


def test_the_running_year_counts_up_to_its_day(checked):
    site = checked.group.sites["bozhou"]
    before = COUNTERS["articles"](Scope(checked, site, YEAR, date(2026, 11, 19))).value
    after = COUNTERS["articles"](Scope(checked, site, YEAR, date(2026, 12, 31))).value
    assert 0 < before < after  # articles of 20–22 November are not counted on the 19th


def _add(group_copy, relative, text):
    path = group_copy / relative
    path.write_text(text, encoding="utf-8")


def test_interpretations_are_split_by_form(group_copy):
    head = "Date: 2026-05-01 09:00\ndisclosure: 主动公开\ninterprets: zhengwugongkai-yaodian-2026\n"
    _add(group_copy, "bozhou/zcjd/tujie.md", "Title: 一图读懂政务公开要点\n" + head + "\n图\n")
    _add(
        group_copy,
        "bozhou/zcjd/pinglun.md",
        "Title: 媒体评论：让政务公开更有温度\n" + head + "source: 亳州日报\n\n评论\n",
    )
    report = check_content(load_content(group_copy), date(2026, 12, 31))
    assert report.ok, report.errors
    scope = Scope(report, report.group.sites["bozhou"], YEAR, date(2026, 12, 31))
    value = {name: COUNTERS[name](scope).value for name in COUNTERS}
    assert value["interpretations"] == 3
    assert value["interpretations-product"] == 1 and value["interpretations-media"] == 1
    assert value["interpretations-material"] == 1
    titles = [item.title for item in COUNTERS["interpretations-product"](scope).items]
    assert titles == ["一图读懂政务公开要点"]


def test_a_withheld_letter_counts_but_is_not_listed_by_its_text(group_copy):
    path = group_copy / "bozhou/letters/2026-0003.yaml"
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("标题:"))[3:].strip()
    path.write_text(text + "不公开原因: 反映情况不属实\n", encoding="utf-8")
    report = check_content(load_content(group_copy), date(2026, 12, 31))
    scope = Scope(report, report.group.sites["bozhou"], YEAR, date(2026, 12, 31))
    received = COUNTERS["letters-received"](scope)
    public = COUNTERS["letters-public"](scope)
    answered = COUNTERS["letters-answered"](scope)
    assert received.value == independent_count("bozhou")["互动交流.留言办理.收到留言数量"]
    assert public.value == answered.value - 1
    assert title not in [item.title for item in received.items]
    assert any(item.path == "" and "不公开" in item.title for item in received.items)


def test_every_published_site_gets_a_report_and_the_pending_one_none(checked):
    reports, problems = group_reports(checked, YEAR, date(2026, 12, 31))
    assert sorted(r.site_id for r in reports) == sorted(SITES)
    assert all(p.severity == "warning" for p in problems)
