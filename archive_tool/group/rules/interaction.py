"""互动交流 (第七条（三）, 第十条（四）): letters, consultations and interviews.

Letters (``letters/*.yaml``) are citizens' text: the theme prints every field escaped.
A site publishes each letter with 受理日期, 答复单位, 答复时间 and 答复内容 and the
statistics the article asks for; a letter unanswered for more than three months is
flagged on the page and listed in the build report. 意见征集 (``consultations/``) have
open and close dates and, once closed, published results; 在线访谈 (``interviews/``)
are transcripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...compliance import WARNING, Violation, errors, record_rule, run_rules
from ...content.loader import CONSULTATION_FOLDER, INTERVIEW_FOLDER, LETTER_FOLDER
from ...content.records import Record, records_in
from ...content.registry import Site
from ...lifecycle.workdays import add_months, working_days_between
from ...safety.citizens import PRIVATE_KEYS, public_letter
from ...safety.review import RECORD_KEY as REVIEW_KEY

LETTER_ARTICLE = "第七条（三）、第十条（四）"
CONSULTATION_ARTICLE = "第七条（三）"
LETTER_TYPES = ("咨询", "投诉", "建议")
LETTER_REQUIRED = ("标题", "类型", "留言时间", "留言内容")
REPLY_KEYS = ("受理日期", "答复单位", "答复时间", "答复内容")
FORWARDED_KEY = "转办日期"  # when a platform handed the letter to the unit that answers it
OVERDUE_MONTHS = 3
# 第十条（四）: every letter's handling is public "除反映情况不属实等特殊原因外"; the reason
# for withholding one is written here and the letter still counts in the statistics.
WITHHELD_KEY = "不公开原因"
LETTER_KEYS = (
    *LETTER_REQUIRED,
    *REPLY_KEYS,
    FORWARDED_KEY,
    WITHHELD_KEY,
    *PRIVATE_KEYS,
    REVIEW_KEY,
)
CONSULTATION_KEYS = ("标题", "征集单位", "开始日期", "截止日期", "说明", "意见提交方式")
CONSULTATION_KEYS += ("征集结果", "结果发布日期", "收到意见数", REVIEW_KEY)
INTERVIEW_KEYS = ("标题", "访谈时间", "嘉宾", "主持人", "简介", "实录", REVIEW_KEY)


@dataclass
class Letter:
    slug: str
    data: dict[str, Any]
    received: datetime
    answered: datetime | None
    working_days: int | None  # from 受理 (or receipt) to 答复
    overdue: bool  # unanswered for more than OVERDUE_MONTHS as of the build date

    @property
    def url(self) -> str:
        return f"{LETTER_FOLDER}/{self.slug}.html"

    @property
    def published(self) -> bool:
        return not self.data.get(WITHHELD_KEY)


@dataclass
class Interaction:
    """A site's 互动交流 content as the theme renders it."""

    letters: list[Letter]
    consultations: list[dict[str, Any]]
    interviews: list[dict[str, Any]]

    @property
    def published_letters(self) -> list[Letter]:
        return [letter for letter in self.letters if letter.published]

    def statistics(self) -> dict[str, Any]:
        answered = [letter for letter in self.letters if letter.answered]
        days = [letter.working_days for letter in answered if letter.working_days is not None]
        return {
            "received": len(self.letters),
            "answered": len(answered),
            "unanswered": len(self.letters) - len(answered),
            "overdue": sum(letter.overdue for letter in self.letters),
            "average_days": round(sum(days) / len(days), 1) if days else None,
            "by_type": {
                kind: sum(letter.data.get("类型") == kind for letter in self.letters)
                for kind in LETTER_TYPES
            },
        }

    def __bool__(self) -> bool:
        return bool(self.letters or self.consultations or self.interviews)


def site_interaction(site: Site, today: date) -> tuple[Interaction, list[Violation]]:
    """The site's letters, consultations and interviews as loaded, checked as of ``today``."""
    letters, problems = _records(site, LETTER_FOLDER, LETTER_ARTICLE, _letter, today)
    consultations, found = _records(
        site, CONSULTATION_FOLDER, CONSULTATION_ARTICLE, _consultation, today
    )
    problems += found
    interviews, found = _records(site, INTERVIEW_FOLDER, CONSULTATION_ARTICLE, _interview, today)
    problems += found
    letters.sort(key=lambda letter: letter.received, reverse=True)
    consultations.sort(key=lambda item: item["开始日期"], reverse=True)
    interviews.sort(key=lambda item: item["访谈时间"], reverse=True)
    return Interaction(letters, consultations, interviews), problems


def _records(site, folder, article, make, today):
    records, problems = records_in(site, folder, article)
    items = []
    for record in records:
        item, found = make(record, today)
        problems += found
        if item is not None:  # made only when the record has no error
            items.append(item)
    return items, problems


