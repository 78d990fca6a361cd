"""The pages the search index reads: a copy of each built page with its Chinese in tokens.

Why a copy: pagefind 1.5 segments Chinese twice, differently — at index time with its own
dictionary segmenter, at query time with the browser's ``Intl.Segmenter`` — so a word
split one way on the page and another way in the query is not found (Pagefind/pagefind
#1237: 「中医药」 found 1 of the 9 portal pages holding it, 「公积金」 0 of 6). And
pagefind's query code always segments by the page's ``lang``, whatever the index says.

So the toolkit does the segmenting on both sides, in the one way no segmenter can redo:
every Han (and kana) character is a token of its own. The copy written here puts a space
around each such character; ``themes/gov/static/js/search.js`` does exactly the same to
the query and searches a word of several characters as a phrase (consecutive tokens).
The result is what a citizen expects from a search box: exactly the pages that contain
the word, with no dictionary shipped to the browser and no dependence on which browser
(and ICU version) the visitor uses. Pagefind indexes the copy with a language it neither
segments nor stems (``INDEX_LANGUAGE``); the served pages are not changed.

Punctuation stays with the character before it, so the excerpt can be put back together
(search.js removes the spaces next to a Han character) and shows the page's own text.
Where a block ends (a heading, a paragraph, a table cell), the copy writes ``BLOCK_END``:
search.js shows it as a break, so a title or a cell is not glued to the text after it
(「办事指南企业开办…」).

The copy also gives each page of 政府信息公开 its 公开目录 facets as pagefind filters
(group.search.facets).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import lxml.html
from lxml import etree

from ...content.registry import Site
from ...urls import page_url
from ..rules.articlerules import published_articles
from ..rules.check import GroupReport
from .facets import genre_of

# A language pagefind neither segments (zh, ja, th) nor stems: the tokens stay as written.
INDEX_LANGUAGE = "und"
BODY_MARK = b"data-pagefind-body"  # pages without it are not indexed (pagefind's rule)
SKIPPED = {"script", "style", "template", "noscript"}
# The filter that marks a site's copies of other sites' items (第九条（三）): the group's
# search (search.js) merges every site's index and leaves REPOST pages out.
ORIGIN, OWN, REPOST = "origin", "own", "repost"
# Written where a block of text ends: a punctuation mark (so pagefind drops it from the
# words it indexes) no page writes; search.js (BLOCK_END there) shows it as a break.
BLOCK_END = "\u2e31"
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl",
    "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "td",
    "th", "tr", "ul",
})  # fmt: skip

# Han (CJK unified ideographs and their extensions, compatibility ideographs, 々〆〇) and
# kana: written without spaces, so each is a token. search.js holds the same ranges.
TOKEN_RANGES = (
    (0x3005, 0x3007),
    (0x3040, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
# Chinese (full-width) punctuation: it ends the token it follows, as a space would.
CLOSING_RANGES = ((0x2014, 0x2014), (0x2018, 0x201F), (0x2026, 0x2026), (0x3000, 0x303F))
CLOSING_RANGES += ((0xFF00, 0xFFEF),)
# Full-width digits and Latin letters read as their ASCII forms (so ２０２６ finds 2026).
FULL_WIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B))}
FULL_WIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})


def is_token_char(char: str) -> bool:
    """A character written without spaces around it: one token on its own.

    >>> is_token_char("药"), is_token_char("A"), is_token_char("，")
    (True, False, False)
    """
    code = ord(char)
    return any(low <= code <= high for low, high in TOKEN_RANGES)


def tokenize(text: str) -> str:
    """``text`` with a space around each Han or kana character and after Chinese punctuation
    (punctuation stays with the token before it).

    >>> tokenize("2026年亳州市中医药产业，高质量发展")
    '2026 年 亳 州 市 中 医 药 产 业， 高 质 量 发 展'
    >>> tokenize("GB 15093（国徽）")
    'GB 15093（ 国 徽）'
    >>> tokenize("１２３４５热线")
    '12345 热 线'
    >>> tokenize("亳政办〔2025〕31号、covid-19")
    '亳 政 办〔 2025〕 31 号、 covid-19'
    """
    return _boundaries().sub(" ", text.translate(FULL_WIDTH))


# Planes 2 and up hold Han, tags and private use: no punctuation or symbol (a test checks).
ATTACHING_BELOW = 0x20000


@functools.cache
def _boundaries() -> re.Pattern[str]:
    """Where tokenize puts a space: between two characters, neither a space and the second
    not punctuation or a symbol (those stay with the character before them), when the first
    is a token or closing character or the second is a token character. One pattern run by
    the regular-expression engine: 4× faster than the loop over each character it replaced."""
    attaching = _runs(c for c in range(ATTACHING_BELOW) if unicodedata.category(chr(c))[0] in "PS")
    # Ranges above U+FFFF make the engine test each range in turn: asked apart, the common
    # characters are looked up in one table.
    astral = r"\U00010000-\U0010ffff"
    kept = (
        rf"(?:[^\s{_class(r for r in attaching if r[1] <= 0xFFFF)}{astral}]"
        rf"|(?![{_class(r for r in attaching if r[0] > 0xFFFF)}])[{astral}])"
    )
    token, after = _class(TOKEN_RANGES), _class(TOKEN_RANGES + CLOSING_RANGES)
    return re.compile(rf"(?<=[{after}])(?<!\s)(?={kept})|(?<=\S)(?=[{token}])(?={kept})")


def _runs(codes: Iterable[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return runs


def _class(ranges: Iterable[tuple[int, int]]) -> str:
    """The inside of a character class holding ``ranges`` (escaped: any code point)."""
    return "".join(rf"\U{low:08x}-\U{high:08x}" for low, high in ranges)


def tokenize_tree(root) -> None:
    """Tokenize every text node below ``root`` in place (not scripts or styles). Text split
    by inline markup (产业<b>高质量</b>) is read by pagefind as if written together, so a
    token character at the edge of a text node gets its space there too."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in SKIPPED and element.text:
            element.text = padded(tokenize(element.text))
        if element.tail:
            element.tail = padded(tokenize(element.tail))


