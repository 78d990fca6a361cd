"""The text of a published attachment, for the publishing-safety scanner (第十条（二）（三）).

The scanner looks for citizens' ID numbers, phone numbers and 涉密 markings in every file
a site publishes from its static folders (files/, images/). Attachments are hostile input,
so every reader is bounded (bounds.py): the file's size before anything is read; a zip's
declared sizes and compression ratios before anything is decompressed (docx, xlsx and OFD
are zips); PDF pages, worksheet cells, JSON nesting; and the total text produced. Whatever
a malformed file makes a library raise becomes an `ExtractionError` whose message is a
short Chinese reason quoting nothing of the file.

This module reads the plain formats (text, CSV, web pages, JSON, RTF) and hands the others
to their readers: office.py (.docx, .xlsx, .xlsm, .ofd), pdftext.py, imagetext.py.
python-docx, openpyxl, pypdf, Pillow and striprtf are well-kept pure-Python (Pillow: C
but self-contained) readers: no office suite or converter is needed, none uses the
network. HTML and XML are read with lxml, which the toolkit already uses for links.
"""

from __future__ import annotations

import codecs
import json
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
from lxml import etree
from lxml.html import defs

from . import imagetext, office, pdftext
from .bounds import MB, ExtractionError, Limits, TextPart, decode

__all__ = ["SCANNED_SUFFIXES", "ExtractionError", "Limits", "TextPart", "extract_text"]

KINDS = {".pdf": "PDF", ".html": "HTML", ".htm": "HTML", ".json": "JSON", ".rtf": "RTF"}
KINDS[".ofd"] = "OFD"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")  # a BMP holds no text
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
# Text inside these elements continues the line; any other element starts a new part.
INLINE_TAGS = defs.phrase_tags | defs.font_style_tags | (defs.special_inline_tags - {"br"})
HIDDEN_TAGS = frozenset({"script", "style"})
RTF_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
# RTF destinations striprtf drops that a reader of the file sees: document information
# (作者, 标题 …), comments (\annotation, \atnauthor) and foot- and endnotes.
RTF_DESTINATIONS = {
    b"author": "文档属性：作者",
    b"operator": "文档属性：最后修改者",
    b"title": "文档属性：标题",
    b"subject": "文档属性：主题",
    b"keywords": "文档属性：关键词",
    b"doccomm": "文档属性：备注",
    b"comment": "文档属性：备注",
    b"company": "文档属性：单位",
    b"manager": "文档属性：经理",
    b"category": "文档属性：类别",
    b"atnauthor": "批注作者",
    b"atnid": "批注作者",
    b"annotation": "批注",
    b"footnote": "脚注",
}
RTF_BRACE = re.compile(rb"\\[{}\\]|[{}]")  # an escaped brace or backslash is text
RTF_GROUP = re.compile(rb"\{(?:\\\*)?\\(" + b"|".join(RTF_DESTINATIONS) + rb")(?![a-z])")


def read_attachment(path: Path, limits: Limits = Limits()) -> bytes:
    """The file's bytes, read once within the size limit."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ExtractionError("不是普通文件")
        if status.st_size > limits.max_file_bytes:
            raise ExtractionError(_too_big(limits))
        return _read_bytes(path, limits)
    except OSError as error:  # unreadable is not malformed: say which
        raise ExtractionError("无法读取文件") from error


def extract_text(
    path: Path, limits: Limits = Limits(), data: bytes | None = None
) -> Iterator[TextPart]:
    """Yield the attachment's text part by part; other suffixes yield nothing. ``data`` is
    the file's bytes when the caller has read them (read_attachment)."""
    read = _READERS.get(path.suffix.lower())
    if read is None:
        return
    if data is None:
        data = read_attachment(path, limits)
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
        kind = KINDS.get(path.suffix.lower())
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


def _text(data: bytes, limits: Limits) -> Iterator[TextPart]:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
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
    text = decode(data) if text is None else text
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


def _json(data: bytes, limits: Limits) -> Iterator[TextPart]:
    """Lines as written, then every key and value that reads otherwise once decoded
    (``\\u0033``, ``3.4e17``): its text is not on any line."""
    text = decode(data)
    yield from _text(data, limits)
    try:
        value = json.loads(text)
    except RecursionError as error:
        raise ExtractionError("JSON 嵌套过深") from error
    for number, item in enumerate(_json_values(value, limits), 1):
        if item and item not in text:
            yield TextPart(f"JSON 第 {number} 个值（转义或数字写法解码后）", item)


def _json_values(value: object, limits: Limits) -> Iterator[str]:
    """Every key, string and number, depth-first, within the nesting limit."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limits.max_depth:
            raise ExtractionError("JSON 嵌套过深")
        if isinstance(item, dict):
            for key, child in reversed(item.items()):
                stack += [(child, depth + 1), (key, depth + 1)]
        elif isinstance(item, list):
            stack += [(child, depth + 1) for child in reversed(item)]
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            yield office._cell_text(item)


def _rtf(data: bytes, limits: Limits) -> Iterator[TextPart]:
    """The body's lines (striprtf), then each destination it drops: properties, comments,
    footnotes. Code page from \\ansicpgN (936 for GBK documents)."""
    from striprtf.striprtf import rtf_to_text

    found = RTF_CODEPAGE.search(data[:4096])
    codec = f"cp{found.group(1).decode()}" if found else "cp1252"
    try:
        codecs.lookup(codec)
    except LookupError:
        codec = "cp1252"

    def text_of(source: bytes) -> str:
        return rtf_to_text(source.decode("latin-1"), encoding=codec, errors="replace")

    body = text_of(data)
    yield from _text(body.encode("utf-8"), limits)
    for label, inner in _destinations(data):
        if text := text_of(b"{\\rtf1 " + inner + b"}").strip():
            yield TextPart(label, text)


def _destinations(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(label, content) of each RTF_DESTINATIONS group, in one pass over the braces."""
    starts = {m.start(): (m.end(), m.group(1)) for m in RTF_GROUP.finditer(data)}
    if not starts:
        return
    opened: list[int] = []
    for token in RTF_BRACE.finditer(data):
        brace = token.group()
        if brace == b"{":
            opened.append(token.start())
        elif brace == b"}" and opened and (start := opened.pop()) in starts:
            end, keyword = starts[start]
            yield RTF_DESTINATIONS[keyword], data[end : token.start()]


_READERS: dict[str, Callable[[bytes, Limits], Iterator[TextPart]]] = {
    ".txt": _text,
    ".csv": _text,
    ".html": _html,
    ".htm": _html,
    ".json": _json,
    ".rtf": _rtf,
    ".docx": office.docx,
    ".xlsx": office.xlsx,
    ".xlsm": office.xlsx,
    ".ofd": office.ofd,
    ".pdf": pdftext.pdf,
    **{suffix: imagetext.image for suffix in IMAGE_SUFFIXES},
}
SCANNED_SUFFIXES = tuple(_READERS)
