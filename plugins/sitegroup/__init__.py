"""Pelican plugin: build every site of the 网站群 (content/<site-id>/) into output/<domain>/.

Thin over ``archive_tool``: the group run checks every rule first (groupcheck), then gives
each published site its own Pelican run (sitesettings), all into a staging folder that
replaces output/ only when every site has been built (groupbuild).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pelican import Pelican, signals
from pelican.settings import DEFAULT_CONFIG, configure_settings

from archive_tool.compliance import format_report
from archive_tool.errors import ToolkitError
from archive_tool.groupbuild import build_group
from archive_tool.groupcheck import check_group
from archive_tool.redesign import capture_before_redesign, publish_archives
from archive_tool.registry import SITE_TYPES, STATUSES
from archive_tool.sitesettings import site_settings


class SiteGroupGenerator:
    """Checks the whole group in generate_context and builds it in generate_output."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings = settings
        self.content_root = Path(path)
        self.theme = theme
        self.output_root = Path(output_path)
        self.report = None

    def generate_context(self):
        self.today = build_date(self.settings)
        self.report = check_group(self.content_root, self.today)
        for warning in self.report.warnings:
            print(f"警告：{warning}", file=sys.stderr)
        if not self.report.ok:
            fail(format_report(self.report.violations) + "\n" + NOTHING_WRITTEN)

    def generate_output(self, writer):
        try:
            sites = build_group(self.report, self.output_root, self.build_site, self.write_index)
        except ToolkitError as error:
            fail(f"{error}\n{NOTHING_WRITTEN}")
        names = "、".join(site.name for site in sites)
        print(f"网站群构建完成：{len(sites)} 个站点（{names}）→ {self.output_root}")

    def build_site(self, site, output_path):
        # 第八条（四）: a redesigned site's published version is archived before it is replaced.
        _, note = capture_before_redesign(
            site, self.content_root, self.output_root / site.domain, self.today
        )
        if note:
            print(f"警告：{note}", file=sys.stderr)
        archives = publish_archives(site, self.content_root, output_path)
        overrides = self.settings.get("SITE_SETTINGS", {})
        settings = dict(DEFAULT_CONFIG)
        settings.update({key: self.settings[key] for key in INHERITED if key in self.settings})
        settings.update(
            site_settings(
                site,
                self.report.group,
                output_path,
                overrides,
                preview=bool(self.settings.get("GROUP_PREVIEW")),
                archives=archives,
                today=self.today,
            )
        )
        Pelican(configure_settings(settings)).run()

    def write_index(self, output_path):
        env = Environment(
            loader=FileSystemLoader(Path(self.theme) / "templates"), autoescape=select_autoescape()
        )
        sites = sorted(
            self.report.group.sites.values(), key=lambda s: (list(SITE_TYPES).index(s.type), s.id)
        )
        html = env.get_template("group_index.html").render(
            sites=sites, types=SITE_TYPES, statuses=STATUSES, SITENAME=self.settings["SITENAME"]
        )
        (output_path / "index.html").write_text(html, encoding="utf-8")


NOTHING_WRITTEN = "构建失败：未写入任何文件，原有 output 目录保持不变。"

# Group settings every site's own run inherits from pelicanconf.py.
INHERITED = (
    "THEME",
    "TIMEZONE",
    "DEFAULT_LANG",
    "LOCALE",
    "DEFAULT_PAGINATION",
    "MARKDOWN",
    "TYPOGRIFY",
    "LOG_FILTER",
)


def build_date(settings) -> date:
    """The day the build stands for: BUILD_DATE (YYYY-MM-DD) to preview a day, else today."""
    value = settings.get("BUILD_DATE")
    if isinstance(value, date):
        return value
    if value:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            fail(f"构建失败：BUILD_DATE 应为 YYYY-MM-DD，实为「{value}」")
    return date.today()


def fail(message: str):
    """Stop the build with a clean message: Pelican would print a traceback for an Exception."""
    print(message, file=sys.stderr)
    raise SystemExit(1)


def add_generator(pelican):
    # Each site's own run loads this plugin too; only the group run builds the group.
    if pelican.settings.get("GROUP_SITE"):
        return None
    return SiteGroupGenerator


def register():
    signals.get_generators.connect(add_generator)
