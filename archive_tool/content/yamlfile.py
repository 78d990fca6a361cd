"""YAML files of the content folder (site.yaml, records, notices, ledgers), read once.

Reading never raises for a user's mistake: a file that is not UTF-8 or not YAML is kept
with its error, and the module that owns the file turns that into a violation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


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


def read_yaml_file(site: str, path: Path, shown: str) -> YamlFile:
    """Read and parse one YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        return YamlFile(site, path, shown, error=error)
    return YamlFile(site, path, shown, data)


def reading_problem(error: Exception) -> str:
    """Why a YAML file could not be read, in Chinese, with the line and column of a syntax
    error."""
    if isinstance(error, UnicodeDecodeError):
        return "文件不是 UTF-8 编码"
    mark = getattr(error, "problem_mark", None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
    return f"YAML 语法错误{where}：{getattr(error, 'problem', error)}"
