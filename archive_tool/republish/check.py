"""Verify a published static archive (``archive-tool verify DIR``).

For every archived page: exactly one banner, first in <body>, with 「已归档」 and an
归档时间; the archived-at metadata and the canonical link to the original URL; nothing loaded from an original
origin and no link to one except the banner's and the canonical link; every internal link
and requisite resolving to a file of the archive.

For every file of the archive, listed or not: nothing that runs when it is opened (the
policy in ``active``): no script, event handler, script or document data: URL, srcdoc,
ping, animation that sets a link, nothing loaded from another site; SVG files within the
allowlist, XML files plain data, style sheets without expression()/behavior; and no
file whose extension a web server may execute or render as an active document.

For the templates (``templating``), before anything is written: what they render must
keep these rules — the banner with 「已归档」, 归档时间 and the original URL, styled only
within itself, visible and on top; the archive's own pages under the archive's policy;
nothing that runs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import lxml.html
import tinycss2
from lxml import etree

from ..errors import ToolkitError
from ..headers import ARCHIVE_POLICY
from ..links import is_requisite_link
from ..regions import SHANGHAI
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
from .paths import INERT_EXTENSIONS, MANIFEST, NOT_ARCHIVED, SERVER_EXTENSIONS
from .rewrite import MAX_PAGE_BYTES, xml_safe
from .svg import svg_problems
from .templating import BANNER_PIN, Banner, Templates

HTML_FILES = (".html", ".htm")
MAX_CHECKED_BYTES = 2 * MAX_PAGE_BYTES  # a rewritten page is its capture plus the banner
CLEANED_FILES = (*HTML_FILES, ".css", ".svg", ".xml")


def css_urls(css: str) -> list[str]:
    return css_references(css)


# Not the 「归档时间」 that 「已归档」 followed by 「时间：」 would make.
TIME = re.compile(r"(?<!已)归档时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
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
        problems += banner_text_problems(banners[0])
    if not document.xpath("//meta[@name='archived-at']/@content"):
        problems.append('缺少 <meta name="archived-at">')
    canonical = document.xpath("//link[@rel='canonical']/@href")
    if not canonical:
        problems.append('缺少指向原网址的 <link rel="canonical">')
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


def banner_text_problems(banner) -> list[str]:
    text = banner.text_content()
    if "已归档" not in text or not TIME.search(text):
        return ["归档横幅缺少「已归档」或「归档时间：YYYY-MM-DD HH:MM」"]
    return []


# -- the templates ------------------------------------------------------------------------

# The banner element's own declarations that keep it shown and on top, whatever the page's
# CSS says (each !important; the last one for the banner's own selector counts).
BANNER_KEEPS = {
    "display": "block",
    "visibility": "visible",
    "opacity": "1",
    "position": "relative",
    "z-index": "2147483647",
    "transform": "none",
    "clip-path": "none",
    "filter": "none",
    "height": "auto",
    "max-height": "none",
    "overflow": "visible",
}
HIDING = {
    "display": {"none", "contents"},
    "visibility": {"hidden", "collapse"},
    "content-visibility": {"hidden"},
}
SAMPLE = Banner(
    "a0123456789abcdef",
    datetime(2026, 11, 26, 7, 0, tzinfo=SHANGHAI),
    "https://www.example.gov.cn/zwgk/1.html?a=1&b='<x>'",
    "https://www.example.gov.cn/",
)
SAMPLE_PAGE = {
    "href": "a/1.html",
    "title": "标题",
    "url": SAMPLE.original_url,
    "time": "2026-11-26 07:00",
    "datetime": "2026-11-26T07:00:00+08:00",
}


def refuse_unsafe_templates(templates: Templates) -> None:
    """ToolkitError naming every rule the templates' rendered result breaks."""
    try:
        problems = template_problems(templates)
    except jinja2.TemplateError as error:
        where = f"{error.name}：" if getattr(error, "name", None) else ""
        problems = [f"{where}模板无法渲染（{error.message or error}）"]
    if problems:
        raise ToolkitError(
            f"归档模板（{templates.override}）渲染出的内容不符合归档规则，未写入任何文件：\n"
            + "\n".join(f"  {problem}" for problem in problems)
            + "\n请对照 archive_tool/republish/templates/ 中的原模板修改"
            "（见 docs/archive-layout.md）。"
        )


