"""archive-tool republish on hostile WARCs, built here with warcio's WARCWriter.

Each table row says what a WARC holds and what must not come out of it. Active content
must not survive (checked as a browser parses the output, with html5lib), bad records are
left out with a named warning while the run goes on, damaged WARCs are refused (or
salvaged), and no input, however small and however it inflates, makes the command use
more than 200 MB or write a large file. Never a traceback.

Property tests (hypothesis) cover the URL-to-path mapping and the rewriters.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import brotlicffi
import html5lib
import lxml.etree
import lxml.html
import pytest
import tinycss2
from conftest import archive_tool, archive_tool_measured
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_tool.regions import SHANGHAI
from archive_tool.republish.paths import archive_path
from archive_tool.republish.rewrite import (
    Banner,
    Target,
    rewrite_css,
    rewrite_html,
)

MiB = 1024 * 1024
MAX_PATH_BYTES = 1000  # the bound archive paths keep to (republish.paths)
MAX_NODES = 150_000  # elements and attributes a page may have (republish.bounds)
MAX_STYLE_CHARS = MiB  # the largest style sheet rewritten (republish.css)
SITE = "http://evil.example"
OTHER = "other.example"  # a site that is not archived: nothing may load from it
DATE = "2026-11-24T02:00:00Z"
PEAK_KB = 200 * 1024  # 200 MB
SCRIPT_SCHEMES = {"javascript", "vbscript", "livescript", "mocha", "jscript"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
    "cite",
    "longdesc",
    "lowsrc",
}


# -- building WARCs ----------------------------------------------------------------------


@dataclass
class Rec:
    """One record: a response (with an HTTP head) or a resource record (without)."""

    path: str
    body: bytes | Path = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list = field(default_factory=list)
    kind: str = "response"
    status: str = "200 OK"
    date: str = DATE

    @property
    def url(self) -> str:
        return self.path if "://" in self.path else SITE + self.path


def page(body: str, head: str = "") -> bytes:
    return f"<html><head><title>页面</title>{head}</head><body>{body}</body></html>".encode()


def build_warc(path: Path, records: list[Rec], gzipped: bool = True) -> Path:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for rec in records:
            payload = open(rec.body, "rb") if isinstance(rec.body, Path) else io.BytesIO(rec.body)  # noqa: SIM115
            with payload:
                if rec.kind == "resource":
                    record = writer.create_warc_record(
                        rec.url,
                        "resource",
                        payload=payload,
                        warc_content_type=rec.content_type,
                        warc_headers_dict={"WARC-Date": rec.date},
                    )
                else:
                    http = StatusAndHeaders(
                        rec.status,
                        [("Content-Type", rec.content_type), *rec.headers],
                        protocol="HTTP/1.1",
                    )
                    record = writer.create_warc_record(
                        rec.url,
                        "response",
                        payload=payload,
                        http_headers=http,
                        warc_headers_dict={"WARC-Date": rec.date},
                    )
                writer.write_record(record)
    return path


def record_offsets(warc: Path) -> dict[str, int]:
    with open(warc, "rb") as stream:
        iterator = ArchiveIterator(stream)
        return {
            record.rec_headers.get_header("WARC-Target-URI"): iterator.get_record_offset()
            for record in iterator
        }


def zeros_coded(size: int, wbits: int) -> bytes:
    """``size`` zero bytes in gzip (wbits 31) or zlib (15) coding, built in a second: each
    MiB compresses to the same bytes after a full flush, so the stream is repeated."""
    block = b"\0" * MiB
    coder = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = coder.compress(block) + coder.flush(zlib.Z_FULL_FLUSH)
    again = coder.compress(block) + coder.flush(zlib.Z_FULL_FLUSH)
    assert again == coder.compress(block) + coder.flush(zlib.Z_FULL_FLUSH)
    check = 0 if wbits == 31 else 1
    for _ in range(size // MiB):
        check = zlib.crc32(block, check) if wbits == 31 else zlib.adler32(block, check)
    trailer = (
        struct.pack("<II", check, size & 0xFFFFFFFF) if wbits == 31 else struct.pack(">I", check)
    )
    return first + again * (size // MiB - 1) + b"\x03\x00" + trailer


def damaged_gzip() -> bytes:
    """A gzip-coded page with one byte flipped halfway: it inflates, then fails its check."""
    text = "".join(f"<p>第{n}段：{n * 7919 % 104729}</p>" for n in range(20_000)).encode()
    coded = bytearray(zlib.compress(text, 6, wbits=31))
    coded[len(coded) // 2] ^= 0x55
    return bytes(coded)


def brotli_zeros(size: int) -> bytes:
    coder = brotlicffi.Compressor(quality=5)
    block = b"\0" * MiB
    return b"".join(coder.process(block) for _ in range(size // MiB)) + coder.finish()


def chunked(data: bytes, size: int = 64 * 1024) -> bytes:
    pieces = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size])
        for i in range(0, len(data), size)
    ]
    return b"".join(pieces) + b"0\r\n\r\n"


def normalize_url(value: str) -> str:
    """A URL attribute as a browser reads it: no edge controls or spaces, no tabs or newlines."""
    return re.sub(r"[\t\n\r]", "", value.strip("".join(chr(c) for c in range(0x21))))


def scheme_of(value: str) -> str:
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", normalize_url(value))
    return match.group(1).lower() if match else ""


# -- running the command -----------------------------------------------------------------

def republish_measured(warc: Path, out: Path, *extra) -> tuple[subprocess.CompletedProcess, int]:
    """archive-tool republish in a fresh process, and its peak RSS in KiB."""
    return archive_tool_measured("republish", warc, "-o", out, *extra)


def republish_ok(warc: Path, out: Path, *extra) -> subprocess.CompletedProcess:
    result = archive_tool("republish", warc, "-o", out, *extra)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "已发布归档" in result.stderr
    return result


def verify_dir(out: Path) -> subprocess.CompletedProcess:
    return archive_tool("verify", out)


def output_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file()]


# -- reading the output as a browser would ------------------------------------------------


def css_active(text: str) -> list[str]:
    found = []

    def walk(nodes):
        for node in nodes:
            if node.type == "url" and scheme_of(node.value) in SCRIPT_SCHEMES:
                found.append(f"url({node.value})")
            if node.type == "function":
                if node.lower_name in ("expression",):
                    found.append("expression()")
                walk(node.arguments)
            if node.type == "ident" and node.lower_value in ("behavior", "-moz-binding"):
                found.append(node.lower_value)
            if node.type in ("() block", "[] block", "{} block"):
                walk(node.content)

    walk(tinycss2.parse_component_value_list(text))
    return found


def attribute_problems(tag: str, name: str, value: str) -> list[str]:
    local = name.rsplit(":", 1)[-1].rsplit("}", 1)[-1].lower()
    value_n = normalize_url(value)
    problems = []
    if local.startswith("on"):
        problems.append(f"<{tag} {name}>")
    if local in ("srcdoc", "ping"):
        problems.append(f"<{tag} {local}>")
    if scheme_of(value) in SCRIPT_SCHEMES or re.search(r"(java|vb)script:", value_n, re.IGNORECASE):
        problems.append(f"<{tag} {name}={value[:40]!r}>")
    if value_n.lower().startswith("data:") and not value_n.lower().startswith("data:image/"):
        problems.append(f"<{tag} {name}=data:…>")
    if (
        local in URL_ATTRIBUTES
        and OTHER in value
        and not (tag in ("a", "area") and local == "href")
    ):
        problems.append(f"<{tag} {name}> loads {OTHER}")
    if local == "style":
        problems += css_active(value)
    return problems


def html_problems(data: bytes) -> list[str]:
    """Active content in an HTML file, as html5lib (a WHATWG parser) reads it."""
    document = html5lib.parse(data, treebuilder="lxml", namespaceHTMLElements=False)
    problems = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "applet", "handler", "listener"):
            problems.append(f"<{tag}>")
        if tag in ("set", "animate") and "href" in (element.get("attributeName") or "").lower():
            problems.append(f"<{tag}> sets a link")
        if tag == "style":
            problems += css_active(element.text or "")
        for name, value in element.attrib.items():
            problems += attribute_problems(tag, name, value)
    return problems


def svg_problems(data: bytes) -> list[str]:
    root = lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False))
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            problems.append("entity")
            continue
        tag = lxml.etree.QName(element).localname.lower()
        if tag in ("script", "foreignobject", "set", "animate", "handler", "iframe"):
            problems.append(f"<{tag}>")
        for name, value in element.attrib.items():
            problems += attribute_problems(tag, name, value)
        if tag == "style":
            problems += css_active(element.text or "")
    return problems


def active_content(out: Path) -> list[str]:
    """Every piece of active content in the files of a republished folder."""
    problems = []
    for path in output_files(out):
        data = path.read_bytes()
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            found = html_problems(data)
        elif suffix == ".svg":
            found = svg_problems(data)
        elif suffix == ".css":
            found = css_active(data.decode("utf-8", "replace"))
        else:
            found = []
        problems += [f"{path.relative_to(out)}: {problem}" for problem in found]
    return problems


# -- active content ----------------------------------------------------------------------

HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
    b"<script>alert(2)</script><rect width='10' height='10' onclick='alert(3)'/>"
    b'<a xlink:href="javascript:alert(4)"><text>x</text></a>'
    b'<set attributeName="href" to="javascript:alert(5)"/>'
    b"<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'><iframe src='javascript:alert(6)'/></body></foreignObject>"
    b'<use href="http://other.example/sprite.svg#a"/><image xlink:href="http://other.example/i.png"/>'
    b"<style>rect { fill: url(javascript:alert(7)) }</style></svg>"
)
ENTITY_SVG = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "&lt;script&gt;alert(1)&lt;/script&gt;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
)


@dataclass
class Hostile:
    """A WARC's hostile content, and what must not come out of it."""

    records: list[Rec]
    absent: tuple[str, ...] = ()  # substrings (lower case) no output file may hold


