"""Attachment text for the safety scanner: each format, its locations, and hostile files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
from fpdf import FPDF

from archive_tool.safety.extract import (
    SCANNED_SUFFIXES,
    ExtractionError,
    Limits,
    TextPart,
    extract_text,
)

ID = "341623199001011234"
DEFAULT = Limits()


def parts(path: Path, limits: Limits = DEFAULT) -> list[TextPart]:
    return list(extract_text(path, limits))


def where_found(path: Path, needle: str = ID) -> list[str]:
    return [part.where for part in extract_text(path) if needle in part.text]


def refusal(path: Path, limits: Limits = DEFAULT) -> str:
    with pytest.raises(ExtractionError) as caught:
        parts(path, limits)
    return str(caught.value)


def pdf_bytes(*pages: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.cell(text=text)
    return bytes(pdf.output())


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("报名人员名单")
    document.add_paragraph("")
    document.add_paragraph(f"联系人身份证号：{ID}")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "身份证号"
    table.cell(1, 0).text, table.cell(1, 1).text = "张三", ID
    section = document.sections[0]
    section.footer.paragraphs[0].text = "亳州市人民政府办公室"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "内部资料 注意保存"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: dict[int, list[object]], title: str = "名单") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for number, values in rows.items():
        for column, value in enumerate(values, 1):
            sheet.cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_every_scanned_suffix_is_read(tmp_path: Path) -> None:
    from attachment_files import image_bytes, ofd_bytes

    made = {
        ".txt": ID.encode(),
        ".csv": ID.encode(),
        ".html": f"<p>{ID}</p>".encode(),
        ".htm": f"<p>{ID}</p>".encode(),
        ".json": f'{{"a": "{ID}"}}'.encode(),
        ".rtf": f"{{\\rtf1\\ansi {ID}}}".encode(),
        ".docx": docx_bytes(),
        ".xlsx": xlsx_bytes({1: [ID]}),
        ".xlsm": xlsx_bytes({1: [ID]}),
        ".ofd": ofd_bytes(ID),
        ".pdf": pdf_bytes(ID),
        **{s: image_bytes(s, ID) for s in (".png", ".jpg", ".jpeg", ".gif", ".webp")},
    }
    assert set(made) == set(SCANNED_SUFFIXES)
    for suffix, data in made.items():
        assert where_found(write(tmp_path / f"a{suffix.upper()}", data)), suffix


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_lines_in_utf8_and_gb18030(tmp_path: Path, encoding: str) -> None:
    text = f"关于公布报名人员的通知\r\n\r\n张三，身份证号{ID}，电话 13912345678\r\n"
    path = write(tmp_path / "名单.txt", text.encode(encoding))
    assert parts(path) == [
        TextPart("第 1 行", "关于公布报名人员的通知"),
        TextPart("第 3 行", f"张三，身份证号{ID}，电话 13912345678"),
    ]


def test_text_in_no_known_encoding_is_refused(tmp_path: Path) -> None:
    assert refusal(write(tmp_path / "a.txt", b"\x80\xff" + ID.encode())) == "无法识别文本编码"


def test_csv_lines_are_kept_whole(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", f'姓名,身份证号\n"张三",{ID}\n'.encode("gb18030"))
    assert parts(path) == [
        TextPart("第 1 行", "姓名,身份证号"),
        TextPart("第 2 行", f'"张三",{ID}'),
    ]


def test_html_source_lines_without_scripts(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="gb2312"><title>公示</title>\n'
        "<script>var secret = '110101199003074578';\nvar x = 1;</script>\n"
        "<style>.a { color: red }</style></head>\n"
        "<body><h1>公示名单</h1>\n"
        f"<p>张三 <b>{ID[:6]}</b>{ID[6:]}</p>\n"
        "<table><tr><td>1234567890</td><td>12345678</td></tr></table>\n"
        "</body></html>\n"
    )
    path = write(tmp_path / "a.html", page.encode("gb18030"))
    found = parts(path)
    assert TextPart("第 6 行", f"张三 {ID}") in found  # inline elements join, on their line
    assert TextPart("第 5 行", "公示名单") in found
    assert TextPart("第 7 行", "1234567890") in found  # cells are separate parts
    assert TextPart("第 7 行", "12345678") in found
    assert not [part for part in found if "110101" in part.text or "color" in part.text]


def test_html_that_libxml2_would_cut_short_is_refused(tmp_path: Path) -> None:
    assert parts(write(tmp_path / "a.htm", b"<!-- nothing but a comment -->\n")) == []
    deep = write(tmp_path / "b.htm", b"<div>" * 300 + ID.encode())
    assert refusal(deep) == "网页嵌套过深或内容过大，无法完整检查"


def test_docx_paragraphs_tables_and_footer(tmp_path: Path) -> None:
    path = write(tmp_path / "a.docx", docx_bytes())
    assert [p for p in parts(path) if not p.where.startswith("文档属性")] == [
        TextPart("第 1 段", "报名人员名单"),
        TextPart("第 3 段", f"联系人身份证号：{ID}"),
        TextPart("表格 1 第 1 行", "姓名\t身份证号"),
        TextPart("表格 1 第 2 行", f"张三\t{ID}"),
        TextPart("第 1 节页脚", "亳州市人民政府办公室"),
        TextPart("第 1 节首页页眉", "内部资料 注意保存"),
    ]


def test_xlsx_rows_keep_long_numbers(tmp_path: Path) -> None:
    rows = {
        1: ["姓名", "身份证号"],
        2: ["张三", ID],
        3: ["李四", int(ID)],
        4: ["王五", 341623900101123],
        6: [None, 3.41623199001011e17],
    }
    path = write(tmp_path / "a.xlsx", xlsx_bytes(rows))
    assert [p for p in parts(path) if "行" in p.where] == [
        TextPart("工作表「名单」第 1 行", "姓名\t身份证号"),
        TextPart("工作表「名单」第 2 行", f"张三\t{ID}"),
        # openpyxl writes numbers with 16 significant digits (Excel keeps 15): the digits
        # that are stored are shown, not 3.416231990010113e+17.
        TextPart("工作表「名单」第 3 行", "李四\t341623199001011300"),
        TextPart("工作表「名单」第 4 行", "王五\t341623900101123"),  # an old 15-digit ID
        TextPart("工作表「名单」第 6 行", "\t341623199001011000"),
    ]


def test_xlsx_cells_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "a.xlsx", xlsx_bytes({1: list(range(10))}))
    assert refusal(path, Limits(max_cells=5)) == "单元格过多（超过 5 个）"
    # A million missing rows before the last one cost time, so they count too.
    path = write(tmp_path / "b.xlsx", xlsx_bytes({1: ["a"], 1_048_576: ["b"]}))
    assert refusal(path, Limits(max_cells=1000)) == "单元格过多（超过 1000 个）"


def test_pdf_pages(tmp_path: Path) -> None:
    path = write(tmp_path / "a.pdf", pdf_bytes("Notice of applicants", f"Zhang San {ID}"))
    assert where_found(path) == ["第 2 页"]
    assert [part.where for part in parts(path)] == ["第 1 页", "第 2 页"]
    assert refusal(path, Limits(max_pdf_pages=1)) == "PDF 页数过多（超过 1 页）"


def encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf_bytes(f"Zhang San {ID}")))
    writer.encrypt(user_password=user_password, owner_password="secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_is_refused_unless_it_opens_without_password(tmp_path: Path) -> None:
    assert refusal(write(tmp_path / "a.pdf", encrypted("secret"))) == "PDF 已加密，无法检查"
    assert where_found(write(tmp_path / "b.pdf", encrypted(""))) == ["第 1 页"]


def zip_of(path: Path, member: str, zeros: int) -> Path:
    """A zip whose one member is `zeros` bytes of zeros, written in 1 MB chunks."""
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w") as file,
    ):
        for _ in range(zeros // len(chunk)):
            file.write(chunk)
    return path


def test_zip_bomb_is_refused_before_decompressing(tmp_path: Path, monkeypatch) -> None:
    def never(*args, **kwargs):
        raise AssertionError("opened a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    monkeypatch.setattr(docx, "Document", never)
    bomb = zip_of(tmp_path / "a.xlsx", "xl/worksheets/sheet1.xml", 300 * 1024 * 1024)
    assert bomb.stat().st_size < 1024 * 1024
    assert refusal(bomb) == "压缩内容过大，可能是压缩炸弹"
    # Small in total, but compressed a thousandfold: refused by its ratio.
    small = zip_of(tmp_path / "b.docx", "word/document.xml", 5 * 1024 * 1024)
    assert "压缩" in refusal(small)
    assert "压缩" in refusal(small, Limits(max_unpacked_bytes=1024 * 1024, max_ratio=10**6))
    assert "不是有效" in refusal(small, Limits(max_ratio=10**6))  # the checks let it through


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("suffix", "data", "reason"),
    [
        (".pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R", "不是有效的 PDF 文件"),
        (".pdf", b"\x00garbage" * 100, "不是有效的 PDF 文件"),
        (".docx", b"PK\x03\x04garbage", "不是有效的 docx 文件"),
        (".docx", truncated(docx_bytes()), "不是有效的 docx 文件"),
        (".xlsx", truncated(xlsx_bytes({1: [ID]})), "不是有效的 xlsx 文件"),
        (".xlsx", docx_bytes(), "不是有效的 xlsx 文件"),
        (".docx", xlsx_bytes({1: [ID]}), "不是有效的 docx 文件"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, suffix: str, data: bytes, reason: str) -> None:
    assert refusal(write(tmp_path / f"a{suffix}", data)) == reason


def test_limits_on_size_and_text(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", f"{ID}\n".encode() * 10)
    assert refusal(path, Limits(max_file_bytes=100)) == "文件过大（超过 100 字节）"
    pdf = write(tmp_path / "a.pdf", pdf_bytes(ID))
    assert refusal(pdf, Limits(max_file_bytes=pdf.stat().st_size - 1)).startswith("文件过大")
    with (tmp_path / "big.txt").open("wb") as file:
        file.truncate(2 * 1024 * 1024)
    assert refusal(tmp_path / "big.txt", Limits(max_file_bytes=1024 * 1024)) == (
        "文件过大（超过 1 MB）"
    )
    assert refusal(tmp_path / "big.txt", Limits(max_file_bytes=1536 * 1024)) == (
        "文件过大（超过 1.5 MB）"
    )
    assert refusal(path, Limits(max_text_chars=50)) == "提取的文字过多（超过 50 字）"
    assert len(parts(path, Limits(max_file_bytes=190, max_text_chars=180))) == 10


def test_other_suffixes_and_folders_yield_nothing(tmp_path: Path) -> None:
    assert refusal(write(tmp_path / "a.jpg", ID.encode())) == "不是有效的 jpg 文件"
    assert parts(write(tmp_path / "a.doc", ID.encode())) == []
    assert parts(write(tmp_path / "a.mp4", ID.encode())) == []
    (tmp_path / "folder.txt").mkdir()
    assert refusal(tmp_path / "folder.txt") == "不是普通文件"
