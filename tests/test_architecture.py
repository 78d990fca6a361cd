"""Imports go one way: the packages of archive_tool/ form layers, read from the source with ast.

    cli, plugins/sitegroup        front ends: click commands, the Pelican plugin
    group                         the site-group build and its rules
    lifecycle   republish         notices and serving; static archives of WARCs
    content     warc              the content model; WARC capture (knows no site group)
    errors, compliance, urls, …   shared leaves

A package may import itself, the packages listed for it below, and the leaves. No core
package imports click, Pelican, the plugin or the CLI.
"""

from __future__ import annotations

import ast
import re

from conftest import REPO

PACKAGE = "archive_tool"
LEAVES = {"__init__", "errors", "compliance", "urls", "regions", "domains", "links", "headers"}
ALLOWED = {
    "content": set(),
    "warc": set(),
    "republish": {"warc"},
    "lifecycle": {"content"},
    "safety": {"content"},
    "group": {"content", "lifecycle", "safety", "warc", "republish"},
    # the national inspection indicators and 整改 (issue 14), the 年度工作报表 (issue 16)
    "monitor": {"content", "group", "lifecycle", "safety"},
    "report": {"content", "group", "lifecycle"},
    # the 互动交流 intake service for groups without a platform (issue 26)
    "intake": {"content", "safety"},
    # letter records imported from a platform's export (issue 26)
    "letters": {"content", "safety", "group"},
    # visit figures from the server's access logs (issue 26)
    "stats": {"content"},
    "cli": {
        "content", "group", "lifecycle", "safety", "warc", "republish", "monitor", "report", "intake",
        "letters", "stats",
    },
}
FRONT_END_ONLY = {"click", "pelican", "sitegroup"}  # third-party names only cli/plugins use
FRONT_ENDS = {"cli", "__main__"}


def imports_of(module: str, source: str) -> set[str]:
    """Every module named by an import statement anywhere in ``source`` (lazy ones too),
    with relative imports resolved against ``module`` (a dotted name)."""
    names = set()
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.add(target)
            # `from . import notice` imports a module too
            names |= {f"{target}.{alias.name}" for alias in node.names}
    return names


def forbidden_imports(module: str, source: str) -> list[str]:
    """The imports of ``module`` that cross a forbidden edge, as 'module -> import'."""
    parts = module.split(".")
    here = parts[1] if len(parts) > 1 else "__init__"
    allowed = set(ALLOWED) if here in FRONT_ENDS else ALLOWED.get(here, set())
    problems = []
    for name in sorted(imports_of(module, source)):
        top = name.split(".")[0]
        if top in FRONT_END_ONLY and here not in FRONT_ENDS:
            problems.append(f"{module} -> {name}")
        if top != PACKAGE or name == PACKAGE:
            continue
        target = name.split(".")[1]
        if target not in set(ALLOWED) | FRONT_ENDS:  # a leaf, or a name of archive_tool/__init__
            continue
        if target == here:
            continue
        if target not in allowed:
            problems.append(f"{module} -> {name}")
    return problems


def modules() -> dict[str, str]:
    """Every module of the package by dotted name (a package as ``<name>.__init__``), with
    its source."""
    return {
        ".".join(path.relative_to(REPO).with_suffix("").parts): path.read_text(encoding="utf-8")
        for path in sorted((REPO / PACKAGE).rglob("*.py"))
    }


def test_every_package_imports_only_downward():
    problems = [
        p for module, source in modules().items() for p in forbidden_imports(module, source)
    ]
    assert problems == []


def test_every_package_is_known_to_the_layers():
    assert packages() <= set(ALLOWED), "a new package must be placed in the layers"
    leaves = {p.stem for p in (REPO / PACKAGE).glob("*.py")} - {"__main__"}
    assert leaves <= LEAVES, f"a new shared leaf must be listed: {leaves - LEAVES}"


def packages() -> set[str]:
    return {p.name for p in (REPO / PACKAGE).iterdir() if (p / "__init__.py").is_file()}


def test_every_package_says_what_it_owns_and_may_import():
    for package in packages():
        doc = ast.get_docstring(ast.parse((REPO / PACKAGE / package / "__init__.py").read_text()))
        assert doc and len(doc) > 200, package
        assert "import" in doc, f"{package}/__init__.py should say what it may import"