ACTIVE_CASES = {
    "svg with script, onload, links, animation, foreignObject": Hostile(
        [
            Rec(
                "/",
                page(
                    '<object data="x.svg"></object><img src="x.svg"><iframe src="x.svg"></iframe>'
                ),
            ),
            Rec("/x.svg", HOSTILE_SVG, "image/svg+xml"),
        ],
        ("<script", "onload", "onclick", "alert(", "foreignobject", OTHER),
    ),
    "svg entities smuggling markup": Hostile(
        [Rec("/", page('<img src="e.svg">')), Rec("/e.svg", ENTITY_SVG, "image/svg+xml")],
        ("<!doctype svg", "<!entity", "alert("),
    ),
    "iframe srcdoc with script": Hostile(
        [Rec("/", page('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'))],
        ("srcdoc", "alert("),
    ),
    "data:text/html in a, iframe, object, embed": Hostile(
        [
            Rec(
                "/",
                page(
                    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">a</a>'
                    '<iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></iframe>'
                    '<object data="data:text/html,x"></object><embed src="DATA:text/html,x">'
                    '<object data="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"></object>'
                ),
            )
        ],
        ("data:text/html", "data:image/svg+xml", "alert("),
    ),
    "svg animate and set writing javascript: into a link": Hostile(
        [
            Rec(
                "/",
                page(
                    '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
                    '<set attributeName="xlink:href" to="javascript:alert(2)"/><text>x</text></a>'
                    '<animate attributeName="href" values="#a;javascript:alert(3)"/></svg>'
                ),
            )
        ],
        ("javascript:", "<animate", "<set"),
    ),
    "vbscript, livescript and spelled-out javascript URLs": Hostile(
        [
            Rec(
                "/",
                page(
                    '<a href="vbscript:msgbox(1)">v</a><a href=" java&#x09;script:alert(1)">t</a>'
                    '<a href="&#x01;javascript:alert(2)">c</a><a href="JaVaScRiPt:alert(3)">u</a>'
                    '<area href="livescript:x"><math href="javascript:alert(4)">m</math>'
                    '<form action="javascript:alert(5)"><button formaction="vbscript:x">b</button></form>'
                    '<meta http-equiv="refresh" content="0;url=javascript:alert(6)">'
                ),
            )
        ],
        ("vbscript", "livescript", "javascript", "java\tscript", "alert("),
    ),
    "css url(javascript:), expression(), behavior, escapes": Hostile(
        [
            Rec(
                "/",
                page(
                    "<p style=\"background:url('javascript:alert(1)')\">p</p>"
                    '<p style="width:expr\\65ssion(alert(2))">q</p>',
                    "<style>a { background: \\75 rl(javascript:alert(3)) } b { behavior: url(x.htc) }"
                    " i { width: expression(alert(4)); -moz-binding: url(x.xml#b) }</style>"
                    '<link rel="stylesheet" href="s.css">',
                ),
            ),
            Rec(
                "/s.css",
                b"body { background: url(javascript:alert(5)) } p { width: e\\xpression(alert(6)) }"
                b" @import 'vbscript:x'; li { background-image: url(data:text/html,x) }",
                "text/css",
            ),
        ],
        ("javascript", "vbscript", "expression", "behavior", "binding", "data:text/html"),
    ),
    "references to another origin: ping, formaction, xlink:href, use href": Hostile(
        [
            Rec(
                "/",
                page(
                    f'<a href="#top" ping="http://{OTHER}/track">a</a>'
                    f'<form action="/search"><button formaction="http://{OTHER}/steal">b</button>'
                    f'<input type="submit" formaction="//{OTHER}/x"></form>'
                    f'<svg><use href="http://{OTHER}/sprite.svg#i"/><use xlink:href="http://{OTHER}/s.svg#j"/>'
                    f'<image xlink:href="http://{OTHER}/i.png"/></svg>'
                    f'<blockquote cite="http://{OTHER}/q">q</blockquote><img src="x.png" srcset="http://{OTHER}/y.png 2x">'
                    f'<video poster="http://{OTHER}/p.png"></video><table background="http://{OTHER}/b.png"></table>'
                    f'<link rel="prefetch" href="http://{OTHER}/n"><link rel="dns-prefetch" href="//{OTHER}">'
                ),
            )
        ],
        (OTHER,),
    ),
    "parser differentials: svg style, comments, raw text elements": Hostile(
        [
            Rec(
                "/",
                page(
                    "<svg><style><img src=x onerror=alert(1)></style></svg>"
                    "<!-- a --!><img src=x onerror=alert(2)> -->"
                    '<noembed><img title="</noembed><img src onerror=alert(3)>"></noembed>'
                    '<noframes><img title="</noframes><img src onerror=alert(4)>"></noframes>'
                    '<xmp><img title="</xmp><img src onerror=alert(5)>"></xmp>'
                    "<math><mtext><table><mglyph><style><img src=x onerror=alert(6)></style></mglyph></table></mtext></math>"
                ),
            )
        ],
    ),
    "html served as an unknown type keeps no .html name": Hostile(
        [
            Rec("/", page('<a href="x.html">x</a>')),
            Rec("/x.html", b"<script>alert(1)</script>", "application/octet-stream"),
            Rec("/shell.php", b"<?php system($_GET['c']); ?>", "application/x-httpd-php"),
            Rec("/doc.php.pdf", b"%PDF-1.4 <?php echo 1; ?>", "application/pdf"),
        ],
    ),
    "xml with xhtml script and xslt": Hostile(
        [
            Rec(
                "/", page('<a href="feed.xml">feed</a><a href="t.xml">t</a><a href="ok.xml">ok</a>')
            ),
            Rec(
                "/feed.xml",
                b'<?xml version="1.0"?><feed><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script></feed>',
                "application/xml",
            ),
            Rec(
                "/t.xml",
                b'<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="evil.xsl"?><r/>',
                "text/xml",
            ),
            Rec(
                "/ok.xml",
                b'<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>',
                "text/xml",
            ),
        ],
        ("alert(", "xml-stylesheet"),
    ),
}


