"""The rules on articles: column, title, date, 公开属性, 有效性, reposts and 政策解读.

Passes over the metadata the loader read (content/articles.py); nothing here opens a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from ..compliance import ERROR, WARNING, Violation, shorten
from ..content.articles import ArticleFile, parse_date
from ..content.registry import Group, Site
from ..content.values import unknown_key_message, unknown_keys
from .aliases import ALIAS_ARTICLE, ALIAS_KEY, alias_file, check_aliases, split_aliases

BLANK_COLUMN_SOURCE = "国办秘函〔2019〕19号（空白栏目）"
DISCLOSURES = ("主动公开", "依申请公开", "不予公开")
WITHHELD = "不予公开"
VALIDITIES = ("有效", "失效", "废止")
REPOST_ARTICLE = "第十二条（二）"
REPOST_WITHIN = timedelta(hours=12)
IMPORTANT = "重要"  # importance: 重要 — a policy that must come with an interpretation
RUMOUR = "辟谣"
ARTICLE_TYPES = (RUMOUR,)  # type: 辟谣 — a rumour rebuttal (第七条（二）)
DATE_SOURCE = "国办秘函〔2019〕19号（未注明发布时间的视为不更新）"


def check_articles(group: Group) -> Iterator[Violation]:
    """Every article of every site: in a registered column, with a title and a publish date."""
    for site in group.sites.values():
        columns = {column.id for column in site.columns}
        slugs: dict[str, str] = {}
        aliases: dict[str, str] = {}  # redirect page → the article that claims it
        used: set[str] = set()
        policies: set[str] = set()
        interpretations: list[tuple[str, str]] = []
        important: list[tuple[str, set[str]]] = []
        for article in site.articles:
            shown, metadata = article.shown, article.meta
            yield from _check_article(site, article, columns, slugs, aliases)
            if metadata.get("disclosure") != WITHHELD:  # a withheld article is never published
                used.add(article.parts[0])
            policies |= {article.slug, metadata.get("doc_number") or ""}
            if metadata.get("interprets"):
                interpretations.append((shown, metadata["interprets"]))
            if metadata.get("importance") == IMPORTANT and metadata.get("disclosure") != WITHHELD:
                names = {article.slug, metadata.get("doc_number") or ""}
                important.append((shown, names - {""}))
        for shown, target in interpretations:
            if target not in policies:
                yield Violation(
                    site.id,
                    shown,
                    "interprets",
                    f"所解读的政策「{target}」不存在（应为本站政策文件的文件名或文号）",
                    "第七条（二）",
                )
        interpreted = {target for _, target in interpretations}
        for shown, names in important:
            if not names & interpreted:
                yield Violation(
                    site.id,
                    shown,
                    "importance",
                    "重要政策文件应同步发布政策解读，尚无任何解读（interprets 指向本文件的文章）",
                    "第七条（二）",
                    WARNING,
                )
        if site.published:
            for number, column in enumerate(site.columns, 1):
                if column.id not in used:
                    yield site.violation(
                        f"columns[{number}]",
                        f"栏目「{column.name}」没有任何文章（空白栏目）："
                        f"请在 {site.id}/{column.id}/ 下发布内容",
                        BLANK_COLUMN_SOURCE,
                    )


def published_articles(site: Site) -> Iterator[tuple[str, str, datetime, str]]:
    """(slug, file shown, date, index_no written) of each article the site will publish."""
    for article in site.articles:
        metadata = article.meta
        published = article.published
        if published and metadata.get("disclosure") not in (None, WITHHELD):
            yield article.slug, article.shown, published, metadata.get("index_no", "")


def _check_article(
    site: Site, article: ArticleFile, columns, slugs, aliases
) -> Iterator[Violation]:
    def problem(field_name, message, rule_article, severity=ERROR):
        return Violation(site.id, article.shown, field_name, message, rule_article, severity)

    if len(article.parts) < 2:
        yield problem(
            "(位置)", "文章应放在栏目目录下：content/<站点ID>/<栏目id>/<文件>.md", "第七条"
        )
    elif article.parts[0] not in columns:
        known = "、".join(sorted(columns)) or "无"
        yield problem(
            "(栏目)",
            f"目录「{article.parts[0]}」不是 site.yaml 中登记的栏目（已登记：{known}）",
            "第七条",
        )
    if article.metadata is None:
        yield problem("(文件)", article.unreadable, "内容格式")
        return
    yield from check_metadata(article.metadata, problem, article.published)
    for alias in split_aliases(article.meta.get(ALIAS_KEY) or ""):
        earlier = aliases.setdefault(alias_file(alias), article.shown)
        if earlier != article.shown:
            yield problem(
                "aliases",
                f"旧网址「{shorten(alias)}」已由 {earlier} 使用，一个旧网址只能指向一篇文章",
                ALIAS_ARTICLE,
            )
    slug = article.slug
    if slug in slugs:
        yield problem("Slug", f"与 {slugs[slug]} 的 Slug「{slug}」重复，页面会互相覆盖", "内容格式")
    slugs.setdefault(slug, article.shown)


def check_metadata(
    metadata: dict[str, str], problem, published: datetime | None = None
) -> Iterator[Violation]:
    """Title, Date, 公开属性 and 有效性 of one article; ``problem(field, message, article)``;
    ``published`` is its Date as parsed (ArticleFile.published), parsed here if not given."""
    if not metadata.get("title"):
        yield problem("Title", "缺少标题（在文件开头写“Title: 标题”）", "内容格式")
    date = metadata.get("date")
    if date and published is None:
        published = parse_date(date)
    if not date:
        yield problem("Date", "缺少发布日期（在文件开头写“Date: YYYY-MM-DD HH:MM”）", DATE_SOURCE)
    elif published is None:
        yield problem(
            "Date", f"发布日期应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM，实为「{date}」", DATE_SOURCE
        )
    disclosure = metadata.get("disclosure")
    if not disclosure:
        yield problem(
            "disclosure",
            "缺少公开属性：发布前须明确为 主动公开 / 依申请公开 / 不予公开"
            "（在文件开头写“disclosure: 主动公开”）",
            "第十条（二）",
        )
    elif disclosure not in DISCLOSURES:
        yield problem(
            "disclosure",
            f"公开属性应为 {' / '.join(DISCLOSURES)} 之一，实为「{disclosure}」",
            "第十条（二）",
        )
    validity = metadata.get("validity")
    if validity and validity not in VALIDITIES:
        yield problem(
            "validity",
            f"有效性应为 {' / '.join(VALIDITIES)} 之一，实为「{validity}」",
            "国办发〔2017〕47号《政府网站发展指引》（失效、废止文件应明确标注）",
        )
    yield from _check_repost(metadata, problem, published)
    yield from check_publishing_fields(metadata, problem)
    importance = metadata.get("importance")
    if importance and importance != IMPORTANT:
        yield problem(
            "importance", f"应为「{IMPORTANT}」或不写，实为「{importance}」", "第七条（二）"
        )
    kind = metadata.get("type")
    if kind and kind not in ARTICLE_TYPES:
        yield problem(
            "type",
            f"文章类型应为 {' / '.join(ARTICLE_TYPES)} 或不写，实为「{kind}」",
            "第七条（二）",
        )


# Where a page is written and how it is rendered is the group's, not the article's: these
# keys would let an article write over another page or another site (第十条（二）).
FIXED_KEYS = ("save_as", "url", "template", "lang", "translation")
STATUSES = ("published", "hidden")
SAFE_SLUG = re.compile(r"^[^\W_][\w.-]*$")
PUBLISHING_ARTICLE = "第十条（二）"


# Every metadata key an article may have (lower case, as read): ours (docs/content.md),
# Pelican's own that the group allows, and the library's. Others are misspellings.
ARTICLE_KEYS = (
    "title", "date", "slug", "disclosure", "publisher", "doc_number", "written_date",
    "validity", "importance", "interprets", "type", "index_no", "source", "source_url",
    "source_date", "summary", "modified", "status", "tags", "author", "authors", "review",
    "origin", "reposts", ALIAS_KEY,
)  # fmt: skip


def check_publishing_fields(metadata: dict[str, str], problem) -> Iterator[Violation]:
    """The keys that decide where and how Pelican publishes an article, checked before
    Pelican sees them: a value it would refuse makes it skip the article silently."""
    allowed = (*ARTICLE_KEYS, *FIXED_KEYS, "category")  # the last two are refused below
    for key, guess in unknown_keys(metadata, allowed):
        shown_guess = guess.capitalize() if guess in ("title", "date", "slug", "summary") else guess
        yield problem(key, unknown_key_message(key, shown_guess), "内容格式")
    slug = metadata.get("slug")
    if slug is not None and (not SAFE_SLUG.match(slug) or ".." in slug):
        yield problem(
            "Slug",
            f"只能由字母、数字、汉字、点和连字符组成，不能含路径，实为「{shorten(slug)}」",
            PUBLISHING_ARTICLE,
        )
    for key in FIXED_KEYS:
        if key in metadata:
            yield problem(
                key.capitalize(),
                "页面地址、模板和语言由网站群统一规定，文章中不能设置，请删除这一行",
                PUBLISHING_ARTICLE,
            )
    if "category" in metadata:
        yield problem(
            "Category", "栏目由文章所在目录决定，请删除这一行并把文件放到栏目目录下", "第七条"
        )
    if metadata.get("status", "published") not in STATUSES:
        yield problem(
            "Status",
            f"应为 {' / '.join(STATUSES)} 之一（草稿请不要放在内容目录中），"
            f"实为「{shorten(metadata['status'])}」",
            PUBLISHING_ARTICLE,
        )
    modified = metadata.get("modified")
    if modified is not None and parse_date(modified) is None:
        yield problem(
            "Modified",
            f"修改日期应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM，实为「{shorten(modified)}」",
            DATE_SOURCE,
        )
    for message in check_aliases(metadata.get(ALIAS_KEY) or ""):
        yield problem("aliases", message, ALIAS_ARTICLE)
    for key, value in metadata.items():
        if key.endswith("_url") and not _is_web_address(value):
            yield problem(
                key,
                f"应为以 http:// 或 https:// 开头的网址，实为「{shorten(value)}」",
                PUBLISHING_ARTICLE,
            )


def _is_web_address(value: str) -> bool:
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_repost(
    metadata: dict[str, str], problem, reposted: datetime | None
) -> Iterator[Violation]:
    """An article reposted from a higher-level site (``source_date:`` set): its Date is the
    转载时间, at most 12 hours after the original's (第十二条（二））."""
    if not metadata.get("source_date"):
        return
    original = parse_date(metadata["source_date"])
    if original is None:
        yield problem(
            "source_date",
            f"原文发布时间应为 YYYY-MM-DD HH:MM，实为「{metadata['source_date']}」",
            REPOST_ARTICLE,
        )
        return
    if not metadata.get("source"):
        yield problem("source", "转载信息须注明来源（source: 原发布网站或机关）", REPOST_ARTICLE)
    if reposted is None:
        return
    if reposted < original:
        yield problem("Date", "转载时间（Date）早于原文发布时间（source_date）", REPOST_ARTICLE)
    elif reposted - original > REPOST_WITHIN:
        yield problem(
            "Date", late_repost(metadata.get("title"), reposted - original), REPOST_ARTICLE, WARNING
        )


def late_repost(title: str | None, late: timedelta) -> str:
    """
    >>> late_repost("通知", timedelta(hours=23, minutes=30))
    '转载「通知」用时 23 小时，超过 12 小时'
    """
    return f"转载「{title}」用时 {late.days * 24 + late.seconds // 3600} 小时，超过 12 小时"


def link_interpretations(articles) -> None:
    """Give each article ``.policy`` (the policy it interprets, or None) and
    ``.interpretations`` (those interpreting it), matching ``interprets`` to slug or 文号.

    Works on any objects with ``slug`` and optional ``doc_number``/``interprets``
    (Pelican's articles in the build), in one pass instead of a search per page.
    """
    by_name = {}
    for article in articles:
        for name in (getattr(article, "doc_number", None), article.slug):
            if name:
                by_name.setdefault(name, article)
        article.interpretations = []
    for article in articles:
        article.policy = by_name.get(getattr(article, "interprets", None) or "")
        if article.policy is not None:
            article.policy.interpretations.append(article)
