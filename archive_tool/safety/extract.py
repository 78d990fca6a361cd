"""The text of a published attachment, for the publishing-safety scanner (第十条（二）（三）).

The scanner looks for citizens' ID numbers, phone numbers and 涉密 markings in every file
under a site's ``files/`` folder. Attachments are hostile input, so every reader is bounded:
the file's size before anything is read; a zip's declared sizes and compression ratios
before anything is decompressed (docx and xlsx are zips); PDF pages and worksheet cells;
and the total text produced. Whatever a malformed file makes a library raise becomes an
`ExtractionError` whose message is a short Chinese reason quoting nothing of the file.

python-docx, openpyxl and pypdf are well-kept pure-Python readers of these formats: no
office suite or converter is needed, and none of them uses the network. HTML is read with
lxml, which the toolkit already uses for links.
"""

from __future__ import annotations

import codecs
import io
import itertools
import math
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import lxml.html
from lxml import etree
from lxml.html import defs

SCANNED_SUFFIXES = (".txt", ".csv", ".html", ".htm", ".docx", ".xlsx", ".pdf")
MB = 1024 * 1024
# A zip member smaller than this is no bomb whatever its ratio: small XML parts compress well.
RATIO_FLOOR_BYTES = MB
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
# Text inside these elements continues the line; any other element starts a new part.
INLINE_TAGS = defs.phrase_tags | defs.font_style_tags | (defs.special_inline_tags - {"br"})
HIDDEN_TAGS = frozenset({"script", "style"})
# A docx section's headers and footers, by python-docx's attribute names.
DOCX_PAGES = (("", ""), ("first_page_", "首页"), ("even_page_", "偶数页"))
DOCX_HEADERS = (("header", "页眉"), ("footer", "页脚"))


@dataclass(frozen=True)
class Limits:
    """How much of a hostile attachment may be read."""

    max_file_bytes: int = 50 * MB
    max_unpacked_bytes: int = 200 * MB  # total uncompressed size of a zip's members
    max_ratio: int = 100  # a zip member compressed more than this is a bomb
    max_text_chars: int = 20_000_000
    max_pdf_pages: int = 2000
    max_cells: int = 5_000_000  # an xlsx row counts at least one cell, even an empty one


@dataclass(frozen=True)
class TextPart:
    """Some text of an attachment and where a webmaster finds it."""

    where: str  # 「第 3 行」「工作表「名单」第 5 行」「第 2 页」「第 4 段」「表格 1 第 2 行」
    text: str


class ExtractionError(Exception):
    """The attachment cannot be read safely; str() is a short Chinese reason, never content."""


def extract_text(path: Path, limits: Limits = Limits()) -> Iterator[TextPart]:
    """Yield the attachment's text part by part; other suffixes yield nothing."""
    read = _READERS.get(path.suffix.lower())
    if read is None:
        return
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ExtractionError("不是普通文件")
        if status.st_size > limits.max_file_bytes:
            raise ExtractionError(_too_big(limits))
        # The file is opened once and read within the limit; every reader parses the bytes.
        data = _read_bytes(path, limits)
    except OSError as error:  # unreadable is not malformed: say which
        raise ExtractionError("无法读取文件") from error
    produced = 0
    try:
        for part in read(data, limits):
            produced += len(part.text)
            if produced > limits.max_text_chars:
                raise ExtractionError(f"提取的文字过多（超过 {limits.max_text_chars} 字）")
            yield part
    except ExtractionError:
        raise
    except Exception as error:  # a malformed file makes the libraries raise anything
        kind = {".pdf": "PDF", ".html": "HTML", ".htm": "HTML"}.get(path.suffix.lower())
        raise ExtractionError(f"不是有效的 {kind or path.suffix.lower()[1:]} 文件") from error


def _too_big(limits: Limits) -> str:
    size = limits.max_file_bytes
    shown = f"{size / MB:,.1f}".removesuffix(".0") + " MB" if size >= MB else f"{size} 字节"
    return f"文件过大（超过 {shown}）"


def _read_bytes(path: Path, limits: Limits) -> bytes:
    with path.open("rb") as file:
        data = file.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:  # the file grew since stat()
        raise ExtractionError(_too_big(limits))
    return data


def _decode(data: bytes) -> str:
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))  # Notepad's "Unicode"
    for codec in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    raise ExtractionError("无法识别文本编码")


def _text(data: bytes, limits: Limits) -> Iterator[TextPart]:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield TextPart(f"第 {number} 行", line)


def _html(data: bytes, limits: Limits) -> Iterator[TextPart]:
    declared = META_CHARSET.search(data[:4096])
    text = None
    if declared and not data.startswith(codecs.BOM_UTF8):
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
            # gb2312 and GBK pages routinely hold characters only GB18030 has.
            codec = "gb18030" if codec in ("gb2312", "gbk") else codec
            text = None if codec.startswith("utf-16") else data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: guess as for text
    text = _decode(data) if text is None else text
    # Re-encoded as UTF-8 and parsed as such: a stale meta charset is not decoded twice.
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except etree.ParserError:  # nothing but blanks and comments
        return
    # libxml2 stops quietly at 256 levels of nesting or a huge text node: say it, not skip it.
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise ExtractionError("网页嵌套过深或内容过大，无法完整检查")
    yield from _html_parts(root)


