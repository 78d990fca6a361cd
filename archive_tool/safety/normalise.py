"""Text as a reader sees it, for the detectors, with the way back to the text as written.

An editor, careless or not, can write a number or a word so that it looks the same on the
page and differs in the file: full-width or other-script digits, a zero-width or soft
character inside it, an HTML character reference (``&#49;``), an empty tag, a look-alike
star in 「秘密✭1年」, another letter case. ``normalise`` undoes all of that in one place:
character references decoded (``html.unescape`` semantics), tags removed, Unicode NFKC,
every decimal digit of any script to ASCII, format characters (category Cf) and variation
selectors removed, look-alike stars to ★, and (``fold=True``) case folded. Each character
of the result knows where it came from, so a finding names its place in the original text.

NFKC is applied character by character: what it composes across characters (a letter and
a combining accent) is not needed to match digits, Chinese words or stars.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

STAR = "★"
# Stars and star-like signs a 密级 marking may be written with. The ASCII asterisk is not
# here: Markdown uses it for emphasis (markings.py accepts it only before a 保密期限).
STARS = frozenset(
    "☆★✩✪✫✬✭✮✯✰⭐⋆✡✦✧✱✲✳✴✵✶✷✸✹✺✻✼✽❂❉❊❋⁎⁑∗⍟🌟🟉🟊🟋🟌🟍🟎🟏🟐🟑🟒🟓🟔🟕🟖🟗🟘"
)
# Tags after which a reader sees a new line; any other tag joins its neighbours.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr "
    "ul".split()
)
# What needs more than a copy: character references, tags and comments, and any character
# outside ASCII and the CJK ideographs (which NFKC, digits, Cf and stars leave alone).
_CHARREF = r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]{0,31};?)"
_TAG = r"<!--.*?-->|</?(?P<tag>[A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>"
_OTHER = r"[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff]"
_TAG_ONLY = re.compile(_TAG, re.DOTALL)
_SPECIAL = re.compile(f"{_CHARREF}|{_TAG}|{_OTHER}+", re.DOTALL)
_SPECIAL_FOLDED = re.compile(f"{_CHARREF}|{_TAG}|{_OTHER}+|[A-Z]+", re.DOTALL)


@dataclass(frozen=True)
class Normalised:
    """The normalised ``text`` of an ``original``, and the way back to its offsets."""

    original: str
    text: str
    _out: tuple[int, ...]  # where each piece starts in text
    _src: tuple[int, ...]  # where it starts in the original
    _src_end: tuple[int, ...]  # where it ends in the original
    _copied: tuple[bool, ...]  # one character for one (offsets map one to one)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's (start, end) of ``text[start:end]`` (``end > start``).

        >>> n = normalise("电话：１３８&#8203;1234")
        >>> n.text
        '电话:1381234'
        >>> n.original[slice(*n.span(3, 10))]
        '１３８&#8203;1234'
        """
        k = bisect.bisect_right(self._out, start) - 1
        first = self._src[k] + (start - self._out[k]) if self._copied[k] else self._src[k]
        k = bisect.bisect_right(self._out, end - 1) - 1
        last = self._src[k] + (end - self._out[k]) if self._copied[k] else self._src_end[k]
        return first, last

    def folded(self) -> Normalised:
        """The same text with letter case folded, as ``normalise(original, fold=True)``;
        without a second pass over the original when offsets map one to one."""
        if self._copied == (True,) and len(self.text) == len(self.original):
            text = self.text.casefold()
            if len(text) == len(self.text):
                return Normalised(self.original, text, (0,), (0,), (len(text),), (True,))
        return normalise(self.original, fold=True)


