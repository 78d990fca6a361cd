"""保密审查: a reviewer's written acceptance of what the scanner found in one item.

The record sits in the item itself and is published nowhere:

- an article: ``review: 审查人：王某；审查日期：2026-11-20；结论：同意发布，指纹 1a2b3c4d5e 为…``
- a YAML record: a ``保密审查:`` mapping with 审查人, 审查日期 and 结论;
- an attachment ``files/x.xlsx``: ``files/x.xlsx.保密审查.yaml`` beside it, same keys.

A finding is accepted when the 结论 names it, one by one. A personal number is named by
its 指纹 (fingerprint): a keyed hash of the number itself, which the build shows beside the
masked form. The masked form would not do: every number that masks the same way would
be accepted with it. The key is the group's secret (``content/_policy/保密审查密钥``,
made on first use), so that nobody can test a guessed number against a fingerprint. A
marking or a term is its own value: the 结论 names it as the build showed it.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date
from hashlib import sha256
from pathlib import Path
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

    def accepts(self, shown_as: str, fingerprint: str = "", by_value: bool = True) -> bool:
        """Whether the 结论 names this finding: by its fingerprint, or (``by_value``: a
        marking or a term) as the build showed it.

        >>> review = Review("王某", date(2026, 11, 20), "同意发布 指纹 1a2b3c4d5e、秘密★")
        >>> review.accepts("3416**********1234", "1a2b3c4d5e", by_value=False)
        True
        >>> review.accepts("3416**********1234", "99999eeeee", by_value=False)
        False
        >>> review.accepts("秘密★", "0000000000")
        True
        """
        if fingerprint and fingerprint in self.conclusion.lower():
            return True
        return by_value and bool(shown_as) and shown_as in self.conclusion

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


KEY_FILE = "保密审查密钥"  # in content/_policy/: the group's secret; never published
FINGERPRINT_LENGTH = 10  # hex digits: 40 bits, enough to tell a group's numbers apart


def fingerprint(value: str, key: bytes) -> str:
    """The 指纹 of a value: HMAC-SHA256 under the group's key, its first hex digits.

    >>> fingerprint("341623199001011234", b"demo")
    'df408665fb'
    """
    return hmac.new(key, value.encode("utf-8"), sha256).hexdigest()[:FINGERPRINT_LENGTH]


def review_key(content_root: Path) -> bytes:
    """The group's 保密审查 key (``content/_policy/保密审查密钥``), made on first use.

    Keep it with the content: a new key changes every fingerprint, and each 结论 written
    with the old ones must then be written again."""
    path = Path(content_root) / "_policy" / KEY_FILE
    try:
        return path.read_text("utf-8").strip().encode("utf-8")
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another build
        return path.read_text("utf-8").strip().encode("utf-8")
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    return key.encode("utf-8")