@pytest.mark.parametrize("name", ACTIVE_CASES)
def test_active_content_does_not_survive_republishing(name, tmp_path):
    case = ACTIVE_CASES[name]
    warc = build_warc(tmp_path / "hostile.warc.gz", case.records)
    out = tmp_path / "out"
    republish_ok(warc, out)
    assert active_content(out) == []
    for path in output_files(out):
        text = path.read_bytes().lower()
        for absent in case.absent:
            assert absent.lower().encode() not in text, f"{absent!r} in {path.relative_to(out)}"
        assert path.suffix in (".html", ".css", ".svg", ".xml", ".json", ".png", ".pdf", ".bin"), (
            path
        )
        assert ".php" not in path.name, path
    check = verify_dir(out)
    assert check.returncode == 0 and "结论：通过" in check.stdout, check.stdout + check.stderr


def test_a_hostile_svg_is_rewritten_through_the_allowlist_and_keeps_its_drawing(tmp_path):
    warc = build_warc(
        tmp_path / "svg.warc.gz",
        [Rec("/", page('<img src="x.svg">')), Rec("/x.svg", HOSTILE_SVG, "image/svg+xml")],
    )
    out = tmp_path / "out"
    republish_ok(warc, out)
    svg = next(out.rglob("x.svg")).read_bytes()
    root = lxml.etree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}rect").get("width") == "10"


