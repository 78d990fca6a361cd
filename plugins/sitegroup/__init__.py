"""Pelican plugin: build every site of the 网站群 (content/<site-id>/) into output/<domain>/.

Thin over ``archive_tool``: the group run checks every rule first (group.check), then gives
each published site its own Pelican run (group.settings), all into a staging folder that
replaces output/ only when every site has been built (group.build).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category
from pelican.utils import order_content

import archive_tool
from archive_tool.compliance import format_build_report, format_report
from archive_tool.content.loader import LIBRARY_FOLDER, POLICY_FOLDER, walk_files
from archive_tool.content.registry import SITE_TYPES, STATUSES
from archive_tool.errors import ToolkitError
from archive_tool.group.aliases import write_alias_pages
from archive_tool.group.articlerules import RUMOUR, WITHHELD, link_interpretations
from archive_tool.group.build import SiteJob, build_group
from archive_tool.group.check import check_group
from archive_tool.group.continuity import (
    NOT_FOUND_PAGE,
    archived_addresses,
    hosts_of,
    write_continuity,
)
from archive_tool.group.executor import by_name, default_workers, site_executor
from archive_tool.group.manifest import link_tree, shared_stamp, site_fingerprint
from archive_tool.group.redesign import (
    ARCHIVE_FOLDER,
    capture_published,
    publish_archives,
    theme_templates,
)
from archive_tool.group.settings import content_settings, site_settings
from archive_tool.headers import style_source
from archive_tool.lifecycle.notices import notices_of
from archive_tool.lifecycle.placement import placement
from archive_tool.lifecycle.serving import (
    OFFLINE_MAPS,
    maintenance_snippet,
    offline_maps,
    offline_windows,
    redirect_snippets,
)
from archive_tool.report.annual import previous_year_page
from archive_tool.report.due import annual_report_due
from archive_tool.safety.html import sanitise

from . import speed
from .preview import answer_missing_pages

PLUGIN_DIR = Path(__file__).resolve().parent


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
        # 第十条（二）: the theme is published too; a link out of it would publish its target.
        _, escaping = walk_files(Path(self.theme), Path(self.theme))
        if escaping:
            names = "、".join(str(path) for path in escaping)
            fail(
                f"构建失败：主题中的符号链接指向主题目录之外，不能发布：{names}\n{NOTHING_WRITTEN}"
            )
        self.report = check_group(self.content_root, self.today)
        # 第十条（五）: last year's 年度工作报表 is due by 31 January.
        self.report.violations += annual_report_due(self.report, self.today)
        self.states = self.report.states
        self.notices = notices_of(self.report.group)[0]
        for warning in self.report.warnings:
            print(f"警告：{warning}", file=sys.stderr)
        if not self.report.ok:
            fail(format_report(self.report.violations) + "\n" + NOTHING_WRITTEN)

    def generate_output(self, writer):
        group = self.report.group
        jobs = [self.site_job(site) for site in group.published_sites()]
        shared = shared_stamp(
            [self.content_root / LIBRARY_FOLDER, self.content_root / POLICY_FOLDER]
            + [Path(self.theme), PLUGIN_DIR, Path(archive_tool.__file__).parent]
        )
        for job in jobs:
            job.fingerprint = site_fingerprint(
                self.content_root / job.site.id, shared, job.settings
            )
        scheduler = self.settings.get("BUILD_SCHEDULER")
        workers = int(self.settings.get("BUILD_WORKERS") or default_workers(len(jobs)))
        try:
            with site_executor(scheduler, workers) as executor:
                build = build_group(
                    self.report,
                    self.output_root,
                    jobs,
                    by_name("sitegroup.sitejob:build_site", [str(PLUGIN_DIR.parent)]),
                    self.write_index,
                    executor,
                    incremental=bool(self.settings.get("INCREMENTAL_BUILD", True)),
                )
        except ToolkitError as error:
            fail(f"{error}\n{NOTHING_WRITTEN}")
        for note in build.notes:
            print(f"警告：{note}", file=sys.stderr)
        numbered = 0
        for ledger in self.report.ledgers.values():
            try:
                ledger.save()  # only after the whole group is built: a failed build writes nothing
            except OSError as error:
                print(f"警告：无法写入索引号登记簿 {ledger.path}：{error}", file=sys.stderr)
            numbered += len(ledger.added)
        if numbered:
            print(f"已为 {numbered} 篇文章生成索引号，记录在各站点的 index-numbers.yaml 中")
        names = "、".join(site.name for site in build.sites)
        print(f"网站群构建完成：{len(build.sites)} 个站点（{names}）→ {self.output_root}")
        if build.built:
            rebuilt = "、".join(site.name for site in build.built)
            print(f"重新生成（页面与搜索索引）：{rebuilt}")
        if build.kept:
            kept = "、".join(site.name for site in build.kept)
            print(f"沿用上次构建（输入未变）：{kept}")
        if self.report.warnings:
            print(
                f"构建报告：{len(self.report.warnings)} 处需要关注的问题，"
                f"见 {self.output_root / BUILD_REPORT}"
            )

    def site_job(self, site) -> SiteJob:
        """Everything one site's build needs, as plain data for a worker process."""
        group = self.report.group
        online = [s for s in group.published_sites() if s.id not in group.offline]
        content = {
            **content_settings(site, self.report),
            "ANNUAL_REPORT": previous_year_page(self.report, site, self.today),
            # 第八条（二）: each temporary offline not yet over gets its maintenance page now,
            # and nginx opens and closes it on time (lifecycle.serving, write_index below).
            "MAINTENANCE_WINDOWS": [
                {"page": w.page, "placement": placement(w.notice, site)}
                for w in self.offline_windows(site)
            ],
            # The group's search on the portal: every online site's index, each merged in
            # the browser from the portal's own copy (GROUP_SEARCH_FOLDER/<domain>/).
            "GROUP_SEARCH_SITES": [s.domain for s in online if s.id != site.id]
            if site.type == "portal" and site.id not in group.offline
            else [],
        }
        settings = dict(DEFAULT_CONFIG)
        settings.update({key: self.settings[key] for key in INHERITED if key in self.settings})
        settings.update(
            site_settings(
                site,
                group,
                Path(),  # set by the build: the site's folder in the staging folder
                self.settings.get("SITE_SETTINGS", {}),
                preview=bool(self.settings.get("GROUP_PREVIEW")),
                today=self.today,
                content=content,
            )
        )
        # A worker process that did not start from this one loads the plugin itself.
        settings["PLUGIN_PATHS"] = [str(PLUGIN_DIR.parent)]
        settings["PLUGINS"] = ["sitegroup"]
        return SiteJob(
            # Its identity and site.yaml only: the worker reads its articles with Pelican.
            site=replace(site, articles=[], records={}, ledger=None, reviews={}),
            content_root=self.content_root,
            published=self.output_root / str(site.domain),
            output=Path(),
            today=self.today,
            settings=settings,
        )

    def offline_windows(self, site):
        return offline_windows([n for n in self.notices if n.site == site.id], self.today)

    def write_maintenance_snippets(self, staging, sites):
        """第八条（二）: nginx answers 503 with the maintenance page during each window."""
        for site in sites:
            windows = self.offline_windows(site)
            if not windows:
                continue
            snippets = staging / "nginx"
            snippets.mkdir(exist_ok=True)
            (snippets / f"{site.domain}.conf").write_text(
                maintenance_snippet(site.domain, windows), encoding="utf-8"
            )
            served = ["/theme/", "/favicon.ico"]  # what the maintenance page loads
            served += [
                f"/{path}" for path in (site.get("国徽"), site.get("党政机关网站标识图片")) if path
            ]
            with (snippets / OFFLINE_MAPS).open("a", encoding="utf-8") as maps:
                maps.write(offline_maps(site.domain, windows, served))

    def link_group_search(self, staging):
        """The group's search reads every online site's index from the portal itself."""
        group = self.report.group
        portal = group.portal
        if not portal or portal.id in group.retired or portal.id in group.offline:
            return
        folder = staging / portal.domain / GROUP_SEARCH_FOLDER
        shutil.rmtree(folder, ignore_errors=True)  # a kept portal: its links of the last build
        for site in group.published_sites():
            if site.id != portal.id and site.id not in group.offline:
                link_tree(staging / site.domain / "pagefind", folder / site.domain)

    def archive_retired_sites(self, staging) -> list[tuple[str, list[str]]]:
        """第八条（一）（四）: a retired site's pages under the portal's /archive/<site-id>/, and
        nginx snippets sending every old URL there (or to its new place) with 301."""
        group = self.report.group
        portal = group.portal
        maps = []
        for site_id in sorted(group.retired):
            site, notice = group.sites[site_id], self.states[site_id][1]
            effective = notice.day("effective") or notice.day("approved")
            _, note = capture_published(
                site, self.content_root, self.output_root / site.domain, effective, "下线"
            )
            if note:
                print(f"警告：{note}", file=sys.stderr)
            archive_dir = staging / portal.domain / ARCHIVE_FOLDER / site_id
            target = notice.get("migrate_to")
            publish_archives(
                site,
                self.content_root,
                archive_dir,
                live_url=target or f"https://{portal.domain}/",
                templates=theme_templates(self.settings.get("THEME")),
            )
            base = f"https://{portal.domain}/{ARCHIVE_FOLDER}/{site_id}/"
            redirects, _ = archived_addresses(archive_dir, hosts_of(site), base)
            default = target or base + "index.html"
            map_conf, server_conf = redirect_snippets(site.domain, redirects, default)
            snippets = staging / "nginx"
            snippets.mkdir(exist_ok=True)
            maps.append((map_conf, list(redirects)))
            (snippets / f"{site.domain}.conf").write_text(server_conf, encoding="utf-8")
        return maps

    def write_index(self, output_path, build):
        retired = self.archive_retired_sites(output_path) if self.report.group.retired else []
        self.write_maintenance_snippets(output_path, build.sites)
        self.link_group_search(output_path)
        # 第八条（四）: every old address of every site still answers (group.continuity);
        # after the maintenance snippets, whose server lines come first.
        served = [s for s in build.sites if (output_path / str(s.domain)).is_dir()]
        continuity = write_continuity(output_path, self.output_root, served, retired)
        lost = sum(len(site.missing) for site in continuity)
        if lost:
            print(
                f"警告：{lost} 个旧网址在新版中将返回 404，见 {self.output_root / BUILD_REPORT}",
                file=sys.stderr,
            )
        env = Environment(
            loader=FileSystemLoader(Path(self.theme) / "templates"), autoescape=select_autoescape()
        )
        env.filters["style_source"] = style_source  # the page's CSP allows its style by hash
        sites = sorted(
            self.report.group.sites.values(), key=lambda s: (list(SITE_TYPES).index(s.type), s.id)
        )
        html = env.get_template("group_index.html").render(
            sites=sites, types=SITE_TYPES, statuses=STATUSES, SITENAME=self.settings["SITENAME"]
        )
        (output_path / "index.html").write_text(html, encoding="utf-8")
        report = format_build_report(
            self.report.violations,
            self.today.isoformat(),
            self.report.waivers,
            [(f"{c.site}（{c.domain}）", c.missing) for c in continuity],
        )
        (output_path / BUILD_REPORT).write_text(report, encoding="utf-8")


