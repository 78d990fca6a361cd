"""The group's reply limits for letters (第十条（四）): 受理 within so many working days of
receipt, 办结 (答复) within so many working days of 受理, and every letter answered within
three months. The group sets the first two in its 主站's site.yaml, a site may set its own::

    答复时限:
      受理: 2     # working days from 留言时间 to 受理日期
      办结: 15    # working days from 受理日期 to 答复时间

Every letter is counted against them as of the build date; a late one is a warning in the
build report (and a finding of the monitor), named with its dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ...compliance import WARNING, Violation, rule, shorten, site_rule
from ...content.loader import LETTER_FOLDER
from ...content.registry import Group, Site
from ...content.values import parse_moment
from ...lifecycle.workdays import add_months, working_days_between
from .interaction import OVERDUE_MONTHS, Letter

ARTICLE = "第十条（四）"
LIMITS_KEY = "答复时限"
ACCEPT = "受理"
FINISH = "办结"
MONTHS = f"{OVERDUE_MONTHS}个月"
LIMIT_KEYS = (ACCEPT, FINISH)
MAX_DAYS = 60


@dataclass(frozen=True)
class ReplyLimits:
    """Working days to 受理 and to 办结 (None: the group sets none), and the 3-month rule."""

    accept: int | None = None
    finish: int | None = None

    def describe(self) -> str:
        parts = []
        if self.accept is not None:
            parts.append(f"受理 {self.accept} 个工作日")
        if self.finish is not None:
            parts.append(f"办结 {self.finish} 个工作日")
        return "、".join([*parts, f"答复 {OVERDUE_MONTHS} 个月"])


def reply_limits(site: Site, portal: Site | None) -> ReplyLimits:
    """The site's limits: its own ``答复时限`` keys over its portal's (the group's)."""
    found: dict[str, int] = {}
    for source in (portal, site):
        data = source.raw(LIMITS_KEY) if source is not None else None
        if isinstance(data, dict):
            found |= {key: data[key] for key in LIMIT_KEYS if _valid(data.get(key))}
    return ReplyLimits(found.get(ACCEPT), found.get(FINISH))


def _valid(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DAYS


def lateness(letter: Letter, limits: ReplyLimits, today: date) -> dict[str, str]:
    """Which limits the letter broke as of ``today`` (受理, 办结, 3个月), each with its dates."""
    received = letter.received.date()
    if received > today:
        return {}
    accepted_at = parse_moment(letter.data.get("受理日期"))
    accepted = accepted_at.date() if accepted_at else None
    answered = letter.answered.date() if letter.answered else None
    if answered is not None and answered > today:
        answered = None
    late: dict[str, str] = {}
    if limits.accept is not None:
        end = accepted or answered or today
        used = working_days_between(received, end)
        if used > limits.accept:
            how = (
                f"{end:%Y-%m-%d} 才受理" if accepted or answered else f"至 {today:%Y-%m-%d} 未受理"
            )
            late[ACCEPT] = (
                f"{received:%Y-%m-%d} 收到，{how}，用时 {used} 个工作日，超过 {limits.accept} 个工作日"
            )
    if limits.finish is not None:
        start = accepted or received
        used = working_days_between(start, answered or today)
        if used > limits.finish:
            how = f"{answered:%Y-%m-%d} 才答复" if answered else f"至 {today:%Y-%m-%d} 未答复"
            late[FINISH] = (
                f"{start:%Y-%m-%d} 受理，{how}，用时 {used} 个工作日，超过 {limits.finish} 个工作日"
            )
    limit = add_months(received, OVERDUE_MONTHS)
    if (answered or today) > limit:
        how = f"{answered:%Y-%m-%d} 才答复" if answered else f"至 {today:%Y-%m-%d} 未答复"
        late[MONTHS] = f"{received:%Y-%m-%d} 收到，{how}，超过 {OVERDUE_MONTHS} 个月"
    return late


def tally(letters: list[Letter], limits: ReplyLimits, today: date) -> dict[str, int]:
    """How many letters there are and how many broke each limit."""
    counts = {"留言": len(letters), ACCEPT: 0, FINISH: 0, MONTHS: 0}
    for letter in letters:
        for key in lateness(letter, limits, today):
            counts[key] += 1
    return counts


@site_rule("答复时限设置有效：受理、办结为 1 至 60 的工作日数", ARTICLE)
def reply_limit_settings(site: Site, group: Group) -> Iterator[Violation]:
    data = site.raw(LIMITS_KEY)
    if data is None:
        return
    if not isinstance(data, dict):
        yield site.violation(LIMITS_KEY, "应为映射：受理、办结（工作日数）", ARTICLE)
        return
    for key, value in data.items():
        where = f"{LIMITS_KEY}.{shorten(key)}"
        if key not in LIMIT_KEYS:
            yield site.violation(where, f"未知字段（可用：{'、'.join(LIMIT_KEYS)}）", ARTICLE)
        elif not _valid(value):
            message = f"应为 1 至 {MAX_DAYS} 的工作日数，实为「{shorten(value)}」"
            yield site.violation(where, message, ARTICLE)


@rule("letters", "留言在网站群的答复时限内受理、办结（警告）", ARTICLE)
def letters_within_limits(site: Site, letters, limits: ReplyLimits, today: date):
    for letter in letters:
        late = lateness(letter, limits, today)
        for key in (ACCEPT, FINISH):  # the 3-month rule has its own warning (interaction.py)
            if key in late:
                title = shorten(str(letter.data.get("标题") or letter.slug))
                yield Violation(
                    site.id,
                    f"{site.file.rsplit('/', 1)[0]}/{LETTER_FOLDER}/{letter.slug}.yaml",
                    "受理日期" if key == ACCEPT else "答复时间",
                    f"留言「{title}」{key}超时：{late[key]}（{LIMITS_KEY}）",
                    ARTICLE,
                    WARNING,
                )


def format_tally(rows: list[tuple[str, ReplyLimits, dict[str, int]]]) -> str:
    """The build report's section: each site's letters counted against its limits."""
    if not rows:
        return ""
    lines = [f"留言办理时限（依据：第十条（四）；时限见主站 site.yaml 的「{LIMITS_KEY}」）"]
    for site, limits, counts in rows:
        lines.append(
            f"  {site}：留言 {counts['留言']} 件（{limits.describe()}），受理超时 {counts[ACCEPT]} 件，"
            f"办结超时 {counts[FINISH]} 件，超过 {OVERDUE_MONTHS} 个月未答复或逾期答复 {counts[MONTHS]} 件"
        )
    return "\n".join(lines) + "\n"
