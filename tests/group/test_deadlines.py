"""Every letter counted against the group's reply limits (受理, 办结, 3 months; 第十条（四）):
in the check's warnings, the build report and the monitor's notes."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
import yaml
from conftest import DEMO_CONTENT, run_pelican

from archive_tool.group.rules.check import check_group
from archive_tool.group.rules.deadlines import ReplyLimits, lateness
from archive_tool.group.rules.interaction import Letter
from archive_tool.monitor.report import monitor_and_report
from archive_tool.monitor.run import Options

TODAY = date(2026, 11, 26)
LIMITS = ReplyLimits(accept=2, finish=15)


def letter(received: str, accepted: str | None = None, answered: str | None = None) -> Letter:
    data = {"标题": "路灯", "受理日期": accepted} if accepted else {"标题": "路灯"}
    done = datetime.fromisoformat(answered) if answered else None
    return Letter("x", data, datetime.fromisoformat(received), done, None, False)


def test_each_limit_is_counted_in_working_days():
    on_time = letter("2026-11-02 09:00", "2026-11-03", "2026-11-20 10:00")  # Mon, Tue, Fri+2w
    assert lateness(on_time, LIMITS, TODAY) == {}
    slow = letter("2026-11-02 09:00", "2026-11-06", "2026-11-30 10:00")
    late = lateness(slow, LIMITS, date(2026, 12, 1))
    assert set(late) == {"受理", "办结"}
    assert "2026-11-02 收到，2026-11-06 才受理，用时 4 个工作日，超过 2 个工作日" == late["受理"]
    assert "2026-11-06 受理，2026-11-30 才答复，用时 16 个工作日" in late["办结"]
    waiting = lateness(letter("2026-11-20 09:00"), LIMITS, TODAY)  # Friday; today Thursday
    assert waiting == {
        "受理": "2026-11-20 收到，至 2026-11-26 未受理，用时 4 个工作日，超过 2 个工作日"
    }
    old = lateness(letter("2026-07-09 08:31", "2026-07-09"), LIMITS, TODAY)
    assert set(old) == {"办结", "3个月"}
    assert lateness(letter("2026-07-09 08:31", "2026-07-09"), ReplyLimits(), TODAY).keys() == {
        "3个月"
    }


@pytest.fixture
def late_group(group_copy):
    folder = group_copy / "fgw" / "letters"
    folder.mkdir()
    (folder / "bz1.yaml").write_text(
        yaml.safe_dump(
            {
                "标题": "路灯不亮",
                "类型": "咨询",
                "留言时间": "2026-11-02 09:00",
                "留言内容": "请修",
                "受理日期": "2026-11-09",
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return group_copy


def test_late_letters_are_warnings_naming_their_dates(late_group):
    report = check_group(late_group, TODAY)
    (found,) = [v for v in report.warnings if v.site == "fgw"]
    assert found.file.endswith("fgw/letters/bz1.yaml") and found.article == "第十条（四）"
    assert "留言「路灯不亮」受理超时：2026-11-02 收到，2026-11-09 才受理" in found.message
    limits, counts = report.deadlines["fgw"]
    assert limits == LIMITS  # the group's, from the portal's site.yaml
    assert counts == {"留言": 1, "受理": 1, "办结": 0, "3个月": 0}


def test_a_site_sets_its_own_limits_and_bad_ones_are_named(late_group):
    site = late_group / "fgw" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "答复时限: {受理: 5}\n", encoding="utf-8")
    report = check_group(late_group, TODAY)
    assert report.deadlines["fgw"][0] == ReplyLimits(accept=5, finish=15)
    assert not [v for v in report.warnings if v.site == "fgw"]
    site.write_text(
        site.read_text(encoding="utf-8").replace("受理: 5", "受理: 0"), encoding="utf-8"
    )
    (bad,) = [v for v in check_group(late_group, TODAY).errors if v.site == "fgw"]
    assert bad.field == "答复时限.受理" and "1 至 60" in bad.message


def test_build_report_and_monitor_count_every_letter(late_group, tmp_path):
    output = tmp_path / "out"
    built = run_pelican(late_group, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert built.returncode == 0, built.stderr
    text = (output / "build-report.txt").read_text(encoding="utf-8")
    letters = len(list((DEMO_CONTENT / "bozhou" / "letters").glob("*.yaml")))
    assert "留言办理时限" in text
    assert f"bozhou：留言 {letters} 件（受理 2 个工作日、办结 15 个工作日、答复 3 个月）" in text
    assert "fgw：留言 1 件" in text and "受理超时 1 件" in text
    assert "关于示例苑小区地下车库雨后长期积水的问题」办结超时" in text

    options = Options(content_root=late_group, build_dir=output, ledger_file=None, use_ledger=False)
    options.today = TODAY
    result, _ = monitor_and_report(options, tmp_path / "report")
    notes = {s.site.id: s.notes for s in result.sites}
    assert any(
        n.startswith("留言办理时限（受理 2 个工作日") and "受理超时 1 件" in n for n in notes["fgw"]
    )
    assert any("（bz1）受理超时：2026-11-02 收到" in n for n in notes["fgw"])
    assert any("（2026-0011）办结超时" in n for n in notes["bozhou"])
    shutil.rmtree(output)
