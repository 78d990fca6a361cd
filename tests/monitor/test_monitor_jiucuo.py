"""找错 messages (第十条（四）): half a working day for the draft reply, one for the answer,
counted in office hours on the PRC calendar."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta

import pytest
from conftest import DEMO_CONTENT

from archive_tool.errors import ToolkitError
from archive_tool.monitor.jiucuo import jiucuo_findings, read_records
from archive_tool.monitor.workhours import WORKING_DAY, add_working_time, working_time_between

HOME = "https://www.qcq.gov.cn/"


def records(tmp_path, **files):
    folder = tmp_path / "_monitoring" / "jiucuo"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / f"{name.replace('_', '-')}.yaml").write_text(text, "utf-8")
    return read_records(folder, tmp_path)


def test_the_demo_records_are_on_time():
    folder = DEMO_CONTENT / "_monitoring" / "jiucuo"
    found = read_records(folder, DEMO_CONTENT)
    assert {record.site for record in found} == {"bozhou", "qcq"}
    for site in ("bozhou", "qcq"):
        assert jiucuo_findings(found, site, HOME, date(2026, 11, 26)) == []


def test_office_hours_skip_the_evening_the_weekend_and_the_holiday():
    assert WORKING_DAY.total_seconds() == 6.5 * 3600
    # Friday 16:50: 40 minutes that day, the rest on Monday morning.
    assert add_working_time(datetime(2026, 11, 20, 16, 50), WORKING_DAY / 2) == datetime(
        2026, 11, 23, 11, 5
    )
    # The lunch break does not count.
    lunch = working_time_between(datetime(2026, 11, 23, 11, 0), datetime(2026, 11, 23, 15, 0))
    assert lunch == timedelta(hours=1, minutes=30)
    # Received on the eve of National Day 2026, answered on the first working day after it.
    assert add_working_time(datetime(2026, 9, 30, 17, 0), WORKING_DAY) == datetime(
        2026, 10, 8, 17, 0
    )


def test_late_draft_and_answer_are_reported_with_their_deadlines(tmp_path):
    found = records(
        tmp_path,
        qcq_0009="站点: qcq\n收到时间: 2026-11-20 16:50\n回复意见时间: 2026-11-23 11:30\n"
        "答复时间: 2026-11-23 16:00\n",
    )
    (finding,) = jiucuo_findings(found, "qcq", HOME, date(2026, 11, 26))
    assert finding.indicator.name == "找错留言办理超时"
    assert "回复意见于 2026-11-23 11:30，超过时限 2026-11-23 11:05" in finding.evidence
    assert "答复网民" not in finding.evidence  # 16:00 is before the 16:50 deadline
    assert finding.page == HOME


def test_over_the_holiday_an_answer_on_the_first_working_day_is_on_time(tmp_path):
    found = records(
        tmp_path,
        qcq_0010="站点: qcq\n收到时间: 2026-09-30 17:00\n回复意见时间: 2026-10-08 11:00\n"
        "答复时间: 2026-10-08 12:00\n",
    )
    assert jiucuo_findings(found, "qcq", HOME, date(2026, 10, 9)) == []


def test_a_message_without_an_answer_is_late_once_its_deadline_has_passed(tmp_path):
    text = "站点: qcq\n页面: https://www.qcq.gov.cn/zwdt/\n收到时间: 2026-11-25 17:00\n"
    found = records(tmp_path, qcq_0011=text)
    assert jiucuo_findings(found, "qcq", HOME, date(2026, 11, 25)) == []  # due on the 26th
    (finding,) = jiucuo_findings(found, "qcq", HOME, date(2026, 11, 26))
    assert "至今未完成" in finding.evidence and finding.page == "https://www.qcq.gov.cn/zwdt/"
    assert jiucuo_findings(found, "bozhou", HOME, date(2026, 11, 26)) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("站点: qcq\n收到时间: 2026-11-31 09:00\n", "「收到时间」应为"),
        ("站点: qcq\n", "缺少「收到时间」"),
        ("站点: qcq\n收到时间: 2026-11-20 09:00\n答复时间: 2026-11-19 09:00\n", "早于"),
        ("站点: qcq\n收到时间: 2026-11-20 09:00\n答复时候: 2026-11-20 10:00\n", "答复时间"),
        ("- 站点\n", "映射"),
    ],
)
def test_a_malformed_record_stops_the_run_naming_file_and_field(tmp_path, text, expected):
    with pytest.raises(ToolkitError, match=expected) as caught:
        records(tmp_path, qcq_0012=text)
    assert "_monitoring/jiucuo/qcq-0012.yaml" in str(caught.value)


def test_a_record_for_a_site_outside_the_group_is_refused(tmp_path):
    from archive_tool.monitor.run import Options, monitor

    content = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, content)
    (content / "_monitoring" / "jiucuo" / "x-1.yaml").write_text(
        "站点: nosuch\n收到时间: 2026-11-20 09:00\n", "utf-8"
    )
    with pytest.raises(ToolkitError, match="nosuch"):
        monitor(Options(content_root=content, today=date(2026, 11, 26), use_ledger=False))
