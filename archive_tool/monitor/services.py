"""服务不实用 and 办事指南要素不全 (第七条（四）, 19号).

Which sites must offer 办事服务 (``Site.must_serve``): those whose kind says so
(content.sitetypes: the portal and county portals) and department sites flagged
``external_service: true``. A site offers it when it publishes 办事指南 pages
(group.rules.services, rendered as ``article.service-guide``) or a 办事服务 column with content. Each guide page is checked for the 8 key elements the national
indicator names, and each of its downloads (规范表格, 填写说明, 示范文本) must download.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from ..content.sitetypes import SERVICE_COLUMN
from ..group.rules.services import NATIONAL_KEY_ELEMENTS
from .context import SiteContext
from .fetch import is_page_url
from .indicators import GUIDE_INCOMPLETE, SERVICE_UNUSABLE, Finding

MISSING_ELEMENTS = 4  # a guide missing ≥ 4 of the 8 …
GUIDE_COUNT = 5  # … in ≥ 5 guides (or in every guide, when there are fewer) fails the site
EMPTY_VALUES = ("", "—", "-", "无")


def must_offer(ctx: SiteContext) -> bool:
    return ctx.site.must_serve


def guide_pages(ctx: SiteContext):
    if ctx.crawl is None:
        return {}
    return {url: page for url, page in ctx.crawl.pages.items() if page.guide is not None}


def missing_elements(guide: dict[str, str]) -> list[str]:
    """
    >>> missing_elements({"事项名称": "a", "设定依据": "—"})[:2]
    ['设定依据', '申请条件']
    """
    return [key for key in NATIONAL_KEY_ELEMENTS if guide.get(key, "").strip() in EMPTY_VALUES]


def service_findings(ctx: SiteContext) -> list[Finding]:
    if ctx.crawl is None or ctx.page(ctx.home) is None:
        return []
    guides = guide_pages(ctx)
    found = []
    columns = [c for c in ctx.site.columns if c.name == SERVICE_COLUMN]
    offered = bool(guides) or any(ctx.column_items(column) for column in columns)
    if must_offer(ctx) and not offered:
        evidence = "未提供办事服务：没有办事指南页面，也没有有内容的「办事服务」栏目"
        found.append(Finding(ctx.site.id, SERVICE_UNUSABLE, ctx.home, evidence, subject="办事服务"))
    lacking = {url: missing_elements(page.guide) for url, page in guides.items()}
    poor = [url for url, missing in lacking.items() if len(missing) >= MISSING_ELEMENTS]
    if poor and len(poor) >= min(GUIDE_COUNT, len(guides)):
        listed = "；".join(
            f"{_name(guides[url])}缺少{'、'.join(lacking[url])}" for url in poor[:GUIDE_COUNT]
        )
        evidence = (
            f"{len(poor)} 项办事指南各缺少 ≥ {MISSING_ELEMENTS} 个核心要素"
            f"（共 {len(guides)} 项）：{listed}"
        )
        found.append(
            Finding(ctx.site.id, SERVICE_UNUSABLE, ctx.home, evidence, subject="办事指南要素")
        )
    else:
        for url, missing in lacking.items():
            if missing:
                evidence = f"{_name(guides[url])}缺少{'、'.join(missing)}"
                found.append(Finding(ctx.site.id, GUIDE_INCOMPLETE, url, evidence))
    for url, page in guides.items():
        for target in page.downloads:
            result = ctx.crawl.result(target)
            if result is None:
                continue  # not checked (a bound was reached; noted in the report)
            problem = result.problem
            if not problem and result.html and not is_page_url(target):
                problem = "返回的是网页而不是文件"
            if problem:
                name = unquote(urlsplit(target).path.rsplit("/", 1)[-1])
                evidence = f"{_name(page)}的附件「{name}」无法下载（{problem}）：{target}"
                subject = f"下载 {urlsplit(target).path}"
                action = "恢复附件文件或修正下载地址，确保规范表格、填写说明和示范文本都能下载"
                found.append(Finding(ctx.site.id, SERVICE_UNUSABLE, url, evidence, subject, action))
    return found


def download_targets(ctx: SiteContext) -> set[str]:
    """The downloads of every guide page (reported here, not as dead links)."""
    return {target for page in guide_pages(ctx).values() for target in page.downloads}


def _name(page) -> str:
    name = page.guide.get("事项名称") or page.title or page.url
    return f"「{name}」"