def subpackages() -> set[str]:
    """Every package folder under archive_tool/, top-level or nested, as a relative path."""
    return {
        str(init.parent.relative_to(REPO / PACKAGE)) for init in (REPO / PACKAGE).rglob("__init__.py")
    } - {"."}


def test_every_package_docstring_names_its_modules():
    # A newcomer finds a module by reading its package's docstring first.
    for package in subpackages():
        folder = REPO / PACKAGE / package
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        parts = {p.stem for p in folder.glob("*.py")} | {
            p.parent.name for p in folder.glob("*/__init__.py")
        }
        named = {name for name in parts if re.search(rf"``{name}(``|\.)", doc)}
        missing = parts - named - {"__init__"}
        assert not missing, f"{package}/__init__.py should name {sorted(missing)}"


# Inside the group, each folder is one job; the build sits on top of the others and the
# rules at the bottom, so a rule never depends on how or where a page is built.
GROUP_ALLOWED = {
    "rules": set(),
    "search": {"rules"},
    "continuity": {"rules"},
    "build": {"rules", "search", "continuity"},
    # runs the build as the pelican command, imports none of it; its quick path runs the
    # rules that read one saved article
    "preview": {"rules"},
}


def forbidden_group_imports(module: str, source: str) -> list[str]:
    """The imports of a module of ``group`` that reach a job folder its own may not use."""
    parts = module.split(".")
    if parts[1] != "group" or len(parts) < 4:
        return []
    here = parts[2]
    problems = []
    for name in sorted(imports_of(module, source)):
        target = name.split(".")
        if target[:2] != [PACKAGE, "group"] or len(target) < 3 or target[2] == here:
            continue
        if target[2] not in GROUP_ALLOWED.get(here, set()):
            problems.append(f"{module} -> {name}")
    return problems


def test_the_group_folders_import_only_downward():
    assert set(GROUP_ALLOWED) == {
        p.parent.name for p in (REPO / PACKAGE / "group").glob("*/__init__.py")
    }, "a new folder of group must be placed in GROUP_ALLOWED"
    problems = [
        p for module, source in modules().items() for p in forbidden_group_imports(module, source)
    ]
    assert problems == []


def test_a_rule_importing_the_build_is_caught():
    source = "from ..build.settings import site_settings\n"
    assert (
        "archive_tool.group.rules.check -> archive_tool.group.build.settings"
        in forbidden_group_imports("archive_tool.group.rules.check", source)
    )
    assert forbidden_group_imports("archive_tool.group.build.staging", "from ..rules import check\n") == []


def test_the_layer_picture_shows_every_package():
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    picture = doc.split("```")[1]
    missing = {p for p in packages() if not re.search(rf"\b{p}\b", picture)}
    assert not missing, f"docs/architecture.md's picture should show {sorted(missing)}"


def test_the_plugin_uses_the_core_but_not_the_cli():
    source = (REPO / "plugins" / "sitegroup" / "__init__.py").read_text(encoding="utf-8")
    used = {
        name.split(".")[1]
        for name in imports_of("sitegroup", source)
        if name.startswith("archive_tool.")
    }
    assert used and "cli" not in used