# -- verify DIR fails on active content planted into a republished folder ----------------

PLANTED = {
    "srcdoc": ('<iframe srcdoc="x"></iframe>', "srcdoc"),
    "event handler": ('<img src="x.png" onerror="alert(1)">', "事件属性"),
    "javascript: with a tab": ('<a href="java\tscript:alert(1)">x</a>', "脚本网址"),
    "vbscript:": ('<a href="vbscript:x">x</a>', "脚本网址"),
    "data:text/html iframe": ('<iframe src="data:text/html,x"></iframe>', "data:"),
    "animate into href": (
        '<svg><animate attributeName="href" values="javascript:x"/></svg>',
        "动画",
    ),
    "use href elsewhere": (f'<svg><use href="http://{OTHER}/s.svg#a"/></svg>', "其他网站"),
    "ping": (f'<a href="#" ping="http://{OTHER}/p">x</a>', "ping"),
    "formaction elsewhere": (
        f'<form><button formaction="http://{OTHER}/f">b</button></form>',
        "其他网站",
    ),
    "css expression": ("<style>p { width: expression(alert(1)) }</style>", "expression"),
    "css escaped url(javascript:)": (
        "<p style='background: \\75 rl(javascript:x)'>p</p>",
        "javascript",
    ),
    "script": ("<script>alert(1)</script>", "<script>"),
}


@pytest.fixture(scope="module")
def clean_archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    warc = build_warc(
        root / "site.warc.gz",
        [Rec("/", page("<p>正文</p>")), Rec("/a.html", page("<p>另一页</p>"))],
    )
    republish_ok(warc, root / "out")
    assert verify_dir(root / "out").returncode == 0
    return root / "out"


@pytest.mark.parametrize("name", PLANTED)
def test_verify_dir_fails_on_planted_active_content(name, clean_archive, tmp_path):
    import shutil

    snippet, named = PLANTED[name]
    out = tmp_path / "out"
    shutil.copytree(clean_archive, out)
    target = next(p for p in out.rglob("a.html"))
    target.write_text(
        target.read_text(encoding="utf-8").replace("</body>", snippet + "</body>"), encoding="utf-8"
    )
    result = verify_dir(out)
    assert result.returncode == 1, result.stdout
    assert "a.html" in result.stderr and named in result.stderr, result.stderr


