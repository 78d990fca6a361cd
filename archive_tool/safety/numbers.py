"""Citizens' personal numbers in text (第十条（三）), found by their own check digits, and masked.

The checks come from well-kept libraries rather than hand-written tables: python-stdnum
knows the GB 11643 居民身份证号码 check digit and birth date, the GB 32100 统一社会信用代码
and the Luhn sum of bank cards; phonenumbers knows which mainland numbers are mobile.
A candidate that fails its check is not a finding, so an order number or a 文号 with 18
digits is left alone. A 统一社会信用代码 is public for units: its letters keep it from
being taken for a 居民身份证号码 (see ``_is_id_number`` for the all-digit case).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

ID_NUMBER = "居民身份证号码"
MOBILE = "手机号码"
BANK_CARD = "银行卡号"

# Digits not glued to other digits or Latin letters: "身份证号341623199001011234。" matches.
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?P<id>\d{17}[\dXx])"
    r"|(?P<mobile>(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2})"
    r"|(?P<card>[3-6]\d{3}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?)"
    r")(?![0-9A-Za-z])"
)


@dataclass(frozen=True)
class NumberFinding:
    """A personal number in a text: what it is, where it is, and how it may be shown."""

    category: str
    start: int
    end: int
    masked: str


def find_personal_numbers(text: str) -> Iterator[NumberFinding]:
    """Each 居民身份证号码, mobile number and bank card number in ``text``.

    >>> text = "证件号11010519491231002X，电话13812345678"
    >>> [(f.category, f.masked) for f in find_personal_numbers(text)]
    [('居民身份证号码', '1101**********002X'), ('手机号码', '138****5678')]
    >>> list(find_personal_numbers("统一社会信用代码 91110000600037341L，文号 2026-000001"))
    []
    """
    for match in _CANDIDATE.finditer(text):
        value = match.group()
        digits = re.sub(r"[^0-9Xx]", "", value)
        if match["id"]:
            if _is_id_number(digits.upper()):
                yield NumberFinding(ID_NUMBER, match.start(), match.end(), mask(digits.upper()))
        elif match["mobile"]:
            if _is_mobile(digits):
                yield NumberFinding(MOBILE, match.start(), match.end(), mask(digits[-11:], 3))
        elif 16 <= len(digits) <= 19 and luhn.is_valid(digits):
            yield NumberFinding(BANK_CARD, match.start(), match.end(), mask(digits))


# 省级行政区划代码: the first two digits of every 居民身份证号码.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82".split()
)


def _is_id_number(number: str) -> bool:
    """GB 11643's check digit and a real birth date, under a real province.

    Not ``ric.is_valid``: it also requires the county code to have existed in the birth
    year, and a number kept after a county was renamed (亳州's counties date from 2000,
    their people from before) is still someone's number. A 统一社会信用代码 with digits
    only can pass these checks too, but then it is also a 居民身份证号码 in form, and is
    reported: a reviewer can accept it.
    """
    if ric.calc_check_digit(number) != number[-1] or number[:2] not in PROVINCES:
        return False
    try:
        ric.get_birth_date(number)
    except ValueError:
        return False
    return True


def _is_mobile(digits: str) -> bool:
    try:
        number = phonenumbers.parse(digits[-11:], "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def mask(value: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """A number with all but its first and last digits hidden, as national practice shows it.

    >>> mask("341623199001011234")
    '3416**********1234'
    >>> mask("13812345678", 3)
    '138****5678'
    """
    hidden = max(len(value) - keep_start - keep_end, 0)
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_personal_numbers(text: str) -> str:
    """``text`` with every personal number replaced by its masked form.

    >>> mask_personal_numbers("请回电13812345678。")
    '请回电138****5678。'
    """
    pieces, last = [], 0
    for finding in find_personal_numbers(text):
        pieces += [text[last : finding.start], finding.masked]
        last = finding.end
    return "".join(pieces) + text[last:]


# Two-character surnames keep both characters: 欧阳某, not 欧某.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 "
    "南宫 西门".split()
)


def mask_name(name: str) -> str:
    """A citizen's name as published: the surname and 某.

    >>> mask_name("张三丰"), mask_name("欧阳娜娜"), mask_name("")
    ('张某', '欧阳某', '')
    """
    name = name.strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return surname + "某"
