"""The text of a PDF attachment: its pages, and what a PDF reader shows besides them.

Document information (作者, 标题 …, shown under 文档属性), the XMP metadata stream,
annotations (批注 and their authors), form field values and bookmarks. pypdf reads them;
its own limits bound every decompressed stream.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from .bounds import ExtractionError, Limits, TextPart, parse_xml, shown_name, xml_values

# Document information keys (ISO 32000-1 14.3.3), as PDF readers label them.
INFO = {
    "/Title": "标题",
    "/Author": "作者",
    "/Subject": "主题",
    "/Keywords": "关键词",
    "/Creator": "创建程序",
    "/Producer": "生成程序",
}
DATES = {"/CreationDate", "/ModDate", "/Trapped"}  # not text
ANNOTATION_TEXT = (("/Contents", "批注"), ("/T", "批注作者"), ("/Subj", "批注主题"))


def _locked(reader) -> bool:
    import pypdf
    from pypdf.errors import DependencyError, PyPdfError

    try:
        return reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
    except (PyPdfError, DependencyError, NotImplementedError):  # no AES library, say
        return True


def pdf(data: bytes, limits: Limits) -> Iterator[TextPart]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted and _locked(reader):
        raise ExtractionError("PDF 已加密，无法检查")
    if len(reader.pages) > limits.max_pdf_pages:
        raise ExtractionError(f"PDF 页数过多（超过 {limits.max_pdf_pages} 页）")
    for number, page in enumerate(reader.pages, 1):
        if text := page.extract_text().strip():
            yield TextPart(f"第 {number} 页", text)
    for number, page in enumerate(reader.pages, 1):
        yield from _annotations(page, number)
    yield from _metadata(reader)
    for number, (name, field) in enumerate((reader.get_fields() or {}).items(), 1):
        value = field.get("/V")
        text = "\n".join(str(v) for v in (name, value) if v is not None).strip()
        if text:
            yield TextPart(f"表单字段 {number}", text)
    if titles := "\n".join(_outline(reader.outline, limits)):
        yield TextPart("书签", titles)


def _annotations(page, number: int) -> Iterator[TextPart]:
    annotations = page.get("/Annots")
    for annotation in annotations.get_object() if annotations is not None else ():
        annotation = annotation.get_object()
        for key, label in ANNOTATION_TEXT:
            value = annotation.get(key)
            if value is not None and (text := str(value.get_object()).strip()):
                yield TextPart(f"第 {number} 页{label}", text)


def _metadata(reader) -> Iterator[TextPart]:
    info = reader.metadata or {}
    for key, value in info.items():
        if key in DATES:
            continue
        label = INFO.get(key, shown_name(key.lstrip("/")))
        if value is not None and (text := str(value.get_object()).strip()):
            yield TextPart(f"PDF 元数据：{label}", text)
    stream = reader.trailer["/Root"].get_object().get("/Metadata")
    if stream is not None:
        if text := xml_values(parse_xml(stream.get_object().get_data())):
            yield TextPart("PDF 元数据：XMP", text)


def _outline(items, limits: Limits, depth: int = 0) -> Iterator[str]:
    if depth > limits.max_depth:
        raise ExtractionError("PDF 书签嵌套过深")
    for item in items:
        if isinstance(item, list):
            yield from _outline(item, limits, depth + 1)
        elif title := str(getattr(item, "title", "") or "").strip():
            yield title
