"""The intake's letters as the group's letter records (``content/<site>/letters/*.yaml``),
masked, so that the next build publishes them with their dates.

Only letters taken on (受理 or later) are written; each is one file named by its 受理编号,
rewritten on every export (a later 答复 updates it, nothing is duplicated). The record holds
no personal data: 留言人 is written as 「张某」, the contact fields not at all, and every
personal number in the text masked (``safety.citizens.public_letter``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..content.loader import LETTER_FOLDER
from ..content.registry import SITE_FILE
from ..content.yamlfile import write_record
from ..safety.citizens import AUTHOR_KEY, public_letter
from .errors import IntakeError
from .store import ANSWERED, Store

RECORD_TIME = "%Y-%m-%d %H:%M"


def letter_record(row: dict) -> dict[str, str]:
    """A stored letter as the letter record the group reads, personal data masked."""
    data = {
        "标题": row["title"],
        "类型": row["type"],
        "留言时间": _moment(row["received"]),
        "留言内容": row["body"],
        "受理日期": row["accepted"][:10],
    }
    if row["status"] == ANSWERED:
        data |= {
            "答复单位": row["reply_unit"],
            "答复时间": _moment(row["replied"]),
            "答复内容": row["reply_text"],
        }
    if row["name"]:
        data[AUTHOR_KEY] = row["name"]
    return public_letter(data)


def export_letters(store: Store, content_root: Path, site: str, when: datetime) -> list[Path]:
    """Write the site's letters into its letters folder; the files written."""
    if not (content_root / site / SITE_FILE).is_file():
        raise IntakeError(f"{content_root / site / SITE_FILE} 不存在：--site 应为网站群中站点的 ID")
    folder = content_root / site / LETTER_FOLDER
    rows = store.for_export(site)
    folder.mkdir(exist_ok=True)
    written = []
    for row in rows:
        target = folder / f"{row['number']}.yaml"
        write_record(target, letter_record(row))
        written.append(target)
    store.mark_exported([row["number"] for row in rows], when)
    return written


def _moment(stored: str) -> str:
    return datetime.strptime(stored, "%Y-%m-%d %H:%M:%S").strftime(RECORD_TIME)
