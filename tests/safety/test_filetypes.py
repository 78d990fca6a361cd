"""The attachment allow-list: by suffix, by content, by file name (第十条（二）)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from attachment_files import image_bytes, ofd_bytes, xlsx_places
from test_extract import docx_bytes, pdf_bytes, xlsx_bytes

from archive_tool.safety.filetypes import ALLOWED, content_problem, name_problems

PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)


def problems(tmp_path: Path, name: str, data: bytes) -> list[tuple[str, str]]:
    found = name_problems(name)
    if not found and (problem := content_problem(Path(name).suffix, data)):
        found.append(("(附件类型)", problem))
    return found


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


REAL = {
    "files/通知.pdf": pdf_bytes("Notice"),
    "files/申请表.docx": docx_bytes(),
    "files/名单.xlsx": xlsx_bytes({1: ["a"]}),
    "files/名单.xlsm": xlsx_bytes({1: ["a"]}),
    "files/通知.ofd": ofd_bytes("通知"),
    "images/照片.png": image_bytes(".png", "x"),
    "images/照片.JPG": image_bytes(".jpg", "x"),
    "images/动图.gif": image_bytes(".gif", "x"),
    "images/图.webp": image_bytes(".webp", "x"),
    "images/图.bmp": image_bytes(".bmp", "x"),
    "files/说明.txt": "申请说明\n".encode("gb18030"),
    "files/说明 (1).txt": "申请说明\n".encode("utf-16"),
    "files/名单.csv": b"a,b\n1,2\n",
    "files/数据.json": b'{"a": 1}',
    "files/说明.rtf": b"{\\rtf1\\ansi text}",
    "files/材料.zip": zipped({"a.txt": b"a"}),
    "files/旧表.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "files/文本.odt": zipped({"mimetype": b"application/vnd.oasis.opendocument.text"}),
    "files/材料.rar": b"Rar!\x1a\x07\x01\x00" + bytes(20),
    "files/材料.7z": b"7z\xbc\xaf\x27\x1c" + bytes(20),
    "files/讲话.mp3": b"ID3\x04\x00" + bytes(20),
    "files/发布会.mp4": b"\x00\x00\x00\x18ftypmp42" + bytes(20),
}


@pytest.mark.parametrize("name", REAL)
def test_real_files_pass(tmp_path: Path, name: str) -> None:
    assert problems(tmp_path, name, REAL[name]) == []


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("files/通知.pdf", PAGE, "内容却是「HTML 网页」"),
        ("images/照片.jpg", PAGE, "内容却是「HTML 网页」"),
        ("files/说明.txt", b"\n  <html><script>alert(1)</script>", "内容却是「HTML 网页」"),
        ("files/名单.csv", b"<!-- a -->", "内容却是「HTML 网页」"),
        ("images/图.png", SVG, "内容却是「SVG 图像」"),
        ("files/数据.json", b'<?xml version="1.0"?><a/>', "内容却是「XML 文档」"),
        ("files/说明.txt", "<html>".encode("utf-16"), "内容却是「HTML 网页」"),
        ("files/申请表.docx", pdf_bytes("x"), "内容却是「PDF 文档」"),
        ("files/通知.pdf", b"MZ\x90\x00" + bytes(60), "内容却是「Windows 可执行程序」"),
        ("files/申请表.docx", xlsx_bytes({1: ["a"]}), "内容却是其他压缩文件"),
        ("files/名单.xlsx", docx_bytes(), "内容却是其他压缩文件"),
        ("files/通知.ofd", zipped({"a.xml": b"<a/>"}), "内容却是其他压缩文件"),
        ("files/表.ods", zipped({"mimetype": b"application/vnd.oasis.opendocument.text"}),
         "内容却是其他压缩文件"),  # fmt: skip
        ("files/空.pdf", b"", "内容却是「纯文本」"),
    ],
)
def test_content_must_match_the_suffix(tmp_path: Path, name: str, data: bytes, found: str):
    [(field, message)] = problems(tmp_path, name, data)
    assert field == "(附件类型)"
    assert message.startswith("文件内容与扩展名不符") and found in message, message


@pytest.mark.parametrize(
    "name", ["files/图.svg", "files/页.HTML", "files/页.htm", "files/页.xhtml", "files/页.shtml",
             "files/数据.xml", "images/a.js", "files/动画.swf"],
)  # fmt: skip
def test_active_types_are_refused_whatever_they_hold(tmp_path: Path, name: str) -> None:
    [(field, message)] = problems(tmp_path, name, b"plain text")
    assert field == "(附件类型)"
    assert "在浏览器中打开时可以运行脚本" in message and "请转换为 PDF 后发布" in message


@pytest.mark.parametrize(
    "name", ["files/setup.exe", "files/run.bat", "files/README", "files/a.php"]
)
def test_unknown_types_are_refused_naming_the_allowed(tmp_path: Path, name: str) -> None:
    [(field, message)] = problems(tmp_path, name, b"MZ")
    assert field == "(附件类型)"
    assert message.startswith("不允许发布") and "允许的类型：文档 pdf、ofd" in message
    assert "图片 png" in message and "压缩包 zip" in message


def test_every_allowed_type_is_named_in_the_message() -> None:
    from archive_tool.safety.filetypes import ALLOWED_SHOWN

    assert all(suffix[1:] in ALLOWED_SHOWN for suffix in ALLOWED)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ('files/a"onmouseover=alert(1)".pdf', "「\"」"),
        ("files/a'b.pdf", "「'」"),
        ("files/<b>.pdf", "「<」、「>」"),
        ("files/a\\b.pdf", "「\\」"),
        ("files/a#b.pdf", "「#」"),
        ("files/a\x07b.pdf", "U+0007"),
        ("files/通知\u202efdp.exe.pdf", "U+202E"),  # right-to-left override: "通知exe.pdf"
        ("files/名\u200b单.pdf", "U+200B"),
        ('files/a"b/通知.pdf', "「\"」"),  # a folder's name is in the link too
    ],
)
def test_names_that_break_a_link_are_refused(tmp_path: Path, name: str, shown: str) -> None:
    found = problems(tmp_path, name, pdf_bytes("x"))
    assert [field for field, _ in found] == ["(文件名)"]
    assert f"含有不允许的字符（{shown}）" in found[0][1]
    assert "请改名后发布" in found[0][1]


def test_ordinary_chinese_names_pass(tmp_path: Path) -> None:
    name = "files/附件1 关于2026年（第一批）项目的公示-名单_v2.pdf"
    assert problems(tmp_path, name, pdf_bytes("x")) == []


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("files/名单.xlsm", {"xl/workbook.xml": b"<a/>", "xl/vbaProject.bin": b"code"}),
        ("files/申请表.docx", {"word/document.xml": b"<a/>", "word/vbaProject.bin": b"x"}),
        ("files/申请表.docx", {"word/document.xml": b"<a/>", "word/activeX/activeX1.xml": b"x"}),
        ("files/表.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                         "Basic/Standard/Module1.xml": b"x"}),
    ],
)  # fmt: skip
def test_office_files_with_macros_are_refused(tmp_path: Path, name: str, members) -> None:
    [(field, message)] = problems(tmp_path, name, zipped(members))
    assert "含有宏或 ActiveX 控件" in message


def test_ole2_documents_with_macros_are_refused(tmp_path: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "_VBA_PROJECT".encode("utf-16-le")
    [(field, message)] = problems(tmp_path, "files/旧表.xls", data)
    assert "含有宏（VBA 代码）" in message


def test_a_real_xlsm_without_macros_passes(tmp_path: Path) -> None:
    data = xlsx_places("341623199001011234", ".xlsm")["工作表「名单」B2 公式"]
    assert problems(tmp_path, "files/名单.xlsm", data) == []
