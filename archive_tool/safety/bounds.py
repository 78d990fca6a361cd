"""What reading a hostile attachment may cost, and what every reader gives back.

Shared by the readers (extract.py: text, web pages, JSON, RTF; office.py: docx, xlsx, OFD;
pdftext.py; imagetext.py): the limits, the text parts with their place, the one error whose
message is a short Chinese reason quoting nothing of the file, and the checks every zip
and XML member passes before it is parsed.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

MB = 1024 * 1024
# A zip member smaller than this is no bomb whatever its ratio: small XML parts compress well.
RATIO_FLOOR_BYTES = MB
LONG_DIGITS = re.compile(r"\d{6,}")


@dataclass(frozen=True)
class Limits:
    """How much of a hostile attachment may be read."""

    max_file_bytes: int = 50 * MB
    max_unpacked_bytes: int = 200 * MB  # total uncompressed size of a zip's members
    max_ratio: int = 100  # a zip member compressed more than this is a bomb
    max_text_chars: int = 20_000_000
    max_pdf_pages: int = 2000
    max_cells: int = 5_000_000  # an xlsx row counts at least one cell, even an empty one
    max_depth: int = 200  # nesting of a JSON value


@dataclass(frozen=True)
class TextPart:
    """Some text of an attachment and where a webmaster finds it."""

    where: str  # 「第 3 行」「工作表「名单」第 5 行」「第 2 页批注」「文档属性：作者」
    text: str


class ExtractionError(Exception):
    """The attachment cannot be read safely; str() is a short Chinese reason, never content."""


def shown_name(name: str) -> str:
    """A name from inside a file (a sheet, a form field) as a place label: a long run of
    digits in it is masked, for a place is shown unmasked in every message.

    >>> shown_name("名单"), shown_name("341623199001011234")
    ('名单', '34**************34')
    """
    return LONG_DIGITS.sub(lambda m: m[0][:2] + "*" * (len(m[0]) - 4) + m[0][-2:], name)


def decode(data: bytes) -> str:
    """Text in UTF-8, GB18030 or UTF-16 with its byte order mark (Notepad's "Unicode")."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for codec in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    raise ExtractionError("无法识别文本编码")


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip, once its declared sizes show it is no bomb; zipfile never inflates past them."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if sum(member.file_size for member in members) > limits.max_unpacked_bytes or any(
        member.file_size > max(RATIO_FLOOR_BYTES, limits.max_ratio * member.compress_size)
        for member in members
    ):
        archive.close()
        raise ExtractionError("压缩内容过大，可能是压缩炸弹")
    return archive


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip bomb from its declared sizes before a library opens it."""
    open_zip(data, limits).close()


# No entity is expanded, no DTD or network is read, no huge text node is accepted.
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_xml(data: bytes) -> etree._Element:
    """A member of an office file or any XML, parsed without entities or network."""
    return etree.fromstring(data, parser=XML_PARSER)


def local(tag: object) -> str:
    """An element's name without its namespace; "" for comments and instructions."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def all_text(element: etree._Element) -> str:
    """Every text node under an element, joined."""
    return "".join(element.itertext())


def xml_values(root: etree._Element) -> str:
    """Every text node and attribute value under an XML root (XMP keeps values in both),
    one per line; namespace declarations are not attributes to lxml."""
    values = [text.strip() for text in root.itertext()]
    for element in root.iter():
        values += [value.strip() for value in element.attrib.values()]
    return "\n".join(value for value in values if value)
