"""The text of office attachments: .docx, .xlsx/.xlsm and .ofd, all zips of XML.

Besides what a reader sees on the page, an office file carries text a reader of the file
sees in other places: comments and their authors, foot- and endnotes, text deleted under
tracked changes, document properties (作者, 最后修改者, 单位 …), print headers and footers,
defined names, and formulas whose value was never calculated. Each is read and labelled
where a webmaster finds it in the office program.

python-docx and openpyxl read the body and cells; the other parts are read from the zip
with lxml (no entities, no network), after open_zip() has refused a bomb.
"""

from __future__ import annotations

import io
import itertools
import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal

from lxml import etree

from .bounds import (
    ExtractionError,
    Limits,
    TextPart,
    all_text,
    check_zip,
    local,
    open_zip,
    parse_xml,
    shown_name,
)

# A docx section's headers and footers, by python-docx's attribute names.
DOCX_PAGES = (("", ""), ("first_page_", "首页"), ("even_page_", "偶数页"))
DOCX_HEADERS = (("header", "页眉"), ("footer", "页脚"))
# docProps/core.xml and app.xml, by element name, as Word shows them under 属性.
PROPERTIES = {
    "creator": "作者",
    "lastModifiedBy": "最后修改者",
    "title": "标题",
    "subject": "主题",
    "keywords": "关键词",
    "description": "备注",
    "category": "类别",
    "contentStatus": "状态",
    "identifier": "标识",
    "Company": "单位",
    "Manager": "经理",
    "HyperlinkBase": "超链接基础",
}
DOCX_NOTES = (
    ("word/comments.xml", "comment", "批注"),
    ("word/footnotes.xml", "footnote", "脚注"),
    ("word/endnotes.xml", "endnote", "尾注"),
)
# Excel's print header codes: &"font,style", &12 (size), &K00FF00 (colour), &P, &D, &&.
HEADER_CODES = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|K\d\d[+-]\d{3}|[A-Za-z])')
SHEET_HEADERS = {
    "oddHeader": "页眉",
    "oddFooter": "页脚",
    "evenHeader": "偶数页页眉",
    "evenFooter": "偶数页页脚",
    "firstHeader": "首页页眉",
    "firstFooter": "首页页脚",
}
FORMULA_STRING = re.compile(r'"((?:[^"]|"")*)"')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def properties(archive: zipfile.ZipFile) -> Iterator[TextPart]:
    """Document properties of an Office Open XML file: core, application and custom."""
    names = set(archive.namelist())
    for member in ("docProps/core.xml", "docProps/app.xml"):
        if member in names:
            for element in parse_xml(archive.read(member)):
                label = PROPERTIES.get(local(element.tag))
                if label and (text := all_text(element).strip()):
                    yield TextPart(f"文档属性：{label}", text)
    if "docProps/custom.xml" in names:
        for number, element in enumerate(parse_xml(archive.read("docProps/custom.xml")), 1):
            text = "\n".join([element.get("name") or "", all_text(element)]).strip()
            if text:
                yield TextPart(f"自定义属性 {number}", text)


def _paragraphs(element: etree._Element, text_tag: str = "t") -> str:
    """The text of every paragraph under a WordprocessingML element, one per line."""
    lines = []
    for paragraph in element.iter("{*}p"):
        lines.append("".join(t.text or "" for t in paragraph.iter(f"{{*}}{text_tag}")))
    return "\n".join(lines).strip()


