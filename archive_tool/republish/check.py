"""Verify a published static archive (``archive-tool verify DIR``).

For every archived page: exactly one banner, first in <body>, with 「已归档」 and an
归档时间; the archived-at, robots and canonical metadata; nothing loaded from an original
origin and no link to one except the banner's and the canonical link; every internal link
and requisite resolving to a file of the archive.

For every file of the archive, listed or not: nothing that runs when it is opened (the
policy in ``active``): no script, event handler, script or document data: URL, srcdoc,
ping, animation that sets a link, nothing loaded from another site; SVG files within the
allowlist, XML files plain data, style sheets without expression()/behavior; and no
file whose extension a web server may execute or render as an active document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..links import is_requisite_link
from ..warc.verify import shorten
from .active import (
    ANIMATION_ELEMENTS,
    DROPPED_ATTRIBUTES,
    IMAGE_ELEMENTS,
    SCRIPT_ELEMENTS,
    SCRIPT_SCHEMES,
    is_event_attribute,
    is_safe_data_url,
    local_name,
    mentions_script,
    normalize_url,
    scheme_of,
    url_role,
)
from .bounds import TooCostly, parse_html
from .css import css_problems, css_references
from .inertxml import xml_problems
from .paths import INERT_EXTENSIONS, SERVER_EXTENSIONS
from .rewrite import MAX_PAGE_BYTES
from .static import MANIFEST, NOT_ARCHIVED
from .svg import svg_problems

HTML_FILES = (".html", ".htm")
MAX_CHECKED_BYTES = 2 * MAX_PAGE_BYTES  # a rewritten page is its capture plus the banner
CLEANED_FILES = (*HTML_FILES, ".css", ".svg", ".xml")


def css_urls(css: str) -> list[str]:
    return css_references(css)


TIME = re.compile(r"归档时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
LOADING = (
    "//script/@src | //img/@src | //link/@href | //iframe/@src"
    " | //source/@src | //video/@poster | //audio/@src | //embed/@src | //object/@data"
    " | //input/@src"
)


def loaded_urls(document) -> list[str]:
    """What a page loads as it opens, in document order: the LOADING attributes, a <link>'s
    href only when its rel makes it a requisite (``links.is_requisite_link``, as the
    rewrite and the crawl decide)."""
    return [
        url
        for url in document.xpath(LOADING)
        if url.getparent().tag != "link" or is_requisite_link(url.getparent().get("rel"))
    ]


@dataclass
class ArchiveReport:
    root: Path
    pages: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.pages > 0


def verify_archive_dir(root: Path) -> ArchiveReport:
    root = Path(root)
    report = ArchiveReport(root)
    manifests = sorted(root.glob(f"*/{MANIFEST}")) or sorted(root.glob(MANIFEST))
    if not manifests:
        report.problems.append(
            f"{root}：不是 archive-tool republish 生成的归档目录（缺少 {MANIFEST}）"
        )
        return report
    for manifest in manifests:
        archive = manifest.parent
        data = json.loads(manifest.read_text(encoding="utf-8"))
        origins = {origin.lower() for origin in data.get("origins", [])}
        for page in data.get("pages", []):
            path = archive / page["path"]
            shown = path.relative_to(root)
            if not path.is_file():
                report.problems.append(f"{shown}：归档目录中列出的页面不存在")
                continue
            report.pages += 1
            report.problems += [f"{shown}：{p}" for p in check_page(path, archive, origins)]
        for css in archive.rglob("*.css"):
            if css.stat().st_size > MAX_CHECKED_BYTES:
                continue  # file_problems names it
            for url in css_urls(css.read_text(encoding="utf-8", errors="replace")):
                if _origin(url) in origins:
                    report.problems.append(f"{css.relative_to(root)}：样式表从原网站加载 {url}")
        for path in sorted(p for p in archive.rglob("*") if p.is_file()):
            report.files += 1
            shown = path.relative_to(root)
            report.problems += [f"{shown}：{p}" for p in file_problems(path)]
    return report


def file_problems(path: Path) -> list[str]:
    """What in one file of the archive could run when it is opened or served."""
    name = path.name.lower()
    extension = "." + name.rpartition(".")[2] if "." in name else ""
    inner = name.split(".")[1:-1]
    problems = [
        f"文件名中的 .{part} 可能被网站服务器当作程序执行"
        for part in inner
        if part in SERVER_EXTENSIONS
    ]
    if extension in (*HTML_FILES, ".css") and path.stat().st_size > MAX_CHECKED_BYTES:
        problems.append("文件过大，无法检查其中是否有可执行的内容")
    elif extension in HTML_FILES:
        problems += active_problems(path.read_bytes())
    elif extension == ".css":
        problems += css_problems(path.read_text(encoding="utf-8", errors="replace"))
    elif extension == ".svg":
        problems += svg_problems(path.read_bytes())
    elif extension == ".xml":
        problems += [f"XML 文件{problem}" for problem in xml_problems(path)]
    elif extension[1:] not in INERT_EXTENSIONS:
        problems.append(f"扩展名 {extension or '（无）'} 可能被网站服务器当作网页或程序")
    return problems


def active_problems(data: bytes) -> list[str]:
    """What in an HTML file could run script or load from another site."""
    problems = []
    if b"<script" in data.lower():
        problems.append("含有 <script> 标记")
    document, problem = read_page(data)
    if document is None:
        return [*problems, problem] if problem else problems
    for element in document.iter(etree.Element):
        problems += _element_problems(element)
    return problems


def _element_problems(element) -> list[str]:
    tag = local_name(element.tag) if isinstance(element.tag, str) else ""
    problems = []
    if tag in SCRIPT_ELEMENTS:
        problems.append(f"含有 <{tag}> 元素")
    if tag in ANIMATION_ELEMENTS:
        target = local_name(element.get("attributename") or "")
        if url_role("a", target) or is_event_attribute(target) or target == "style":
            problems.append(f"<{tag}> 动画会改写 {target} 属性")
    if tag == "style" and element.text:
        problems += [f"<style> {p}" for p in css_problems(element.text)]
    canonical = tag == "link" and (element.get("rel") or "").lower() == "canonical"
    for attribute, value in element.attrib.items():
        name = local_name(attribute)
        if is_event_attribute(name):
            problems.append(f"<{tag}> 有事件属性 {name}")
        elif name in DROPPED_ATTRIBUTES:
            problems.append(f"<{tag}> 有 {name} 属性")
        elif name == "style":
            problems += [f"<{tag}> 的内联{p}" for p in css_problems(value)]
        elif url_role(tag, attribute) and not canonical:
            problems += _url_problems(tag, attribute, value)
        elif mentions_script(value):
            problems.append(f"<{tag}> 的 {name} 属性含有脚本网址")
    return problems


def _url_problems(tag: str, attribute: str, value: str) -> list[str]:
    role = url_role(tag, attribute)
    urls = [part.strip().split(None, 1)[0] for part in value.split(",") if part.strip()]
    problems = []
    for url in urls if role == "srcset" else [value]:
        scheme = scheme_of(url)
        leaves = scheme in ("http", "https") or normalize_url(url).startswith("//")
        if scheme in SCRIPT_SCHEMES:
            problems.append(f"<{tag}> 的 {attribute} 是脚本网址")
        elif scheme == "data" and not (tag in IMAGE_ELEMENTS and is_safe_data_url(url)):
            problems.append(f"<{tag}> 的 {attribute} 是可执行的 data: 网址")
        elif leaves and not (tag in ("a", "area") and local_name(attribute) == "href"):
            problems.append(f"<{tag}> 的 {attribute} 引用其他网站 {shorten(url, 80)}")
    return problems


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme else ""


def read_page(data: bytes):
    """(document, None), or (None, why it cannot be read) — parsed within the bounds."""
    try:
        root = parse_html(data.decode("utf-8", "replace"))
    except TooCostly as error:
        return None, error.message
    return root, None if root is not None else "页面无法解析"


def check_page(path: Path, archive: Path, origins: set[str]) -> list[str]:
    problems = []
    if path.stat().st_size > MAX_CHECKED_BYTES:
        return ["文件过大，无法检查"]
    document, problem = read_page(path.read_bytes())
    if document is None:
        return [problem]
    banners = document.xpath("//*[@data-archive-banner]")
    body = document.find("body")
    if len(banners) != 1:
        problems.append(f"应有且只有一个归档横幅，实有 {len(banners)} 个")
    elif body is None or body[0] is not banners[0]:
        problems.append("归档横幅不是 <body> 的第一个元素")
    else:
        text = banners[0].text_content()
        if "已归档" not in text or not TIME.search(text):
            problems.append("归档横幅缺少「已归档」或「归档时间：YYYY-MM-DD HH:MM」")
    if not document.xpath("//meta[@name='archived-at']/@content"):
        problems.append('缺少 <meta name="archived-at">')
    if document.xpath("//meta[@name='robots']/@content") != ["noindex"]:
        problems.append('缺少 <meta name="robots" content="noindex">')
    canonical = document.xpath("//link[@rel='canonical']/@href")
    allowed = set(canonical) | {a for b in banners for a in b.xpath(".//a/@href")}
    for url in loaded_urls(document):
        if _origin(url) in origins:
            problems.append(f"从原网站加载 {url}")
        elif not urlsplit(url).scheme and not url.startswith(("data:", "//")):
            if not _resolves(path, url):
                problems.append(f"引用的文件不存在：{url}")
        elif url.startswith("//") or urlsplit(url).scheme in ("http", "https"):
            problems.append(f"从其他网站加载 {url}")
    for element in document.iter(etree.Element):
        for attribute in ("style",):
            for url in css_urls(element.get(attribute) or ""):
                if _origin(url) in origins:
                    problems.append(f"内联样式从原网站加载 {url}")
        if element.tag == "style" and element.text:
            for url in css_urls(element.text):
                if _origin(url) in origins:
                    problems.append(f"<style> 从原网站加载 {url}")
    for url in document.xpath("//a/@href | //form/@action | //area/@href"):
        if _origin(url) in origins and url not in allowed:
            problems.append(f"链接指向原网站 {url}")
        elif _is_local(url) and not _resolves(path, url):
            problems.append(f"内部链接不存在：{url}")
    return problems


def _is_local(url: str) -> bool:
    return not urlsplit(url).scheme and not url.startswith(("#", "//", "mailto:", "tel:"))


def _resolves(page: Path, href: str) -> bool:
    target_path = unquote(urlsplit(href).path)
    if not target_path:
        return True
    target = (page.parent / target_path).resolve()
    if href.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.is_file() or target.name == NOT_ARCHIVED and target.exists()
