"""Violations and the rule table: every rule is a small function that names its article.

Rules never print and never raise for a user's mistake: they yield ``Violation``s. The
build collects them all, then fails once with the whole list (第一条 of our own house rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

MEASURES = "《亳州市政府网站群管理办法（暂行）》"
# What a rule on the form of a file cites: the form the build reads, documented in
# docs/content.md and docs/lifecycle.md, not an article of the measures.
FORMAT_SOURCES = ("内容格式", "公告记录格式")

ERROR = "error"
WARNING = "warning"
MAX_TEXT = {"file": 300, "field": 120, "message": 600}
MAX_LISTED = 50  # old addresses listed per site in the build report; the rest are counted


def shorten(value: object, limit: int = 40) -> str:
    """A user's value as a message quotes it: never a whole hostile value.

    >>> shorten("短"), shorten("长" * 50)[-2:]
    ('短', '长…')
    """
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (site, file, field), what was expected, and its source."""

    site: str
    file: str
    field: str
    message: str
    article: str
    severity: str = ERROR

    def __post_init__(self) -> None:
        # A message may quote a user's value; a hostile one must not flood the terminal,
        # the report or a log (the rules shorten what they quote; this is the backstop).
        for name in ("file", "field", "message"):
            text = getattr(self, name)
            if len(text) > MAX_TEXT[name]:
                object.__setattr__(self, name, text[: MAX_TEXT[name]] + "…（已截断）")

    @property
    def source(self) -> str:
        """The rule's source as a reader cites it, e.g. 《…管理办法（暂行）》第五条（三）."""
        if self.article.startswith("第"):
            return MEASURES + self.article
        return self.article

    def __str__(self) -> str:
        return (
            f"{self.file}：站点「{self.site}」字段「{self.field}」：{self.message}"
            f"（依据：{self.source}）"
        )


@dataclass(frozen=True)
class Rule:
    """A named check with the article it enforces, and what it checks (its scope)."""

    name: str
    title: str
    article: str
    check: Callable[..., Iterable[Violation]]
    scope: str = "site"
    applies_to: str = ""  # a notice kind or record folder; "" for every one of its scope
    reads_valid: bool = False  # runs only on an item the scope's other rules found valid


# What each scope's rules check, and how they are called. Adding a rule is one decorated
# function in the module of its scope, plus its line in docs/rules.md.
SCOPES = {
    "site": "check(site, group): each site's site.yaml and folder",
    "group": "check(group): the whole group, once",
    "article": "check(entry): one article, in its site's folder or in the library",
    "articles": "check(site, seen): a site's articles together, after each was checked",
    "record": "check(record, attachments, today): one 办事指南 or 互动交流 record",
    "letters": "check(site, letters, limits, today): a site's letters against its reply limits",
    "notice": "check(notice, siblings, site, today): one lifecycle record",
    "library": "check(entry, group): one item of the 信息资源库",
    "copies": "check(site, articles, copies): the library copies a site publishes beside its own",
    "numbers": "check(site, articles, ledger): the 索引号 of the articles a site publishes",
}
RULES: dict[str, list[Rule]] = {scope: [] for scope in SCOPES}
SITE_RULES = RULES["site"]
GROUP_RULES = RULES["group"]


def rule(scope: str, title: str, article: str, applies_to: str = "", reads_valid: bool = False):
    """Register ``check`` as a rule of ``scope`` (see SCOPES for how it is called)."""

    def decorator(check):
        RULES[scope].append(
            Rule(check.__name__, title, article, check, scope, applies_to, reads_valid)
        )
        return check

    return decorator


def site_rule(title: str, article: str):
    """Register a check run on each site: ``check(site, group) -> violations``."""
    return rule("site", title, article)


def group_rule(title: str, article: str):
    """Register a check run once on the whole group: ``check(group) -> violations``."""
    return rule("group", title, article)


def record_rule(folder: str, title: str, article: str, reads_valid: bool = False):
    """Register a check run on each record of ``folder``: ``check(record, attachments, today)``."""
    return rule("record", title, article, applies_to=folder, reads_valid=reads_valid)


def rules_of(scope: str, applies_to: str = "") -> list[Rule]:
    """The rules of ``scope`` in the order they were registered (the order of the report);
    with ``applies_to``, those for every item and those for that kind or folder."""
    return [r for r in RULES[scope] if r.applies_to in ("", applies_to)]


def run_rules(scope: str, *item, applies_to: str = "") -> list[Violation]:
    """Every violation the rules of ``scope`` find in one item: first the rules that read
    anything, then, when those found no error, the rules that read only valid items."""
    chosen = rules_of(scope, applies_to)
    found = [v for r in chosen if not r.reads_valid for v in r.check(*item)]
    if not errors(found):
        found += [v for r in chosen if r.reads_valid for v in r.check(*item)]
    return found


def errors(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity == ERROR]


def warnings(violations: Iterable[Violation]) -> list[Violation]:
    return [v for v in violations if v.severity == WARNING]


def format_report(violations: list[Violation]) -> str:
    """The Chinese list of every error, as a webmaster reads it."""
    found = errors(violations)
    lines = [f"发现 {len(found)} 处不合规问题："]
    lines += [f"  {number}. {violation}" for number, violation in enumerate(found, 1)]
    return "\n".join(lines)


def format_build_report(
    violations: list[Violation],
    built_on: str,
    waivers: Iterable[object] = (),
    continuity: Iterable[tuple[str, list[str]]] = (),
) -> str:
    """The build report: what passed with a warning, what passed only because a 保密审查
    accepted it, and the old addresses that would answer 404 (第八条（四）), per site as
    (site, addresses lost), for the webmaster to follow up."""
    found = warnings(violations)
    lines = [f"网站群构建报告（{built_on}）", f"需要关注的问题：{len(found)} 处"]
    lines += [f"  {number}. {violation}" for number, violation in enumerate(found, 1)]
    accepted = [str(waiver) for waiver in waivers]
    if accepted:
        lines.append(f"经保密审查同意发布：{len(accepted)} 处")
        lines += [f"  {number}. {waiver}" for number, waiver in enumerate(accepted, 1)]
    sites = list(continuity)
    if sites:
        lost = sum(len(missing) for _, missing in sites)
        lines.append(
            f"旧网址将返回 404：{lost} 个（上一版和归档中的旧网址，依据：{MEASURES}第八条（四））"
        )
        for site, missing in sites:
            if missing:
                lines.append(f"  {site}：{len(missing)} 个")
                lines += [f"    {address}" for address in missing[:MAX_LISTED]]
                if len(missing) > MAX_LISTED:
                    lines.append(f"    …… 另有 {len(missing) - MAX_LISTED} 个未列出")
        if lost:
            lines.append(
                "  处理办法：在文章中用 aliases 写明旧网址，或在改版前归档（site.yaml 的 archive.redesign）"
            )
    return "\n".join(lines) + "\n"


def iter_rules() -> Iterator[Rule]:
    for table in RULES.values():
        yield from table
