"""The site registry: every ``content/<site-id>/site.yaml`` of the group, loaded and typed.

Loading never raises for a user's mistake: unreadable or malformed files become
violations, so that one build reports every problem of every site at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..compliance import Violation

SITE_FILE = "site.yaml"

SITE_TYPES = {
    "portal": "政府门户网站（主站）",
    "county": "县区政府门户网站",
    "department": "部门网站",
}
STATUSES = {"pending": "待上线", "online": "运行中"}

# Column kinds and how often a column of that kind must be updated, in days (None: static).
# 国办秘函〔2019〕19号: 动态要闻 2 weeks, 通知公告/政策文件 6 months; 人事/规划 1 year.
COLUMN_KINDS = {"动态": 14, "通知公告": 183, "政策文件": 183, "人事规划": 365, "静态": None}

# Filings a site must hold before it may go online (第五条（三）), by site.yaml key.
FILINGS = {
    "site_code": "网站标识码",
    "ICP备案号": "ICP备案号",
    "公安机关备案号": "公安机关备案号",
    "党政机关网站标识": "党政机关网站标识",
}

SITE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Column:
    """A 栏目: its id (folder name under the site), name, kind and 栏目责任人."""

    id: str
    name: str
    kind: str
    owner: str

    @property
    def update_days(self) -> int | None:
        return COLUMN_KINDS.get(self.kind)


@dataclass
class Site:
    """One site of the group as written in its site.yaml."""

    id: str
    file: str
    data: dict[str, Any]
    columns: list[Column] = field(default_factory=list)
    opened: bool = False  # a pending site whose 开通 record has taken effect (notices.py)

    def get(self, key: str) -> Any:
        """A field's value, stripped; None when missing or blank. ``a.b`` reads nested keys."""
        value: Any = self.data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            value = value.strip() or None
        return value

    @property
    def name(self) -> str:
        return self.get("name") or self.id

    @property
    def type(self) -> str | None:
        return self.get("type")

    @property
    def domain(self) -> str | None:
        return self.get("domain")

    @property
    def status(self) -> str | None:
        return self.get("status")

    @property
    def parent(self) -> str | None:
        return self.get("parent")

    @property
    def missing_filings(self) -> list[str]:
        return [key for key in FILINGS if not self.get(key)]

    @property
    def published(self) -> bool:
        return self.status == "online" or self.opened

    def violation(self, field_name: str, message: str, article: str, **kw) -> Violation:
        return Violation(self.id, self.file, field_name, message, article, **kw)


@dataclass
class Group:
    """The whole 网站群: its sites by id, and what went wrong while reading them."""

    root: Path
    sites: dict[str, Site] = field(default_factory=dict)
    load_violations: list[Violation] = field(default_factory=list)
    retired: set[str] = field(default_factory=set)  # retired or migrated as of the build date
    offline: set[str] = field(default_factory=set)  # temporarily offline on the build date

    @property
    def portal(self) -> Site | None:
        portals = [s for s in self.sites.values() if s.type == "portal"]
        return portals[0] if len(portals) == 1 else None

    def published_sites(self) -> list[Site]:
        return [s for s in self.sites.values() if s.published and s.id not in self.retired]


def display_path(path: Path, root: Path) -> str:
    """A path as the user knows it: relative to the folder above the content root."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_group(content_root: Path) -> Group:
    """Read every site folder under content_root (folders starting with _ or . are shared data)."""
    group = Group(root=content_root)
    if not content_root.is_dir():
        group.load_violations.append(
            Violation("-", str(content_root), "-", "内容目录不存在", "网站群目录结构")
        )
        return group
    for folder in sorted(p for p in content_root.iterdir() if p.is_dir()):
        if folder.name.startswith(("_", ".")):
            continue
        site, problems = load_site(folder, content_root)
        group.load_violations += problems
        if site is not None:
            group.sites[site.id] = site
    if not group.sites and not group.load_violations:
        group.load_violations.append(
            Violation(
                "-",
                display_path(content_root, content_root),
                "-",
                "未找到任何站点：每个站点应为 content/<站点ID>/site.yaml",
                "网站群目录结构",
            )
        )
    return group


def load_site(folder: Path, content_root: Path) -> tuple[Site | None, list[Violation]]:
    """Parse one site folder's site.yaml into a Site, or say why it cannot be read."""
    path = folder / SITE_FILE
    shown = display_path(path, content_root)
    site_id = folder.name

    def problem(field_name: str, message: str) -> Violation:
        return Violation(site_id, shown, field_name, message, "site.yaml 格式")

    if not SITE_ID.match(site_id):
        return None, [problem("(目录名)", "站点目录名只能由小写字母、数字和连字符组成")]
    if not path.is_file():
        return None, [problem("(文件)", "缺少 site.yaml：每个站点目录都要有站点登记信息")]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [problem("(文件)", "文件不是 UTF-8 编码")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        return None, [
            problem("(YAML)", f"YAML 语法错误{where}：{getattr(error, 'problem', error)}")
        ]
    if not isinstance(data, dict):
        return None, [problem("(文件)", "site.yaml 的内容应是“字段: 值”的映射")]

    site = Site(id=site_id, file=shown, data=data)
    columns, problems = _load_columns(data.get("columns"), problem)
    site.columns = columns
    return site, problems


def _load_columns(raw: Any, problem) -> tuple[list[Column], list[Violation]]:
    if raw is None:
        return [], []  # the required-columns rule reports what is missing
    if not isinstance(raw, list):
        return [], [problem("columns", "应为栏目列表，每项含 id、name、kind、owner")]
    columns, problems = [], []
    for number, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            problems.append(problem(f"columns[{number}]", "应为含 id、name、kind、owner 的映射"))
            continue
        values = {k: str(entry.get(k) or "").strip() for k in ("id", "name", "kind", "owner")}
        columns.append(Column(**values))
    return columns, problems
