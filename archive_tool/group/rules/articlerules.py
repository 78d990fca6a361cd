"""The rules on articles: column, title, date, 公开属性, 有效性, reposts and 政策解读.

Each rule is registered in compliance.RULES: scope ``article`` for one article (a
``metadata_rule`` also for each library item), ``articles`` for a site's articles together.
Passes over the metadata the loader read (content/articles.py); nothing here opens a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps
from urllib.parse import urlsplit

from ...compliance import ERROR, WARNING, Violation, rule, shorten
from ...content.articles import ArticleFile, parse_date
from ...content.registry import Site
from ...content.values import unknown_key_message, unknown_keys
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
VALIDITY_SOURCE = "国办发〔2017〕47号《政府网站发展指引》（失效、废止文件应明确标注）"


@dataclass
class SiteArticles:
    """What a site's articles show together, gathered as each is checked: the rules on
    duplicates read it article by article, the ``articles`` rules once at the end."""

    site: Site
    today: date | None = None  # the build date: dates are checked against it
    columns: set[str] = field(default_factory=set)
    slugs: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # redirect page → its article
    used: set[str] = field(default_factory=set)  # columns with a published article
    policies: set[str] = field(default_factory=set)  # slugs and 文号
    interpretations: list[tuple[str, str]] = field(default_factory=list)
    important: list[tuple[str, set[str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.columns = {column.id for column in self.site.columns}

    def entry(self, article: ArticleFile) -> Entry:
        def problem(field_name, message, rule_article, severity=ERROR):
            site_id, shown = self.site.id, article.shown
            return Violation(site_id, shown, field_name, message, rule_article, severity)

        return Entry(article, problem, "内容格式", self, self.today)

    def add(self, article: ArticleFile) -> None:
        """Count a checked article in."""
        metadata = article.meta
        if article.metadata is not None:
            for alias in split_aliases(metadata.get(ALIAS_KEY) or ""):
                self.aliases.setdefault(alias_file(alias), article.shown)
            self.slugs.setdefault(article.slug, article.shown)
        if metadata.get("disclosure") != WITHHELD:  # a withheld article is never published
            self.used.add(article.parts[0])
        self.policies |= {article.slug, metadata.get("doc_number") or ""}
        if metadata.get("interprets"):
            self.interpretations.append((article.shown, metadata["interprets"]))
        if metadata.get("importance") == IMPORTANT and metadata.get("disclosure") != WITHHELD:
            names = {article.slug, metadata.get("doc_number") or ""}
            self.important.append((article.shown, names - {""}))


@dataclass
class Entry:
    """One article as the ``article`` rules read it: in a site's folder (``seen`` is that
    site's articles so far) or in the library (``seen`` is None)."""

    article: ArticleFile
    problem: Callable[..., Violation]  # problem(field, message, article, severity=ERROR)
    file_source: str  # what a file that cannot be read cites
    seen: SiteArticles | None = None
    today: date | None = None  # the build date (None: the day it runs)


def metadata_rule(title: str, article: str):
    """Register a rule on an article's metadata, wherever the article lies:
    ``check(metadata, problem, published)``; it never sees a file that cannot be read."""

    def decorator(check):
        @wraps(check)
        def on_entry(entry: Entry) -> Iterator[Violation]:
            if entry.article.metadata is not None:
                yield from check(entry.article.metadata, entry.problem, entry.article.published)

        rule("article", title, article)(on_entry)
        return check

    return decorator


def published_articles(site: Site) -> Iterator[ArticleFile]:
    """Each article the site will publish: dated and not 不予公开."""
    for article in site.articles:
        if article.published and article.meta.get("disclosure") not in (None, WITHHELD):
            yield article


@rule("article", "文章放在栏目目录下", "第七条")
def in_column_folder(entry: Entry) -> Iterator[Violation]:
    if entry.seen is not None and len(entry.article.parts) < 2:
        yield entry.problem(
            "(位置)", "文章应放在栏目目录下：content/<站点ID>/<栏目id>/<文件>.md", "第七条"
        )


@rule("article", "文章所在目录是登记的栏目", "第七条")
def registered_column(entry: Entry) -> Iterator[Violation]:
    seen, parts = entry.seen, entry.article.parts
    if seen is not None and len(parts) >= 2 and parts[0] not in seen.columns:
        known = "、".join(sorted(seen.columns)) or "无"
        yield entry.problem(
            "(栏目)",
            f"目录「{parts[0]}」不是 site.yaml 中登记的栏目（已登记：{known}）",
            "第七条",
        )