@pytest.mark.parametrize(
    "name, content, named",
    [
        ("x.svg", HOSTILE_SVG, "SVG 中有"),
        ("s.css", b"p { background: url('javascript:alert(1)') }", "javascript"),
        ("run.php", b"<?php ?>", "扩展名"),
        ("a.php.pdf", b"%PDF", "当作程序"),
        ("f.xml", b'<r><x:script xmlns:x="http://www.w3.org/1999/xhtml"/></r>', "可执行的元素"),
        ("loose.html", b"<p onclick='x()'>p</p>", "事件属性"),
    ],
)
def test_verify_dir_fails_on_planted_active_files(name, content, named, clean_archive, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(clean_archive, out)
    archive = next(p for p in out.iterdir() if p.is_dir())
    (archive / "evil.example" / name).write_bytes(content)
    result = verify_dir(out)
    assert result.returncode == 1 and name in result.stderr and named in result.stderr, (
        result.stderr
    )


# -- bad records are left out with a named warning; the run goes on ----------------------

LONG = "/" + "x" * 3000


@dataclass
class Bad:
    records: list[Rec]
    skipped: dict[str, str] = field(default_factory=dict)  # url → reason (part) in the warning
    published: tuple[str, ...] = ()  # URL paths whose page must be in the archive


BAD_CASES = {
    "href holding \\x01": Bad(
        [
            Rec("/", page(f'<a href="http://{OTHER}/a\x01b">x</a><img src="/i\x01.png">')),
            Rec("/ok.html", page("ok")),
        ],
        published=("/", "/ok.html"),
    ),
    "port 99999": Bad(
        [Rec("http://evil.example:99999/", page("x")), Rec("/ok.html", page("ok"))],
        {"http://evil.example:99999/": "端口号超出"},
        ("/ok.html",),
    ),
    "port 99999 on a 3000-character URL": Bad(
        [Rec("http://evil.example:99999" + LONG, page("x")), Rec("/ok.html", page("ok"))],
        {"http://evil.example:99999" + LONG: "端口号超出"},
        ("/ok.html",),
    ),
    "60-segment path": Bad(
        [
            Rec("/" + "/".join(["s" * 100] * 60) + "/x.html", page("deep")),
            Rec("/ok.html", page("ok")),
        ],
        published=("/ok.html",),
    ),
    "a file where a folder must be": Bad(
        [
            Rec("/x.png", b"\x89PNG", "image/png"),
            Rec("/x.png/y.png", b"\x89PNG", "image/png"),
            Rec("/ok.html", page("ok")),
        ],
        {"/x.png/y.png": "无法写入文件"},
        ("/ok.html",),
    ),
    "an unreadable WARC-Date": Bad(
        [Rec("/d.html", page("d"), date="yesterday"), Rec("/ok.html", page("ok"))],
        {"/d.html": "WARC-Date 无效"},
        ("/ok.html",),
    ),
    "an unknown content coding": Bad(
        [
            Rec("/z.html", b"\x28\xb5\x2f\xfd", headers=[("Content-Encoding", "zstd")]),
            Rec("/ok.html", page("ok")),
        ],
        {"/z.html": "不支持的内容编码"},
        ("/ok.html",),
    ),
    "gzip content damaged halfway": Bad(
        [
            Rec("/g.html", damaged_gzip(), headers=[("Content-Encoding", "gzip")]),
            Rec("/ok.html", page("ok")),
        ],
        {"/g.html": "数据损坏"},
        ("/ok.html",),
    ),
}


@pytest.mark.parametrize("name", BAD_CASES)
def test_a_bad_record_is_skipped_with_a_named_warning(name, tmp_path):
    case = BAD_CASES[name]
    warc = build_warc(tmp_path / "bad.warc.gz", case.records)
    offsets = record_offsets(warc)
    out = tmp_path / "out"
    result = republish_ok(warc, out)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("警告：已跳过")]
    assert len(warnings) == len(case.skipped), result.stderr
    for path, reason in case.skipped.items():
        url = path if "://" in path else SITE + path
        line = next(w for w in warnings if f"偏移 {offsets[url]} 的记录" in w)
        assert reason in line and len(line) < 400, line
        assert url[:60] in line, "the URL is named (shortened when long)"
    manifest = json.loads(next(out.glob("*/archive.json")).read_text(encoding="utf-8"))
    listed = {urlsplit_path(p["url"]) for p in manifest["pages"]}
    assert set(case.published) <= listed
    assert all(
        len(p.relative_to(out).as_posix().encode()) < MAX_PATH_BYTES + 40 for p in output_files(out)
    )
    check = verify_dir(out)
    assert check.returncode == 0, check.stderr


def urlsplit_path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


# -- encodings, resource records ----------------------------------------------------------


def test_a_gbk_stylesheet_becomes_utf8_without_its_gbk_charset_rule(tmp_path):
    css = '@charset "gbk";\nbody { font-family: "宋体" }\n.t:before { content: "政务公开" }'.encode(
        "gbk"
    )
    warc = build_warc(
        tmp_path / "gbk.warc.gz",
        [
            Rec("/", page("<p>x</p>", '<link rel="stylesheet" href="s.css">')),
            Rec("/s.css", css, "text/css"),
        ],
    )
    out = tmp_path / "out"
    republish_ok(warc, out)
    written = next(out.rglob("s.css")).read_bytes()
    text = written.decode("utf-8")
    assert text.startswith('@charset "utf-8";') and "gbk" not in text.lower()
    assert '"宋体"' in text and '"政务公开"' in text


