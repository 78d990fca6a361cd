"""严重错误 on published pages: the group's 严重表述错误 and 敏感词 lexicons (content/_policy/).

The same lists the publishing scanner applies to content before a build
(safety.lexicon), applied here to what the pages actually show, so that a page changed
after the build (篡改) or published by other means is caught. Each term is reported once
per page, with the text around it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..safety.lexicon import LEXICON_FILES, SENSITIVE, Lexicon
from .context import SiteContext
from .indicators import SERIOUS_ERROR, Finding
from .pages import Page

CONTEXT_CHARS = 12  # characters shown on each side of a hit
MAX_TERMS_PER_PAGE = 10


def lexicon_of(policy: dict[str, list[str]]) -> Lexicon:
    """The group's lexicons as the publishing scanner builds them (safety.scan)."""
    return Lexicon({name: policy.get(name, []) for name in LEXICON_FILES})


def scan_page(page: Page, lexicon: Lexicon) -> None:
    """Record the lexicon hits of a page while its text is at hand (crawl ``on_page``)."""
    terms: dict[str, str] = {}
    for hit in lexicon.find(page.text):
        if hit.term in terms or len(terms) >= MAX_TERMS_PER_PAGE:
            continue
        what = "敏感词" if hit.category == SENSITIVE else "严重表述错误"
        terms[hit.term] = f"{what}{hit.message}，原文：「{_around(page.text, hit.start, hit.end)}」"
    page.wording = list(terms.items())


def wording_findings(ctx: SiteContext) -> list[Finding]:
    if ctx.crawl is None:
        return []
    found = []
    for url, page in ctx.crawl.pages.items():
        for term, evidence in page.wording:
            subject = f"{urlsplit(url).path}|{term}"
            found.append(Finding(ctx.site.id, SERIOUS_ERROR, url, evidence, subject=subject))
    return found


def _around(text: str, start: int, end: int) -> str:
    before = " ".join(text[max(0, start - CONTEXT_CHARS * 3) : start].split())[-CONTEXT_CHARS:]
    after = " ".join(text[end : end + CONTEXT_CHARS * 3].split())[:CONTEXT_CHARS]
    return f"…{before}{text[start:end]}{after}…"
