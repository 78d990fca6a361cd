"""Verify a published static archive (``archive-tool verify DIR``).

For every archived page: exactly one banner, first in <body>, with 「已归档」 and an
归档时间; the archived-at, robots and canonical metadata; nothing loaded from an original
origin and no link to one except the banner's and the canonical link; every internal link
and requisite resolving to a file of the archive.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from ..links import css_urls
from .static import MANIFEST, NOT_ARCHIVED

TIME = re.compile(r"归档时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
LOADING = (
    "//script/@src | //img/@src | //link[@rel='stylesheet']/@href | //iframe/@src"
    " | //source/@src | //video/@poster | //audio/@src | //embed/@src | //object/@data"
    " | //input/@src | //link[contains(@rel,'icon')]/@href"
)


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
        report.files += sum(1 for p in archive.rglob("*") if p.is_file())
        for css in archive.rglob("*.css"):
            for url in css_urls(css.read_text(encoding="utf-8", errors="replace")):
                if _origin(url) in origins:
                    report.problems.append(f"{css.relative_to(root)}：样式表从原网站加载 {url}")
    return report


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme else ""


def check_page(path: Path, archive: Path, origins: set[str]) -> list[str]:
    problems = []
    document = lxml.html.document_fromstring(path.read_bytes())
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
    for url in document.xpath(LOADING):
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