def test_resource_records_are_captures(tmp_path):
    logo = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    warc = build_warc(
        tmp_path / "resource.warc.gz",
        [
            Rec(
                "/",
                page('<h1>资源记录页面</h1><img src="logo.png">'),
                "text/html; charset=utf-8",
                kind="resource",
            ),
            Rec("/logo.png", logo, "image/png", kind="resource"),
        ],
    )
    out = tmp_path / "out"
    republish_ok(warc, out)
    home = next(out.rglob("evil.example/index.html"))
    document = lxml.html.fromstring(home.read_bytes())
    assert "资源记录页面" in document.text_content()
    assert document.xpath("//body/*[1]/@data-archive-banner") == [""]
    assert document.xpath("//img/@src") == ["logo.png"]
    assert next(out.rglob("logo.png")).read_bytes() == logo
    assert verify_dir(out).returncode == 0


# -- damaged WARCs: refused, or salvaged -------------------------------------------------


@pytest.fixture
def truncated(tmp_path) -> tuple[Path, int]:
    warc = build_warc(
        tmp_path / "site.warc.gz",
        [Rec(f"/{n}.html", page(f"<p>第{n}页</p>" * 50)) for n in range(4)],
    )
    last = record_offsets(warc)[f"{SITE}/3.html"]
    broken = tmp_path / "truncated.warc.gz"
    broken.write_bytes(warc.read_bytes()[:-60])
    return broken, last


