"""The handler's command line: 受理, 转办, 答复 in order, a masked list, and the export into
letter records that the group's check reads."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml
from conftest import archive_tool
from intake_server import LETTER

from archive_tool.intake.store import LETTER as KIND
from archive_tool.intake.store import Store


@pytest.fixture
def stored(tmp_path):
    """A database holding one letter to fgw, as the service stores it."""
    db = tmp_path / "intake.sqlite3"
    fields = {"kind": KIND, "site": "fgw", **LETTER}
    number, _ = Store(db).submit(fields, datetime(2026, 11, 2, 9, 30))
    return db, number


def test_a_letter_is_taken_on_forwarded_and_answered_in_order(stored):
    db, number = stored
    early = archive_tool("intake", "reply", number, "--db", db, "--text", "已办理。")
    assert early.returncode == 1
    assert "当前状态为「已收到」，不能答复" in early.stderr and "Traceback" not in early.stderr
    steps = [
        ("accept", number, "--time", "2026-11-02 10:00"),
        ("forward", number, "--to", "亳州市城市管理局", "--time", "2026-11-03 09:00"),
        ("reply", number, "--text", "经查，路灯已于11月5日修复。", "--time", "2026-11-05 16:00"),
    ]
    for step in steps:
        done = archive_tool("intake", *step, "--db", db)
        assert done.returncode == 0, done.stderr
    again = archive_tool("intake", "accept", number, "--db", db)
    assert again.returncode == 1 and "当前状态为「已答复」，不能受理" in again.stderr
    unknown = archive_tool("intake", "accept", "20260101-99999", "--db", db)
    assert unknown.returncode == 1 and "没有受理编号为「20260101-99999」的留言" in unknown.stderr

    listed = archive_tool("intake", "list", "--db", db)
    assert listed.returncode == 0
    assert f"{number}\t已答复\tfgw\t投诉" in listed.stdout and "亳州市城市管理局" in listed.stdout
    assert "欧阳某" in listed.stdout and "欧阳小明" not in listed.stdout
    assert LETTER["phone"] not in listed.stdout and LETTER["address"] not in listed.stdout


def test_export_writes_masked_letter_records_once(stored, group_copy):
    db, number = stored
    archive_tool("intake", "accept", number, "--db", db, "--time", "2026-11-02 10:00")
    first = archive_tool("intake", "export", "--site", "fgw", "--db", db, "--content", group_copy)
    assert first.returncode == 0, first.stderr
    record = group_copy / "fgw" / "letters" / f"{number}.yaml"
    assert first.stdout.strip() == str(record)
    text = record.read_text(encoding="utf-8")
    for private in (LETTER["name"], LETTER["phone"], LETTER["id_number"], LETTER["address"]):
        assert private not in text
    data = yaml.safe_load(text)
    assert data["留言人"] == "欧阳某"
    assert "138****5678" in data["留言内容"] and "1101**********002X" in data["留言内容"]
    assert (data["留言时间"], str(data["受理日期"])) == ("2026-11-02 09:30", "2026-11-02")
    assert "答复内容" not in data

    archive_tool("intake", "reply", number, "--db", db, "--unit", "亳州市城市管理局",
                 "--text", "已修复。", "--time", "2026-11-05 16:00")  # fmt: skip
    again = archive_tool("intake", "export", "--site", "fgw", "--db", db, "--content", group_copy)
    assert again.returncode == 0
    assert sorted(p.name for p in record.parent.iterdir()) == [f"{number}.yaml"]
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    assert (data["答复单位"], data["答复时间"], data["答复内容"]) == (
        "亳州市城市管理局", "2026-11-05 16:00", "已修复。",
    )  # fmt: skip
    # the group's check reads it as a letter record with no problem
    checked = archive_tool("check", group_copy)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"fgw/letters/{number}.yaml" not in checked.stdout + checked.stderr


def test_export_to_an_unknown_site_fails_and_writes_nothing(stored, group_copy):
    db, number = stored
    archive_tool("intake", "accept", number, "--db", db)
    missing = archive_tool(
        "intake", "export", "--site", "nosuch", "--db", db, "--content", group_copy
    )
    assert missing.returncode == 1
    assert "site.yaml 不存在：--site 应为网站群中站点的 ID" in missing.stderr
    assert not (group_copy / "nosuch").exists()


def test_letters_not_yet_taken_on_are_not_exported(stored, group_copy):
    db, number = stored
    done = archive_tool("intake", "export", "--site", "fgw", "--db", db, "--content", group_copy)
    assert done.returncode == 0 and "已导出 0 条留言" in done.stderr
    assert not (group_copy / "fgw" / "letters" / f"{number}.yaml").exists()
