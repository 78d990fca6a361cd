"""Real attachments with a value planted in every place a reader of the file can see it:
office comments and properties, print headers, formulas, PDF metadata and annotations, RTF
destinations, JSON escapes, OFD pages, image metadata. Made with the libraries an office
would use (python-docx, openpyxl, fpdf2 + pypdf, Pillow), or byte by byte where a format
is only a zip of XML (OFD) or a list of chunks (PNG)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import openpyxl
import pypdf
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from PIL import Image
from pypdf.annotations import Text
from pypdf.generic import NameObject, TextStringObject

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The zip with member ``name`` added or replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, content)
    return buffer.getvalue()


def docx_places(value: str) -> dict[str, bytes]:
    """One .docx per place: 批注, 批注作者, each document property, 脚注, 修订删除的文字."""
    made = {}
    document = docx.Document()
    run = document.add_paragraph("通知正文").add_run("。")
    document.add_comment([run], text=f"请核对 {value}", author="办公室", initials="BG")
    made["批注 1"] = _saved(document)
    document = docx.Document()
    run = document.add_paragraph("通知正文").add_run("。")
    document.add_comment([run], text="请核对", author=f"张三{value}")
    made["批注 1 作者"] = _saved(document)
    for attribute, label in [
        ("author", "作者"),
        ("last_modified_by", "最后修改者"),
        ("title", "标题"),
        ("subject", "主题"),
        ("keywords", "关键词"),
        ("comments", "备注"),
    ]:
        document = docx.Document()
        document.add_paragraph("通知正文")
        setattr(document.core_properties, attribute, f"{label} {value}")
        made[f"文档属性：{label}"] = _saved(document)
    app = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
        f'properties"><Company>{value}</Company><Manager>王经理</Manager></Properties>'
    ).encode()
    document = docx.Document()
    document.add_paragraph("通知正文")
    made["文档属性：单位"] = _with_member(_saved(document), "docProps/app.xml", app)
    footnotes = (
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
        f'<w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>'
        f"联系人 {value}</w:t></w:r></w:p></w:footnote></w:footnotes>"
    ).encode()
    made["脚注 1"] = _with_member(_saved(docx.Document()), "word/footnotes.xml", footnotes)
    document = docx.Document()
    paragraph = document.add_paragraph("名单：")
    deleted, deleted_run, text = OxmlElement("w:del"), OxmlElement("w:r"), OxmlElement("w:delText")
    deleted.set(qn("w:id"), "1")
    deleted.set(qn("w:author"), "办公室")
    text.text = value
    deleted_run.append(text)
    deleted.append(deleted_run)
    paragraph._p.append(deleted)
    made["修订中删除的文字"] = _saved(document)
    return made


def xlsx_places(value: str, suffix: str = ".xlsx") -> dict[str, bytes]:
    """One workbook per place: formula without a cached value, 批注, 页眉, 页脚, 定义的名称,
    document property, sheet name."""

    def book(title: str = "名单"):
        workbook = openpyxl.Workbook()
        workbook.active.title = title
        workbook.active["A1"] = "姓名"
        return workbook, workbook.active

    def saved(workbook) -> bytes:
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    made = {}
    half = len(value) // 2
    workbook, sheet = book()
    sheet["B2"] = f'="{value[:half]}"&"{value[half:]}"'  # openpyxl stores no cached value
    made["工作表「名单」B2 公式"] = saved(workbook)
    workbook, sheet = book()
    sheet["A1"].comment = Comment(f"身份证号 {value}", "办公室")
    made["工作表「名单」A1 批注"] = saved(workbook)
    workbook, sheet = book()
    sheet["A1"].comment = Comment("请核对", f"张三{value}")
    made["工作表「名单」批注作者"] = saved(workbook)
    workbook, sheet = book()
    sheet.oddHeader.center.text = f"名单 {value}"
    sheet.oddHeader.center.size = 12  # written as &12 before the text
    made["工作表「名单」页眉"] = saved(workbook)
    workbook, sheet = book()
    sheet.oddFooter.right.text = f"制表人 {value}"
    made["工作表「名单」页脚"] = saved(workbook)
    workbook, sheet = book()
    workbook.defined_names["联系人"] = DefinedName("联系人", attr_text=f'"{value}"')
    made["定义的名称 1"] = saved(workbook)
    workbook, sheet = book()
    workbook.properties.creator = f"张三 {value}"
    made["文档属性：作者"] = saved(workbook)
    workbook, sheet = book(f"名单{value}")
    made["工作表名称"] = saved(workbook)
    return made


def _pdf(text: str = "Notice") -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.cell(text=text)
    return bytes(pdf.output())


def _written(writer: pypdf.PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_places(value: str) -> dict[str, bytes]:
    """One PDF per place: each document information key, XMP, an annotation and its
    author, a form field value, a bookmark."""
    made = {}
    for key, label in [
        ("/Author", "作者"),
        ("/Title", "标题"),
        ("/Subject", "主题"),
        ("/Keywords", "关键词"),
        ("/Creator", "创建程序"),
        ("/Producer", "生成程序"),
    ]:
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf()))
        writer.add_metadata({key: f"x {value}"})
        made[f"PDF 元数据：{label}"] = _written(writer)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf()))
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-'
        'rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{value}</rdf:li></rdf:Seq></dc:creator>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    writer.xmp_metadata = pypdf.xmp.XmpInformation.create()  # then replaced by ours
    stream = pypdf.generic.DecodedStreamObject()
    stream.set_data(xmp.encode())
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    made["PDF 元数据：XMP"] = _written(writer)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf()))
    note = Text(rect=(50, 550, 200, 650), text=f"check {value}")
    writer.add_annotation(page_number=0, annotation=note)
    made["第 1 页批注"] = _written(writer)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf()))
    note = Text(rect=(50, 550, 200, 650), text="check")
    note[NameObject("/T")] = TextStringObject(f"Zhang {value}")
    writer.add_annotation(page_number=0, annotation=note)
    made["第 1 页批注作者"] = _written(writer)
    made["表单字段 1"] = _pdf_form(value)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf()))
    writer.add_outline_item(title=f"Annex {value}", page_number=0)
    made["书签"] = _written(writer)
    return made


def _pdf_form(value: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Form")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(bytes(pdf.output())))
    field = pypdf.generic.DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/T"): TextStringObject("id"),
            NameObject("/V"): TextStringObject(value),
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): pypdf.generic.ArrayObject(
                [pypdf.generic.FloatObject(n) for n in (50, 50, 200, 80)]
            ),
        }
    )
    reference = writer._add_object(field)
    writer.pages[0][NameObject("/Annots")] = pypdf.generic.ArrayObject([reference])
    writer.root_object[NameObject("/AcroForm")] = pypdf.generic.DictionaryObject(
        {NameObject("/Fields"): pypdf.generic.ArrayObject([reference])}
    )
    return _written(writer)


def rtf_places(value: str) -> dict[str, bytes]:
    """RTF: the body in GBK escapes, document information, a footnote, a comment."""
    gbk = "".join(f"\\'{byte:02x}" for byte in "身份证号".encode("gbk"))
    head = "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}"
    return {
        "第 1 行": f"{head}\\f0 {gbk}{value}\\par}}".encode(),
        "文档属性：作者": f"{head}{{\\info{{\\author {value}}}}}\\f0 text\\par}}".encode(),
        "脚注": f"{head}\\f0 text{{\\footnote\\pard {value}}}\\par}}".encode(),
        "批注": f"{head}\\f0 text{{\\*\\atnid ZS}}{{\\*\\annotation {value}}}\\par}}".encode(),
    }


def ofd_bytes(value: str, where: str = "page") -> bytes:
    """A minimal OFD (GB/T 33190): OFD.xml → Doc_0/Document.xml → one page's TextCode."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    author = value if where == "info" else "办公室"
    text = value if where == "page" else "通知"
    members = {
        "OFD.xml": f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:Author>{author}</ofd:Author></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml"
        "</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document {ns}><ofd:Pages><ofd:Page ID="1" '
        'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
        "Doc_0/Pages/Page_0/Content.xml": f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">'
        f'<ofd:TextObject ID="3" Boundary="0 0 100 10" Font="4" Size="5"><ofd:TextCode X="0" '
        f'Y="5">{text}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + content)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _exif(value: str) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = f"Zhang {value}"  # Artist
    return exif.tobytes()


def image_bytes(suffix: str, value: str, where: str = "") -> bytes:
    """A small picture of the given type carrying ``value`` in its metadata."""
    picture = Image.new("RGB", (8, 8), "white")
    buffer = io.BytesIO()
    if suffix == ".png":
        picture.save(buffer, "PNG")
        data = buffer.getvalue()
        end = data.rindex(b"IEND") - 4
        if where == "itxt":  # compressed international text
            body = b"Description\x00\x01\x00zh\x00\x00" + zlib.compress(value.encode())
            chunk = _chunk(b"iTXt", body)
        else:  # a tEXt chunk after the image data, where Pillow reads it only on load()
            chunk = _chunk(b"tEXt", b"Comment\x00" + value.encode())
        return data[:end] + chunk + data[end:]
    if suffix in (".jpg", ".jpeg"):
        if where == "xmp":
            xmp = (
                '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
                '02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
                f' dc:rights="{value}"/></rdf:RDF></x:xmpmeta>'
            )
            picture.save(buffer, "JPEG", xmp=xmp.encode())
        elif where == "comment":
            picture.save(buffer, "JPEG", comment=value.encode())
        elif where == "usercomment":
            exif = Image.Exif()
            # UTF-16 in the block's byte order: Pillow writes MM (big-endian)
            exif.get_ifd(0x8769)[0x9286] = b"UNICODE\x00" + value.encode("utf-16-be")
            picture.save(buffer, "JPEG", exif=exif.tobytes())
        elif where == "xpcomment":
            exif = Image.Exif()
            exif[0x9C9C] = (value + "\x00").encode("utf-16-le")
            picture.save(buffer, "JPEG", exif=exif.tobytes())
        else:
            picture.save(buffer, "JPEG", exif=_exif(value))
        return buffer.getvalue()
    if suffix == ".gif":
        picture.save(buffer, "GIF", comment=value.encode())
        return buffer.getvalue()
    if suffix == ".webp":
        picture.save(buffer, "WEBP", exif=_exif(value))
        return buffer.getvalue()
    picture.save(buffer, "BMP")
    return buffer.getvalue()


def json_bytes(value: str) -> bytes:
    """JSON with the value hidden by escapes: on no line as written."""
    escaped = "".join(f"\\u{ord(c):04x}" for c in value)
    return ('{"名单": [{"号码": "' + escaped + '"}]}').encode()
