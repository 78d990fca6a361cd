"""Every rule names its article, and docs/rules.md lists every rule."""

from __future__ import annotations

import re

from conftest import REPO

from archive_tool.compliance import iter_rules
from archive_tool.group import check  # noqa: F401  (registers every rule)


def test_every_rule_cites_an_article():
    rules = list(iter_rules())
    assert len(rules) >= 10
    for rule in rules:
        assert re.search(r"第[一二三四五六七八九十]+条", rule.article), rule.name


def test_docs_list_every_rule():
    docs = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in iter_rules():
        assert f"`{rule.name}`" in docs, f"docs/rules.md lacks {rule.name}"
        assert rule.article in docs
