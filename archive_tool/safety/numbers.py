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
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from stdnum import luhn
from stdnum.cn import ric

from .normalise import Normalised, normalise

ID_NUMBER = "居民身份证号码"
MOBILE = "手机号码"
BANK_CARD = "银行卡号"

# A run of digit groups, each joined to the next by one separator a reader passes over: a
# space, a hyphen or dash, a dot, a line break. Zero-width characters, character references
# and other scripts' digits are gone before this sees the text (normalise.py). A tab is not
# a separator: it is how attachments' table cells are joined (extract.py).
_GROUP = re.compile(r"[0-9]+")
_CHECK_X = re.compile(r"[Xx](?![0-9])")  # the check digit 10 of a 居民身份证号码
_SEPARATOR = re.compile(r"(?: |-|\.|\u2010|\u2011|\u2012|\u2013|\u2014|\u2212|\r?\n)(?=[0-9])")
MAX_DIGITS = 19
# Every personal number has at least 11 digits joined by single separators: a text
# without such a run (most text: dates, times, office phones) needs no closer look.
_LONG_RUN = re.compile(
    r"[0-9](?:(?: |-|\.|\u2010|\u2011|\u2012|\u2013|\u2014|\u2212|\r?\n)?[0-9]){10,}"
)


@dataclass(frozen=True)
class NumberFinding:
    """A personal number in a text: what it is, where it is, and how it may be shown.

    ``value`` is the number itself, in ASCII digits: for a keyed fingerprint (review.py),
    never to be shown."""

    category: str
    start: int
    end: int
    masked: str
    value: str = field(repr=False, default="")


def find_personal_numbers(text: str | Normalised) -> Iterator[NumberFinding]:
    """Each 居民身份证号码, mobile number and bank card number in ``text``, however written.

    >>> text = "证件号11010519491231002X，电话13812345678"
    >>> [(f.category, f.masked) for f in find_personal_numbers(text)]
    [('居民身份证号码', '1101**********002X'), ('手机号码', '138****5678')]
    >>> [f.masked for f in find_personal_numbers("Tel+86 138-1234-5678；ＩＤ１１０１０５４９１２３１００２")]
    ['138****5678', '1101*******1002']
    >>> list(find_personal_numbers("统一社会信用代码 91110000600037341L，文号 2026-000001"))
    []
    >>> list(find_personal_numbers("2026-11-20 12:05，电话 0558-1234567"))
    []
    """
    seen = text if isinstance(text, Normalised) else normalise(text)
    if not _LONG_RUN.search(seen.text):
        return
    for start, end, category, masked, value in _numbers(seen.text):
        first, last = seen.span(start, end)
        yield NumberFinding(category, first, last, masked, value)


Group = tuple[int, int, str, bool]  # start, end, digits, follows a line break

# Random identifiers a machine writes (a UUID, a hex digest): its digit groups, joined by
# its hyphens, can look like a number (「…e1511234-8639…」). Blanked, offsets kept.
_OPAQUE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|(?=(?:[0-9]*[a-fA-F]){6})(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32})"
    r")(?![0-9A-Za-z])"
)


def _numbers(text: str) -> Iterator[tuple[int, int, str, str, str]]:
    """(start, end, category, masked, value) of each number in normalised ``text``: a
    number starts and ends with a group, never inside one."""
    found = []
    text = _OPAQUE.sub(lambda match: " " * len(match.group()), text)
    for run in _runs(text):
        for i in range(len(run)):
            digits = ""
            for j in range(i, len(run)):
                digits += run[j][2]
                if len(digits) > MAX_DIGITS:
                    break
                end = run[j][1]
                candidates = []
                if len(digits) == 17 and _CHECK_X.match(text, end):
                    candidates.append((digits + "X", end + 1))
                if len(digits) in _LENGTHS:  # also 17 digits and an X that is no check digit
                    candidates.append((digits, end))  # (a bank card with a letter after it)
                groups = _visual_groups(run[i : j + 1])
                for candidate, stop in candidates:
                    kind = _kind(candidate, groups)
                    if kind and _standalone(text, run[i][0], stop):
                        found.append((run[i][0], stop, *kind))
                        break
    last = -1
    for start, end, *rest in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if start >= last:
            yield start, end, *rest
            last = end


