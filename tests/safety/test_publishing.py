"""Nothing secret, personal or executable reaches a page (第十条（二）（三）), seen from outside:
the build's exit code and messages, and grep over everything under output/."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml
from conftest import run_pelican
from stdnum.cn import ric

from archive_tool.safety.review import fingerprint, review_key

ID_BASE = "34162319900101123"
ID_NUMBER = ID_BASE + ric.calc_check_digit(ID_BASE + "0")  # valid GB 11643, not a real one
# (calc_check_digit ignores the last character it is given)
ID_MASKED = ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
OTHER_BASE = "34122219850615271"
OTHER_ID = OTHER_BASE + ric.calc_check_digit(OTHER_BASE + "0")
OTHER_MASKED = OTHER_ID[:4] + "*" * 10 + OTHER_ID[-4:]
MOBILE = "13812345678"
MOBILE_MASKED = "138****5678"
ARTICLE_HEAD = "Title: {title}\nDate: 2026-11-20 09:00\ndisclosure: 主动公开\n{extra}"

HTML_ATTACKS = """
<script>alert("xss-script")</script>

<iframe src="https://evil.example/xss-frame"></iframe>

<img src="x.png" onerror="alert('xss-onerror')">

[点击](javascript:alert%28document.cookie%29)

<form action="https://evil.example/xss-form"><input name="q"></form>

<a href="data:text/html;base64,PHNjcmlwdD4=">数据</a>
"""


def article(path: Path, title: str, body: str, **extra: str) -> None:
    lines = "".join(f"{key}: {value}\n" for key, value in extra.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE_HEAD.format(title=title, extra=lines) + "\n" + body, "utf-8")


def xlsx(path: Path, number: str) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["姓名", "身份证号"])
    sheet.append(["张三", number])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def pdf(path: Path, number: str) -> None:
    from fpdf import FPDF

    document = FPDF()
    document.set_font("Helvetica", size=12)
    document.add_page()
    document.cell(text="Notice")
    document.add_page()
    document.cell(text=f"ID {number}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.output(str(path))


def everything_under(output: Path) -> str:
    """Every byte under output/ as text, for grep."""
    chunks = []
    for path in output.rglob("*"):
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


def digest(output: Path) -> dict[str, str]:
    return {
        str(p.relative_to(output)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The demo with HTML attacks, waived findings and a letter carrying a citizen's data:
    all of it builds."""
    import shutil

    from conftest import DEMO_CONTENT

    root = tmp_path_factory.mktemp("publishing")
    content = root / "content"
    shutil.copytree(DEMO_CONTENT, content)
    article(content / "bozhou" / "zwdt" / "attacks.md", "网页攻击样例", HTML_ATTACKS,
            Summary='<script>alert("xss-summary")</script>摘要')  # fmt: skip
    mark = fingerprint(OTHER_ID, review_key(content))
    review = f"审查人：王审查；审查日期：2026-11-19；结论：同意发布，指纹 {mark} 为已公示的示例号码"
    article(content / "bozhou" / "zwdt" / "waived.md", "经审查的公示",
            f"公示号码：{OTHER_ID}。", review=review)  # fmt: skip
    xlsx(content / "bozhou" / "files" / "公示名单.xlsx", OTHER_ID)
    sidecar = {"审查人": "王审查", "审查日期": "2026-11-19", "结论": f"同意发布 指纹{mark}"}
    (content / "bozhou" / "files" / "公示名单.xlsx.保密审查.yaml").write_text(
        yaml.safe_dump(sidecar, allow_unicode=True), "utf-8"
    )
    letter = {
        "标题": "关于小区停车的建议",
        "类型": "建议",
        "留言时间": "2026-11-01 10:00",
        "留言人": "张三丰",
        "联系电话": MOBILE,
        "留言内容": f"我的身份证号是{ID_NUMBER}，电话{MOBILE}，请回复。",
    }
    (content / "bozhou" / "letters" / "2026-0099.yaml").write_text(
        yaml.safe_dump(letter, allow_unicode=True), "utf-8"
    )
    result = run_pelican(content, root / "output", "-e", 'BUILD_DATE="2026-11-26"')
    assert result.returncode == 0, result.stderr
    return content, result


def test_no_html_attack_reaches_a_page_or_a_feed(published):
    _, result = published
    text = everything_under(result.output)
    for marker in ("xss-script", "xss-frame", "xss-onerror", "xss-form", "xss-summary"):
        assert marker not in text, marker
    page = next(result.output.glob("www.bozhou.gov.cn/zwdt/*/attacks.html")).read_text("utf-8")
    assert "javascript:" not in page and "data:text/html" not in page and "<form action" not in page
    assert "点击" in page and "数据" in page  # the text stays, what runs goes


