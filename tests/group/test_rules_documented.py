"""Every rule names its article, and docs/rules.md lists every rule of every scope."""

from __future__ import annotations

import ast
import re

from conftest import REPO

from archive_tool.compliance import FORMAT_SOURCES, RULES, SCOPES, iter_rules
from archive_tool.group.rules import check  # noqa: F401  (registers every rule)

DOCS = REPO / "docs" / "rules.md"


def test_every_rule_cites_an_article():
    rules = list(iter_rules())
    assert len(rules) >= 10
    for rule in rules:
        # An article of the measures, a 文号, or a named standard (《…》) with its part.
        cited = re.search(r"第[一二三四五六七八九十]+条|〔\d{4}〕|^《[^》]+》（.+）$", rule.article)
        assert cited or rule.article in FORMAT_SOURCES, rule.name


def test_every_scope_has_rules():
    for scope in SCOPES:
        assert RULES[scope], f"no rule registered for scope {scope}"


def test_the_architecture_says_where_each_scope_lives():
    # "Adding a rule" in docs/architecture.md is where a newcomer looks for a scope's module.
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = doc.split("## Adding a rule", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    listed = {scope for row in rows for scope in re.findall(r"`(\w+)`", row.split("|")[1])}
    assert listed == set(SCOPES)


def test_docs_list_every_rule_with_its_title_and_article():
    """Each rule's row in docs/rules.md: | `name` | title … | article … |."""
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| `(\w+)` \|", line)
        if found:
            rows[found.group(1)] = line
    for rule in iter_rules():
        row = rows.get(rule.name)
        assert row, f"docs/rules.md lacks a row for {rule.name} ({rule.scope})"
        assert rule.article in row, f"docs/rules.md: {rule.name} does not cite {rule.article}"
        if rule.scope not in ("site", "group"):  # their rows say more than the title
            assert rule.title in row, f"docs/rules.md: {rule.name} lacks「{rule.title}」"


def _calls(path) -> set[str]:
    """The names of every function a module calls (``f(...)`` and ``x.f(...)``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return called


def _scopes_run(path) -> set[str]:
    """The scopes a module runs: the first argument of each rules_of / run_rules call."""
    scopes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("rules_of", "run_rules"):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant):
                scopes.add(first.value)
    return scopes


def test_the_group_check_runs_the_registry_and_calls_no_rule_itself():
    check_py = REPO / "archive_tool" / "group" / "rules" / "check.py"
    names = {rule.name for rule in iter_rules()}
    assert not _calls(check_py) & names, "group/rules/check.py calls a rule directly"
    assert {"rules_of", "run_rules"} & _calls(check_py)


def test_every_scope_is_run():
    """Each scope is run by group/rules/check.py or by the builder of what it checks."""
    run = set()
    for path in (REPO / "archive_tool").rglob("*.py"):
        run |= _scopes_run(path)
    assert run == set(SCOPES)
