"""Dead links (首页, other pages) and broken images, as 扣分 counts.

Links within the group (the site's own pages and files, other sites of the group) are
checked in both modes; links to other websites only in live mode, bounded by count and
time (crawl.Limits). A dead target is reported once, on the home page if the home page
links to it, else on the first page found linking to it, with the number of pages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .context import SiteContext
from .indicators import BROKEN_IMAGE, HOME_DEAD_LINK, PAGE_DEAD_LINK, Finding
from .services import download_targets


def link_findings(ctx: SiteContext) -> list[Finding]:
    if ctx.crawl is None:
        return []
    downloads = download_targets(ctx)
    found = []
    for target, pages in ctx.crawl.sources.items():
        result = ctx.crawl.result(target)
        if result is None or result.ok or target in downloads:
            continue
        host = (urlsplit(target).hostname or "").lower()
        kind = "站内" if host in ctx.domains else "外部"
        on_home = ctx.home in pages
        count = f"，{len(pages)} 个页面引用" if len(pages) > 1 else ""
        evidence = f"{kind}链接 {target} 打不开（{result.problem}）{count}"
        indicator = HOME_DEAD_LINK if on_home else PAGE_DEAD_LINK
        page = ctx.home if on_home else pages[0]
        found.append(Finding(ctx.site.id, indicator, page, evidence, subject=target))
    for target, pages in ctx.crawl.image_sources.items():
        result = ctx.crawl.result(target)
        if result is None:
            continue
        problem = result.problem
        if not problem and not result.content_type.startswith("image/"):
            problem = f"不是图片（{result.content_type or '类型未知'}）"
        if problem:
            count = f"，{len(pages)} 个页面使用" if len(pages) > 1 else ""
            evidence = f"图片 {target} 无法显示（{problem}）{count}"
            found.append(Finding(ctx.site.id, BROKEN_IMAGE, pages[0], evidence, subject=target))
    return found
