"""Which files a site may publish from its static folders, by name and by content (第十条（二）).

A 政务公开办 publishes documents, images, archives and now and then a recording. Anything
else is refused, and so is a file whose content is not what its suffix says: a web page,
an SVG or an XML file served from the site's own origin runs script in a reader's browser,
whatever it is named. Office files with macros are executable too. A file name holding a
quote, an angle bracket or a control character breaks the links pages make to it.

The checks are the formats' own signatures (ISO 32000 ``%PDF-``, the OLE2 compound file
header, a zip's main part, PNG/JPEG/GIF/WebP/BMP/RAR/7z magic numbers) and the WHATWG MIME
Sniffing patterns by which a browser takes bytes for HTML. They are written out here rather
than taken from a file-type library: a library guesses the likeliest type, where an
allow-list needs an exact, auditable yes or no per suffix, and the container checks (which
main part a zip holds, whether it holds macros) need zipfile anyway.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

HEAD_BYTES = 4096
# Types whose signature is all that is checked: the first bytes are read, not the file.
HEAD_ONLY = (".zip", ".rar", ".7z", ".mp4", ".mp3")
TYPE_FIELD = "(附件类型)"
NAME_FIELD = "(文件名)"

# What may be published, by suffix, with what a webmaster calls it.
DOCUMENTS = {
    ".pdf": "PDF 文档",
    ".ofd": "OFD 版式文档",
    ".doc": "Word 97-2003 文档",
    ".docx": "Word 文档",
    ".xls": "Excel 97-2003 工作簿",
    ".xlsx": "Excel 工作簿",
    ".xlsm": "Excel 工作簿（不含宏）",
    ".ppt": "PowerPoint 97-2003 演示文稿",
    ".pptx": "PowerPoint 演示文稿",
    ".wps": "WPS 文字文档",
    ".et": "WPS 表格文档",
    ".dps": "WPS 演示文档",
    ".odt": "ODF 文本文档",
    ".ods": "ODF 电子表格",
    ".rtf": "RTF 文档",
    ".txt": "纯文本",
    ".csv": "CSV 表格（纯文本）",
    ".json": "JSON 数据（纯文本）",
}
IMAGES = {
    ".png": "PNG 图片",
    ".jpg": "JPEG 图片",
    ".jpeg": "JPEG 图片",
    ".gif": "GIF 图片",
    ".webp": "WebP 图片",
    ".bmp": "BMP 图片",
}
ARCHIVES = {".zip": "ZIP 压缩包", ".rar": "RAR 压缩包", ".7z": "7z 压缩包"}
MEDIA = {".mp4": "MP4 视频", ".mp3": "MP3 音频"}
ALLOWED = {**DOCUMENTS, **IMAGES, **ARCHIVES, **MEDIA}
ALLOWED_SHOWN = "；".join(
    f"{kind} {'、'.join(s[1:] for s in group)}"
    for kind, group in (("文档", DOCUMENTS), ("图片", IMAGES), ("压缩包", ARCHIVES), ("音视频", MEDIA))
)
# Opened in a browser from the site's origin, these run script (or load what does).
MARKUP = {".html", ".htm", ".xhtml", ".xht", ".shtml", ".shtm", ".svg", ".svgz", ".xml", ".xsl",
          ".xslt", ".mht", ".mhtml", ".js", ".mjs", ".css", ".swf", ".hta"}  # fmt: skip
TEXT = {".txt", ".csv", ".json"}

# A character that breaks a link or an attribute, or hides what a name says.
NAME_CHARACTERS = set("\"'<>\\`&#?%")
NAME_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"}

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# WHATWG MIME Sniffing 7.1: a resource starting (after blanks) with one of these, then a
# space or ">", is HTML to a browser that sniffs.
HTML_PATTERNS = (b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div",
                 b"<font", b"<table", b"<a", b"<style", b"<title", b"<b", b"<body", b"<br",
                 b"<p", b"<!--")  # fmt: skip
BLANKS = b"\t\n\x0c\r "
SIGNATURES: list[tuple[str, Callable[[bytes], bool]]] = [
    ("PDF 文档", lambda h: h.startswith(b"%PDF-")),
    ("Office 97-2003 或 WPS 文档", lambda h: h.startswith(OLE2)),
    ("ZIP 压缩包或 Office、OFD 文档", lambda h: h.startswith(ZIP)),
    ("PNG 图片", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("JPEG 图片", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("GIF 图片", lambda h: h.startswith((b"GIF87a", b"GIF89a"))),
    ("WebP 图片", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    ("BMP 图片", lambda h: h.startswith(b"BM") and h[6:10] == bytes(4)),
    ("RAR 压缩包", lambda h: h.startswith(b"Rar!\x1a\x07")),
    ("7z 压缩包", lambda h: h.startswith(b"7z\xbc\xaf\x27\x1c")),
    ("RTF 文档", lambda h: h.startswith(b"{\\rtf")),
    ("MP4 视频", lambda h: h[4:8] == b"ftyp"),
    ("MP3 音频", lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF and h[1] >= 0xE0)),
    ("Windows 可执行程序", lambda h: h.startswith(b"MZ")),
    ("可执行程序", lambda h: h.startswith(b"\x7fELF")),
    ("Flash 动画", lambda h: h[:3] in (b"FWS", b"CWS", b"ZWS")),
    ("脚本", lambda h: h.startswith(b"#!")),
]
# The signature each binary suffix must carry (text suffixes carry none).
EXPECTED_SIGNATURE = {
    ".pdf": "PDF 文档",
    **dict.fromkeys((".doc", ".xls", ".ppt", ".wps", ".et", ".dps"), "Office 97-2003 或 WPS 文档"),
    **dict.fromkeys((".docx", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".ofd", ".zip"),
                    "ZIP 压缩包或 Office、OFD 文档"),  # fmt: skip
    **IMAGES,  # each image suffix's signature is named as the image type is
    ".rar": ARCHIVES[".rar"],
    ".7z": ARCHIVES[".7z"],
    ".rtf": "RTF 文档",
    ".mp4": "MP4 视频",
    ".mp3": "MP3 音频",
}
# The part a zip-based document must hold, and for ODF its declared type.
MAIN_PART = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".xlsm": "xl/workbook.xml",
    ".pptx": "ppt/presentation.xml",
    ".ofd": "OFD.xml",
}
ODF_TYPES = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# Office files that carry code: VBA projects, ActiveX controls, ODF Basic and scripts.
MACRO_MEMBERS = ("vbaproject", "activex/", "basic/", "scripts/")
OLE2_VBA = "_VBA_PROJECT".encode("utf-16-le")


def name_problems(name: str) -> list[tuple[str, str]]:
    """(field, Chinese message) for each reason the name of the static file ``name``
    (relative to its site folder, e.g. "files/a.pdf") forbids publishing it."""
    problems = []
    if bad := _bad_characters(name):
        problems.append((NAME_FIELD, (
            f"文件名或目录名含有不允许的字符（{bad}）：引号、尖括号、反斜杠、& # ? % "
            "和控制字符会破坏页面中指向它的链接；请改名后发布"
        )))  # fmt: skip
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in MARKUP:
        problems.append((TYPE_FIELD, (
            f"{suffix} 文件在浏览器中打开时可以运行脚本，不能作为附件发布；请转换为 PDF 后发布"
        )))  # fmt: skip
    elif suffix not in ALLOWED:
        shown = f" {suffix} 类型" if suffix else "没有扩展名"
        problems.append((TYPE_FIELD, f"不允许发布{shown}的附件；允许的类型：{ALLOWED_SHOWN}"))
    return problems


def content_problem(suffix: str, data: bytes, whole: bool = True) -> str:
    """Why the bytes of an allowed type are not what ``suffix`` says, or ""; ``data`` is the
    whole file, or (``whole=False``) its first bytes: then only the signature is checked."""
    suffix = suffix.lower()
    expected = ALLOWED[suffix]
    head = data[:HEAD_BYTES]
    if suffix in TEXT:  # any text is text; only markup and binary content are not
        binary = b"\x00" in head and not head.startswith(UTF16_BOMS)
        found = _markup(head) or (describe(head) if binary else "")
    else:
        found = describe(head)
        found = "" if found == EXPECTED_SIGNATURE[suffix] else found
    if found:
        return (
            f"文件内容与扩展名不符：扩展名是 {suffix}，应为「{expected}」，内容却是「{found}」；"
            "请上传真正的文件，或改用与内容相符的扩展名"
        )
    if not whole:
        return ""
    if suffix in MAIN_PART or suffix in ODF_TYPES:
        return _zip_problem(data, suffix, expected)
    if head.startswith(OLE2) and OLE2_VBA in data:  # its directory names the VBA project
        return f"{expected}含有宏（VBA 代码），宏是可执行的内容，不能发布；请另存为不含宏的文件后发布"
    return ""


def read_head(path: Path) -> bytes:
    """The first bytes of a file, enough for its signature."""
    with path.open("rb") as file:
        return file.read(HEAD_BYTES)


def _bad_characters(name: str) -> str:
    found = []
    for character in name:
        if character in NAME_CHARACTERS:
            shown = f"「{character}」"
        elif unicodedata.category(character) in NAME_CATEGORIES:
            shown = f"U+{ord(character):04X}"
        else:
            continue
        if shown not in found:
            found.append(shown)
    return "、".join(found)


def describe(head: bytes) -> str:
    """What the first bytes of a file are, as a webmaster would call it."""
    if markup := _markup(head):
        return markup
    for kind, matches in SIGNATURES:
        if matches(head):
            return kind
    if b"\x00" not in head or head.startswith(UTF16_BOMS):
        return "纯文本"
    return "无法识别的内容"


def _markup(head: bytes) -> str:
    """"HTML 网页", "SVG 图像" or "XML 文档" when a browser would take the bytes for one."""
    if head.startswith(UTF16_BOMS):
        head = head[2:].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", "ignore").encode()
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip(BLANKS).lower()
    for pattern in HTML_PATTERNS:
        if start.startswith(pattern) and start[len(pattern) : len(pattern) + 1] in (b" ", b">"):
            return "HTML 网页"
    if start.startswith(b"<svg") or (start.startswith(b"<?xml") and b"<svg" in start):
        return "SVG 图像"
    if start.startswith(b"<?xml"):
        return "XML 文档"
    return ""


def _zip_problem(data: bytes, suffix: str, expected: str) -> str:
    mismatch = (
        f"文件内容与扩展名不符：扩展名是 {suffix}，应为「{expected}」，内容却是其他压缩文件"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            declared = b""
            if suffix in ODF_TYPES and "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).strip()
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return f"不是有效的{expected}（压缩结构已损坏）"
    if suffix in ODF_TYPES and declared != ODF_TYPES[suffix]:
        return mismatch
    if suffix in MAIN_PART and MAIN_PART[suffix] not in names:
        return mismatch
    lowered = [member.lower() for member in names]
    if any(marker in member for member in lowered for marker in MACRO_MEMBERS):
        return (
            f"{expected}含有宏或 ActiveX 控件（可执行的代码），不能发布；"
            "请另存为不含宏的文件（如 .docx、.xlsx）后发布"
        )
    return ""
