"""The detectors find what a reader sees, however it is written, and never crash.

Property tests (hypothesis) make valid numbers, write them the ways an editor might (with
separators, zero-width characters, full-width or other-script digits, character
references, a prefix glued on, a line break) inside random Chinese and ASCII text, and
check that each is found and that the masked text no longer holds it.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from archive_tool.safety.citizens import public_letter
from archive_tool.safety.lexicon import SENSITIVE, WRONG_EXPRESSION, Lexicon
from archive_tool.safety.markings import find_markings
from archive_tool.safety.normalise import normalise, normalised
from archive_tool.safety.numbers import (
    BANK_CARD,
    ID_NUMBER,
    MOBILE,
    PROVINCES,
    find_personal_numbers,
    mask_personal_numbers,
)
from archive_tool.safety.scan import Scanner

PROVINCE_CODES = sorted(PROVINCES)
MOBILE_PREFIXES = ["138", "139", "150", "151", "158", "186", "187", "177", "189", "199"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
DIGIT_ZEROS = [0x30, 0xFF10, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0x1D7CE, 0x1D7EC]
SEPARATORS = [" ", "-", ".", "\n", "\r\n", "\u3000", "\u2013"]
CHINESE = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
TEXT = st.text(alphabet=CHINESE + "，。、；：！？（）《》 abcdefghXYZ", max_size=30)


@st.composite
def id_numbers(draw) -> str:
    born = draw(st.dates(date(1930, 1, 1), date(2020, 12, 31)))
    region = draw(st.sampled_from(PROVINCE_CODES)) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    base = region + born.strftime("%Y%m%d") + draw(st.from_regex(r"\A[0-9]{3}\Z"))
    return base + ric.calc_check_digit(base + "0")  # it ignores the last character


@st.composite
def old_id_numbers(draw) -> str:
    born = draw(st.dates(date(1930, 1, 1), date(1999, 12, 31)))
    region = draw(st.sampled_from(PROVINCE_CODES)) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    return region + born.strftime("%y%m%d") + draw(st.from_regex(r"\A[0-9]{3}\Z"))


@st.composite
def mobiles(draw) -> str:
    return draw(st.sampled_from(MOBILE_PREFIXES)) + draw(st.from_regex(r"\A[0-9]{8}\Z"))


@st.composite
def bank_cards(draw) -> str:
    body = "6222" + draw(st.from_regex(r"\A[0-9]{11,14}\Z"))
    return body + luhn.calc_check_digit(body)


NUMBERS = st.one_of(
    id_numbers().map(lambda n: (ID_NUMBER, n)),
    old_id_numbers().map(lambda n: (ID_NUMBER, n)),
    mobiles().map(lambda n: (MOBILE, n)),
    bank_cards().map(lambda n: (BANK_CARD, n)),
)


def grouped(category: str, number: str, separator: str) -> str:
    """The number in the groups people write it in."""
    if category == MOBILE:
        sizes = [3, 4, 4]
    elif category == BANK_CARD:
        sizes = [4] * (len(number) // 4) + ([len(number) % 4] if len(number) % 4 else [])
    else:
        sizes = [6, 8, 4] if len(number) == 18 else [6, 6, 3]
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    return separator.join(parts)


@st.composite
def written(draw):
    """(category, number, the text it is written in)."""
    category, number = draw(NUMBERS)
    style = draw(
        st.sampled_from(
            ["plain", "grouped", "line break", "zero-width", "script", "charref", "mixed"]
        )
    )
    shown = number
    if style in ("grouped", "mixed"):
        shown = grouped(category, number, draw(st.sampled_from(SEPARATORS)))
    if style == "line break":
        at = draw(st.integers(1, len(number) - 1))
        shown = number[:at] + draw(st.sampled_from(["\n", "\r\n"])) + number[at:]
    if style in ("zero-width", "mixed"):
        characters = list(shown)
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(1, len(characters) - 1))
            characters.insert(at, draw(st.sampled_from(ZERO_WIDTH)))
        shown = "".join(characters)
    if style in ("script", "mixed"):
        zero = draw(st.sampled_from(DIGIT_ZEROS))
        shown = "".join(chr(zero + int(c)) if c.isdigit() else c for c in shown)
        if zero == 0xFF10:
            shown = shown.replace("X", "Ｘ")
    if style == "charref":
        shown = "".join(
            draw(st.sampled_from([c, f"&#{ord(c)};", f"&#x{ord(c):x};"])) for c in shown
        )
    prefixes = ["", "Tel", "IDNo", "身份证:", "号码："]
    if category == MOBILE:
        prefixes += ["+86", "+86 ", "0086", "86-"]
    prefix = draw(st.sampled_from(prefixes))
    text = draw(TEXT) + prefix + shown + draw(TEXT)
    return category, number, text


def without_separators(text: str) -> str:
    return re.sub(r"[\s.\-\u2013]", "", normalised(text))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(written())
# Found by this test on 2026-12-05: a 17-digit bank card with an X after it was taken for
# an 居民身份证号码 whose check digit failed, and then for nothing.
@example(("银行卡号", "62220000000000004", "62220000000000004X"))
def test_a_number_is_found_and_masked_however_written(case):
    category, number, text = case
    found = list(find_personal_numbers(text))
    assert any(f.category == category and f.value == number for f in found), (text, found)
    masked = mask_personal_numbers(text)
    assert number not in without_separators(masked), masked
    assert public_letter({"留言内容": text})["留言内容"] == masked


@settings(max_examples=200)
@given(written())
def test_a_finding_names_its_place_in_the_text_as_written(case):
    _, number, text = case
    for finding in find_personal_numbers(text):
        if finding.value == number:
            assert without_separators(text[finding.start : finding.end]).endswith(number)


@settings(max_examples=300)
@given(st.text())
def test_the_detectors_never_raise(text):
    lexicon = Lexicon({SENSITIVE: ["法轮"], WRONG_EXPRESSION: ["毫州市 => 亳州市"]})
    list(find_personal_numbers(text))
    list(find_markings(text))
    list(lexicon.find(text))
    mask_personal_numbers(text)
    list(Scanner(lexicon, b"key").findings(text))
    seen = normalise(text)
    for start in range(len(seen.text)):
        first, last = seen.span(start, start + 1)
        assert 0 <= first <= last <= len(text)


DIGITS_OF_EVERY_SCRIPT = "".join(chr(z + d) for z in DIGIT_ZEROS for d in range(10))


@settings(max_examples=300)
@given(st.text(alphabet=DIGITS_OF_EVERY_SCRIPT + "Xx＊&#;x- .\n\u200b０１２３４５６７８９", max_size=60))
def test_digit_soup_of_any_script_never_raises(text):
    list(find_personal_numbers(text))
    mask_personal_numbers(text)
    public_letter({"留言内容": text})


def test_an_id_number_in_full_width_digits_is_found_not_a_crash():
    base = "34162319900101123"
    number = base + ric.calc_check_digit(base + "0")
    wide = "".join(chr(0xFF10 + int(c)) if c.isdigit() else "Ｘ" for c in number)
    assert [f.masked for f in find_personal_numbers(f"身份证{wide}。")] == [
        number[:4] + "*" * 10 + number[-4:]
    ]
    assert mask_personal_numbers(f"身份证{wide}。") == f"身份证{number[:4]}{'*' * 10}{number[-4:]}。"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20 12:05 发布",
        "2026-11-20 2026-11-21",
        "办公电话：0558-1234567，传真 0558 5123456",
        "(0558)5512345 转 13 号",
        "统一社会信用代码 91110000600037341L，文号 2026-000001",
        "订单号 202611201234567890",
        "1998.11.20 13:05:00",
        "第 1 2 3 4 5 6 7 8 9 页",
        "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "a138123456789b",
        "表 13\t2025\t2026\t15",
    ],
)
def test_ordinary_numbers_are_not_personal_numbers(text):
    assert list(find_personal_numbers(text)) == []


def test_a_15_digit_id_number_needs_a_real_date():
    assert [f.category for f in find_personal_numbers("身份证 341623900101123")] == [ID_NUMBER]
    assert list(find_personal_numbers("编号 341623901301123")) == []  # month 13
    assert list(find_personal_numbers("编号 991623900101123")) == []  # no province 99


def test_a_mobile_with_a_country_code_is_masked():
    assert mask_personal_numbers("电话+86 138 1234 5678。") == "电话+86 138****5678。"
    assert mask_personal_numbers("电话0086-13812345678。") == "电话0086-138****5678。"
    assert mask_personal_numbers("电话008613812345678。") == "电话138****5678。"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("秘\u200b密★1年", "秘密★1年"),
        ("机密✭长期", "机密★长期"),
        ("绝密⭐️5年", "绝密★5年"),
        ("秘密＊1年", "秘密*1年"),
        ("秘密&#9733;", "秘密★"),
        ("秘&#23494;☆10年", "秘密★10年"),
        ("**机密**★", "机密★"),
        ("（内部资\u00ad料）", "内部资料"),
    ],
)
def test_a_marking_is_found_however_written(text, shown):
    assert [f.text for f in find_markings(text)] == [shown]


@pytest.mark.parametrize(
    "text",
    ["商业秘密受法律保护", "强化内部文件、各类处置方案预案的监测", "不得泄露**国家秘密**。", "秘密*"],
)
def test_ordinary_words_are_not_markings(text):
    assert list(find_markings(text)) == []


def test_a_marking_is_reported_at_its_place_in_the_text_as_written():
    text = "第一行\n机\u200b密&#9733;长期\n"
    (finding,) = find_markings(text)
    assert text[finding.start : finding.end] == "机\u200b密&#9733;长期"


@pytest.mark.parametrize(
    "text",
    ["毫\u200b州市", "&#27627;州市", "毫州&#x5e02;", "毫州<span></span>市"],
)
def test_a_lexicon_word_is_found_however_written(text):
    lexicon = Lexicon({WRONG_EXPRESSION: ["毫州市 => 亳州市"]})
    (hit,) = lexicon.find(f"位于{text}。")
    assert hit.message == "「毫州市」应为「亳州市」" and hit.start == 2


@pytest.mark.parametrize("text", ["FALUN", "ｆａｌｕｎ", "Fa\u200blun", "F&#97;lun"])
def test_a_lexicon_word_in_another_case_or_width_is_found(text):
    (hit,) = Lexicon({SENSITIVE: ["Falun"]}).find(f"x {text} y")
    assert hit.term == "Falun" and (hit.start, hit.end) == (2, 2 + len(text))


def test_a_letter_is_masked_whatever_the_yaml_type():
    number = "13812345678"
    letter = {
        "留言内容": [f"电话{number}", int(number), {"补充": [number], number: "键"}],
        "标题": int(number),
        "答复内容": 3.5,
    }
    shown = public_letter(letter)
    assert number not in repr(shown)
    assert shown["答复内容"] == 3.5 and shown["标题"] == "138****5678"


def test_a_fingerprint_binds_the_exact_number():
    scanner = Scanner(Lexicon({}), b"group key")
    one, two = "34162319900101123", "34162319850615123"
    one += ric.calc_check_digit(one + "0")
    two += ric.calc_check_digit(two + "0")
    (a,) = scanner.findings(f"号码{one}")
    (b,) = scanner.findings(f"号码 {one[:6]} {one[6:]}")
    (c,) = scanner.findings(f"号码{two}")
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert len(a.fingerprint) == 10 and a.fingerprint in a.message
    assert one not in a.message


def test_a_later_date_is_not_a_number_even_after_a_line_break():
    assert list(find_personal_numbers("时间：2026-11-20\n12:05")) == []


@given(st.text(), st.booleans())
def test_the_one_for_one_path_agrees_with_the_general_one(text, fold):
    """normalise's str.translate path gives the text and offsets the piece-by-piece path
    gives, whatever the characters."""
    from archive_tool.safety.normalise import _normalise_by_pieces, normalise

    fast, slow = normalise(text, fold), _normalise_by_pieces(text, fold)
    assert fast.text == slow.text
    for start in range(len(fast.text)):
        assert fast.span(start, start + 1) == slow.span(start, start + 1)


@given(st.text())
def test_folding_a_normalised_text_equals_normalising_it_folded(text):
    from archive_tool.safety.normalise import normalise

    folded, direct = normalise(text).folded(), normalise(text, fold=True)
    assert folded.text == direct.text
    for start in range(len(folded.text)):
        assert folded.span(start, start + 1) == direct.span(start, start + 1)


@pytest.mark.parametrize(
    "identifier",
    [
        "<urn:uuid:e1511234-8639-4a2b-9c3d-1234567890ab>",  # 1511234-8639 reads as 7-4
        "9f1511234863912345678abcdef01234567890abcdef0123456789abcdef0123",  # sha256 hex
    ],
)
def test_a_machine_identifier_is_not_a_personal_number(identifier):
    from archive_tool.safety.numbers import find_personal_numbers

    assert list(find_personal_numbers(f"WARC-Record-ID: {identifier}")) == []
    # The same digits written by a person are still found.
    assert [f.masked for f in find_personal_numbers("电话 1511234-8639")] == ["151****8639"]