def template_problems(templates: Templates) -> list[str]:
    """What the templates, rendered with sample data, would break of the archive's rules."""
    problems = [f"banner.html：{p}" for p in banner_problems(templates.banner(SAMPLE), SAMPLE)]
    pages = {
        "not_archived.html": templates.not_archived(),
        "archive_index.html": "".join(
            templates.archive_index("2026", 1, [SAMPLE_PAGE], "www.example.gov.cn")
        ),
        "overview.html": templates.overview(
            [{"href": "1/index.html", "archived_at": "2026", "pages": 1, "hosts": "a"}]
        ),
    }
    for name, rendered in pages.items():
        problems += [f"{name}：{p}" for p in own_page_problems(rendered.encode())]
    return problems


def own_page_problems(data: bytes) -> list[str]:
    """An archive's own page: nothing that runs, under the archive's policy."""
    problems = active_problems(data)
    document, _ = read_page(data)
    if document is not None:
        policies = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
        if policies != [ARCHIVE_POLICY]:
            problems.append("缺少归档的内容安全策略（模板中的 {{ csp_meta }}）")
    return problems


def banner_problems(rendered: str, banner: Banner) -> list[str]:
    """The rendered banner: one <style> and the banner element, nothing that runs, the words
    and link it must show, styles that only touch it and cannot hide it."""
    problems = active_problems(rendered.encode())
    parts = lxml.html.fragments_fromstring(xml_safe(rendered)) if rendered.strip() else []
    styles = [p for p in parts if not isinstance(p, str) and p.tag == "style"]
    banners = [p for p in parts if not isinstance(p, str) and p.get("data-archive-banner") is not None]
    if len(banners) != 1 or len(styles) > 1 or len(parts) != len(styles) + len(banners):
        problems.append("应只渲染出一个 <style> 和一个带 data-archive-banner 属性的横幅元素")
    for element in banners[:1]:
        if element.get("id") != banner.nonce:
            problems.append("横幅元素的 id 应为 {{ id }}")
        problems += banner_text_problems(element)
        if banner.original_url not in element.xpath(".//a/@href"):
            problems.append("横幅缺少指向原网址的链接（{{ original_url }}）")
        for node in element.iter(etree.Element):
            problems += _hiding(tinycss2.parse_blocks_contents(node.get("style") or ""))
    css = "".join(style.text or "" for style in styles)
    return problems + banner_css_problems(css, banner.nonce)


def banner_css_problems(css: str, nonce: str) -> list[str]:
    root = f"#{nonce}{BANNER_PIN}"
    problems, kept = [], {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            problems.append(f"横幅样式只能是普通规则，不能有 {tinycss2.serialize([rule])[:40]}")
            continue
        selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
        for selector in selectors:
            if selector != root and not selector.startswith((root + " ", root + ">")):
                problems.append(f"横幅样式只能作用于横幅及其内部（#{{{{ id }}}}{{{{ pin }}}} 开头），不能用 {selector[:60]}")
        declarations = tinycss2.parse_blocks_contents(rule.content)
        problems += _hiding(declarations)
        if root in selectors:
            kept |= {d.lower_name: _value(d) for d in declarations if _important(d)}
    missing = [f"{name}:{value}" for name, value in BANNER_KEEPS.items() if kept.get(name) != value]
    if missing:
        problems.append(
            "横幅本身（#{{ id }}{{ pin }}）须保留这些带 !important 的声明：" + "；".join(missing)
        )
    return problems


def _important(declaration) -> bool:
    return declaration.type == "declaration" and declaration.important


def _value(declaration) -> str:
    return tinycss2.serialize(declaration.value).strip().lower()


def _hiding(declarations) -> list[str]:
    problems = []
    for declaration in declarations:
        if declaration.type != "declaration":
            continue
        name, value = declaration.lower_name, _value(declaration)
        faded = name == "opacity" and value not in ("1", "100%")
        if value in HIDING.get(name, ()) or faded:
            problems.append(f"「{name}:{value}」会隐藏横幅或其中的文字")
    return problems