def test_no_import_cycle_between_modules():
    sources = modules()

    def node(name: str) -> str | None:
        """The module an imported name lives in: itself, its package, or its parent."""
        for candidate in (name, name + ".__init__", name.rpartition(".")[0]):
            if candidate in sources:
                return candidate
        parent = name.rpartition(".")[0] + ".__init__"
        return parent if parent in sources else None

    graph = {
        module: {node(name) for name in imports_of(module, source)} - {None, module}
        for module, source in sources.items()
    }
    assert _cycles(graph) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle found by a depth-first search, as the list of its modules."""
    found, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


# The checks above must be able to fail: they do on the edges the layers forbid.


def test_a_warc_module_importing_the_group_is_caught():
    source = "from ..group.rules.check import check_group\n"
    found = forbidden_imports("archive_tool.warc.crawl", source)
    assert "archive_tool.warc.crawl -> archive_tool.group.rules.check" in found
    lazy = "def f():\n    from archive_tool.group.build import settings\n"
    assert forbidden_imports("archive_tool.warc.crawl", lazy)


def test_core_importing_the_cli_or_click_is_caught():
    assert forbidden_imports("archive_tool.group.rules.check", "from ...cli.base import cli\n")
    assert forbidden_imports("archive_tool.lifecycle.rules", "import click\n")
    assert forbidden_imports("archive_tool.content.loader", "from ..lifecycle import notices\n")
    assert forbidden_imports("archive_tool.errors", "from .group.rules.check import check_group\n")
    assert (
        forbidden_imports("archive_tool.cli.check", "from ..group.rules.check import check_group\n") == []
    )


def test_a_cycle_is_caught():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


# The plugin is Pelican glue over the core (group.build.pipeline): the group's work is not in it.
PLUGIN_MAX_LINES = 200
PLUGIN_MAX_CORE_MODULES = 6


def test_the_plugin_stays_glue():
    source = (REPO / "plugins" / "sitegroup" / "__init__.py").read_text(encoding="utf-8")
    assert len(source.splitlines()) <= PLUGIN_MAX_LINES
    core = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + ".")
    }
    assert len(core) <= PLUGIN_MAX_CORE_MODULES, sorted(core)


# Notice kinds live in one registry (lifecycle.kinds, issue 23): elsewhere a record's kind is
# looked up there, never compared with a literal such as "offline".
KINDS_MODULE = "archive_tool.lifecycle.kinds"


def kind_literal_comparisons(source: str, kind_ids: set[str]) -> list[int]:
    """Lines comparing a ``.kind`` (or a name ``kind``) with a notice kind's id as a literal,
    or passing one as a rule's ``applies_to``."""

    def literals(node) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return set().union(*(literals(item) for item in node.elts)) if node.elts else set()
        return set()

    def is_kind(node) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "kind") or (
            isinstance(node, ast.Name) and node.id == "kind"
        )

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(is_kind(o) for o in operands) and any(literals(o) & kind_ids for o in operands):
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg == "applies_to":
            if literals(node.value) & kind_ids:
                lines.append(node.value.lineno)
    return lines


def _sees_notices(module: str) -> bool:
    """A module of lifecycle/, of a package that may import it, or of a front end."""
    package = module.split(".")[1] if module.count(".") else ""
    allowed = ALLOWED.get(package, set())
    return package == "lifecycle" or "lifecycle" in allowed or package in FRONT_ENDS


def test_no_module_outside_the_registry_compares_a_notice_kind_with_a_literal():
    from archive_tool.lifecycle.kinds import NOTICE_KINDS

    kind_ids = set(NOTICE_KINDS)
    sources = {m: s for m, s in modules().items() if _sees_notices(m) and m != KINDS_MODULE}
    plugin = REPO / "plugins" / "sitegroup"
    sources |= {str(p): p.read_text(encoding="utf-8") for p in plugin.rglob("*.py")}
    found = {m: hits for m, s in sources.items() if (hits := kind_literal_comparisons(s, kind_ids))}
    assert found == {}, "compare with the registry (lifecycle.kinds.kind_of) instead"
    pattern = re.compile(r"kind\s*(?:==|!=|in)\s*[(\[]?\s*[\"'](%s)[\"']" % "|".join(kind_ids))
    templates = (REPO / "themes").rglob("*.html")
    assert [t.name for t in templates if pattern.search(t.read_text(encoding="utf-8"))] == []


def test_a_kind_compared_with_a_literal_is_caught():
    ids = {"offline", "resume"}
    assert kind_literal_comparisons('if notice.kind == "offline":\n    pass\n', ids) == [1]
    assert kind_literal_comparisons('x = other.kind in ("resume", "x")\n', ids) == [1]
    assert kind_literal_comparisons('rule("notice", "t", "a", applies_to="offline")\n', ids)
    assert kind_literal_comparisons("if kind_of(notice) is RESUME:\n    pass\n", ids) == []
    assert kind_literal_comparisons('if record.kind == "response":\n    pass\n', ids) == []
