"""互动回应差 and 留言办理超期: the consultation channel and how letters were answered.

A 政府门户网站 (the portal and each county portal: ``kind.interaction``) must offer a
working online consultation channel (第七条（三）); here that is its 网民留言 page
(``letters/``), which must open. Department sites use the portal's unified platform. Letters come from the
content model (group.rules.interaction, as check_content reads them as of the date): a 咨询
letter left unanswered for more than 3 months within the past year fails the site
(19号); a 投诉 or 建议 letter is counted as 留言办理超期. A letter withheld from
publication (不公开原因) still counts. Every letter is also counted against the group's
reply limits (受理, 办结: group.rules.deadlines) and the late ones named, as notes.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..compliance import shorten
from ..content.loader import LETTER_FOLDER
from ..group.rules.deadlines import ACCEPT, FINISH, MONTHS, lateness, tally
from ..lifecycle.workdays import add_months
from .context import SiteContext
from .indicators import LETTER_LATE, POOR_RESPONSE, Finding

CONSULTATION_TYPE = "咨询"  # the letters of a 政务咨询 column (19号)
ANSWER_MONTHS = 3
LOOKBACK_DAYS = 365  # "近 1 年内"


def channel_url(ctx: SiteContext) -> str:
    return f"{ctx.home}{LETTER_FOLDER}/"


def channel_findings(ctx: SiteContext) -> list[Finding]:
    if ctx.crawl is None or not ctx.site.kind.interaction:
        return []
    url = channel_url(ctx)
    if ctx.page(url) is not None:
        return []
    result = ctx.crawl.result(url)
    why = result.problem if result is not None and result.problem else "未找到"
    evidence = f"没有可用的网上咨询渠道：网民留言页 {url} 打不开（{why}）"
    action = "恢复网民留言等网上咨询渠道，确保网民能提交咨询并查看答复"
    return [Finding(ctx.site.id, POOR_RESPONSE, ctx.home, evidence, "咨询渠道", action)]


def letter_findings(ctx: SiteContext) -> list[Finding]:
    if ctx.interaction is None:
        return []
    found = []
    for letter in ctx.interaction.letters:
        late = _late(letter.received.date(), letter.answered, ctx.today)
        if late is None:
            continue
        kind = str(letter.data.get("类型") or "")
        title = str(letter.data.get("标题") or letter.slug)
        title = shorten(title)
        if letter.published:
            page = f"{ctx.home}{letter.url}"
        else:
            page = f"{ctx.home}{LETTER_FOLDER}/"
            title += "（未公开的留言）"
        evidence = f"{kind}留言「{title}」{letter.received:%Y-%m-%d} 收到，{late}"
        indicator = POOR_RESPONSE if kind == CONSULTATION_TYPE else LETTER_LATE
        action = "尽快答复该留言并公开办理结果；查明超期原因"
        found.append(Finding(ctx.site.id, indicator, page, evidence, f"留言 {letter.slug}", action))
    return found


def _late(received: date, answered, today: date) -> str | None:
    """Why a letter counts as answered too late as of ``today``, or None.

    >>> _late(date(2026, 8, 1), None, date(2026, 11, 26))
    '至 2026-11-26 超过 3 个月未答复'
    >>> _late(date(2026, 8, 1), None, date(2026, 10, 30)) is None
    True
    """
    if received > today:
        return None
    limit = add_months(received, ANSWER_MONTHS)
    if limit >= today:
        return None
    answered_day = answered.date() if answered is not None else None
    if answered_day is None or answered_day > today:
        return f"至 {today:%Y-%m-%d} 超过 {ANSWER_MONTHS} 个月未答复"
    if answered_day > limit and answered_day > today - timedelta(days=LOOKBACK_DAYS):
        return f"{answered_day:%Y-%m-%d} 才答复，超过 {ANSWER_MONTHS} 个月"
    return None


def deadline_notes(ctx: SiteContext) -> list[str]:
    """The site's letters counted against its reply limits, and each late one named."""
    if ctx.interaction is None or not ctx.interaction.letters:
        return []
    letters = ctx.interaction.letters
    counts = tally(letters, ctx.limits, ctx.today)
    summary = (
        f"留言办理时限（{ctx.limits.describe()}）：留言 {counts['留言']} 件，"
        f"受理超时 {counts[ACCEPT]} 件，办结超时 {counts[FINISH]} 件，"
        f"超过 {ANSWER_MONTHS} 个月 {counts[MONTHS]} 件"
    )
    notes = [summary]
    for letter in letters:
        title = shorten(str(letter.data.get("标题") or letter.slug))
        for key, why in lateness(letter, ctx.limits, ctx.today).items():
            notes.append(f"留言「{title}」（{letter.slug}）{key}超时：{why}")
    return notes