def normalise(text: str, fold: bool = False) -> Normalised:
    """``text`` as a reader sees it (see the module), with an offset map.

    >>> normalise("秘密✭1年，身份证&#x33;4１٦").text
    '秘密★1年,身份证3416'
    >>> normalise("Ａ\u00adB\u200bc", fold=True).text
    'abc'
    >>> normalise("秘<span></span>密<br>正文").text
    '秘密\\n正文'
    """
    no_tags = "<" not in text or not _TAG_ONLY.search(text)
    if no_tags and ("&" not in text or html.unescape(text) == text):
        # Most text: every character maps to one (str.translate, in C), offsets unchanged.
        mapped = text.translate(_TABLES[fold])
        if UNMAPPED not in mapped:
            return Normalised(text, mapped, (0,), (0,), (len(text),), (True,))
    return _normalise_by_pieces(text, fold)


def _normalise_by_pieces(text: str, fold: bool) -> Normalised:
    """The general case: references, tags, characters that vanish or expand."""
    out: list[str] = []
    pieces_out: list[int] = []
    pieces_src: list[int] = []
    pieces_end: list[int] = []
    copied: list[bool] = []
    length = 0

    def piece(source_start: int, source_end: int, value: str, same: bool) -> None:
        nonlocal length
        if value:
            out.append(value)
            pieces_out.append(length)
            pieces_src.append(source_start)
            pieces_end.append(source_end)
            copied.append(same)
            length += len(value)

    last = 0
    for match in (_SPECIAL_FOLDED if fold else _SPECIAL).finditer(text):
        start, end = match.span()
        piece(last, start, text[last:start], True)
        found = match.group()
        decoded = html.unescape(found) if found[0] == "&" else found
        if decoded != found:
            piece(start, end, "".join(_char(c, fold) for c in decoded), False)
        elif found[0] == "<":
            block = (match["tag"] or "").lower() in _BLOCK_TAGS
            piece(start, end, "\n" if block else "", False)
        else:
            values = [_char(char, fold) for char in found]
            if all(len(value) == 1 for value in values):  # offsets map one to one
                piece(start, end, "".join(values), True)
            else:
                for offset, value in enumerate(values, start):
                    piece(offset, offset + 1, value, len(value) == 1)
        last = end
    piece(last, len(text), text[last:], True)
    return Normalised(
        text,
        "".join(out),
        tuple(pieces_out) or (0,),
        tuple(pieces_src) or (0,),
        tuple(pieces_end) or (0,),
        tuple(copied) or (True,),
    )


def normalised(text: str, fold: bool = False) -> str:
    """Only the normalised text (for the terms of a lexicon)."""
    return normalise(text, fold).text


# Kept as written: NFKC would expand them, and they take part in no number, marking or term
# (「……」 closes a summary on nearly every Chinese list page).
KEPT = frozenset("\u2025\u2026")
UNMAPPED = "\uffff"  # a noncharacter: in a translation, "this one is not one for one"


class _Table(dict):
    """str.translate's table, filled as characters are first seen: each character to the
    one character a reader sees, or UNMAPPED when it vanishes or becomes several."""

    def __init__(self, fold: bool):
        super().__init__()
        self.fold = fold

    def __missing__(self, code: int) -> str:
        value = _char(chr(code), self.fold)
        self[code] = value = value if len(value) == 1 else UNMAPPED
        return value


_TABLES = {False: _Table(False), True: _Table(True)}


@lru_cache(maxsize=4096)
def _char(char: str, fold: bool) -> str:
    """One character as a reader sees it."""
    if char in STARS:
        return STAR
    if char in KEPT:
        return char
    result = []
    for c in unicodedata.normalize("NFKC", char):
        if c in STARS:
            result.append(STAR)
        elif unicodedata.category(c) == "Cf" or _is_selector(c):
            continue
        elif (digit := unicodedata.decimal(c, None)) is not None:
            result.append(str(digit))
        else:
            result.append(c.casefold() if fold else c)
    return "".join(result)


def _is_selector(char: str) -> bool:
    """Variation selectors and the combining grapheme joiner: invisible, like Cf."""
    point = ord(char)
    return 0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF or point == 0x034F