GROUP_SEARCH_FOLDER = "pagefind-group"  # on the portal: the index of the whole group
BUILD_REPORT = "build-report.txt"  # beside the sites' folders, not inside any of them
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


class RecordPagesGenerator(Generator):
    """In a site's own run: the pages of its structured records (办事指南, 互动交流) and of
    its 辟谣 articles. The records were loaded and checked by the group run (group.check)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        def write(name, template, relative_urls=None, **values):
            relative = self.settings["RELATIVE_URLS"] if relative_urls is None else relative_urls
            writer.write_file(
                name,
                self.get_template(template),
                self.context,
                relative_urls=relative,
                **values,
            )

        def write_pages(folder, template, items, **values):
            """A list of records in pages: <folder>/index.html, <folder>/index_2.html, …"""
            size = self.settings.get("RECORD_PAGINATION") or 10
            chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
            urls = [record_list_url(folder, number) for number in range(1, len(chunks) + 1)]
            for number, chunk in enumerate(chunks, 1):
                page = {"number": number, "count": len(chunks), "urls": urls}
                write(urls[number - 1], template, items=chunk, page=page, **values)

        services = self.settings.get("SERVICES") or []
        if services or self.settings.get("SERVICE_CATALOGUE"):
            write_pages("services", "services", services)
        for item in services:
            write(item.url, "service", item=item)
        interaction = self.settings.get("INTERACTION")
        if interaction:
            write_pages(
                "letters",
                "letters",
                interaction.published_letters,
                statistics=interaction.statistics(),
            )
            for letter in interaction.published_letters:
                write(letter.url, "letter", letter=letter)
            for folder, template, items in (
                ("consultations", "consultation", interaction.consultations),
                ("interviews", "interview", interaction.interviews),
            ):
                if items:
                    write_pages(folder, folder, items)
                for item in items:
                    write(item["url"], template, item=item)
        annual = self.settings.get("ANNUAL_REPORT")  # 第十条（五）: last year's 年度工作报表
        if annual:
            write(annual.path, "annual_report", annual=annual)
            for name, data in annual.downloads.items():
                (Path(self.output_path) / name).write_bytes(data)
        rumours = [a for a in self.context["articles"] if getattr(a, "type", "") == RUMOUR]
        if rumours:
            write_pages("piyao", "rumours", rumours)
        # 政府信息公开 (条例第十二条、第二十条): the statutory list and how to apply.
        disclosure = self.settings.get("DISCLOSURE_COLUMN")
        if disclosure:
            public = [
                a for a in self.context["articles"] if getattr(a, "disclosure", "") == "主动公开"
            ]
            write(f"{disclosure}/fdzdgknr.html", "disclosure_list", disclosed=public)
            write(f"{disclosure}/ysqgk.html", "disclosure_request")
        # 第八条（四）: the site's 归档目录 in its theme, over republish's plain overview.
        if self.settings.get("ARCHIVES"):
            write(f"{ARCHIVE_FOLDER}/index.html", "site_archives")
        # 第八条（二）: nginx serves these for every path, so their links start at the root.
        for window in self.settings.get("MAINTENANCE_WINDOWS") or []:
            write(window["page"], "maintenance", relative_urls=False, SITEURL="", **window)
        # 第八条（四）: nginx answers an address in neither the site nor its archives with
        # this page (group.continuity); an article's former addresses lead to it.
        write(NOT_FOUND_PAGE, "404", relative_urls=False, SITEURL="")
        articles = self.context["articles"] + self.context.get("hidden_articles", [])
        write_alias_pages(Path(self.output_path), articles, self.settings["SITEURL"])
        # Browsers ask every site for /favicon.ico: a 404 there is a console error on each page.
        favicon = Path(self.theme) / "static" / "img" / "favicon.ico"
        (Path(self.output_path) / "favicon.ico").write_bytes(favicon.read_bytes())


def record_list_url(folder: str, number: int) -> str:
    """Page ``number`` of a list of records, as categories are paginated.

    >>> record_list_url("letters", 1), record_list_url("letters", 2)
    ('letters/index.html', 'letters/index_2.html')
    """
    return f"{folder}/index.html" if number == 1 else f"{folder}/index_{number}.html"


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
            article.canonical_url = f"https://{copy['origin_domain']}/" + generator.settings[
                "ARTICLE_URL"
            ].format(category=copy["origin_column"], date=article.date, slug=article.slug)
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
    failed = sorted(
        name
        for name, content in generator.context.get("filenames", {}).items()
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