def _html_parts(root: etree._Element) -> Iterator[TextPart]:
    """Visible text by source line, split again wherever a block element starts or ends."""
    pieces: list[str] = []
    line = start = 1

    def flush() -> Iterator[TextPart]:
        text = "".join(pieces).strip()
        pieces.clear()
        if text:
            yield TextPart(f"第 {start} 行", text)

    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""  # "": comment, PI
        if tag not in INLINE_TAGS:
            yield from flush()
        if event == "start":
            line = element.sourceline or line
            text, shown = element.text, tag != "" and tag not in HIDDEN_TAGS
        else:
            text, shown = element.tail, True
        for index, piece in enumerate((text or "").split("\n")):
            if index:
                yield from flush()
                line += 1
            if shown and piece:
                start = line if not pieces else start
                pieces.append(piece)
    yield from flush()


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb from its declared sizes; zipfile never inflates past them."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    if sum(member.file_size for member in members) > limits.max_unpacked_bytes or any(
        member.file_size > max(RATIO_FLOOR_BYTES, limits.max_ratio * member.compress_size)
        for member in members
    ):
        raise ExtractionError("压缩内容过大，可能是压缩炸弹")


def _paragraph_text(element: etree._Element) -> str:
    """The text of every paragraph under a docx element (a cell, a header), one per line."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    return "\n".join(Paragraph(p, None).text for p in element.iter(qn("w:p")))


def _docx(data: bytes, limits: Limits) -> Iterator[TextPart]:
    _check_zip(data, limits)
    # The office readers are imported when an attachment needs them: together they cost a
    # check 60 MB of memory that a group without .docx/.xlsx/.pdf files never uses.
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    for number, paragraph in enumerate(body.iterchildren(qn("w:p")), 1):
        if text := Paragraph(paragraph, None).text.strip():
            yield TextPart(f"第 {number} 段", text)
    for table_number, table in enumerate(body.iterchildren(qn("w:tbl")), 1):
        for row_number, row in enumerate(table.iterchildren(qn("w:tr")), 1):
            # Direct cells only: a merged cell appears once; nested tables join their cell.
            cells = [_paragraph_text(cell) for cell in row.iterchildren(qn("w:tc"))]
            if text := "\t".join(cells).strip():
                yield TextPart(f"表格 {table_number} 第 {row_number} 行", text)
    for number, section in enumerate(document.sections, 1):
        for (prefix, page), (name, kind) in itertools.product(DOCX_PAGES, DOCX_HEADERS):
            header = getattr(section, prefix + name)
            if header.is_linked_to_previous:  # it has no text of its own
                continue
            if text := _paragraph_text(header.part.element).strip():
                yield TextPart(f"第 {number} 节{page}{kind}", text)


def _cell_text(value: object) -> str:
    """A cell value as text; an integral float keeps the digits Excel stored, not 1e+17.

    >>> _cell_text(3.41623199001011e17), _cell_text(341623199001011234), _cell_text(0.5)
    ('341623199001011000', '341623199001011234', '0.5')
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value):
        number = Decimal(repr(value))
        return str(int(number)) if value.is_integer() else format(number, "f")
    return str(value)


def _xlsx(data: bytes, limits: Limits) -> Iterator[TextPart]:
    _check_zip(data, limits)
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = 0
    try:
        for sheet in workbook.worksheets:
            # A declared dimension such as A1:XFD1048576 would pad every row; read what is there.
            sheet.reset_dimensions()
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
                cells += len(row) or 1  # a gap of missing rows costs time too
                if cells > limits.max_cells:
                    raise ExtractionError(f"单元格过多（超过 {limits.max_cells} 个）")
                if row and any(values := [_cell_text(value) for value in row]):
                    text = "\t".join(values).rstrip("\t")
                    yield TextPart(f"工作表「{sheet.title}」第 {number} 行", text)
    finally:
        workbook.close()


def _pdf_locked(reader) -> bool:
    import pypdf
    from pypdf.errors import DependencyError, PyPdfError

    try:
        return reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
    except (PyPdfError, DependencyError, NotImplementedError):  # no AES library, say
        return True


def _pdf(data: bytes, limits: Limits) -> Iterator[TextPart]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted and _pdf_locked(reader):
        raise ExtractionError("PDF 已加密，无法检查")
    if len(reader.pages) > limits.max_pdf_pages:
        raise ExtractionError(f"PDF 页数过多（超过 {limits.max_pdf_pages} 页）")
    for number, page in enumerate(reader.pages, 1):
        if text := page.extract_text().strip():
            yield TextPart(f"第 {number} 页", text)


_READERS: dict[str, Callable[[bytes, Limits], Iterator[TextPart]]] = dict(
    zip(SCANNED_SUFFIXES, (_text, _text, _html, _html, _docx, _xlsx, _pdf), strict=True)
)
