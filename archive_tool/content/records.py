"""Structured records editors write as YAML files: service items, letters, consultations.

Each kind lives in its own folder of a site (``content/<site-id>/<folder>/*.yaml``), one
record per file, keys in Chinese as the forms name them. Loading never raises for a
user's mistake: an unreadable file, a missing key or a wrong value becomes a Violation
naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..compliance import ERROR, Violation, shorten
from .registry import Site
from .values import parse_moment, unknown_key_message, unknown_keys
from .yamlfile import reading_problem

RECORD_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Record:
    """One YAML record of a site: its data and where it came from."""

    site: str
    file: str
    slug: str
    data: dict[str, Any]
    article: str  # the rule the record's form comes from, cited in its violations

    def text(self, key: str) -> str:
        """A key's value as stripped text ('' when missing); numbers are shown as written."""
        value = self.data.get(key)
        if value is None or isinstance(value, (dict, list)):
            return ""
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return str(value).strip()

    def moment(self, key: str) -> datetime | None:
        """A date or ``YYYY-MM-DD HH:MM`` value as a datetime, None when missing or not one."""
        return parse_moment(self.data.get(key))

    def violation(
        self, key: str, message: str, article: str | None = None, severity: str = ERROR
    ) -> Violation:
        return Violation(self.site, self.file, key, message, article or self.article, severity)

    def missing(self, keys: Iterable[str]) -> Iterator[Violation]:
        """A violation for each key with no value."""
        for key in keys:
            value = self.data.get(key)
            if value is None or value == "" or value == []:
                yield self.violation(key, f"缺少「{key}」")

    def check_choice(self, key: str, choices: Iterable[str]) -> Iterator[Violation]:
        choices = tuple(choices)
        value = self.text(key)
        if value and value not in choices:
            yield self.violation(key, f"应为 {' / '.join(choices)} 之一，实为「{self.brief(key)}」")

    def check_moment(self, key: str) -> Iterator[Violation]:
        if self.data.get(key) not in (None, "") and self.moment(key) is None:
            yield self.violation(
                key, f"应为有效的日期 YYYY-MM-DD 或 YYYY-MM-DD HH:MM，实为「{self.brief(key)}」"
            )

    def check_keys(self, known: Iterable[str]) -> Iterator[Violation]:
        """A violation for each key the record's form does not have, with the likely one."""
        for key, guess in unknown_keys(self.data, known):
            yield self.violation(key, unknown_key_message(key, guess))

    def brief(self, key: str, limit: int = 40) -> str:
        """A key's value for a message, shortened: never echo a whole hostile value."""
        return shorten(self.text(key) or self.data.get(key), limit)


def records_in(site: Site, folder_name: str, article: str) -> tuple[list[Record], list[Violation]]:
    """The records of ``content/<site>/<folder_name>/*.yaml`` as loaded, sorted by file name,
    and a violation citing ``article`` for each file that is not a record."""
    records, problems = [], []
    for file in site.records.get(folder_name, []):

        def problem(key: str, message: str, shown: str = file.shown) -> Violation:
            return Violation(site.id, shown, key, message, article)

        if not RECORD_SLUG.match(file.slug):
            problems.append(problem("(文件名)", "文件名只能由小写字母、数字和连字符组成"))
            continue
        if file.error is not None:
            problems.append(problem("(YAML)", reading_problem(file.error)))
            continue
        if not isinstance(file.data, dict):
            problems.append(problem("(YAML)", "内容应是“字段: 值”的映射"))
            continue
        records.append(Record(site.id, file.shown, file.slug, file.data, article))
    return records, problems