def test_a_truncated_warc_is_refused_and_nothing_written(truncated, tmp_path):
    warc, last = truncated
    out = tmp_path / "out"
    result = archive_tool("republish", warc, "-o", out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "已损坏" in result.stderr and f"偏移 {last}" in result.stderr
    assert "--salvage" in result.stderr and "未写入任何文件" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_salvage_publishes_the_intact_records_and_names_the_dropped(truncated, tmp_path):
    warc, last = truncated
    out = tmp_path / "out"
    result = republish_ok(warc, out, "--salvage")
    assert "已丢弃" in result.stderr and f"偏移 {last}" in result.stderr
    assert "最后一条记录不完整" in result.stderr
    manifest = json.loads(next(out.glob("*/archive.json")).read_text(encoding="utf-8"))
    assert sorted(urlsplit_path(p["url"]) for p in manifest["pages"]) == [
        "/0.html",
        "/1.html",
        "/2.html",
    ]
    assert verify_dir(out).returncode == 0


def test_salvage_drops_a_record_whose_digest_does_not_match(tmp_path):
    warc = build_warc(
        tmp_path / "site.warc",
        [Rec(f"/{n}.html", page(f"<p>第{n}页</p>")) for n in range(3)],
        gzipped=False,
    )
    data = warc.read_bytes()
    changed = tmp_path / "changed.warc"
    changed.write_bytes(data.replace("第1页".encode(), "第9页".encode()))
    refused = archive_tool("republish", changed, "-o", tmp_path / "refused")
    assert refused.returncode == 1 and "摘要不符" in refused.stderr
    out = tmp_path / "out"
    result = republish_ok(changed, out, "--salvage")
    assert "摘要不符" in result.stderr
    manifest = json.loads(next(out.glob("*/archive.json")).read_text(encoding="utf-8"))
    assert sorted(urlsplit_path(p["url"]) for p in manifest["pages"]) == ["/0.html", "/2.html"]


# -- memory and disk bombs ----------------------------------------------------------------


@dataclass
class Bomb:
    records: list[Rec]
    largest: int = MiB  # no output file may be larger
    published: tuple[str, ...] = ()  # file names that must be in the archive
    skipped: int = 1


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bombs")
    big_html = root / "big.html"
    with open(big_html, "wb") as out:
        out.write(b"<html><body><p>")
        out.writelines(b"a" * MiB for _ in range(256))
    legit = root / "legit.bin"
    legit.write_bytes(os.urandom(24 * MiB))
    # As many elements and as much style as a page may have: the worst that is rewritten.
    links = (MAX_NODES - 100) // 3
    dense = b'<a href="p.html" style="color:red">t</a>' * links
    flood = b"<p " + b" ".join(b"a%d" % n for n in range(MiB // 4)) + b">"
    rule = ".c{n}{{background:url(i{n}.png) 0 0 no-repeat;color:red}}"
    rules = MAX_STYLE_CHARS // len(rule.format(n=99999))
    style = "".join(rule.format(n=n) for n in range(rules))
    gzip_1g = zeros_coded(1024 * MiB, 31)
    gzip_256m = zeros_coded(256 * MiB, 31)
    cases = {
        "1 GiB of gzip-coded HTML": Bomb(
            [Rec("/", gzip_1g, headers=[("Content-Encoding", "gzip")])]
        ),
        "256 MiB HTML payload in a small record": Bomb([Rec("/", big_html)]),
        "256 MiB gzip-coded file": Bomb(
            [Rec("/a.bin", gzip_256m, "application/octet-stream", [("Content-Encoding", "gzip")])]
        ),
        "256 MiB brotli-coded file": Bomb(
            [Rec("/b.png", brotli_zeros(256 * MiB), "image/png", [("Content-Encoding", "br")])]
        ),
        "256 MiB deflate-coded file, chunked": Bomb(
            [
                Rec(
                    "/c.pdf",
                    chunked(zeros_coded(256 * MiB, 15)),
                    "application/pdf",
                    [("Content-Encoding", "deflate"), ("Transfer-Encoding", "chunked")],
                )
            ]
        ),
        "gzip inside gzip": Bomb(
            [
                Rec(
                    "/d.bin",
                    zlib.compress(gzip_256m, 9, wbits=31),
                    "application/octet-stream",
                    [("Content-Encoding", "gzip, gzip")],
                )
            ]
        ),
        "16 MiB SVG of zeros": Bomb(
            [
                Rec(
                    "/e.svg",
                    zeros_coded(16 * MiB, 31),
                    "image/svg+xml",
                    [("Content-Encoding", "gzip")],
                )
            ]
        ),
        "largest page allowed, dense with links and styles": Bomb(
            [Rec("/", page(dense.decode(), f"<style>{style}</style>"))],
            largest=8 * MiB,
            published=("index.html",),
            skipped=0,
        ),
        "a page of 262 144 attributes in one tag": Bomb([Rec("/", page(flood.decode()))]),
        "a legitimately large file is streamed": Bomb(
            [Rec("/video.mp4", legit, "video/mp4")],
            largest=24 * MiB,
            published=("video.mp4",),
            skipped=0,
        ),
    }
    warcs = {}
    for number, (name, case) in enumerate(cases.items()):
        warcs[name] = (build_warc(root / f"{number}.warc.gz", case.records), case)
    return warcs


BOMBS = [
    "1 GiB of gzip-coded HTML",
    "256 MiB HTML payload in a small record",
    "256 MiB gzip-coded file",
    "256 MiB brotli-coded file",
    "256 MiB deflate-coded file, chunked",
    "gzip inside gzip",
    "16 MiB SVG of zeros",
    "largest page allowed, dense with links and styles",
    "a page of 262 144 attributes in one tag",
    "a legitimately large file is streamed",
]


@pytest.mark.parametrize("name", BOMBS)
def test_no_input_takes_more_than_200_mb_or_writes_a_large_file(name, bombs, tmp_path):
    warc, case = bombs[name]
    out = tmp_path / "out"
    result, peak_kb = republish_measured(warc, out)
    print(f"{name}: WARC {warc.stat().st_size} bytes, peak RSS {peak_kb / 1024:.0f} MiB")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "已发布归档" in result.stderr
    assert peak_kb < PEAK_KB, f"peak RSS {peak_kb / 1024:.0f} MiB"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("警告：已跳过")]
    assert len(warnings) == case.skipped, result.stderr
    assert all("上限" in line or "超过" in line for line in warnings), warnings
    files = output_files(out)
    assert max(p.stat().st_size for p in files) <= case.largest
    names = {p.name for p in files}
    assert set(case.published) <= names
    assert not list(out.rglob("*.part")), "no spool file is left behind"


# -- properties ---------------------------------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HOSTILE_SEGMENTS = [
    "..",
    ".",
    "%2e%2e",
    "%2F",
    "\\",
    "\x00",
    "%00",
    "CON",
    "a" * 300,
    "政务公开",
    "\ud800",
    "%ff",
]
MIMES = [
    "text/html",
    "text/css",
    "image/svg+xml",
    "image/png",
    "application/octet-stream",
    "text/xml",
    "",
    "x/y+xml",
]
url_paths = st.lists(
    st.one_of(st.text(max_size=80), st.sampled_from(HOSTILE_SEGMENTS)), max_size=70
).map("/".join)
urls = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda scheme, host, path, query: (
            f"{scheme}://{host}/{path}" + (f"?{query}" if query else "")
        ),
        st.sampled_from(["http", "https", "HTTP"]),
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(["a.gov.cn", "A.GOV.CN:8080", "[::1", "x:99999", "u@h"]),
        ),
        url_paths,
        st.text(max_size=40),
    ),
)


@PROPERTY
@given(url=urls, mime=st.one_of(st.sampled_from(MIMES), st.text(max_size=30)))
def test_archive_path_never_escapes_and_is_bounded(url, mime):
    path = archive_path(url, mime)
    assert path == archive_path(url, mime), "deterministic"
    segments = path.split("/")
    assert not path.startswith("/") and "\\" not in path and "\x00" not in path
    assert all(segment not in ("", ".", "..") for segment in segments)
    assert all(len(segment.encode("utf-8", "surrogatepass")) <= 255 for segment in segments)
    assert len(path.encode("utf-8", "surrogatepass")) <= MAX_PATH_BYTES + 200
    assert not any(ord(char) < 0x20 for char in path)
    root = "/archive/id"
    assert os.path.normpath(os.path.join(root, path)).startswith(root + "/")


