"""Pelican plugin: build every site of the 网站群 (content/<site-id>/) into output/<domain>/.

Pelican glue only. The group run (``pelican`` with pelicanconf.py) calls the core's whole
build (archive_tool.group.build.pipeline): every rule checked first, then each published site's
own Pelican run in a worker (sitejob.py), the group's files, the last gate and the swap of
output/. In each site's run, records.py writes the record pages and the signal handlers
below adjust the articles.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pelican import signals
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category
from pelican.utils import order_content

from archive_tool.errors import ToolkitError
from archive_tool.group.rules.articlerules import WITHHELD, link_interpretations
from archive_tool.group.build.pipeline import (
    Worker,
    build_day,
    build_whole_group,
    check_for_build,
    refuse_unpublishable,
    restore,
    stop_on_signals,
)
from archive_tool.report.annual import previous_year_page
from archive_tool.report.due import annual_report_due
from archive_tool.safety.html import sanitise

from . import pagereuse, speed
from .preview import answer_missing_pages
from .records import RecordPagesGenerator

PLUGIN_DIR = Path(__file__).resolve().parent


class SiteGroupGenerator:
    """Checks the whole group in generate_context and builds it in generate_output
    (group.build.pipeline); the 年度工作报表 (report, above group) is added here."""

    def __init__(self, context, settings, path, theme, output_path, **kwargs):
        self.settings = settings
        self.content_root = Path(path)
        self.theme = theme
        self.output_root = Path(output_path)
        self.report = None

    def generate_context(self):
        # From here to the end of generate_output, Ctrl-C and SIGTERM stop the build with
        # 128 + the signal (Pelican would exit 0 after a KeyboardInterrupt).
        self.signals = stop_on_signals()
        try:
            self.today = build_day(self.settings.get("BUILD_DATE"))
            # A clean build (INCREMENTAL_BUILD=false) checks every file again.
            cache = self.output_root if bool(self.settings.get("INCREMENTAL_BUILD", True)) else None
            self.report = check_for_build(self.content_root, self.theme, self.today, cache)
            # 第十条（五）: last year's 年度工作报表 is due by 31 January.
            self.report.violations += annual_report_due(self.report, self.today)
            refuse_unpublishable(self.report)
        except ToolkitError as error:
            fail(f"{error}\n{NOTHING_WRITTEN}")

    def generate_output(self, writer):
        annual = {
            site.id: previous_year_page(self.report, site, self.today)
            for site in self.report.group.published_sites()
        }
        try:
            build_whole_group(
                self.report,
                self.content_root,
                self.output_root,
                self.theme,
                self.settings,
                self.today,
                WORKER,
                annual,
            )
        except ToolkitError as error:
            fail(f"{error}\n{NOTHING_WRITTEN}")
        finally:
            restore(self.signals)


# Each site's own build, in a worker process: imported there by name (group.build.executor).
WORKER = Worker("sitegroup.sitejob:build_site", PLUGIN_DIR, DEFAULT_CONFIG)
NOTHING_WRITTEN = "构建失败：未写入任何文件，原有 output 目录保持不变。"


def fail(message: str):
    """Stop the build with a clean message: Pelican would print a traceback for an Exception."""
    print(message, file=sys.stderr)
    raise SystemExit(1)


def add_generator(pelican):
    # Each site's own run loads this plugin too; only the group run builds the group.
    if pelican.settings.get("GROUP_SITE"):
        return RecordPagesGenerator
    return SiteGroupGenerator


def withhold_articles(generator):
    """第十条（二）: an article marked 不予公开 is never published (no page, list, feed, index)."""
    if generator.settings.get("GROUP_SITE"):
        generator.articles = [
            a for a in generator.articles if getattr(a, "disclosure", "") != WITHHELD
        ]


def add_library_copies(generator):
    """第九条（三）: the site's copies of shared library items, read from content/_library/.
    A repost keeps the original's date, shows its 转载时间 and 来源, and names the original's
    URL (same ARTICLE_URL pattern on every site of the group) as its canonical link."""
    copies = generator.settings.get("LIBRARY_COPIES") or []
    for copy in copies:
        path = Path(copy["path"])
        article = generator.readers.read_file(
            base_path=str(path.parent),
            path=path.name,
            content_class=Article,
            context=generator.context,
        )
        article.category = Category(copy["column"], generator.settings)
        if copy["reposted"]:
            article.reposted = copy["reposted"]
            article.origin_name = copy["origin_name"]
            article.canonical_url = copy["origin_url"]
        generator.articles.append(article)
    if copies:
        generator.articles = order_content(
            generator.articles, generator.settings["ARTICLE_ORDER_BY"]
        )


def sanitise_content(instance):
    """第十条（二）: raw HTML in an editor's Markdown passes an allowlist before any page or
    feed is made from it: no script, event handler, javascript:/data: URL, iframe or form."""
    if not instance.settings.get("GROUP_SITE"):
        return
    if instance._content is not None:
        instance._content = sanitise(instance._content)
    if "summary" in instance.metadata:
        instance.metadata["summary"] = sanitise(instance.metadata["summary"])
        instance._summary = instance.metadata["summary"]


def refuse_skipped_articles(generator):
    """An article Pelican could not read or would not write fails the build, naming the file
    (Pelican only logs it and goes on); the group's rules should have caught it first."""
    if not generator.settings.get("GROUP_SITE"):
        return
    # Pelican 4.9 renamed the context's "filenames" to "generated_content".
    recorded = {
        **generator.context.get("filenames", {}),
        **generator.context.get("generated_content", {}),
    }
    failed = sorted(
        name
        for name, content in recorded.items()
        if content is None and name.endswith((".md", ".markdown"))
    )
    if failed:
        site = generator.settings["GROUP_SITE"]
        names = "、".join(f"content/{site}/{name}" for name in failed)
        raise ToolkitError(f"以下文章无法发布（Pelican 跳过了它们），请检查其元数据：{names}")


def link_policies(generator):
    """政策解读 links both ways, computed once per site rather than searched per page."""
    link_interpretations(generator.articles)


def register():
    answer_missing_pages()  # `pelican --listen` sends a 404 page, not an empty reply
    signals.get_generators.connect(add_generator)
    # Before categories, feeds and direct templates are made from the articles.
    signals.article_generator_pretaxonomy.connect(withhold_articles)
    signals.article_generator_pretaxonomy.connect(add_library_copies)
    signals.article_generator_finalized.connect(link_policies)
    signals.article_generator_finalized.connect(refuse_skipped_articles)
    # Every article and its summary, before any page, list or feed is written.
    signals.content_object_init.connect(sanitise_content)
    speed.register()  # less CPU per article in each site run (speed.py)
    pagereuse.register()  # unchanged pages linked from the published output (pagereuse.py)
