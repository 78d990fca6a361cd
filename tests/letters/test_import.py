"""``archive-tool letters import``: a platform's export (generated here, with bad rows,
duplicates and re-imports) into masked letter records the build accepts."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import yaml
from conftest import archive_tool
from openpyxl import Workbook

from archive_tool.group.rules.check import check_group

HEADER = ["工单编号", "诉求标题", "诉求类型", "登记时间", "诉求内容", "受理时间", "转办时间",
          "承办单位", "答复时间", "答复内容", "诉求人", "联系电话"]  # fmt: skip
PHONE = "13812345678"
ID_NUMBER = "341602199001011234"


def good(number: str, reply: str = "已安排修复。") -> list:
    return [number, "示例路路灯不亮", "求助", datetime(2026, 11, 1, 9, 12, 33),
            f"路灯坏了，请回电 {PHONE}，身份证 {ID_NUMBER}", datetime(2026, 11, 1),
            datetime(2026, 11, 2), "亳州市城市管理局", datetime(2026, 11, 5, 10, 0), reply,
            "张三", PHONE]  # fmt: skip


def open_letter(number: str) -> list:
    return [number, "夜间施工噪音", "投诉", "2026/11/02 08:00", "请处理", "2026-11-02",
            None, None, None, None, "李四", None]  # fmt: skip


def xlsx(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def letters_of(content: Path, site: str) -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in (content / site / "letters").glob("*.yaml")
    }


def run_import(export: Path, content: Path, site: str = "fgw"):
    return archive_tool("letters", "import", export, "--site", site, "--content", content)


def test_good_rows_are_imported_masked_and_bad_rows_named(group_copy, tmp_path):
    export = xlsx(
        tmp_path / "12345.xlsx",
        [
            good("BZ2026110001"),
            open_letter("BZ2026110002"),
            ["BZ/../x", "坏编号", "咨询", "2026-11-02 08:00", "x"],
            ["BZ2026110003", "坏日期", "咨询", "2026-13-02", "x"],
            [
                "BZ2026110004",
                "缺单位",
                "咨询",
                "2026-11-02 08:00",
                "x",
                "2026-11-02",
                None,
                None,
                "2026-11-03 09:00",
                "答复了",
            ],
            ["BZ2026110005", "怪类型", "表扬", "2026-11-02 08:00", "x"],
            ["BZ2026110006", None, "咨询", "2026-11-02 08:00", "x"],
        ],
    )
    done = run_import(export, group_copy)
    assert done.returncode == 1
    assert "新增 2 条" in done.stdout
    lines = done.stderr.splitlines()
    for expected in (
        "第 4 行 字段「编号」（列「工单编号」）",
        "第 5 行 字段「留言时间」（列「登记时间」）",
        "第 6 行 字段「答复单位」（列「承办单位」）",
        "第 7 行 字段「类型」（列「诉求类型」）：「表扬」",
        "第 8 行 字段「标题」（列「诉求标题」）",
    ):
        assert any(expected in line and str(export) in line for line in lines), expected
    assert "Traceback" not in done.stderr

    written = letters_of(group_copy, "fgw")
    assert set(written) == {"bz2026110001", "bz2026110002"}
    first = written["bz2026110001"]
    assert first["类型"] == "咨询"  # 求助, by the shipped 12345 mapping
    assert first["留言时间"] == "2026-11-01 09:12"
    assert (first["受理日期"], first["转办日期"]) == ("2026-11-01", "2026-11-02")
    assert first["答复单位"] == "亳州市城市管理局" and first["答复时间"] == "2026-11-05 10:00"
    assert first["留言人"] == "张某"
    on_disk = (group_copy / "fgw" / "letters" / "bz2026110001.yaml").read_text(encoding="utf-8")
    assert PHONE not in on_disk and ID_NUMBER not in on_disk and "张三" not in on_disk
    assert "联系电话" not in on_disk and "138****5678" in on_disk
    assert "答复时间" not in written["bz2026110002"]

    report = check_group(group_copy, date(2026, 11, 26))
    assert not [v for v in report.errors if "letters" in v.file], report.errors


def test_reimport_updates_and_never_duplicates(group_copy, tmp_path):
    run_import(xlsx(tmp_path / "a.xlsx", [good("BZ1"), open_letter("BZ2")]), group_copy)
    record = group_copy / "fgw" / "letters" / "bz1.yaml"
    record.write_text(
        record.read_text(encoding="utf-8") + "不公开原因: 反映情况不属实\n", encoding="utf-8"
    )
    again = run_import(xlsx(tmp_path / "b.xlsx", [good("BZ1"), open_letter("BZ2")]), group_copy)
    assert again.returncode == 0, again.stderr
    assert "新增 0 条，更新 0 条，未变 2 条" in again.stdout

    answered = open_letter("BZ2")
    answered[7:10] = ["亳州市生态环境局", "2026-11-20 16:30", "已责令整改。"]
    later = xlsx(tmp_path / "c.xlsx", [answered, good("BZ1"), good("bz1", "已修复并回访。")])
    done = run_import(later, group_copy)
    assert done.returncode == 0, done.stderr
    assert "新增 0 条，更新 2 条" in done.stdout
    assert "编号 bz1 在第 3 行和第 4 行重复，以第 4 行为准" in done.stderr
    written = letters_of(group_copy, "fgw")
    assert set(written) == {"bz1", "bz2"}
    assert written["bz2"]["答复内容"] == "已责令整改。"
    assert written["bz1"]["答复内容"] == "已修复并回访。"
    assert written["bz1"]["不公开原因"] == "反映情况不属实"  # kept: the export does not give it


def test_a_sites_own_columns_and_a_gbk_csv(group_copy, tmp_path):
    site = group_copy / "qcq" / "site.yaml"
    site.write_text(
        site.read_text(encoding="utf-8")
        + "留言导入:\n  列: {编号: 信件编号, 标题: 主题, 类型: 类别, 留言时间: 来信时间, 留言内容: 内容}\n"
        + "  类型对照: {表扬: 建议}\n",
        encoding="utf-8",
    )
    export = tmp_path / "platform.csv"
    with export.open("w", encoding="gb18030", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["信件编号", "主题", "类别", "来信时间", "内容"])
        writer.writerow(["X-7", "表扬窗口", "表扬", "2026年11月3日 14:05", "服务很好"])
    done = run_import(export, group_copy, "qcq")
    assert done.returncode == 0, done.stderr
    record = letters_of(group_copy, "qcq")["x-7"]
    assert record == {
        "标题": "表扬窗口",
        "类型": "建议",
        "留言时间": "2026-11-03 14:05",
        "留言内容": "服务很好",
    }


def test_an_export_without_a_required_column_writes_nothing(group_copy, tmp_path):
    export = tmp_path / "bad.csv"
    export.write_text("工单编号,诉求标题\nBZ1,路灯\n", encoding="utf-8")
    done = run_import(export, group_copy)
    assert done.returncode == 1
    assert str(export) in done.stderr and "「诉求类型」" in done.stderr
    assert not (group_copy / "fgw" / "letters").exists()
    for bad, message in (("x.xls", ".xlsx 或 .csv"), ("y.xlsx", "不是有效的 .xlsx")):
        (tmp_path / bad).write_bytes(b"not a spreadsheet")
        done = run_import(tmp_path / bad, group_copy)
        assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
