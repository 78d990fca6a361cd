"""A citizen writes to a department site in Chromium, gets a number, looks it up; a handler
answers from the command line; the export and the next build publish it, masked, with its
dates."""

from __future__ import annotations

import pytest
from browser import launched_chromium
from conftest import archive_tool, run_pelican
from intake_server import LETTER, serving


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


def test_a_letter_from_the_form_to_the_published_record(browser, group_copy, tmp_path):
    db = tmp_path / "intake.sqlite3"
    with serving(db, "--min-fill-seconds", "0", content=group_copy) as server:
        page = browser.new_page()
        problems = []
        page.on(
            "console", lambda message: message.type == "error" and problems.append(message.text)
        )
        page.goto(server.url + "fgw/letter?type=投诉")
        assert page.locator(".site-name").inner_text() == "亳州市发展和改革委员会"
        assert page.locator("input[name=type][value=投诉]").is_checked()
        for name in ("title", "body", "name", "phone", "id_number", "address"):
            page.fill(f"#{name}", LETTER[name])
        page.click("button[type=submit]")
        page.wait_for_selector("#number")
        number, code = page.inner_text("#number"), page.inner_text("#code")

        page.click("text=办理查询")
        page.fill("#number", number)
        page.fill("#code", code)
        page.click("button[type=submit]")
        assert page.inner_text("#state") == "已收到"

        for step in (
            ("accept", number),
            ("forward", number, "--to", "亳州市城市管理局"),
            ("reply", number, "--text", "经查，示例路北段路灯线路老化，已于当日更换修复。"),
        ):
            done = archive_tool("intake", *step, "--db", db)
            assert done.returncode == 0, done.stderr

        page.goto(server.url + "status?site=fgw")
        page.fill("#number", number)
        page.fill("#code", code)
        page.click("button[type=submit]")
        assert page.inner_text("#state") == "已答复"
        assert "已于当日更换修复" in page.inner_text("#reply")
        assert problems == []  # nothing the theme's policy blocked, no script error

    exported = archive_tool(
        "intake", "export", "--site", "fgw", "--db", db, "--content", group_copy
    )
    assert exported.returncode == 0, exported.stderr
    built = run_pelican(group_copy, tmp_path / "output")
    assert built.returncode == 0, built.stderr

    site = tmp_path / "output" / "fgw.bozhou.gov.cn"
    letter = (site / "letters" / f"{number}.html").read_text(encoding="utf-8")
    day = f"{number[:4]}-{number[4:6]}-{number[6:8]}"
    assert LETTER["title"] in letter and "已于当日更换修复" in letter
    assert "<td>欧阳某</td>" in letter and "138****5678" in letter
    assert f"<td>{day}</td>" in letter  # 受理日期
    assert letter.count(day) >= 3  # 留言时间, 受理日期, 答复时间
    assert number in (site / "letters" / "index.html").read_text(encoding="utf-8")
    # nothing personal anywhere in what was published
    private = [LETTER[key].encode() for key in ("name", "phone", "id_number", "address")]
    leaks = [
        path
        for path in (tmp_path / "output").rglob("*")
        if path.is_file() and any(value in path.read_bytes() for value in private)
    ]
    assert leaks == []
