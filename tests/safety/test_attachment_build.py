"""A build of the demo with hostile attachments planted in files/ and images/: it fails,
names each file and what is wrong in Chinese, never shows a number unmasked, and writes
nothing (第十条（二）（三）)."""

from __future__ import annotations

from pathlib import Path

import yaml
from attachment_files import docx_places, image_bytes, pdf_places, xlsx_places
from conftest import run_pelican
from stdnum.cn import ric
from test_extract import pdf_bytes

BASE = "34162319900101123"
ID = BASE + ric.calc_check_digit(BASE + "0")  # valid GB 11643, not a real one
MASKED = ID[:4] + "*" * 10 + ID[-4:]


def test_hostile_attachments_fail_the_build_and_nothing_is_written(group_copy: Path, tmp_path):
    site = group_copy / "bozhou"
    (site / "images").mkdir()
    planted = {
        "files/页面.HTML": b"<p>hello</p>",
        "files/图.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "files/通知.pdf": b"<html><body><script>alert(1)</script></body></html>",
        'files/a"onmouseover=alert(1)".pdf': pdf_bytes("Notice"),
        "files/名单.xlsx": xlsx_places(ID)["工作表「名单」B2 公式"],
        "files/说明.docx": docx_places(ID)["批注 1"],
        "files/公告.pdf": pdf_places(ID)["PDF 元数据：作者"],
        "images/照片.jpg": image_bytes(".jpg", ID),
        "images/工具.exe": b"MZ\x90\x00",
    }
    for name, data in planted.items():
        (site / name).write_bytes(data)
    # A 保密审查 cannot make an active file publishable.
    review = {"审查人": "王审查", "审查日期": "2026-11-19", "结论": "同意发布"}
    (site / "files" / "页面.HTML.保密审查.yaml").write_text(
        yaml.safe_dump(review, allow_unicode=True), "utf-8"
    )
    output = tmp_path / "output"
    result = run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert result.returncode != 0
    messages = result.stderr
    assert "Traceback" not in messages and ID not in messages + result.stdout
    assert "构建失败：未写入任何文件" in messages
    expected = [
        ("files/页面.HTML", "(附件类型)", ".html 文件在浏览器中打开时可以运行脚本"),
        ("files/图.svg", "(附件类型)", "请转换为 PDF 后发布"),
        ("files/通知.pdf", "(附件类型)", "扩展名是 .pdf，应为「PDF 文档」，内容却是「HTML 网页」"),
        ('onmouseover=alert(1)".pdf', "(文件名)", "含有不允许的字符（「\"」）"),
        ("files/名单.xlsx", "工作表「名单」B2 公式", f"居民身份证号码 {MASKED}"),
        ("files/说明.docx", "批注 1", f"居民身份证号码 {MASKED}"),
        ("files/公告.pdf", "PDF 元数据：作者", f"居民身份证号码 {MASKED}"),
        ("images/照片.jpg", "图片元数据：作者", f"居民身份证号码 {MASKED}"),
        ("images/工具.exe", "(附件类型)", "不允许发布 .exe 类型的附件"),
    ]
    lines = messages.splitlines()
    for file, field, text in expected:
        assert any(
            f"content/bozhou/{file}" in line or file in line
            if field in line and text in line and "第十条" in line
            else False
            for line in lines
        ), (file, field, text)
    assert not output.exists() or not any(output.rglob("*"))
