"""The 整改清单: stable numbers, 3 working days on the PRC calendar, 销号 only when fixed."""

from __future__ import annotations

from datetime import date

import pytest

from archive_tool.errors import ToolkitError
from archive_tool.monitor.indicators import COLUMNS_STALE, HOME_STALE, SERIOUS_ERROR, Finding
from archive_tool.monitor.ledger import (
    FIXED,
    OPEN,
    OVERDUE,
    read_ledger,
    update_ledger,
    write_ledger,
)

HOME = Finding("fgw", HOME_STALE, "https://fgw.bozhou.gov.cn/", "首页 30 天未更新", subject="首页")
COLUMNS = Finding("sjj", COLUMNS_STALE, "https://sjj.bozhou.gov.cn/", "4 个栏目", subject="栏目")


def everything(item) -> bool:
    return True


def step(path, findings, day, covered=everything):
    """One run: read the file, update it as of ``day``, write it back."""
    ledger = read_ledger(path)
    changes = update_ledger(ledger, findings, covered, day, "built")
    write_ledger(ledger)
    return {item.number: item for item in read_ledger(path).items}, changes


def test_national_day_2026_deadline_skips_the_holiday_and_counts_the_make_up_saturday(tmp_path):
    path = tmp_path / "整改清单.yaml"
    items, changes = step(path, [HOME, COLUMNS], date(2026, 9, 30))
    assert [item.number for item in changes["issued"]] == [
        "亳政网整〔2026〕第1号",
        "亳政网整〔2026〕第2号",
    ]
    first, second = items["亳政网整〔2026〕第1号"], items["亳政网整〔2026〕第2号"]
    # Wed 9-30 + 3 working days: 10-01..10-07 are the holiday (with the weekend of 10-03/04);
    # 10-08 Thu, 10-09 Fri and the make-up Saturday 10-10 are working days.
    assert first.deadline == second.deadline == date(2026, 10, 10)
    assert first.issued == date(2026, 9, 30) and first.status == OPEN

    # 10-09: the columns are fixed, the home page is not; 10-09 is within the deadline.
    items, changes = step(path, [HOME], date(2026, 10, 9))
    assert items["亳政网整〔2026〕第2号"].status == FIXED
    assert items["亳政网整〔2026〕第2号"].closed == date(2026, 10, 9)
    assert not items["亳政网整〔2026〕第2号"].overdue
    assert items["亳政网整〔2026〕第1号"].status == OPEN
    # The deadline day itself (a Saturday 调休 working day) is still in time.
    items, _ = step(path, [HOME], date(2026, 10, 10))
    assert items["亳政网整〔2026〕第1号"].status == OPEN
    # Monday 10-12: the deadline passed first.
    items, changes = step(path, [HOME], date(2026, 10, 12))
    assert items["亳政网整〔2026〕第1号"].status == OVERDUE
    assert [item.number for item in changes["overdue"]] == ["亳政网整〔2026〕第1号"]
    assert changes["issued"] == []
    # Fixed later: 已整改, and it stays marked late.
    items, _ = step(path, [], date(2026, 10, 13))
    assert items["亳政网整〔2026〕第1号"].status == FIXED
    assert items["亳政网整〔2026〕第1号"].shown_status == "已整改（逾期）"
    # The columns problem comes back: a new number, never the old one.
    items, changes = step(path, [COLUMNS], date(2026, 10, 14))
    assert [item.number for item in changes["issued"]] == ["亳政网整〔2026〕第3号"]
    assert items["亳政网整〔2026〕第2号"].status == FIXED


def test_new_year_2027_deadline_over_the_holiday_and_the_weekend(tmp_path):
    path = tmp_path / "整改清单.yaml"
    items, _ = step(path, [HOME], date(2026, 12, 31))
    (item,) = items.values()
    # 2027-01-01 (holiday) and the weekend 01-02/03 do not count: Mon 4, Tue 5, Wed 6.
    assert item.deadline == date(2027, 1, 6)
    items, _ = step(path, [HOME], date(2027, 1, 6))
    assert items[item.number].status == OPEN
    items, _ = step(path, [HOME], date(2027, 1, 7))
    assert items[item.number].status == OVERDUE
    # A problem found in 2027 is numbered in 2027's sequence.
    items, changes = step(path, [HOME, COLUMNS], date(2027, 1, 8))
    assert [i.number for i in changes["issued"]] == ["亳政网整〔2027〕第1号"]
    assert items["亳政网整〔2026〕第1号"].status == OVERDUE


def test_an_unchecked_problem_stays_open_and_becomes_overdue(tmp_path):
    path = tmp_path / "整改清单.yaml"
    step(path, [HOME], date(2026, 11, 26))
    items, changes = step(path, [], date(2026, 11, 27), covered=lambda item: False)
    assert items["亳政网整〔2026〕第1号"].status == OPEN and changes["fixed"] == []
    items, _ = step(path, [], date(2026, 12, 2), covered=lambda item: False)
    assert items["亳政网整〔2026〕第1号"].status == OVERDUE


def test_a_deleted_item_does_not_free_its_number(tmp_path):
    path = tmp_path / "整改清单.yaml"
    error = Finding("bozhou", SERIOUS_ERROR, "https://www.bozhou.gov.cn/a.html", "毫州", "a|毫州")
    step(path, [HOME, COLUMNS, error], date(2026, 11, 26))
    text = path.read_text("utf-8")
    start = text.index("- 编号: 亳政网整〔2026〕第3号")
    path.write_text(text[:start], "utf-8")  # someone deletes the last item by hand
    assert len(read_ledger(path).items) == 2
    items, changes = step(path, [HOME, COLUMNS, error], date(2026, 11, 27))
    assert [item.number for item in changes["issued"]] == ["亳政网整〔2026〕第4号"]
    assert sorted(items) == [f"亳政网整〔2026〕第{n}号" for n in (1, 2, 4)]


def test_same_day_rerun_keeps_numbers_and_issues_nothing(tmp_path):
    path = tmp_path / "整改清单.yaml"
    step(path, [HOME, COLUMNS], date(2026, 11, 26))
    items, changes = step(path, [HOME, COLUMNS], date(2026, 11, 26))
    assert changes["issued"] == [] and sorted(items) == [
        "亳政网整〔2026〕第1号",
        "亳政网整〔2026〕第2号",
    ]


def test_an_earlier_date_than_the_last_run_is_refused(tmp_path):
    path = tmp_path / "整改清单.yaml"
    step(path, [HOME], date(2026, 11, 26))
    with pytest.raises(ToolkitError, match="2026-11-26"):
        step(path, [HOME], date(2026, 11, 20))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("问题:\n  - 编号: 第1号\n", "缺少「站点」"),
        ("编号计数: {'2026': -1}\n", "编号计数"),
        ("问题: *a\n", "别名"),
        ("颜色: 红\n", "未知字段「颜色」"),
    ],
)
def test_a_malformed_ledger_is_refused_with_the_field(tmp_path, text, expected):
    path = tmp_path / "整改清单.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ToolkitError, match=expected):
        read_ledger(path)


def test_a_wrong_status_or_a_duplicate_number_is_refused(tmp_path):
    path = tmp_path / "整改清单.yaml"
    step(path, [HOME, COLUMNS], date(2026, 11, 26))
    text = path.read_text("utf-8")
    path.write_text(text.replace("第2号", "第1号"), "utf-8")
    with pytest.raises(ToolkitError, match="重复"):
        read_ledger(path)
    path.write_text(text.replace("状态: 整改中", "状态: 完成", 1), "utf-8")
    with pytest.raises(ToolkitError, match="状态"):
        read_ledger(path)