def test_a_waived_finding_is_published_and_listed_in_the_report(published):
    content, result = published
    report = (result.output / "build-report.txt").read_text("utf-8")
    assert "经保密审查同意发布：2 处" in report
    mark = fingerprint(OTHER_ID, review_key(content))
    shown = f"居民身份证号码「{OTHER_MASKED}（指纹 {mark}）」"
    assert f"content/bozhou/zwdt/waived.md：第 6 行：{shown}" in report
    assert "工作表「名单」第 2 行" in report and "王审查，2026-11-19" in report
    assert OTHER_ID not in report
    pages = everything_under(result.output / "www.bozhou.gov.cn")
    assert "王审查" not in pages  # the 保密审查 record is shown nowhere
    assert (result.output / "www.bozhou.gov.cn" / "files" / "公示名单.xlsx").is_file()
    assert not list(result.output.rglob("*.保密审查.yaml"))


def test_a_citizens_letter_is_published_masked(published):
    _, result = published
    page = (result.output / "www.bozhou.gov.cn" / "letters" / "2026-0099.html").read_text("utf-8")
    assert "张某" in page and "张三丰" not in page
    assert ID_MASKED in page and MOBILE_MASKED in page
    text = everything_under(result.output)
    assert ID_NUMBER not in text and MOBILE not in text and "张三丰" not in text


@pytest.fixture(scope="module")
def refused(published, tmp_path_factory):
    """Every kind of finding and path escape seeded at once into the published group: the
    build fails and lists them all."""
    content, result = published
    before = digest(result.output)
    site = content / "bozhou"
    article(site / "zwdt" / "id-leak.md", "名单公示", f"王五 {ID_NUMBER} 已审核。")
    article(site / "zwdt" / "secret.md", "会议纪要", "秘密★1年\n\n会议纪要全文。")
    xlsx(site / "files" / "名单.xlsx", ID_NUMBER)
    pdf(site / "files" / "通知.pdf", ID_NUMBER)
    service = yaml.safe_load((site / "services" / "qiye-kaiban.yaml").read_text("utf-8"))
    service["办理地点"] = "毫州市政务服务中心"
    (site / "services" / "qiye-kaiban.yaml").write_text(
        yaml.safe_dump(service, allow_unicode=True), "utf-8"
    )
    article(site / "zwdt" / "slug.md", "路径", "正文", Slug="../../../../x")
    article(site / "zwdt" / "save-as.md", "路径", "正文", Save_as="../fgw.bozhou.gov.cn/index.html")
    article(site / "zwdt" / "template.md", "模板", "正文", Template="../../etc/passwd")
    article(site / "zwdt" / "category.md", "栏目", "正文", Category="../../x")
    article(site / "zwdt" / "modified.md", "日期", "正文", Modified="不是日期")
    article(
        site / "zwdt" / "source.md",
        "来源",
        "正文",
        source="某网站",
        source_url="javascript:alert(1)",
    )
    os.symlink("/etc/passwd", site / "files" / "passwd.txt")
    outside = tmp_path_factory.mktemp("outside") / "outside.md"
    outside.write_text(ARTICLE_HEAD.format(title="外部", extra="") + "\n正文", "utf-8")
    os.symlink(outside, site / "zwdt" / "outside.md")
    again = run_pelican(content, result.output, "-e", 'BUILD_DATE="2026-11-26"')
    return before, again


def test_every_finding_fails_the_build_masked(refused):
    before, result = refused
    assert result.returncode == 1
    messages = result.stderr
    assert "构建失败：未写入任何文件" in messages
    assert (
        f"content/bozhou/zwdt/id-leak.md：站点「bozhou」字段「第 5 行」：含公民个人信息：居民身份证号码 {ID_MASKED}"
        in messages
    )
    assert "secret.md：站点「bozhou」字段「第 5 行」：含涉密标识「秘密★1年」" in messages
    assert (
        f"content/bozhou/files/名单.xlsx：站点「bozhou」字段「工作表「名单」第 2 行」：含公民个人信息：居民身份证号码 {ID_MASKED}"
        in messages
    )
    assert (
        f"content/bozhou/files/通知.pdf：站点「bozhou」字段「第 2 页」：含公民个人信息：居民身份证号码 {ID_MASKED}"
        in messages
    )
    assert "严重表述错误：「毫州市」应为「亳州市」" in messages
    assert ID_NUMBER not in result.stderr + result.stdout


def test_every_path_escape_is_refused(refused):
    _, result = refused
    messages = result.stderr
    for shown, field in [
        ("slug.md", "Slug"),
        ("save-as.md", "Save_as"),
        ("template.md", "Template"),
        ("category.md", "Category"),
        ("modified.md", "Modified"),
        ("source.md", "source_url"),
        ("files/passwd.txt", "(链接)"),
        ("zwdt/outside.md", "(链接)"),
    ]:
        assert any(
            shown in line and f"字段「{field}」" in line for line in messages.splitlines()
        ), shown
    assert "Traceback" not in messages


def test_a_refused_build_leaves_the_previous_output_as_it_was(refused, published):
    before, result = refused
    assert digest(result.output) == before
    assert "root:x:0:0" not in everything_under(result.output)
