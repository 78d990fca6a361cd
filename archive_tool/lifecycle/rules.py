"""The rules of 第五条–第八条 on lifecycle records, checked as of a date.

Checked when a record is made (``archive-tool notice``) and again at every build, because
time passes: an overdue deregistration or a missing resumption application becomes an
error on the day it is due.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..compliance import Violation, rule, run_rules, shorten
from ..content.registry import Site
from ..content.values import unknown_key_message, unknown_keys
from ..domains import GOV_DOMAIN
from .notices import (
    DAY,
    DOMAIN_REPORT_WORKING_DAYS,
    FLAG,
    MOMENT,
    OFFLINE_MAX,
    OPEN_WITHIN_DAYS,
    RESUME_APPLY_DAYS,
    RETIRE_DEREGISTER_DAYS,
    SHORT_OFFLINE,
    Notice,
)
from .kinds import DOMAIN, OPEN, RESUME, RETIRE, TEMPORARY_OFFLINE, NoticeKind, kind_of
from .workdays import add_working_days


def check_notice(
    notice: Notice, siblings: list[Notice], site: Site, today: date
) -> list[Violation]:
    """Every rule a record breaks as of ``today``: its keys and values first, then the
    rules of its kind (which read only well-typed values)."""
    return run_rules("notice", notice, siblings, site, today, applies_to=notice.kind)


@rule("notice", "记录没有未知字段，取值类型正确", "公告记录格式")
def notice_fields(notice: Notice, siblings, site, today):
    """Unknown keys (with the key most likely meant) and values of the wrong type."""
    fields = kind_of(notice).fields
    for key, guess in unknown_keys(notice.data, ["type", *fields]):
        yield notice.violation(key, unknown_key_message(key, guess), "公告记录格式")
    for key, kind in fields.items():
        value = notice.get(key)
        if value in (None, ""):
            continue
        if kind == DAY:
            valid = notice.day(key) is not None
        elif kind == MOMENT:
            valid = notice.moment(key) is not None
        elif kind == FLAG:
            valid = isinstance(value, bool)
        else:
            valid = isinstance(value, (str, int)) and not isinstance(value, bool)
        if not valid:
            shown = shorten(value)
            yield notice.violation(key, f"应为有效的{kind}，实为「{shown}」", "公告记录格式")


def _required(notice: Notice, *keys: str, article: str):
    for key in keys:
        if notice.get(key) in (None, ""):
            yield notice.violation(key, f"缺少「{key}」", article)


def _kind_rule(kind: NoticeKind, title: str, article: str):
    """Register a rule on the records of one kind; it reads only well-typed values."""
    return rule("notice", title, article, applies_to=kind.id, reads_valid=True)


@_kind_rule(OPEN, "开通写明批准和上线日期，批准后 90 日内达标上线", "第五条（二）")
def open_within_days(notice, siblings, site, today):
    yield from _required(notice, "approved", "online", article="第五条（二）")
    approved, online = notice.day("approved"), notice.day("online")
    if approved and online:
        if online < approved:
            yield notice.violation("online", "上线日期早于批准日期", "第五条（二）")
        elif (online - approved).days > OPEN_WITHIN_DAYS:
            yield notice.violation(
                "online",
                f"经批准后 {OPEN_WITHIN_DAYS} 日内须达标上线：批准 {approved}，上线 {online}，"
                f"相隔 {(online - approved).days} 日",
                "第五条（二）",
            )


@_kind_rule(OPEN, "备案未完成的网站不得上线运行", "第五条（三）")
def open_after_filings(notice, siblings, site, today):
    online = notice.day("online")
    if site.missing_filings and online and online <= today:
        yield notice.violation("online", "备案未完成的网站不得上线运行", "第五条（三）")


def _offline_period(notice: Notice):
    """(start, end) of a temporary offline record, when both are written and in order."""
    start, end = notice.moment("start"), notice.moment("end")
    return (start, end) if start and end and end > start else None


@_kind_rule(TEMPORARY_OFFLINE, "临时下线写明起止时间和原因，不超过 30 天", "第八条（二）")
def offline_period(notice, siblings, site, today):
    yield from _required(notice, "start", "end", "reason", article="第八条（二）")
    start, end = notice.moment("start"), notice.moment("end")
    if not (start and end):
        return
    if end <= start:
        yield notice.violation("end", "恢复时间应晚于下线时间", "第八条（二）")
        return
    length = end - start
    if length > OFFLINE_MAX:
        yield notice.violation(
            "end",
            f"临时下线时间不得超过 30 天，实为 {length.days} 天{length.seconds // 3600} 小时",
            "第八条（二）",
        )


@_kind_rule(TEMPORARY_OFFLINE, "临时下线事先报备或经省政府办公厅同意", "第八条（二）")
def offline_reported(notice, siblings, site, today):
    period = _offline_period(notice)
    if period is None:
        return
    start, end = period
    reported = notice.moment("reported")
    if notice.get("force_majeure"):
        if not notice.get("reported"):
            yield notice.violation(
                "reported", "不可抗因素下线须及时书面报备（填写报备日期）", "第八条（二）"
            )
    elif end - start <= SHORT_OFFLINE:
        if not reported:
            yield notice.violation(
                "reported", "不超过 24 小时的临时下线须提前书面报备市政府办公室", "第八条（二）"
            )
        elif reported >= start:
            yield notice.violation(
                "reported",
                f"书面报备（{reported:%Y-%m-%d}）须在下线（{start:%Y-%m-%d %H:%M}）之前",
                "第八条（二）",
            )
    elif not notice.get("approval"):
        yield notice.violation(
            "approval", "超过 24 小时的临时下线须经省政府办公厅同意（填写批复文号）", "第八条（二）"
        )


@_kind_rule(TEMPORARY_OFFLINE, "临时下线每年不超过 1 次", "第八条（二）")
def offline_once_a_year(notice, siblings, site, today):
    period = _offline_period(notice)
    if period is None or notice.get("force_majeure"):
        return
    start = period[0]
    same_year = [
        other
        for other in siblings
        if other is not notice
        and other.kind == notice.kind
        and not other.get("force_majeure")
        and other.moment("start")
        and other.moment("start").year == start.year
    ]
    if same_year:
        yield notice.violation(
            "start",
            f"临时下线每年不得超过 1 次：{start.year} 年已有 {same_year[0].file}",
            "第八条（二）",
        )


@_kind_rule(TEMPORARY_OFFLINE, "超过 24 小时的下线，恢复前 7 天提交上线申请", "第八条（三）")
def offline_resume_applied(notice, siblings, site, today):
    period = _offline_period(notice)
    if period is None or notice.get("force_majeure"):
        return
    start, end = period
    if end - start > SHORT_OFFLINE and today >= end.date() - timedelta(days=RESUME_APPLY_DAYS):
        resumes = [
            other
            for other in siblings
            if kind_of(other) is RESUME
            and other.day("on")
            and other.day("on") >= end.date() - timedelta(days=1)
        ]
        if not resumes:
            yield notice.violation(
                "end",
                f"恢复上线前 {RESUME_APPLY_DAYS} 天应提交上线申请：{end:%Y-%m-%d} 恢复，"
                "尚无恢复上线记录（archive-tool notice resume）",
                "第八条（三）",
            )


@_kind_rule(RESUME, "恢复上线前 7 天提交上线申请", "第八条（三）")
def resume_applied_in_time(notice, siblings, site, today):
    yield from _required(notice, "on", "applied", article="第八条（三）")
    on, applied = notice.day("on"), notice.day("applied")
    if on and applied and (on - applied).days < RESUME_APPLY_DAYS:
        yield notice.violation(
            "applied",
            f"应在正式上线前 {RESUME_APPLY_DAYS} 天提交上线申请：申请 {applied}，上线 {on}",
            "第八条（三）",
        )


@_kind_rule(RETIRE, "关停后 90 日内注销标识、证书和域名，迁移网址有效", "第八条（一）")
def retire_deregistered_in_time(notice, siblings, site, today):
    yield from _required(notice, "approved", article="第八条（一）")
    approved = notice.day("approved")
    if not approved:
        return
    deadline = approved + timedelta(days=RETIRE_DEREGISTER_DAYS)
    deregistered = notice.day("deregistered")
    if deregistered and deregistered > deadline:
        yield notice.violation(
            "deregistered",
            f"注销标识、证书和域名应在批复后 90 日内（{deadline} 前）完成，实为 {deregistered}",
            "第八条（一）",
        )
    if not deregistered and today > deadline:
        yield notice.violation(
            "deregistered", f"批复（{approved}）已超过 90 日，尚未记录注销完成日期", "第八条（一）"
        )
    target = notice.get("migrate_to")
    if target and not str(target).startswith(("http://", "https://")):
        yield notice.violation(
            "migrate_to", f"应为迁移后的网址（http/https），实为「{target}」", "第八条（一）"
        )


@_kind_rule(DOMAIN, "域名为 .gov.cn，变更 20 个工作日内报备", "第六条（二）")
def domain_change_reported(notice, siblings, site, today):
    yield from _required(notice, "new_domain", "start", article="第六条（二）")
    new_domain, start = notice.get("new_domain"), notice.day("start")
    if new_domain and not GOV_DOMAIN.match(str(new_domain)):
        yield notice.violation(
            "new_domain", f"应为 .gov.cn 域名，实为「{new_domain}」", "第六条（二）"
        )
    if start:
        deadline = add_working_days(start, DOMAIN_REPORT_WORKING_DAYS)
        reported = notice.day("reported")
        if reported and reported > deadline:
            yield notice.violation(
                "reported",
                f"注册信息变更应在 20 个工作日内（{deadline} 前）报备，实为 {reported}",
                "第六条（二）",
            )
        if not reported and today > deadline:
            yield notice.violation(
                "reported",
                f"变更（{start}）已超过 20 个工作日（{deadline}），尚未报备",
                "第六条（二）",
            )
