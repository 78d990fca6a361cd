"""Lifecycle records (第五条–第八条): refused when they break a rule, shown when and where due."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from conftest import FGW_OFFLINE, archive_tool, run_pelican


def notice(group, *args):
    return archive_tool("notice", *args, "--content", group)


@pytest.mark.parametrize(
    ("args", "expected", "article"),
    [
        (
            [
                "offline",
                "fgw",
                "--start",
                "2026-12-01 08:00",
                "--end",
                "2027-01-01 08:00",
                "--reason",
                "改造",
                "--approval",
                "皖政办网函〔2026〕1号",
            ],
            "不得超过 30 天",
            "第八条（二）",
        ),
        (
            [
                "offline",
                "fgw",
                "--start",
                "2026-12-01 08:00",
                "--end",
                "2026-12-01 20:00",
                "--reason",
                "改造",
            ],
            "须提前书面报备",
            "第八条（二）",
        ),
        (
            [
                "offline",
                "fgw",
                "--start",
                "2026-12-01 08:00",
                "--end",
                "2026-12-01 20:00",
                "--reason",
                "改造",
                "--reported",
                "2026-12-02",
            ],
            "须在下线",
            "第八条（二）",
        ),
        (
            [
                "offline",
                "fgw",
                "--start",
                "2026-12-01 08:00",
                "--end",
                "2026-12-03 08:00",
                "--reason",
                "改造",
                "--reported",
                "2026-11-20",
            ],
            "须经省政府办公厅同意",
            "第八条（二）",
        ),
        (
            ["resume", "fgw", "--on", "2026-12-20", "--applied", "2026-12-15"],
            "前 7 天提交上线申请",
            "第八条（三）",
        ),
        (
            ["open", "sjj", "--approved", "2026-01-01", "--online", "2026-06-01"],
            "90 日内须达标上线",
            "第五条（二）",
        ),
        (
            ["retire", "sjj", "--approved", "2026-01-01", "--deregistered", "2026-06-01"],
            "90 日内",
            "第八条（一）",
        ),
        (["retire", "sjj", "--approved", "2025-01-01"], "尚未记录注销完成日期", "第八条（一）"),
        (
            ["domain", "fgw", "--new-domain", "fzggw.bozhou.gov.cn", "--start", "2025-01-06"],
            "尚未报备",
            "第六条（二）",
        ),
        (
            [
                "domain",
                "fgw",
                "--new-domain",
                "fzggw.example.com",
                "--start",
                "2026-11-20",
                "--reported",
                "2026-11-21",
            ],
            "应为 .gov.cn 域名",
            "第六条（二）",
        ),
    ],
)
def test_a_record_that_breaks_a_rule_is_refused(group_copy, args, expected, article):
    result = notice(group_copy, *args)
    assert result.returncode == 1, result.stderr
    assert expected in result.stderr and article in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(group_copy.glob("*/notices/*.yaml")), "nothing is written"


def test_offline_at_most_once_a_year_except_force_majeure(group_copy):
    first = ["--reason", "机房改造", "--reported", "2026-11-20"]
    assert (
        notice(
            group_copy,
            "offline",
            "fgw",
            "--start",
            "2026-12-01 08:00",
            "--end",
            "2026-12-01 20:00",
            *first,
        ).returncode
        == 0
    )
    again = notice(
        group_copy,
        "offline",
        "fgw",
        "--start",
        "2026-12-15 08:00",
        "--end",
        "2026-12-15 20:00",
        "--reason",
        "再次",
        "--reported",
        "2026-12-01",
    )
    assert again.returncode == 1 and "每年不得超过 1 次" in again.stderr
    forced = notice(
        group_copy,
        "offline",
        "fgw",
        "--start",
        "2026-12-20 08:00",
        "--end",
        "2026-12-20 20:00",
        "--reason",
        "断电",
        "--reported",
        "2026-12-20",
        "--force-majeure",
    )
    assert forced.returncode == 0, forced.stderr


def test_working_days_follow_the_official_calendar():
    from archive_tool.lifecycle.workdays import add_working_days, is_working_day

    # 2026-01-01/02 are holidays; Sunday 2026-01-04 is the make-up working day (调休).
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert not is_working_day(date(2026, 1, 3)) and is_working_day(date(2026, 1, 4))


def home_has(output, domain, text):
    return text in (output / domain / "index.html").read_text(encoding="utf-8")


def test_a_notice_appears_stands_and_disappears(group_copy, tmp_path):
    result = notice(group_copy, *FGW_OFFLINE)
    assert result.returncode == 0, result.stderr
    output = tmp_path / "output"
    seen = {}
    for day in ("2026-11-27", "2026-11-28", "2026-12-01", "2026-12-02"):
        built = run_pelican(group_copy, output, "-e", f'BUILD_DATE="{day}"')
        assert built.returncode == 0, built.stderr
        seen[day] = (
            home_has(output, "fgw.bozhou.gov.cn", "机房电力改造"),
            home_has(output, "www.bozhou.gov.cn", "机房电力改造"),
        )
    assert seen == {
        "2026-11-27": (False, False),
        "2026-11-28": (True, True),
        "2026-12-01": (True, True),
        "2026-12-02": (False, False),
    }
    listing = (output / "www.bozhou.gov.cn" / "notices.html").read_text(encoding="utf-8")
    assert "机房电力改造" in listing and "2026-12-01 08:00" in listing
    column = (output / "fgw.bozhou.gov.cn" / "tzgg" / "index.html").read_text(encoding="utf-8")
    assert "临时下线公告" in column and "2026-11-28" in column, "it stays in the site's 通知公告"


def test_opening_notice_stands_on_the_portal_for_exactly_30_days(group_copy, tmp_path):
    assert (
        notice(
            group_copy, "open", "sjj", "--approved", "2026-09-01", "--online", "2026-11-01"
        ).returncode
        == 0
    )
    output = tmp_path / "output"
    shown = []
    for day in ("2026-10-31", "2026-11-01", "2026-11-30", "2026-12-01"):
        assert run_pelican(group_copy, output, "-e", f'BUILD_DATE="{day}"').returncode == 0
        shown.append(home_has(output, "www.bozhou.gov.cn", "开通公告"))
    assert shown == [False, True, True, False]


def test_build_rechecks_records_as_time_passes(group_copy, tmp_path):
    assert (
        notice(
            group_copy,
            "domain",
            "fgw",
            "--new-domain",
            "fzggw.bozhou.gov.cn",
            "--start",
            "2026-11-20",
        ).returncode
        == 0
    )
    early = run_pelican(group_copy, tmp_path / "a", "-e", 'BUILD_DATE="2026-11-25"')
    assert early.returncode == 0, early.stderr
    late = run_pelican(group_copy, tmp_path / "b", "-e", 'BUILD_DATE="2027-01-25"')
    assert late.returncode == 1
    assert (
        "尚未报备" in late.stderr
        and "第六条（二）" in late.stderr
        and "notices/20261120-domain.yaml" in late.stderr
    )


def test_an_opening_record_publishes_a_pending_site_on_its_online_date(group_copy, tmp_path):
    site_file = group_copy / "mcx" / "site.yaml"
    data = yaml.safe_load(site_file.read_text(encoding="utf-8"))
    assert data["status"] == "pending"
    data["公安机关备案号"] = "皖公网安备 34162202000001号"
    data["党政机关网站标识"] = "00000000000000000000000000d00009"
    site_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    opened = notice(group_copy, "open", "mcx", "--approved", "2026-11-02", "--online", "2026-12-01")
    assert opened.returncode == 0, opened.stderr
    output = tmp_path / "output"
    built = {}
    for day in ("2026-11-30", "2026-12-01"):
        result = run_pelican(group_copy, output, "-e", f'BUILD_DATE="{day}"')
        assert result.returncode == 0, result.stderr
        built[day] = (output / data["domain"] / "index.html").is_file()
    assert built == {"2026-11-30": False, "2026-12-01": True}
    assert data["domain"] in (output / "www.bozhou.gov.cn" / "index.html").read_text("utf-8")
