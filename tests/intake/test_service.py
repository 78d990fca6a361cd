"""The intake service over real HTTP: a submission, its lookup, a crash, hostile input."""

from __future__ import annotations

import re
import stat

import pytest
import requests
from conftest import archive_tool
from intake_server import LETTER, form_token, look_up, receipt, serving, submit_letter


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    db = tmp_path_factory.mktemp("intake") / "intake.sqlite3"
    with serving(db, "--min-fill-seconds", "0", "--per-address", "0") as server:
        yield server, db


def test_a_letter_gets_a_number_and_code_and_can_be_looked_up(service):
    server, _ = service
    citizen = requests.Session()
    answer = submit_letter(citizen, server.url)
    assert answer.status_code == 200
    assert "提交成功" in answer.text
    number, code = receipt(answer.text)
    assert re.fullmatch(r"\d{8}-\d{5}", number) and re.fullmatch(r"[A-Z2-9]{8}", code)
    # the page a citizen gets is the theme's look, under the theme's policy, never cached
    assert '<link rel="stylesheet" href="/theme/css/gov.css">' in answer.text
    assert "frame-ancestors 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert requests.get(server.url + "theme/css/gov.css", timeout=10).status_code == 200

    found = look_up(requests.Session(), server.url, number, code)
    assert found.status_code == 200
    assert LETTER["title"] in found.text and '<td id="state">已收到</td>' in found.text
    # the personal data is not on the status page either
    assert LETTER["phone"] not in found.text and LETTER["name"] not in found.text

    wrong = look_up(requests.Session(), server.url, number, "AAAAAAAA")
    assert wrong.status_code == 404
    assert "受理编号或查询码不正确" in wrong.text and LETTER["title"] not in wrong.text


