"""The kinds of lifecycle notice (第五条–第八条) and what each one does: the one place to look.

One entry per kind (a record's ``type:``, the ``archive-tool notice`` verb): its label and
heading, the keys its record holds, where it stands and for how long and what it says on a
day (a function of ``placement``), what it does to serving (the site state it sets while
in effect, ``serving``), and, by its id, the rules registered for it (``rules``, listed by
``NoticeKind.rules``). Other modules look a record's kind up here (``kind_of``) and read
these attributes, never compare ``notice.kind`` with a literal (tests/test_architecture.py).
Adding a kind is one entry here plus its row in docs/lifecycle.md and its command in
cli/notice.py (tests/lifecycle/test_kinds.py fails without them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..compliance import Violation, rules_of
from ..content.loader import NOTICE_FOLDER
from ..content.registry import Group, Site
from .notices import DAY, FLAG, MOMENT, TEXT, Notice
from .placement import (
    Placement,
    domain_notice,
    offline_notice,
    open_notice,
    resume_notice,
    retire_notice,
)

# A site's state on a day (serving.site_state), in the order one wins over the next.
ONLINE, OFFLINE, RETIRED, OPENED = "online", "offline", "retired", "opened"
STATE_ORDER = (RETIRED, OFFLINE, OPENED)


@dataclass(frozen=True)
class NoticeKind:
    """One kind of lifecycle record and its notice."""

    id: str  # the record's ``type:``, its file name's suffix, the archive-tool notice verb
    label: str  # as docs/lifecycle.md's table names it
    title: str  # the notice's heading
    fields: dict[str, str]  # every key its record may hold besides ``type``, and its value
    place: Callable[[Notice, Site, date], Placement]  # where, how long, what it says that day
    # What it does to serving: the site state it sets (STATE_ORDER) on the days it is in effect.
    state: str | None = None
    in_effect: Callable[[Notice, date], bool] = lambda notice, today: False
    window: bool = False  # a temporary offline window that nginx opens and closes by the clock
    moves_domain: bool = False  # the site answers on ``new_domain`` while in effect

    @property
    def rules(self) -> list:
        """The rules registered for its records (lifecycle.rules, by ``applies_to``)."""
        return rules_of("notice", self.id)


def _from(key: str) -> Callable[[Notice, date], bool]:
    """In effect from the day in ``key`` (a day or a moment) onwards."""

    def in_effect(notice: Notice, today: date) -> bool:
        moment = notice.moment(key)
        day = moment.date() if moment else notice.day(key)
        return day is not None and day <= today

    return in_effect


def _retired(notice: Notice, today: date) -> bool:
    effective = notice.day("effective") or notice.day("approved")
    return effective is not None and effective <= today


def _offline_day(notice: Notice, today: date) -> bool:
    start, end = notice.moment("start"), notice.moment("end")
    return bool(start and end and start.date() <= today <= end.date())


OPEN = NoticeKind(
    "open",
    "开通",
    "开通公告",
    {"approved": DAY, "online": DAY},
    open_notice,
    state=OPENED,  # a pending site is published from its online date (第五条（二）)
    in_effect=_from("online"),
)
TEMPORARY_OFFLINE = NoticeKind(
    "offline",
    "临时下线",
    "临时下线公告",
    {
        "start": MOMENT,
        "end": MOMENT,
        "reason": TEXT,
        "reported": DAY,
        "approval": TEXT,
        "force_majeure": FLAG,
    },
    offline_notice,
    state=OFFLINE,  # 503 and the maintenance page inside the window (第八条（二）)
    in_effect=_offline_day,
    window=True,
)
RESUME = NoticeKind("resume", "恢复上线", "恢复上线公告", {"on": DAY, "applied": DAY}, resume_notice)
RETIRE = NoticeKind(
    "retire",
    "永久下线/迁移",
    "下线公告",
    {"approved": DAY, "effective": DAY, "migrate_to": TEXT, "deregistered": DAY},
    retire_notice,
    state=RETIRED,  # not built; archived under the portal, old URLs 301 (第八条（一）)
    in_effect=_retired,
)
DOMAIN = NoticeKind(
    "domain",
    "域名变更",
    "域名变更公告",
    {"new_domain": TEXT, "start": DAY, "reported": DAY},
    domain_notice,
    in_effect=_from("start"),
    moves_domain=True,  # built on the new domain; the old one 301s to it (第六条（二）)
)

NOTICE_KINDS = {kind.id: kind for kind in (OPEN, TEMPORARY_OFFLINE, RESUME, RETIRE, DOMAIN)}


def kind_of(notice: Notice) -> NoticeKind:
    """The registered kind of a record (notices_of reads only records of a known kind)."""
    return NOTICE_KINDS[notice.kind]


def notices_of(group: Group) -> tuple[list[Notice], list[Violation]]:
    """Every site's lifecycle records as loaded, and each file that is not one."""
    notices, problems = [], []
    for site in group.sites.values():
        for file in site.records.get(NOTICE_FOLDER, []):
            data: Any = file.data
            if file.error is not None:
                message, field_name = f"无法读取：{file.error}", "(YAML)"
            elif not isinstance(data, dict) or data.get("type") not in NOTICE_KINDS:
                message, field_name = f"应为 {' / '.join(NOTICE_KINDS)} 之一", "type"
            else:
                notices.append(Notice(site.id, data["type"], data, file.shown))
                continue
            problems.append(Violation(site.id, file.shown, field_name, message, "公告记录格式"))
    return notices, problems


def placement(notice: Notice, site: Site, today: date) -> Placement:
    """Where and for how long the notice of a record stands, worded for ``today``."""
    return kind_of(notice).place(notice, site, today)


def placements(group: Group, today: date) -> list[Placement]:
    notices, _ = notices_of(group)
    return [placement(notice, group.sites[notice.site], today) for notice in notices]