BANNER = Banner(
    "a0123456789abcdef", datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI), f"{SITE}/", f"{SITE}/"
)
FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">',
    '<a href=" jav&#x09;ascript:x">',
    '<a href="vbscript:x">',
    '<iframe srcdoc="<script>x</script>">',
    '<object data="data:text/html,x">',
    '<svg><animate attributeName="href" values="javascript:x"/>',
    "<svg><style><img src=x onerror=alert(1)></style>",
    "<!-- --!><img src=x onerror=alert(1)>",
    "<noembed><img title='</noembed><img src onerror=alert(1)>'>",
    "<style>a{background:url(javascript:x)}</style>",
    '<p style="width:expression(alert(1))">',
    f'<a ping="http://{OTHER}/">',
    f'<button formaction="http://{OTHER}/">',
    "<math href='javascript:x'>",
    "<base href='javascript:x//'>",
    '<meta http-equiv="refresh" content="0;url=javascript:x">',
    "<p a}b=1 {on}load=2 x:y:z=3 onclick\u00e9=4 on=5>",
    "<",
    ">",
    '"',
    "</",
    "&",
    "\x00",
    "\x01",
]
hostile_pages = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=12
).map("".join)


def external(url: str) -> Target:
    return Target(None, "external")


@PROPERTY
@given(body=st.one_of(hostile_pages, st.text(max_size=200)), raw=st.binary(max_size=200))
@example(body="<A<script>alert(1)</script>", raw=b"")  # found by hypothesis on 2026-11-26
def test_rewrite_html_never_crashes_and_leaves_nothing_that_runs(body, raw):
    for data in (body.encode("utf-8", "surrogatepass"), raw):
        out, _ = rewrite_html(data, "text/html", f"{SITE}/p.html", external, BANNER)
        assert b"<script" not in out.lower()
        assert html_problems(out) == []
        again, _ = rewrite_html(out, "text/html; charset=utf-8", f"{SITE}/p.html", external, BANNER)
        assert html_problems(again) == []


CSS_PIECES = [
    "url(javascript:x)",
    "url('vbscript:x')",
    "\\75 rl(javascript:x)",
    "expression(alert(1))",
    "expr\\65ssion(x)",
    "behavior:url(a.htc)",
    "-moz-binding:url(x)",
    "@import 'javascript:x';",
    '@charset "gbk";',
    "url(data:text/html,x)",
    "</style><script>x</script>",
    "{",
    "}",
    "(",
    ")",
    '"',
    "\\",
    "/*",
]
hostile_css = st.lists(
    st.one_of(st.sampled_from(CSS_PIECES), st.text(max_size=15)), max_size=12
).map("".join)


@PROPERTY
@given(css=hostile_css)
def test_rewrite_css_never_crashes_leaves_nothing_that_runs_and_is_stable(css):
    out = rewrite_css(css, f"{SITE}/s.css", external)
    assert css_active(out) == []
    assert not re.search(r"<[A-Za-z/!?]", out), "nothing an HTML parser reads as a tag"
    top = tinycss2.parse_component_value_list(out, skip_comments=True)
    assert not [node for node in top if node.type == "at-keyword" and node.lower_value == "charset"]
    assert rewrite_css(out, f"{SITE}/s.css", external) == out


# -- what the bounds must not break: every coding of a real page is undone ---------------

CODED_PAGE = page("<p>亳州市政务公开：内容编码测试</p>" * 400)
CODINGS = {
    "gzip": ([("Content-Encoding", "gzip")], zlib.compress(CODED_PAGE, 9, wbits=31)),
    "x-gzip": ([("Content-Encoding", "x-gzip")], zlib.compress(CODED_PAGE, 9, wbits=31)),
    "deflate (zlib)": ([("Content-Encoding", "deflate")], zlib.compress(CODED_PAGE)),
    "deflate (raw)": ([("Content-Encoding", "deflate")], zlib.compress(CODED_PAGE, wbits=-15)),
    "br": ([("Content-Encoding", "br")], brotlicffi.compress(CODED_PAGE)),
    "chunked": ([("Transfer-Encoding", "chunked")], chunked(CODED_PAGE, 1000)),
    "chunked gzip": (
        [("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")],
        chunked(zlib.compress(CODED_PAGE, 9, wbits=31), 700),
    ),
    "gzip claimed, plain sent": ([("Content-Encoding", "gzip")], CODED_PAGE),
    "chunked claimed, plain sent": ([("Transfer-Encoding", "chunked")], CODED_PAGE),
    "two gzip members": (
        [("Content-Encoding", "gzip")],
        zlib.compress(CODED_PAGE[:3000], wbits=31) + zlib.compress(CODED_PAGE[3000:], wbits=31),
    ),
}


@pytest.mark.parametrize("name", CODINGS)
def test_content_codings_of_a_real_page_are_undone(name, tmp_path):
    headers, body = CODINGS[name]
    warc = build_warc(tmp_path / "coded.warc.gz", [Rec("/", body, headers=headers)])
    out = tmp_path / "out"
    result = republish_ok(warc, out)
    assert "警告" not in result.stderr
    text = lxml.html.fromstring(
        next(out.rglob("evil.example/index.html")).read_bytes()
    ).text_content()
    assert text.count("亳州市政务公开：内容编码测试") == 400
