"""The site registry: every ``content/<site-id>/site.yaml`` of the group, typed.

Loading never raises for a user's mistake: unreadable or malformed files become
violations, so that one build reports every problem of every site at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compliance import Violation
from .articles import ArticleFile
# SITE_TYPES stays importable from here, with the other site.yaml vocabularies (the plugin).
from .sitetypes import SERVICE_COLUMN, SITE_TYPES, SiteType, site_type  # noqa: F401
from .yamlfile import YamlFile, reading_problem

SITE_FILE = "site.yaml"
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

# 栏目责任人 are people: their names (and phones, if written) appear on the 网站地图 only
# when the site says so in its site.yaml (show_column_owners: true).
OWNERS_SHOWN = "show_column_owners"

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
    opened: bool = False  # a pending site whose 开通 record has taken effect (group.rules.check)
    moved_to: str | None = None  # its new domain once a 域名变更 record took effect (same)
    # What the loader read from the site's folder (loader.py): every Markdown article, the
    # YAML records by folder (services, letters, …, notices), the 索引号 ledger and the
    # names of the attachments.
    articles: list[ArticleFile] = field(default_factory=list)
    records: dict[str, list[YamlFile]] = field(default_factory=dict)
    ledger: YamlFile | None = None
    attachments: frozenset[str] = frozenset()  # under files/ and images/: "files/a/b.pdf"
    reviews: dict[str, YamlFile] = field(default_factory=dict)  # attachment → its 保密审查
    # Every file below the site's folder but dot files, as parts ("zwdt", "a.md"), and
    # those the loader neither reads nor the build copies (siterules.only_known_files).
    files: tuple[tuple[str, ...], ...] = ()
    unread: tuple[tuple[str, ...], ...] = ()

    def raw(self, key: str) -> Any:
        """A field's value as written; ``a.b`` reads nested keys."""
        value: Any = self.data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def get(self, key: str) -> Any:
        """A field's value as text, stripped (a number as written); None when missing, blank,
        or a list or mapping (the registry rules report those)."""
        value = self.raw(key)
        if isinstance(value, (dict, list)):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
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
    def kind(self) -> SiteType:
        """What its type requires (sitetypes); UNKNOWN for a missing or unknown type."""
        return site_type(self.type)

    @property
    def required_columns(self) -> list[str]:
        """The column names 第七条 asks of this site (办事服务 too when it must serve)."""
        extra = [SERVICE_COLUMN] if self.serves_on_request else []
        return [*self.kind.columns, *extra]

    @property
    def must_serve(self) -> bool:
        """Whether it must offer 办事服务 (第七条（四）): by its kind or by its site.yaml."""
        return self.kind.services or self.serves_on_request

    @property
    def serves_on_request(self) -> bool:
        return self.kind.external_service and bool(self.get("external_service"))

    @property
    def domain(self) -> str | None:
        """The domain it answers on: site.yaml's, or the new one of a change in effect."""
        return self.moved_to or self.get("domain")

    @property
    def registered_domain(self) -> str | None:
        """site.yaml's domain: before a change of domain, and its former one after it."""
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
    def owners_shown(self) -> bool:
        """Whether the site shows its 栏目责任人 on its pages (``show_column_owners: true``)."""
        return self.raw(OWNERS_SHOWN) is True

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
    library: list[ArticleFile] = field(default_factory=list)  # content/_library/ (library.py)
    policy: dict[str, list[str]] = field(default_factory=dict)  # content/_policy/<name>.txt lines
    retired: set[str] = field(default_factory=set)  # retired or migrated as of the build date
    offline: set[str] = field(default_factory=set)  # temporarily offline on the build date

    @property
    def portal(self) -> Site | None:
        portals = [s for s in self.sites.values() if s.kind.main]
        return portals[0] if len(portals) == 1 else None

    def published_sites(self) -> list[Site]:
        return [s for s in self.sites.values() if s.published and s.id not in self.retired]


def display_path(path: Path, root: Path) -> str:
    """A path as the user knows it: relative to the folder above the content root."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_site(file: YamlFile) -> tuple[Site | None, list[Violation]]:
    """A site from its site.yaml as read, or say why it cannot be one."""
    site_id = file.site

    def problem(field_name: str, message: str) -> Violation:
        return Violation(site_id, file.shown, field_name, message, "site.yaml 格式")

    if file.error is not None:
        field_name = "(文件)" if isinstance(file.error, UnicodeDecodeError) else "(YAML)"
        return None, [problem(field_name, reading_problem(file.error))]
    if not isinstance(file.data, dict):
        return None, [problem("(文件)", "site.yaml 的内容应是“字段: 值”的映射")]

    site = Site(id=site_id, file=file.shown, data=file.data)
    columns, problems = _load_columns(file.data.get("columns"), problem)
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