def _letter(record: Record, today: date) -> tuple[Letter | None, list[Violation]]:
    problems = run_rules("record", record, frozenset(), today, applies_to=LETTER_FOLDER)
    if errors(problems):
        return None, problems
    received, accepted, answered = (
        record.moment(key) for key in ("留言时间", "受理日期", "答复时间")
    )
    start = (accepted or received).date()
    letter = Letter(
        record.slug,
        public_letter(record.data),
        received,
        answered,
        working_days_between(start, answered.date()) if answered else None,
        _overdue(record, today),
    )
    return letter, problems


def _overdue(record: Record, today: date) -> bool:
    """Unanswered more than OVERDUE_MONTHS after it was written, as of ``today``."""
    received = record.moment("留言时间")
    return record.moment("答复时间") is None and add_months(received.date(), OVERDUE_MONTHS) < today


@record_rule(LETTER_FOLDER, "留言要素齐全，答复完整且不早于留言", LETTER_ARTICLE)
def letter_fields(record: Record, attachments, today) -> Iterator[Violation]:
    yield from record.check_keys(LETTER_KEYS)
    yield from record.missing(LETTER_REQUIRED)
    yield from record.check_choice("类型", LETTER_TYPES)
    for key in ("留言时间", "受理日期", FORWARDED_KEY, "答复时间"):
        yield from record.check_moment(key)
    given = [key for key in REPLY_KEYS if record.data.get(key) not in (None, "")]
    if {"答复时间", "答复内容"} & set(given):
        yield from record.missing(REPLY_KEYS)
    received, answered = record.moment("留言时间"), record.moment("答复时间")
    if received and answered and answered < received:
        yield record.violation("答复时间", "答复时间早于留言时间")


@record_rule(LETTER_FOLDER, "留言 3 个月内答复（警告）", "第十条（四）", reads_valid=True)
def letter_answered_in_time(record: Record, attachments, today) -> Iterator[Violation]:
    if _overdue(record, today):
        received = record.moment("留言时间")
        yield record.violation(
            "答复时间",
            f"留言「{record.text('标题')}」自 {received:%Y-%m-%d} 起超过 {OVERDUE_MONTHS} 个月未答复",
            "第十条（四）",
            WARNING,
        )


def _consultation(record: Record, today: date):
    problems = run_rules("record", record, frozenset(), today, applies_to=CONSULTATION_FOLDER)
    if errors(problems):
        return None, problems
    opens, closes = record.moment("开始日期"), record.moment("截止日期")
    if today < opens.date():
        status = "未开始"
    elif today <= closes.date():
        status = "征集中"
    else:
        status = "已公布结果" if record.text("征集结果") else "已截止"
    data = {
        **record.data,
        "slug": record.slug,
        "url": f"{CONSULTATION_FOLDER}/{record.slug}.html",
        "status": status,
        "开始日期": opens.date(),
        "截止日期": closes.date(),
    }
    return data, problems


@record_rule(
    CONSULTATION_FOLDER,
    "意见征集要素齐全，截止日期不早于开始日期，结果注明发布日期",
    CONSULTATION_ARTICLE,
)
def consultation_fields(record: Record, attachments, today) -> Iterator[Violation]:
    yield from record.check_keys(CONSULTATION_KEYS)
    yield from record.missing(("标题", "征集单位", "开始日期", "截止日期", "说明"))
    for key in ("开始日期", "截止日期", "结果发布日期"):
        yield from record.check_moment(key)
    opens, closes = record.moment("开始日期"), record.moment("截止日期")
    if opens and closes and closes < opens:
        yield record.violation("截止日期", "截止日期早于开始日期")
    if record.text("征集结果"):
        yield from record.missing(("结果发布日期",))


@record_rule(
    CONSULTATION_FOLDER,
    "意见征集截止后公布征集结果（警告）",
    CONSULTATION_ARTICLE,
    reads_valid=True,
)
def consultation_results_published(record: Record, attachments, today) -> Iterator[Violation]:
    if today > record.moment("截止日期").date() and not record.text("征集结果"):
        yield record.violation("征集结果", "意见征集已截止，尚未公布征集结果", severity=WARNING)


def _interview(record: Record, today: date):
    problems = run_rules("record", record, frozenset(), today, applies_to=INTERVIEW_FOLDER)
    if problems:
        return None, problems
    guests = record.data.get("嘉宾")
    data = {
        **record.data,
        "slug": record.slug,
        "url": f"{INTERVIEW_FOLDER}/{record.slug}.html",
        "访谈时间": record.moment("访谈时间"),
        "嘉宾": guests if isinstance(guests, list) else [guests],
    }
    return data, problems


@record_rule(INTERVIEW_FOLDER, "在线访谈有标题、访谈时间、嘉宾和发言实录", CONSULTATION_ARTICLE)
def interview_fields(record: Record, attachments, today) -> Iterator[Violation]:
    yield from record.check_keys(INTERVIEW_KEYS)
    yield from record.missing(("标题", "访谈时间", "嘉宾", "实录"))
    yield from record.check_moment("访谈时间")
    transcript = record.data.get("实录")
    if transcript and not (
        isinstance(transcript, list)
        and all(
            isinstance(turn, dict) and turn.get("发言人") and turn.get("内容")
            for turn in transcript
        )
    ):
        yield record.violation("实录", "应为发言列表，每项含 发言人、内容")
