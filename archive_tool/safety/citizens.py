"""A citizen's letter as it may be published (第十条（三）、第十条（四）): the citizen's name as
「张某」, no contact details, and every personal number in the text masked.

Letters are citizens' own words; their handling is public, their identity is not. The
masking happens on publication, so the record keeps what the citizen wrote and the
statistics count every letter.
"""

from __future__ import annotations

from typing import Any

from .numbers import mask_name, mask_personal_numbers
from .review import RECORD_KEY

AUTHOR_KEY = "留言人"
CONTACT_KEYS = ("联系电话", "手机", "电子邮箱", "联系地址", "身份证号", "证件号码")
PRIVATE_KEYS = (AUTHOR_KEY, *CONTACT_KEYS)  # never scanned as content, never shown as given


def public_letter(data: dict[str, Any]) -> dict[str, Any]:
    """The keys of a letter a page may show.

    >>> public_letter({"留言人": "李小明", "手机": "13812345678", "留言内容": "请回电13812345678"})
    {'留言内容': '请回电138****5678', '留言人': '李某'}
    >>> public_letter({"留言内容": [13812345678, {"补充": "电话１３８ 1234 5678"}]})
    {'留言内容': '138****5678\\n补充：电话138****5678'}
    """
    shown = {
        key: as_text(masked(value))
        for key, value in data.items()
        if key not in PRIVATE_KEYS and key != RECORD_KEY
    }
    author = str(data.get(AUTHOR_KEY) or "").strip()
    if author:
        shown[AUTHOR_KEY] = mask_name(author)
    return shown


def as_text(value: Any) -> Any:
    """A list or a mapping as the lines a page shows (a letter's text written as a YAML
    list is still a letter, not a Python list); other values as they are."""
    if isinstance(value, dict):
        return "\n".join(f"{key}：{as_text(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "\n".join(str(as_text(item)) for item in value)
    return value


def masked(value: Any) -> Any:
    """A YAML value with every personal number in it masked, whatever its type: text,
    a bare number, a list or a mapping (keys too). Other values are kept as they are."""
    if isinstance(value, str):
        return mask_personal_numbers(value)
    if isinstance(value, dict):
        return {masked(key): masked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(item) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(value)
        hidden = mask_personal_numbers(text)
        return value if hidden == text else hidden
    return value
