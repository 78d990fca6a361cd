"""涉密 and internal-document markings (第十条（二）「严禁涉密、涉敏信息上网」, 第十条（三）).

A classified document carries its level with a star and the secrecy period
(GB/T 9704: 「秘密★1年」, 「机密★」, 「绝密★长期」); an internal one says so in words.
Either on a public page is a leak, whatever the rest of the text says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MARKING = "涉密标识"
INTERNAL = "内部资料标识"

_CLASSIFIED = re.compile(
    r"(?:绝密|机密|秘密)\s*[★☆]\s*(?:长期|[0-9一二三四五六七八九十]+\s*(?:年|个月))?"
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


@dataclass(frozen=True)
class MarkingFinding:
    category: str
    start: int
    end: int
    text: str  # the marking as written: safe to show


def find_markings(text: str) -> Iterator[MarkingFinding]:
    r"""Each 密级 marking and each internal-document phrase in ``text``.

    >>> [(f.category, f.text) for f in find_markings("秘密★1年\n通知（内部资料，注意保存）")]
    [('涉密标识', '秘密★1年'), ('内部资料标识', '内部资料')]
    >>> list(find_markings("商业秘密受法律保护，强化内部文件、各类处置方案预案的监测"))
    []
    >>> [f.text for f in find_markings("内部文件 不得外传\n正文")]
    ['内部文件']
    """
    found = [
        MarkingFinding(MARKING, m.start(), m.end(), m.group().strip())
        for m in _CLASSIFIED.finditer(text)
    ]
    found += [
        MarkingFinding(INTERNAL, m.start("phrase"), m.end("phrase"), m["phrase"])
        for m in _INTERNAL.finditer(text)
    ]
    yield from sorted(found, key=lambda f: f.start)
