"""涉密 and internal-document markings (第十条（二）「严禁涉密、涉敏信息上网」, 第十条（三）).

A classified document carries its level with a star and the secrecy period
(GB/T 9704: 「秘密★1年」, 「机密★」, 「绝密★长期」); an internal one says so in words.
Either on a public page is a leak, whatever the rest of the text says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .normalise import Normalised, normalise

MARKING = "涉密标识"
INTERNAL = "内部资料标识"

# After normalise.py every look-alike star is ★. An ASCII asterisk counts only before a
# 保密期限: Markdown writes bold 「**国家秘密**」 with it.
_PERIOD = r"(?:长期|[0-9一二三四五六七八九十]+\s*(?:年|个月))"
_CLASSIFIED = re.compile(
    rf"(?:绝密|机密|秘密)[\s*_]*(?:★[\s*_]*{_PERIOD}?|\*(?!\*)\s*{_PERIOD})"
    r"|(?m:^[ \t　]*保密期限\s*[:：])"
)
# A phrase is a marking where it stands as a label: alone at the start of a line or in
# brackets, then the end of the line, a bracket or punctuation. "强化内部文件、…监测" in the
# 管理办法 itself is not one.
_INTERNAL = re.compile(
    r"(?m)(?:^|(?<=[（(【\[〔「]))[ \t　]*"
    r"(?P<phrase>内部资料|内部文件|内部使用|内部传阅|内部明电|注意保存|不得外传|严禁外传|请勿外传)"
    r"[ \t　]*(?=$|[）)】\]〕」，,。；;、：: \t　])"
)


# Every marking holds one of these words: a text without them needs no closer look.
_ANCHOR = re.compile("秘密|机密|绝密|保密期限|内部|注意保存|不得外传|严禁外传|请勿外传")


@dataclass(frozen=True)
class MarkingFinding:
    category: str
    start: int
    end: int
    text: str  # the marking as a reader sees it: safe to show


def find_markings(text: str | Normalised) -> Iterator[MarkingFinding]:
    r"""Each 密级 marking and each internal-document phrase in ``text``.

    >>> [(f.category, f.text) for f in find_markings("秘密★1年\n通知（内部资料，注意保存）")]
    [('涉密标识', '秘密★1年'), ('内部资料标识', '内部资料')]
    >>> list(find_markings("商业秘密受法律保护，强化内部文件、各类处置方案预案的监测"))
    []
    >>> [f.text for f in find_markings("内部文件 不得外传\n正文")]
    ['内部文件']
    >>> [f.text for f in find_markings("机\u200b密✭长期；绝密*10年；（内部&#36164;料）")]
    ['机密★长期', '绝密*10年', '内部资料']
    >>> list(find_markings("不得泄露**国家秘密**。"))
    []
    """
    seen = text if isinstance(text, Normalised) else normalise(text)
    if not _ANCHOR.search(seen.text):
        return
    found = [
        MarkingFinding(MARKING, *seen.span(*m.span()), _shown(m.group()))
        for m in _CLASSIFIED.finditer(seen.text)
    ]
    found += [
        MarkingFinding(INTERNAL, *seen.span(*m.span("phrase")), m["phrase"])
        for m in _INTERNAL.finditer(seen.text)
    ]
    yield from sorted(found, key=lambda f: f.start)


def _shown(marking: str) -> str:
    """A marking without the emphasis around its star: 「秘密★1年」."""
    return re.sub(r"[\s_]|\*(?=[\s*_]*★)|(?<=★)[\s*_]*", "", marking)