def padded(text: str) -> str:
    """A text node's tokens with a space before a token character it starts with and after
    a token or closing character it ends with.

    >>> padded("中 医"), padded("GB"), padded("）"), padded("")
    (' 中 医 ', 'GB', '） ', '')
    """
    return _edges().sub(" ", text)


@functools.cache
def _edges() -> re.Pattern[str]:
    token, after = _class(TOKEN_RANGES), _class(TOKEN_RANGES + CLOSING_RANGES)
    return re.compile(rf"\A(?=[{token}])|(?<=[{after}])\Z")


def page_dates(report: GroupReport, site: Site) -> dict[str, str]:
    """The publish day (YYYY-MM-DD) of each dated page ``site`` builds, by its path below the
    site's root: the date its page shows as PubDate, from the content model (the loader
    and the group check parsed it once), so the index need not read it back out of HTML."""
    moments: dict[str, date | None] = {
        article.page() or "": article.published for article in published_articles(site)
    }
    for copy in report.library:
        if copy.site == site.id:  # a repost shows the original's date, and its 转载时间
            moments[copy.page] = copy.item.published
    for item in report.services.get(site.id, []):
        moments[item.url] = item.updated
    interaction = report.interaction.get(site.id)
    if interaction:
        for letter in interaction.published_letters:
            moments[letter.url] = letter.answered or letter.received
        for item in interaction.consultations:
            moments[item["url"]] = item["开始日期"]
        for item in interaction.interviews:
            moments[item["url"]] = item["访谈时间"]
    return {page: f"{day:%Y-%m-%d}" for page, day in moments.items() if page and day}