@rule("article", "文章文件可以读取（UTF-8，不超过 5 MB）", "内容格式")
def readable_file(entry: Entry) -> Iterator[Violation]:
    if entry.article.metadata is None:
        yield entry.problem("(文件)", entry.article.unreadable, entry.file_source)


@metadata_rule("有标题", "内容格式")
def has_title(metadata, problem, published) -> Iterator[Violation]:
    if not metadata.get("title"):
        yield problem("Title", "缺少标题（在文件开头写“Title: 标题”）", "内容格式")


@metadata_rule("有发布日期，格式为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM", DATE_SOURCE)
def publish_date(metadata, problem, published) -> Iterator[Violation]:
    date = metadata.get("date")
    if not date:
        yield problem("Date", "缺少发布日期（在文件开头写“Date: YYYY-MM-DD HH:MM”）", DATE_SOURCE)
    elif published is None:
        yield problem(
            "Date", f"发布日期应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM，实为「{date}」", DATE_SOURCE
        )


@metadata_rule("公开属性为 主动公开 / 依申请公开 / 不予公开", "第十条（二）")
def disclosure_value(metadata, problem, published) -> Iterator[Violation]:
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


@metadata_rule("有效性为 有效 / 失效 / 废止", VALIDITY_SOURCE)
def validity_value(metadata, problem, published) -> Iterator[Violation]:
    validity = metadata.get("validity")
    if validity and validity not in VALIDITIES:
        yield problem(
            "validity",
            f"有效性应为 {' / '.join(VALIDITIES)} 之一，实为「{validity}」",
            VALIDITY_SOURCE,
        )


@metadata_rule("有文号的政策文件标明有效性", VALIDITY_SOURCE)
def policy_validity_stated(metadata, problem, published) -> Iterator[Violation]:
    """A document with a 文号 states its 有效性: only its issuing office knows whether a
    有效期 was extended or the document abolished early, so it is written, never guessed
    from the text; the build day then changes no page by itself (group.build.buildday)."""
    if metadata.get("doc_number") and not metadata.get("validity"):
        yield problem(
            "validity",
            f"文件「{shorten(metadata.get('title') or metadata['doc_number'])}」有文号，须标明有效性："
            "在文件开头写“validity: 有效”（或 失效 / 废止）；正文规定了有效期的，"
            "到期后改为“validity: 失效”",
            VALIDITY_SOURCE,
        )


@metadata_rule("转载上级网站信息注明来源，12 小时内转载", REPOST_ARTICLE)
def repost_in_time(metadata, problem, reposted) -> Iterator[Violation]:
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

# The rules below check the keys that decide where and how Pelican publishes an article,
# before Pelican sees them: a value it would refuse makes it skip the article silently.


@metadata_rule("没有未知字段（拼错的字段会提示最接近的正确字段）", "内容格式")
def known_article_keys(metadata, problem, published) -> Iterator[Violation]:
    allowed = (*ARTICLE_KEYS, *FIXED_KEYS, "category")  # the last two are refused below
    for key, guess in unknown_keys(metadata, allowed):
        shown_guess = guess.capitalize() if guess in ("title", "date", "slug", "summary") else guess
        yield problem(key, unknown_key_message(key, shown_guess), "内容格式")


@metadata_rule("Slug 不含路径", PUBLISHING_ARTICLE)
def safe_slug(metadata, problem, published) -> Iterator[Violation]:
    slug = metadata.get("slug")
    if slug is not None and (not SAFE_SLUG.match(slug) or ".." in slug):
        yield problem(
            "Slug",
            f"只能由字母、数字、汉字、点和连字符组成，不能含路径，实为「{shorten(slug)}」",
            PUBLISHING_ARTICLE,
        )


@metadata_rule("不设置 Save_as、URL、Template、Lang、Translation", PUBLISHING_ARTICLE)
def no_fixed_keys(metadata, problem, published) -> Iterator[Violation]:
    for key in FIXED_KEYS:
        if key in metadata:
            yield problem(
                key.capitalize(),
                "页面地址、模板和语言由网站群统一规定，文章中不能设置，请删除这一行",
                PUBLISHING_ARTICLE,
            )


@metadata_rule("不设置 Category（栏目由目录决定）", "第七条")
def no_category(metadata, problem, published) -> Iterator[Violation]:
    if "category" in metadata:
        yield problem(
            "Category", "栏目由文章所在目录决定，请删除这一行并把文件放到栏目目录下", "第七条"
        )


