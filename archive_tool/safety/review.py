"""保密审查: a reviewer's written acceptance of what the scanner found in one item.

The record sits in the item itself and is published nowhere:

- an article: ``review: 审查人：王某；审查日期：2026-11-20；结论：同意发布，3416**********1234 为…``
- a YAML record: a ``保密审查:`` mapping with 审查人, 审查日期 and 结论;
- an attachment ``files/x.xlsx``: ``files/x.xlsx.保密审查.yaml`` beside it, same keys.

A finding is accepted when the 结论 names it as the build showed it (the masked number,
the marking or the term), so that every accepted finding is named, one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

REVIEW_KEY = "review"  # in an article's metadata block (Pelican reads ASCII keys only)
RECORD_KEY = "保密审查"  # in a YAML record
FIELDS = ("审查人", "审查日期", "结论")
ARTICLE = "第十条（二）"
_PART = re.compile(
    r"(审查人|审查日期|结论)\s*[:：]\s*(.*?)\s*(?=[;；]\s*(?:审查人|审查日期|结论)\s*[:：]|$)"
)


@dataclass(frozen=True)
class Review:
    reviewer: str
    day: date
    conclusion: str

    def accepts(self, shown_as: str) -> bool:
        """Whether the 结论 names this finding (as the build showed it)."""
        return bool(shown_as) and shown_as in self.conclusion

    def __str__(self) -> str:
        return f"{self.reviewer}，{self.day:%Y-%m-%d}"


def parse_article_review(value: str) -> tuple[Review | None, str]:
    """An article's ``review:`` line as a Review, or why it is not one.

    >>> parse_article_review("审查人：王某；审查日期：2026-11-20；结论：同意发布 秘密★")[0]
    Review(reviewer='王某', day=datetime.date(2026, 11, 20), conclusion='同意发布 秘密★')
    >>> parse_article_review("王某同意")[1]
    '保密审查应写为“审查人：…；审查日期：YYYY-MM-DD；结论：…”'
    """
    parts = {key: text for key, text in _PART.findall(value.strip())}
    return _review(parts)


def parse_record_review(value: Any) -> tuple[Review | None, str]:
    """A record's ``保密审查:`` mapping as a Review, or why it is not one."""
    if not isinstance(value, dict):
        return None, _EXPECTED
    return _review({key: value.get(key) for key in FIELDS})


_EXPECTED = "保密审查应写为“审查人：…；审查日期：YYYY-MM-DD；结论：…”"


def _review(parts: dict[str, Any]) -> tuple[Review | None, str]:
    reviewer = str(parts.get("审查人") or "").strip()
    conclusion = str(parts.get("结论") or "").strip()
    raw_day = parts.get("审查日期")
    day = raw_day if isinstance(raw_day, date) else None
    if day is None and isinstance(raw_day, str):
        try:
            day = date.fromisoformat(raw_day.strip())
        except ValueError:
            day = None
    if not (reviewer and conclusion and day):
        return None, _EXPECTED
    return Review(reviewer, day, conclusion), ""
