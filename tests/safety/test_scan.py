"""The scan over the loaded model: line numbers as an editor counts them, whatever the line ends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from stdnum.cn import ric

from archive_tool.group.rules.check import check_group

BASE = "34162319900101123"
NUMBER = BASE + ric.calc_check_digit(BASE + "0")


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_number_is_found_on_its_line_with_any_line_end(group_copy: Path, end: str):
    lines = [
        "Title: 名单",
        "Date: 2026-11-20",
        "disclosure: 主动公开",
        "",
        "第一行",
        f"号码 {NUMBER}",
    ]
    (group_copy / "fgw" / "zwdt" / "list.md").write_bytes(end.join(lines).encode("utf-8"))
    report = check_group(group_copy, date(2026, 11, 26))
    found = [v for v in report.errors if v.file.endswith("fgw/zwdt/list.md")]
    assert [(v.field, "3416**********" in v.message) for v in found] == [("第 6 行", True)]
    assert all(NUMBER not in v.message for v in report.violations)
