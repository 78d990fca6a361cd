"""The text an image carries besides its pixels: EXIF (作者, 图片说明, 用户注释, Windows
备注), XMP, IPTC captions, and PNG and JPEG comments. A camera or an editor writes them and
anyone who downloads the picture can read them.

PNG text chunks may follow the image data, so PNG is walked chunk by chunk here (every
compressed chunk inflated within a bound); the other formats keep their metadata before the
image data, which Pillow reads without decoding a pixel. Text in the pixels is not read.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from collections.abc import Iterator

from .bounds import ExtractionError, Limits, TextPart, decode, parse_xml, shown_name, xml_values

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXIF_IFD = 0x8769
USER_COMMENT = 0x9286
XMP_TAG = 0x02BC
# Tags whose value is not text: MakerNote (a camera's own binary block), IPTC, ICC profile.
SKIPPED_TAGS = {0x927C, 0x83BB, 0x8773}
WINDOWS_TAGS = {0x9C9B: "标题", 0x9C9C: "备注", 0x9C9D: "作者", 0x9C9E: "关键词", 0x9C9F: "主题"}
LABELS = {
    "Artist": "作者",
    "ImageDescription": "图片说明",
    "Copyright": "版权",
    "UserComment": "用户注释",
    "Make": "相机厂商",
    "Model": "相机型号",
    "Software": "软件",
    "DocumentName": "文档名称",
    "HostComputer": "计算机",
    # PNG text keywords and the comments of JPEG and GIF (Pillow's info keys)
    "Description": "图片说明",
    "Author": "作者",
    "Title": "标题",
    "Comment": "备注",
    "comment": "备注",
}


def image(data: bytes, limits: Limits) -> Iterator[TextPart]:
    if data.startswith(PNG_SIGNATURE):
        yield from _png(data, limits)
        return
    from PIL import Image, IptcImagePlugin

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning: no pixel is decoded
        try:
            picture = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as error:
            raise ExtractionError("图片尺寸过大，无法检查") from error
    with picture:
        info = picture.info
        for key in ("comment", "Comment", "Description", "Author", "Title"):
            if isinstance(value := info.get(key), (str, bytes)) and (text := _text(value)):
                yield TextPart(f"图片元数据：{LABELS[key]}", text)
        if info.get("exif"):
            yield from _exif(info["exif"])
        if info.get("xmp"):
            yield from _xmp(info["xmp"])
        for key, value in (IptcImagePlugin.getiptcinfo(picture) or {}).items():
            values = value if isinstance(value, list) else [value]
            if text := "\n".join(filter(None, (_text(v) for v in values))):
                yield TextPart(f"图片元数据：IPTC {key[0]}:{key[1]}", text)


def _text(value: str | bytes) -> str:
    if isinstance(value, bytes):
        try:
            value = decode(value)
        except ExtractionError:
            value = value.decode("latin-1")
    return value.replace("\x00", "").strip()


def _exif(data: bytes) -> Iterator[TextPart]:
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif.load(data)
    tags = list(exif.items()) + list(exif.get_ifd(EXIF_IFD).items())
    for tag, value in tags:
        if tag in SKIPPED_TAGS:
            continue
        name = ExifTags.TAGS.get(tag, str(tag))
        if tag == XMP_TAG and isinstance(value, bytes):
            yield from _xmp(value)
            continue
        if tag in WINDOWS_TAGS:  # UTF-16LE, as a byte string or a tuple of bytes
            raw = bytes(value) if isinstance(value, (tuple, bytes)) else b""
            text, label = raw.decode("utf-16-le", "replace").replace("\x00", ""), WINDOWS_TAGS[tag]
        elif tag == USER_COMMENT and isinstance(value, bytes):
            code, body = value[:8], value[8:]
            # UNICODE is UTF-16 in the byte order of the EXIF block's TIFF header (II, MM).
            order = "utf-16-be" if b"MM\x00*" in data[:12] else "utf-16-le"
            text = body.decode(order, "replace") if code.startswith(b"UNICODE") else _text(body)
            label = LABELS[name]
        elif isinstance(value, (str, bytes)):
            text, label = _text(value), LABELS.get(name, name)
        else:
            continue
        if text := text.replace("\x00", "").strip():
            yield TextPart(f"图片元数据：{label}", text)


def _xmp(data: bytes | str) -> Iterator[TextPart]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if text := xml_values(parse_xml(raw.strip(b"\x00 \r\n\t"))):
        yield TextPart("图片元数据：XMP", text)


def _png(data: bytes, limits: Limits) -> Iterator[TextPart]:
    """Every tEXt, zTXt, iTXt and eXIf chunk, before or after the image data."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if len(body) < length:
            raise ExtractionError("不是有效的 png 文件")
        if kind == b"IEND":
            return
        if kind == b"eXIf":
            yield from _exif(body)
            continue
        if kind not in (b"tEXt", b"zTXt", b"iTXt"):
            continue
        keyword, _, rest = body.partition(b"\x00")
        if kind == b"tEXt":
            text = rest.decode("latin-1")
        elif kind == b"zTXt":
            text = _inflate(rest[1:], limits).decode("latin-1")
        else:
            compressed, rest = rest[:1] == b"\x01", rest[2:]
            _, _, rest = rest.partition(b"\x00")  # language tag
            translated, _, rest = rest.partition(b"\x00")
            raw = _inflate(rest, limits) if compressed else rest
            text = "\n".join(part.decode("utf-8", "replace") for part in (translated, raw))
        name = keyword.decode("latin-1")
        if name == "XML:com.adobe.xmp":
            yield from _xmp(text.encode("utf-8"))
        elif text := text.strip():
            yield TextPart(f"图片元数据：{LABELS.get(name, shown_name(name))}", text)


def _inflate(data: bytes, limits: Limits) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limits.max_text_chars)
    if inflater.unconsumed_tail:
        raise ExtractionError("压缩内容过大，可能是压缩炸弹")
    return out