@metadata_rule("Status 为 published 或 hidden", PUBLISHING_ARTICLE)
def known_status(metadata, problem, published) -> Iterator[Violation]:
    if metadata.get("status", "published") not in STATUSES:
        yield problem(
            "Status",
            f"应为 {' / '.join(STATUSES)} 之一（草稿请不要放在内容目录中），"
            f"实为「{shorten(metadata['status'])}」",
            PUBLISHING_ARTICLE,
        )


@metadata_rule("Modified 为日期", DATE_SOURCE)
def modified_date(metadata, problem, published) -> Iterator[Violation]:
    modified = metadata.get("modified")
    if modified is not None and parse_date(modified) is None:
        yield problem(
            "Modified",
            f"修改日期应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM，实为「{shorten(modified)}」",
            DATE_SOURCE,
        )


@metadata_rule("旧网址（aliases）写法有效", ALIAS_ARTICLE)
def alias_syntax(metadata, problem, published) -> Iterator[Violation]:
    for message in check_aliases(metadata.get(ALIAS_KEY) or ""):
        yield problem("aliases", message, ALIAS_ARTICLE)


@metadata_rule("*_url 为 http(s) 网址", PUBLISHING_ARTICLE)
def web_addresses(metadata, problem, published) -> Iterator[Violation]:
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


@metadata_rule("importance 为「重要」或不写", "第七条（二）")
def importance_value(metadata, problem, published) -> Iterator[Violation]:
    importance = metadata.get("importance")
    if importance and importance != IMPORTANT:
        yield problem(
            "importance", f"应为「{IMPORTANT}」或不写，实为「{importance}」", "第七条（二）"
        )


@metadata_rule("type 为「辟谣」或不写", "第七条（二）")
def article_type(metadata, problem, published) -> Iterator[Violation]:
    kind = metadata.get("type")
    if kind and kind not in ARTICLE_TYPES:
        yield problem(
            "type",
            f"文章类型应为 {' / '.join(ARTICLE_TYPES)} 或不写，实为「{kind}」",
            "第七条（二）",
        )


@rule("article", "一个旧网址只指向一篇文章", ALIAS_ARTICLE)
def one_article_per_alias(entry: Entry) -> Iterator[Violation]:
    seen, article = entry.seen, entry.article
    if seen is None or article.metadata is None:
        return
    for alias in split_aliases(article.meta.get(ALIAS_KEY) or ""):
        earlier = seen.aliases.get(alias_file(alias), article.shown)
        if earlier != article.shown:
            yield entry.problem(
                "aliases",
                f"旧网址「{shorten(alias)}」已由 {earlier} 使用，一个旧网址只能指向一篇文章",
                ALIAS_ARTICLE,
            )


@rule("article", "Slug 在本站内不重复", "内容格式")
def unique_slug(entry: Entry) -> Iterator[Violation]:
    seen, article = entry.seen, entry.article
    if seen is not None and article.metadata is not None and article.slug in seen.slugs:
        slug = article.slug
        yield entry.problem(
            "Slug", f"与 {seen.slugs[slug]} 的 Slug「{slug}」重复，页面会互相覆盖", "内容格式"
        )


@rule("articles", "政策解读指向本站的政策文件", "第七条（二）")
def interpreted_policy_exists(site: Site, seen: SiteArticles) -> Iterator[Violation]:
    for shown, target in seen.interpretations:
        if target not in seen.policies:
            yield Violation(
                site.id,
                shown,
                "interprets",
                f"所解读的政策「{target}」不存在（应为本站政策文件的文件名或文号）",
                "第七条（二）",
            )


@rule("articles", "重要政策文件同步发布政策解读（警告）", "第七条（二）")
def important_policy_interpreted(site: Site, seen: SiteArticles) -> Iterator[Violation]:
    interpreted = {target for _, target in seen.interpretations}
    for shown, names in seen.important:
        if not names & interpreted:
            yield Violation(
                site.id,
                shown,
                "importance",
                "重要政策文件应同步发布政策解读，尚无任何解读（interprets 指向本文件的文章）",
                "第七条（二）",
                WARNING,
            )


@rule("articles", "已发布网站没有空白栏目", BLANK_COLUMN_SOURCE)
def no_blank_column(site: Site, seen: SiteArticles) -> Iterator[Violation]:
    if site.published:
        for number, column in enumerate(site.columns, 1):
            if column.id not in seen.used:
                yield site.violation(
                    f"columns[{number}]",
                    f"栏目「{column.name}」没有任何文章（空白栏目）："
                    f"请在 {site.id}/{column.id}/ 下发布内容",
                    BLANK_COLUMN_SOURCE,
                )


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
