"""YAML files of the content folder (site.yaml, records, notices, ledgers), read once,
and the records other tools write into it (``write_record``: the intake's export, the
platform import), whole or not at all.

Reading never raises for a user's mistake: a file that is not UTF-8 or not YAML is kept
with its error, and the module that owns the file turns that into a violation.

Parsing is bounded, because a content folder is hostile input: a file over
``MAX_YAML_BYTES`` is not parsed, aliases (``*name``, the "billion laughs" bomb) are
refused, a key written twice in one mapping is refused (PyYAML would keep the last one
without a word), and nesting deeper than Python's stack allows is an error. Dates stay text:
``values.parse_moment`` reads them, so an impossible date is a message, not a crash.
Where PyYAML has libyaml, its C parser reads the text (``FastLoader``: 3-5x faster on the
索引号 ledgers) and the checks above stay in Python.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..compliance import shorten
from . import filememo

MAX_YAML_BYTES = 1024 * 1024  # a record, a notice or a site.yaml
MAX_LEDGER_BYTES = 32 * 1024 * 1024  # a 索引号 ledger grows with the site


class ContentError(yaml.YAMLError):
    """A file that is read no further; str() is the Chinese reason."""


class _NoAliases:
    """Refuse an alias where the composer meets it (PyYAML's Composer, in Python)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise ContentError("不支持 YAML 别名（*名称）：请把内容直接写出")
        return super().compose_node(parent, index)


class _NoDuplicateKeys:
    """Refuse a key written twice in one mapping (PyYAML's SafeConstructor keeps the last)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: SafeConstructor names it
                    continue
                if first is not None:
                    where = f"第 {first} 行" if first == line else f"第 {first} 行与第 {line} 行"
                    raise ContentError(
                        f"字段「{shorten(str(key))}」重复（{where}）："
                        "同一字段只能写一次，请删去或合并多余的一项"
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


class BoundedLoader(_NoAliases, _NoDuplicateKeys, yaml.SafeLoader):
    """PyYAML's safe loader without aliases, duplicate keys and implicit timestamps."""


# The same resolvers without the timestamp: dates stay text (values.parse_moment).
BoundedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    FastLoader = BoundedLoader
else:

    class FastLoader(
        _NoAliases,
        _NoDuplicateKeys,
        yaml.composer.Composer,
        CParser,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """BoundedLoader with libyaml's C scanner and parser (most of the time of loading a
        large ledger), composing and constructing in Python as BoundedLoader does: aliases
        and duplicate keys are refused and deep nesting is a RecursionError, not a crash of C code
        (yaml.CSafeLoader composes in C, recursively and with aliases)."""

        yaml_implicit_resolvers = BoundedLoader.yaml_implicit_resolvers

        def __init__(self, stream):
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


@dataclass
class YamlFile:
    """One YAML file as read: its parsed data, or the error that stopped reading it."""

    site: str
    path: Path
    shown: str  # the path as the user knows it (registry.display_path)
    data: Any = None
    error: Exception | None = None  # UnicodeDecodeError or yaml.YAMLError

    @property
    def slug(self) -> str:
        return self.path.stem


def read_yaml_file(site: str, path: Path, shown: str, limit: int = MAX_YAML_BYTES) -> YamlFile:
    """Read and parse one YAML file, within ``limit`` bytes (or kept from the last check
    while the file is unchanged: filememo)."""
    return filememo.read(
        "yaml", path, (site, shown, limit), lambda: _read_yaml_file(site, path, shown, limit)
    )


def _read_yaml_file(site: str, path: Path, shown: str, limit: int) -> YamlFile:
    try:
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise ContentError(f"文件过大（超过 {limit // 1024} KB）")
        data = load_yaml(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        return YamlFile(site, path, shown, error=error)
    except OSError as error:
        return YamlFile(site, path, shown, error=ContentError(f"无法读取：{error.strerror}"))
    return YamlFile(site, path, shown, data)


def load_yaml(text: str):
    r"""Parse YAML text with the bounded loader.

    >>> load_yaml("date: 2026-02-30\nn: 1")
    {'date': '2026-02-30', 'n': 1}
    """
    try:
        return yaml.load(text, Loader=FastLoader)
    except RecursionError:
        raise ContentError(TOO_DEEP) from None
    except yaml.MarkedYAMLError as error:
        if error.problem == LIBYAML_TOO_DEEP:  # libyaml's own limit, on flow nesting
            raise ContentError(TOO_DEEP) from None
        raise


TOO_DEEP = "嵌套层次过深"
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def reading_problem(error: Exception) -> str:
    """Why a YAML file could not be read, in Chinese, with the line and column of a syntax
    error."""
    if isinstance(error, UnicodeDecodeError):
        return "文件不是 UTF-8 编码"
    if isinstance(error, ContentError):
        return str(error)
    mark = getattr(error, "problem_mark", None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
    return f"YAML 语法错误{where}：{getattr(error, 'problem', error)}"


class _RecordDumper(yaml.SafeDumper):
    """Text as written: Chinese unescaped, several lines as a block (``|``)."""


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RecordDumper.add_representer(str, _text)


def dump_record(data: dict[str, Any]) -> str:
    """A record as the YAML an editor would write, keys in their order."""
    return yaml.dump(data, Dumper=_RecordDumper, allow_unicode=True, sort_keys=False, width=10_000)


def write_record(target: Path, data: dict[str, Any]) -> None:
    """Write a record atomically (a reader sees the old file or the new one), readable by
    all as the content folder is."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(dump_record(data))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