def index_page(
    source: bytes, site_name: str, own_url: str | None = None, published: str = ""
) -> bytes:
    """The copy of one built page that the index reads: its text in tokens, and as pagefind
    metadata the site's name (group results name their site), its ``published`` day (shown
    with each result) and its 索引号 and 文号 (searchable, tokenized like the text); a page
    whose canonical link names another page than ``own_url`` (a copy of another site's
    item) gets the REPOST filter, so the group's search lists each item once, at its
    original."""
    document = lxml.html.document_fromstring(source)
    body = document.find("body")
    head = document.find("head")
    if body is None or head is None:
        return source
    origin = REPOST if own_url and canonical_elsewhere(document, own_url) else OWN
    fields = {"site": site_name}
    if published:
        fields["date"] = published
        body.set("data-pagefind-sort", f"date:{published}")
    for name, header in (("index_no", "索引号"), ("doc_number", "文号")):
        value = disclosure_cell(document, header)
        if value and value != "—":
            fields[name] = tokenize(value)
    filters = catalogue_filters(document, published)
    mark_block_ends(body)
    tokenize_tree(body)
    for name, value in fields.items():
        head.append(
            etree.Element("meta", {"data-pagefind-meta": f"{name}[content]", "content": value})
        )
    for name, value in filters.items():
        head.append(
            etree.Element("meta", {"data-pagefind-filter": f"{name}[content]", "content": value})
        )
    if origin == REPOST:  # one filter value only: pagefind writes two in a random order
        head.append(
            etree.Element("meta", {"data-pagefind-filter": f"{ORIGIN}[content]", "content": origin})
        )
    return etree.tostring(document, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")


def disclosure_cell(document, header: str) -> str:
    """The value a page's 政府信息公开 table shows under ``header`` ("" if none)."""
    cell = f"//table[@class='gk-meta']//th[.='{header}']/following-sibling::td[1]"
    return " ".join(document.xpath(f"string({cell})").split())


def catalogue_filters(document, published: str) -> dict[str, str]:
    """The 公开目录 facets of a page of 政府信息公开 (one with the table of 索引号, 主题分类 …),
    as that table and its title show them (group.search.facets); none for other pages."""
    filters = {}
    if document.xpath("//table[@class='gk-meta']"):
        filters["year"] = published[:4]
        filters["topic"] = disclosure_cell(document, "主题分类")
        filters["publisher"] = disclosure_cell(document, "发布机构")
        title = " ".join(document.xpath("string(//h1)").split())
        filters["genre"] = genre_of(title, bool(disclosure_cell(document, "所解读文件")))
    return {name: value for name, value in filters.items() if value}


def mark_block_ends(root) -> None:
    """Write BLOCK_END where each block element below ``root`` ends, and a space after it."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag not in BLOCKS:
            continue
        if len(element):
            last = element[-1]
            last.tail = (last.tail or "") + BLOCK_END + " "
        else:
            element.text = (element.text or "") + BLOCK_END + " "


def canonical_elsewhere(document, own_url: str) -> bool:
    """A page whose canonical link names another page: a repost of the group's own item."""
    canonical = document.xpath("string(//link[@rel='canonical']/@href)")
    return bool(canonical) and canonical != own_url


def indexed_pages(site_dir: Path) -> Iterable[tuple[str, bytes]]:
    """(path below the site, bytes) of each built page that pagefind will index."""
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        if relative.split("/")[0].startswith("pagefind"):
            continue
        source = path.read_bytes()
        if BODY_MARK in source:
            yield relative, source


def write_index_copy(
    site_dir: Path, copy_dir: Path, site_name: str, domain: str, dates: Mapping[str, str]
) -> int:
    """Write the index copy of a built site into ``copy_dir``, with the publish day of each
    dated page from ``dates`` (page_dates); returns the number of pages."""
    count = 0
    for relative, source in indexed_pages(site_dir):
        own = page_url(domain, relative)
        page = index_page(source, site_name, own, dates.get(relative, ""))
        target = copy_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(page)
        count += 1
    return count


def pagefind_arguments(copy_dir: Path, output_dir: Path) -> list[str]:
    """pagefind's arguments to index a copy into a site's bundle folder."""
    return [
        "--site",
        str(copy_dir),
        "--output-path",
        str(output_dir),
        "--force-language",
        INDEX_LANGUAGE,
    ]