def _paragraph_text(element: etree._Element) -> str:
    """The text of every paragraph under a docx element (a cell, a header), one per line."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    return "\n".join(Paragraph(p, None).text for p in element.iter(qn("w:p")))


def docx(data: bytes, limits: Limits) -> Iterator[TextPart]:
    with open_zip(data, limits) as archive:
        # The office readers are imported when an attachment needs them: together they cost
        # a check 60 MB of memory that a group without .docx/.xlsx/.pdf files never uses.
        import docx as python_docx
        from docx.oxml.ns import qn
        from docx.text.paragraph import Paragraph

        document = python_docx.Document(io.BytesIO(data))
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
        # Tracked deletions stay in the file and show again under 修订.
        if deleted := _paragraphs(body, "delText"):
            yield TextPart("修订中删除的文字", deleted)
        names = set(archive.namelist())
        for member, tag, label in DOCX_NOTES:
            if member not in names:
                continue
            notes = [
                note
                for note in parse_xml(archive.read(member))
                if local(note.tag) == tag and note.get(f"{{{_W}}}type") in (None, "normal")
            ]  # separators are not notes
            for number, note in enumerate(notes, 1):
                if author := " ".join(
                    filter(None, (note.get(f"{{{_W}}}author"), note.get(f"{{{_W}}}initials")))
                ):
                    yield TextPart(f"{label} {number} 作者", author)
                if text := _paragraphs(note):
                    yield TextPart(f"{label} {number}", text)
        yield from properties(archive)


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


def xlsx(data: bytes, limits: Limits) -> Iterator[TextPart]:
    check_zip(data, limits)
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = 0
    titles = []
    try:
        for sheet in workbook.worksheets:
            titles.append(sheet.title)
            # A declared dimension such as A1:XFD1048576 would pad every row; read what is there.
            sheet.reset_dimensions()
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
                cells += len(row) or 1  # a gap of missing rows costs time too
                if cells > limits.max_cells:
                    raise ExtractionError(f"单元格过多（超过 {limits.max_cells} 个）")
                if row and any(values := [_cell_text(value) for value in row]):
                    text = "\t".join(values).rstrip("\t")
                    yield TextPart(f"工作表「{shown_name(sheet.title)}」第 {number} 行", text)
    finally:
        workbook.close()
    yield TextPart("工作表名称", "\n".join(titles))
    with open_zip(data, limits) as archive:
        yield from _workbook_parts(archive, limits)
        yield from properties(archive)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type's last word, target member)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    found = {}
    for relation in parse_xml(archive.read(rels)):
        target = relation.get("Target") or ""
        member = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        kind = (relation.get("Type") or "").rsplit("/", 1)[-1]
        found[relation.get("Id") or ""] = (kind, posixpath.normpath(member))
    return found


def _workbook_parts(archive: zipfile.ZipFile, limits: Limits) -> Iterator[TextPart]:
    """Defined names, then each sheet's formulas, print headers and comments."""
    workbook = parse_xml(archive.read("xl/workbook.xml"))
    for number, name in enumerate(workbook.iter("{*}definedName"), 1):
        yield TextPart(f"定义的名称 {number}", f"{name.get('name') or ''}\n{all_text(name)}")
    relations = _relationships(archive, "xl/workbook.xml")
    names = set(archive.namelist())
    formulas = 0
    for sheet in workbook.iter("{*}sheet"):
        kind, member = relations.get(sheet.get(RELATIONSHIP) or "", ("", ""))
        if kind != "worksheet" or member not in names:
            continue
        title = shown_name(sheet.get("name") or "")
        with archive.open(member) as file:
            # Streamed: a sheet's cells are many; formulas and headers are few.
            for _, element in etree.iterparse(
                file, events=("end",), resolve_entities=False, no_network=True, load_dtd=False
            ):
                tag = local(element.tag)
                if tag == "f" and element.text:
                    formulas += 1
                    if formulas > limits.max_cells:
                        raise ExtractionError(f"单元格过多（超过 {limits.max_cells} 个）")
                    cell = element.getparent().get("r") or ""
                    yield TextPart(f"工作表「{title}」{cell} 公式", _formula(element.text))
                elif tag in SHEET_HEADERS and element.text:
                    text = HEADER_CODES.sub(" ", element.text).replace("&&", "&").strip()
                    if text:
                        yield TextPart(f"工作表「{title}」{SHEET_HEADERS[tag]}", text)
                elif tag == "row":
                    element.clear()
        for kind, target in _relationships(archive, member).values():
            if target in names and kind in ("comments", "threadedComment"):
                yield from _comments(archive.read(target), title)
    if "xl/persons/person.xml" in names:
        people = [
            p.get("displayName") or "" for p in parse_xml(archive.read("xl/persons/person.xml"))
        ]
        if text := "\n".join(people).strip():
            yield TextPart("批注作者", text)


def _formula(formula: str) -> str:
    """A formula, and after it its string literals joined as Excel's & joins them.

    >>> _formula('"3416231990"&"01011234"').splitlines()[-1]
    '341623199001011234'
    """
    literals = [text.replace('""', '"') for text in FORMULA_STRING.findall(formula)]
    return "\n".join([formula, "".join(literals)]) if len(literals) > 1 else formula


def _comments(data: bytes, title: str) -> Iterator[TextPart]:
    root = parse_xml(data)
    authors = [all_text(a) for a in root.iter("{*}author")]
    if text := "\n".join(authors).strip():
        yield TextPart(f"工作表「{title}」批注作者", text)
    for comment in itertools.chain(root.iter("{*}comment"), root.iter("{*}threadedComment")):
        text_element = next(comment.iter("{*}text"), None)
        if text_element is not None and (text := all_text(text_element).strip()):
            yield TextPart(f"工作表「{title}」{comment.get('ref') or ''} 批注", text)


def ofd(data: bytes, limits: Limits) -> Iterator[TextPart]:
    """OFD (GB/T 33190): every XML member's text; a page's TextCode by page number."""
    with open_zip(data, limits) as archive:
        names = archive.namelist()
        if "OFD.xml" not in names:
            raise ExtractionError("不是有效的 ofd 文件")
        pages = _ofd_pages(archive, names)
        for member in names:
            if not member.lower().endswith(".xml"):
                continue
            root = parse_xml(archive.read(member))
            if member in pages:
                lines = [all_text(code) for code in root.iter("{*}TextObject")]
                if text := "\n".join(lines).strip():
                    yield TextPart(f"第 {pages[member]} 页", text)
            elif text := "\n".join(t.strip() for t in root.itertext() if t.strip()):
                label = "文档信息" if member == "OFD.xml" else shown_name(member)
                yield TextPart(label, text)


def _ofd_pages(archive: zipfile.ZipFile, names: list[str]) -> dict[str, int]:
    """Each page's content member → its number, in each document's page order."""
    pages: dict[str, int] = {}
    root = parse_xml(archive.read("OFD.xml"))
    for document in root.iter("{*}DocRoot"):
        path = (document.text or "").strip().lstrip("/")
        if path not in names:
            continue
        folder = posixpath.dirname(path)
        for number, page in enumerate(parse_xml(archive.read(path)).iter("{*}Page"), 1):
            location = (page.get("BaseLoc") or "").strip()
            if not location.startswith("/"):
                location = posixpath.join(folder, location)
            member = location.lstrip("/")
            pages.setdefault(posixpath.normpath(member), number)
    return pages
