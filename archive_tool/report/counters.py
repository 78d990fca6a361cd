"""The figures counted from content: ``COUNTERS[name](scope) -> Count``, by the name that
``fields.SECTIONS`` gives each computed field (and the page uses as its anchor).

What is counted (docs/annual-report.md explains it to webmasters):

- 信息发布: the articles the site published in the year, its own and its copies of 信息资源库
  items (a repost counts on its 转载 day); 不予公开 articles are never published. The three
  categories go by the article's column (``CATEGORY_COLUMNS``); the total also counts
  columns in none of them (办事服务, 互动交流, 数据开放, …).
- 解读回应: articles naming the policy they interpret (``interprets:``) or in a 政策解读
  column; 解读产品 are those whose title names a product form (``PRODUCT_WORDS``), 媒体评论
  those reposted from a medium (``source:``), the rest 解读材料. 回应 are 辟谣 articles.
- 办事服务: the 办事指南 the site publishes on the cut-off day (items have no date).
- 互动交流: letters received in the year (办结: answered by the cut-off day); consultations
  opened in the year, results published in the year; interviews held in the year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..content.loader import CONSULTATION_FOLDER, INTERVIEW_FOLDER, LETTER_FOLDER, SERVICE_FOLDER
from ..content.values import parse_day
from ..group.rules.articlerules import RUMOUR
from .counts import ANY, MEAN, NUMBER, SUM, Count, Item, Post, Scope

# 信息发布 categories by column name (the names 第七条 requires, sitetypes.COMMON_COLUMNS);
# a column of kind 动态 under another name (要闻, 工作动态) is 政务动态 too.
CATEGORY_COLUMNS = {
    "articles-overview": ("概况信息", "机构职能", "负责人信息"),
    "articles-news": ("政务动态",),
    "articles-disclosure": ("通知公告", "政策文件", "政策解读", "人事信息", "规划计划"),
}
NEWS_KIND = "动态"
INTERPRETATION_COLUMN = "政策解读"
# A 解读产品 is an interpretation in another form than text: 图解, video, animation, audio.
PRODUCT_WORDS = ("图解", "一图", "图说", "图表", "视频", "动漫", "动画", "音频", "H5", "长图")
ONLINE_SERVICE = "全程网办"


def _post_item(post: Post) -> Item:
    note = post.column_name + ("（转载）" if post.repost else "")
    title = post.meta.get("title", "") or post.article.slug
    return Item(title, post.published.date(), post.path, post.article.shown, note)


def _posts(posts: Iterable[Post]) -> Count:
    return Count(tuple(_post_item(post) for post in posts))


def in_category(post: Post, counter: str) -> bool:
    if counter == "articles-news" and post.column and post.column.kind == NEWS_KIND:
        return True
    return post.column_name in CATEGORY_COLUMNS[counter]


def is_interpretation(post: Post) -> bool:
    return bool(post.meta.get("interprets")) or post.column_name == INTERPRETATION_COLUMN


def interpretation_form(post: Post) -> str:
    """解读产品, 媒体评论 or 解读材料: each interpretation is exactly one of them."""
    title = post.meta.get("title", "")
    if any(word in title for word in PRODUCT_WORDS):
        return "interpretations-product"
    if post.meta.get("source"):
        return "interpretations-media"
    return "interpretations-material"


def _interpretations(scope: Scope, form: str | None = None) -> Count:
    found = [post for post in scope.posts if is_interpretation(post)]
    if form:
        found = [post for post in found if interpretation_form(post) == form]
    return _posts(found)


# -- 办事服务 ----------------------------------------------------------------------------


def _services(scope: Scope, online_only: bool = False, how: str = NUMBER) -> Count:
    items = []
    for service in scope.report.services.get(scope.site.id, []):
        level = str(service.data.get("网上可办理程度", ""))
        if online_only and level != ONLINE_SERVICE:
            continue
        shown = scope.shown(SERVICE_FOLDER, service.slug)
        items.append(Item(service.name, None, service.url, shown, level))
    return Count(tuple(items), how)


# -- 互动交流 ----------------------------------------------------------------------------


def _letters(scope: Scope, which: str) -> Count:
    interaction = scope.report.interaction.get(scope.site.id)
    letters = interaction.letters if interaction else []
    letters = [letter for letter in letters if scope.within(letter.received)]
    letters.sort(key=lambda letter: (letter.received, letter.slug))
    if which != "received":
        letters = [letter for letter in letters if scope.within(letter.answered)]
    if which == "public":
        letters = [letter for letter in letters if letter.published]
    items = []
    for letter in letters:
        answered = letter.answered is not None and letter.answered.date() <= scope.as_of
        days = letter.working_days if answered else None
        if letter.published:
            title, path = str(letter.data.get("标题", "")), letter.url
        else:  # counted, but its text is not public (第十条（四）): no title, no link
            title, path = f"不公开的留言（{letter.received:%Y-%m-%d}）", ""
        note = f"{days} 个工作日" if days is not None else "办理中"
        shown = scope.shown(LETTER_FOLDER, letter.slug)
        items.append(Item(title, letter.received.date(), path, shown, note, days))
    return Count(tuple(items), MEAN if which == "days" else NUMBER)


def _consultations(scope: Scope, which: str) -> Count:
    interaction = scope.report.interaction.get(scope.site.id)
    items = []
    for record in sorted(
        interaction.consultations if interaction else [], key=lambda r: (r["开始日期"], r["slug"])
    ):
        results = parse_day(record.get("结果发布日期")) if record.get("征集结果") else None
        if which == "results":
            if not scope.within(results):
                continue
            day, note, amount = results, "结果已公布", None
        else:
            if not scope.within(record["开始日期"]):
                continue
            day, amount = record["开始日期"], _opinions(record.get("收到意见数"))
            note = f"收到意见 {amount} 条" if amount is not None else "未填写收到意见数，未计入"
        shown = scope.shown(CONSULTATION_FOLDER, record["slug"])
        items.append(Item(str(record["标题"]), day, record["url"], shown, note, amount))
    return Count(tuple(items), SUM if which == "opinions" else NUMBER)


def _opinions(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _interviews(scope: Scope) -> Count:
    interaction = scope.report.interaction.get(scope.site.id)
    items = [
        Item(
            str(record["标题"]),
            record["访谈时间"].date(),
            record["url"],
            scope.shown(INTERVIEW_FOLDER, record["slug"]),
        )
        for record in (interaction.interviews if interaction else [])
        if scope.within(record["访谈时间"])
    ]
    items.sort(key=lambda item: (item.day, item.path))
    return Count(tuple(items))


COUNTERS: dict[str, Callable[[Scope], Count]] = {
    "articles": lambda s: _posts(s.posts),
    **{
        name: (lambda s, name=name: _posts(p for p in s.posts if in_category(p, name)))
        for name in CATEGORY_COLUMNS
    },
    "interpretations": lambda s: _interpretations(s),
    **{
        name: (lambda s, name=name: _interpretations(s, name))
        for name in (
            "interpretations-material",
            "interpretations-product",
            "interpretations-media",
        )
    },
    "responses": lambda s: _posts(p for p in s.posts if p.meta.get("type") == RUMOUR),
    "service-catalogue": lambda s: _services(s, how=ANY),
    "services": lambda s: _services(s),
    "services-online": lambda s: _services(s, online_only=True),
    "letters-received": lambda s: _letters(s, "received"),
    "letters-answered": lambda s: _letters(s, "answered"),
    "letters-days": lambda s: _letters(s, "days"),
    "letters-public": lambda s: _letters(s, "public"),
    "consultations": lambda s: _consultations(s, "opened"),
    "consultation-opinions": lambda s: _consultations(s, "opinions"),
    "consultation-results": lambda s: _consultations(s, "results"),
    "interviews": _interviews,
}
