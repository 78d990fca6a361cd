"""Check a whole site group: load the registry, run every rule, collect every violation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import siterules  # noqa: F401  (registers the registry rules)
from .compliance import GROUP_RULES, SITE_RULES, Violation, errors, warnings
from .content import check_articles
from .notices import check_notices
from .registry import Group, load_group


@dataclass
class GroupReport:
    group: Group
    violations: list[Violation]

    @property
    def errors(self) -> list[Violation]:
        return errors(self.violations)

    @property
    def warnings(self) -> list[Violation]:
        return warnings(self.violations)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_group(content_root: Path, today: date | None = None) -> GroupReport:
    """Every violation of every site of the group under content_root, as of ``today``."""
    group = load_group(Path(content_root))
    violations = list(group.load_violations)
    for site in group.sites.values():
        for rule in SITE_RULES:
            violations += rule.check(site, group)
    for rule in GROUP_RULES:
        violations += rule.check(group)
    violations += check_articles(group)
    violations += check_notices(group, today or date.today())
    return GroupReport(group, violations)