def test_the_database_is_private_to_its_owner(service):
    server, db = service
    submit_letter(requests.Session(), server.url)
    for path in (db, db.with_name(db.name + "-wal")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_an_acknowledged_submission_survives_kill_9(tmp_path):
    db = tmp_path / "intake.sqlite3"
    with serving(db, "--min-fill-seconds", "0") as server:
        answer = submit_letter(requests.Session(), server.url)
        assert answer.status_code == 200
        number, code = receipt(answer.text)
        server.kill()
    with serving(db, "--min-fill-seconds", "0") as again:
        found = look_up(requests.Session(), again.url, number, code)
        assert found.status_code == 200 and '<td id="state">已收到</td>' in found.text
    listed = archive_tool("intake", "list", "--db", db)
    assert listed.returncode == 0 and number in listed.stdout


def test_fields_are_checked_and_the_citizens_text_kept(service):
    server, _ = service
    answer = submit_letter(
        requests.Session(), server.url, title="", id_number="110105194912310021", type="表扬"
    )
    assert answer.status_code == 400
    for message in (
        "请选择留言类型",
        "请填写「标题」",
        "「身份证号码」不是有效的18位居民身份证号码",
    ):
        assert message in answer.text
    assert LETTER["body"] in answer.text  # what they wrote is still in the form


def test_script_in_a_field_is_shown_as_text(service):
    server, _ = service
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    answer = submit_letter(requests.Session(), server.url, title=hostile)
    number, code = receipt(answer.text)
    found = look_up(requests.Session(), server.url, number, code)
    assert "<script>alert" not in found.text and "<img src=x" not in found.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in found.text
    # and in a form sent back for correction
    again = submit_letter(requests.Session(), server.url, title=hostile, phone="")
    assert again.status_code == 400 and "<script>alert" not in again.text


def test_oversized_wrong_encoding_and_foreign_bodies_are_refused(service):
    server, _ = service
    citizen = requests.Session()
    url = server.url + "fgw/letter"
    token = form_token(citizen, url)
    big = citizen.post(url, data={**LETTER, "token": token, "body": "长" * 20000}, timeout=10)
    assert big.status_code == 413 and "提交的内容超过 32 KB" in big.text
    gbk = "token=" + token + "&type=咨询&title=路灯&body=不亮"
    raw = citizen.post(
        url,
        data=gbk.encode("gbk"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert raw.status_code == 400 and "不是有效的 UTF-8 编码" in raw.text
    escaped = citizen.post(
        url,
        data=f"token={token}&type=%C2%D3&title=%B5%C6",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert escaped.status_code == 400 and "不是有效的 UTF-8 编码" in escaped.text
    declared = citizen.post(
        url,
        data="title=x",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=gbk"},
        timeout=10,
    )
    assert declared.status_code == 400 and "只接受 UTF-8" in declared.text
    upload = citizen.post(url, files={"body": ("a.txt", b"x")}, timeout=10)
    assert upload.status_code == 415 and "只接受网页表单提交的内容" in upload.text


def test_a_submission_without_the_forms_token_is_refused(service):
    server, db = service
    before = archive_tool("intake", "list", "--db", db).stdout.count("\n")
    url = server.url + "fgw/letter"
    # a forged cross-site post: no cookie, no token
    forged = requests.post(url, data=LETTER, timeout=10)
    assert forged.status_code == 403 and "缺少安全校验信息" in forged.text
    # the token of another visitor, sent with one's own cookie
    other = form_token(requests.Session(), url)
    mine = requests.Session()
    form_token(mine, url)
    swapped = mine.post(url, data={**LETTER, "token": other}, timeout=10)
    assert swapped.status_code == 403 and "安全校验未通过" in swapped.text
    tampered = mine.post(url, data={**LETTER, "token": other[:-2] + "xx"}, timeout=10)
    assert tampered.status_code == 403
    assert archive_tool("intake", "list", "--db", db).stdout.count("\n") == before


def test_the_spam_trap_refuses_robots(tmp_path):
    with serving(tmp_path / "db.sqlite3", "--min-fill-seconds", "30") as server:
        quick = submit_letter(requests.Session(), server.url)
        assert quick.status_code == 400 and "填写时间过短（少于 30 秒）" in quick.text
    with serving(tmp_path / "db.sqlite3", "--min-fill-seconds", "0") as server:
        trapped = submit_letter(requests.Session(), server.url, website="http://spam.example/")
        assert trapped.status_code == 400 and "自动程序" in trapped.text
    listed = archive_tool("intake", "list", "--db", tmp_path / "db.sqlite3")
    assert listed.stdout == ""


def test_a_flood_from_one_address_is_refused(tmp_path):
    options = ("--min-fill-seconds", "0", "--per-address", "3", "--window", "600")
    with serving(tmp_path / "db.sqlite3", *options) as server:
        citizen = requests.Session()
        answers = [submit_letter(citizen, server.url).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        flood = submit_letter(citizen, server.url)
        assert "提交过于频繁：同一网络地址 10 分钟内最多提交 3 次" in flood.text
        assert submit_letter(citizen, server.url).status_code == 429  # still refused
        # an address a trusted proxy (nginx) names is counted on its own
        proxied = requests.Session()
        proxied.headers["X-Forwarded-For"] = "203.0.113.7"
        assert submit_letter(proxied, server.url).status_code == 200
    listed = archive_tool("intake", "list", "--db", tmp_path / "db.sqlite3")
    assert listed.stdout.count("\n") == 4


def test_an_opinion_on_an_open_consultation(tmp_path, group_copy):
    (group_copy / "fgw" / "consultations").mkdir(exist_ok=True)
    (group_copy / "fgw" / "consultations" / "open-call.yaml").write_text(
        "标题: 关于长期征集营商环境意见的公告\n征集单位: 亳州市发展和改革委员会\n"
        "开始日期: 2020-01-01\n截止日期: 2099-12-31\n说明: 长期征集\n",
        encoding="utf-8",
    )
    (group_copy / "fgw" / "consultations" / "closed.yaml").write_text(
        "标题: 已结束的征集\n征集单位: 亳州市发展和改革委员会\n"
        "开始日期: 2020-01-01\n截止日期: 2020-01-31\n说明: 已结束\n",
        encoding="utf-8",
    )
    with serving(tmp_path / "db.sqlite3", "--min-fill-seconds", "0", content=group_copy) as server:
        citizen = requests.Session()
        index = citizen.get(server.url, timeout=10).text
        assert 'href="/fgw/opinion/open-call"' in index and "closed" not in index
        url = server.url + "fgw/opinion/open-call"
        token = form_token(citizen, url)
        answer = citizen.post(url, data={"token": token, "body": "建议简化审批。"}, timeout=10)
        assert answer.status_code == 200 and "您的意见已收到" in answer.text
        closed = citizen.get(server.url + "fgw/opinion/closed", timeout=10)
        assert closed.status_code == 403 and "现在不接收意见" in closed.text
    listed = archive_tool("intake", "list", "--db", tmp_path / "db.sqlite3")
    assert "\t意见\t" in listed.stdout and "关于长期征集营商环境意见的公告" in listed.stdout
