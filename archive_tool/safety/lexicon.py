"""The group's lexicons: 敏感词 and 严重表述错误, kept by the 政务公开办 in ``content/_policy/``.

One entry a line; ``#`` starts a comment. In ``严重表述错误.txt`` an entry may name its
right form after ``=>`` (``台湾总统 => 台湾地区领导人``), which the message shows. Every
term is matched at once by an Aho–Corasick automaton (pyahocorasick), so a longer list
costs no more per page. Terms and text are compared as a reader sees them (normalise.py):
split by a zero-width character, written with character references, full-width or in
another letter case, a term is still found.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from .normalise import Normalised, normalise, normalised

SENSITIVE = "敏感词"
WRONG_EXPRESSION = "严重表述错误"
LEXICON_FILES = (SENSITIVE, WRONG_EXPRESSION)  # content/_policy/<name>.txt


@dataclass(frozen=True)
class LexiconFinding:
    category: str
    start: int
    end: int
    term: str
    right: str  # the right form of a 严重表述错误, '' when none is given

    @property
    def message(self) -> str:
        if self.right:
            return f"「{self.term}」应为「{self.right}」"
        return f"「{self.term}」"


class Lexicon:
    """Every term of the group's lexicons, matched in one pass over a text."""

    def __init__(self, lists: dict[str, Iterable[str]]):
        self._automaton = ahocorasick.Automaton()
        for category, lines in lists.items():
            for line in lines:
                entry = line.split("#", 1)[0].strip()
                term, _, right = (part.strip() for part in entry.partition("=>"))
                key = normalised(term, fold=True)
                if key:
                    self._automaton.add_word(key, (category, term, right, len(key)))
        self.size = len(self._automaton)
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str, seen: Normalised | None = None) -> Iterator[LexiconFinding]:
        """Each occurrence of a term in ``text``, the longest where terms overlap.

        >>> lexicon = Lexicon({WRONG_EXPRESSION: ["台湾总统 => 台湾地区领导人"], SENSITIVE: []})
        >>> [f.message for f in lexicon.find("所谓台湾总统")]
        ['「台湾总统」应为「台湾地区领导人」']
        >>> lexicon = Lexicon({SENSITIVE: ["Falun"]})
        >>> [(f.term, f.start, f.end) for f in lexicon.find("一个ＦＡ\u200bＬＵＮ")]
        [('Falun', 2, 8)]
        """
        if not self.size:
            return
        seen = seen or normalise(text, fold=True)  # ``seen``: the text folded (normalise.py)
        for end, (category, term, right, length) in self._automaton.iter_long(seen.text):
            start, stop = seen.span(end - length + 1, end + 1)
            yield LexiconFinding(category, start, stop, term, right)
