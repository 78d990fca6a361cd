"""The rules of 第五条–第八条 on lifecycle records, checked as of a date.

Checked when a record is made (``archive-tool notice``) and again at every build, because
time passes: an overdue deregistration or a missing resumption application becomes an
error on the day it is due.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..compliance import Violation, shorten
from ..content.registry import Group, Site
from ..content.values import unknown_key_message, unknown_keys
from ..domains import GOV_DOMAIN
from .notices import (
    DAY,
    DOMAIN_REPORT_WORKING_DAYS,
    FIELDS,
    FLAG,
    MOMENT,
    OFFLINE_MAX,
    OPEN_WITHIN_DAYS,
    RESUME_APPLY_DAYS,
    RETIRE_DEREGISTER_DAYS,
    SHORT_OFFLINE,
    Notice,
    notices_of,
)
from .workdays import add_working_days


def check_notice(
    notice: Notice, siblings: list[Notice], site: Site, today: date
) -> list[Violation]:
    """Every rule a record breaks as of ``today``: its keys and values first, then the
    rules of its kind (which read only well-typed values)."""
    problems = list(check_fields(notice))
    if problems:
        return problems
    return list(RULES[notice.kind](notice, siblings, site, today))


def check_fields(notice: Notice):
    """Unknown keys (with the key most likely meant) and values of the wrong type."""
    fields = FIELDS[notice.kind]
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


def _open_rules(notice, siblings, site, today):
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
    if site.missing_filings and online and online <= today:
        yield notice.violation("online", "备案未完成的网站不得上线运行", "第五条（三）")


def _offline_rules(notice, siblings, site, today):
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
    force = bool(notice.get("force_majeure"))
    reported = notice.moment("reported")
    if force:
        if not notice.get("reported"):
            yield notice.violation(
                "reported", "不可抗因素下线须及时书面报备（填写报备日期）", "第八条（二）"
            )
    elif length <= SHORT_OFFLINE:
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
    if not force:
        same_year = [
            other
            for other in siblings
            if other is not notice
            and other.kind == "offline"
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
        if length > SHORT_OFFLINE and today >= end.date() - timedelta(days=RESUME_APPLY_DAYS):
            resumes = [
                other
                for other in siblings
                if other.kind == "resume"
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


def _resume_rules(notice, siblings, site, today):
    yield from _required(notice, "on", "applied", article="第八条（三）")
    on, applied = notice.day("on"), notice.day("applied")
    if on and applied and (on - applied).days < RESUME_APPLY_DAYS:
        yield notice.violation(
            "applied",
            f"应在正式上线前 {RESUME_APPLY_DAYS} 天提交上线申请：申请 {applied}，上线 {on}",
            "第八条（三）",
        )


def _retire_rules(notice, siblings, site, today):
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


def _domain_rules(notice, siblings, site, today):
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


RULES = {
    "open": _open_rules,
    "offline": _offline_rules,
    "resume": _resume_rules,
    "retire": _retire_rules,
    "domain": _domain_rules,
}


def check_notices(group: Group, today: date) -> list[Violation]:
    notices, problems = notices_of(group)
    for notice in notices:
        siblings = [n for n in notices if n.site == notice.site]
        problems += check_notice(notice, siblings, group.sites[notice.site], today)
    return problems