_LENGTHS = frozenset({11, 13, 15, 16, 17, 18, 19})


def _runs(text: str) -> Iterator[list[Group]]:
    """Digit groups joined by single separators, one list per run."""
    run: list[Group] = []
    for match in _GROUP.finditer(text):
        start, end = match.span()
        if run:
            separator = _SEPARATOR.match(text, run[-1][1])
            if separator is None or separator.end() != start:
                yield run
                run = []
        broken = bool(run) and "\n" in text[run[-1][1] : start]
        run.append((start, end, match.group(), broken))
    if run:
        yield run


def _visual_groups(run: list[Group]) -> list[int]:
    """The lengths of the groups a reader sees: a line break joins, it does not group."""
    lengths: list[int] = []
    for number, (_, _, digits, broken) in enumerate(run):
        if broken and number:
            lengths[-1] += len(digits)
        else:
            lengths.append(len(digits))
    return lengths


def _standalone(text: str, start: int, end: int) -> bool:
    """Not part of a longer code: Latin letters may be glued on (``Tel138…``, ``IDNo…``),
    but not a mix of letters and digits such as a hash."""
    before = start
    while before > 0 and text[before - 1].isascii() and text[before - 1].isalpha():
        before -= 1
    if before < start and before > 0 and text[before - 1].isdigit():
        return False
    after = end
    while after < len(text) and text[after].isascii() and text[after].isalpha():
        after += 1
    return not (after > end and after < len(text) and text[after].isdigit())


def _kind(digits: str, groups: list[int]) -> tuple[str, str, str] | None:
    """(category, masked, value) of a candidate written in groups of these lengths."""
    number = digits.upper()
    if len(number) == 18 and _is_id_number(number):
        return ID_NUMBER, mask(number), number
    if len(number) == 15 and len(groups) <= 3 and _is_old_id_number(number):
        return ID_NUMBER, mask(number), number
    if not number.isdigit():
        return None
    mobile = _without_country_code(number, groups)
    if mobile and _is_mobile(mobile[0]) and mobile[1]:
        return MOBILE, mask(mobile[0], 3), mobile[0]
    if 16 <= len(number) <= MAX_DIGITS and number[0] in "3456" and luhn.is_valid(number):
        if len(groups) == 1 or all(size == 4 for size in groups[:-1]):
            return BANK_CARD, mask(number), number
    return None


def _without_country_code(digits: str, groups: list[int]) -> tuple[str, bool] | None:
    """The 11 digits of a mobile number after an 86/0086 glued on, and whether its groups
    look like one (138 1234 5678, 1381234 5678, 138 12345678, or each digit apart)."""
    for prefix in ("", "86", "0086"):
        if len(digits) == len(prefix) + 11 and digits.startswith(prefix):
            if prefix and groups[0] <= len(prefix):
                return None  # a code apart: the number after it is found and masked alone
            rest = [groups[0] - len(prefix), *groups[1:]]
            plausible = (len(rest) <= 3 and rest[0] >= 3) or set(rest) == {1}
            return digits[len(prefix) :], plausible
    return None


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
    if not number[:17].isdigit() or number[:2] not in PROVINCES:
        return False
    if ric.calc_check_digit(number) != number[-1]:
        return False
    try:
        ric.get_birth_date(number)
    except ValueError:
        return False
    return True


def _is_old_id_number(number: str) -> bool:
    """A 15-digit 居民身份证号码 (issued until 1999): region, birth date 19YYMMDD, sequence.

    It has no check digit, so a real province and a real date are all there is; written
    in at most three groups (checked by the caller) it is rarely anything else.
    """
    if not number.isdigit() or number[:2] not in PROVINCES:
        return False
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def _is_mobile(digits: str) -> bool:
    if not (len(digits) == 11 and digits.startswith("1")):
        return False
    try:
        number = phonenumbers.parse(digits, "CN")
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
