"""The whole group build, from the checked content to the swapped output folder.

What the ``pelican`` command runs (plugins/sitegroup), as plain Python: check the group
(``check_for_build``), then ``build_whole_group``: a job per published site
(``site_job``), run through an executor (group.build.executor) into a staging folder, the
group's own files (group.build.groupfiles), the last gate and the swap (group.build.staging), then the
index-number ledgers. A site's own build runs in a worker, named by the front end
(``Worker``) and imported there, so the core never imports Pelican or the plugin. The
front end also takes from here the day a build stands for (``build_day``) and the clean
stop on Ctrl-C or SIGTERM (``stop_on_signals``, ``restore``), so that this module is the
group run's one entry.

Its messages are the build's: warnings on stderr as they arise, the summary on stdout;
a build that cannot go on raises ToolkitError, and nothing has been written.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import archive_tool

from ...compliance import format_report
from ...content.loader import LIBRARY_FOLDER, POLICY_FOLDER, walk_files
from ...content.registry import Site
from ...errors import ToolkitError
from ...lifecycle.kinds import notices_of, placement
from ...lifecycle.serving import offline_windows
from .staging import GroupBuild, SiteJob, build_group
from ..rules.check import GroupReport, check_group, without_texts
from .executor import by_name, site_executor, worker_count
from .contentcache import cache_folder
from .checkcache import cached_check
from .buildday import build_day, day_outcomes, day_printed_elsewhere
from .stops import restore, stop_on_signals
from .groupfiles import BUILD_REPORT, write_group_files
from .manifest import shared_stamp, site_fingerprint
from .settings import content_settings, site_settings

__all__ = [
    "Worker",
    "build_day",
    "build_whole_group",
    "check_for_build",
    "refuse_unpublishable",
    "restore",
    "stop_on_signals",
]

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


@dataclass(frozen=True)
class Worker:
    """How a site's own build runs: ``entry`` (``module:function``, imported in the worker
    from the plugin's parent folder), the plugin's folder (its code is an input of every
    site) and the settings each site's run starts from (Pelican's defaults)."""

    entry: str
    plugin: Path
    defaults: dict[str, Any]


@dataclass(frozen=True)
class GroupRun:
    """What every site's job is made from: the checked group, its folders, the group
    run's settings (pelicanconf.py), the build day and the worker."""

    report: GroupReport
    content_root: Path
    output_root: Path
    settings: dict[str, Any]
    today: date
    worker: Worker


def check_for_build(
    content_root: Path, theme: str, today: date, output_root: Path | None = None
) -> GroupReport:
    """The whole group's check as the build needs it; ToolkitError if the theme would
    publish what is outside it. With ``output_root`` (an incremental build), the report
    kept from an earlier build while nothing it reads has changed (group.build.checkcache)."""
    # 第十条（二）: the theme is published too; a link out of it would publish its target.
    _, escaping, unreadable = walk_files(Path(theme), Path(theme))
    if unreadable:
        names = "、".join(f"{path}（{reason}）" for path, reason in unreadable)
        raise ToolkitError(f"构建失败：主题中的目录无法读取：{names}")
    if escaping:
        names = "、".join(str(path) for path in escaping)
        raise ToolkitError(f"构建失败：主题中的符号链接指向主题目录之外，不能发布：{names}")
    # The articles' texts are read by the rules only: the build does not keep them.
    check = lambda: without_texts(check_group(content_root, today))
    if output_root is None:
        return check()
    return cached_check(content_root, today, output_root, check)


def refuse_unpublishable(report: GroupReport) -> None:
    """Print the check's warnings; ToolkitError naming every problem if anything may not
    be published."""
    for warning in report.warnings:
        print(f"警告：{warning}", file=sys.stderr)
    if not report.ok:
        raise ToolkitError(format_report(report.violations))


def build_whole_group(
    report: GroupReport,
    content_root: Path,
    output_root: Path,
    theme: str,
    settings: dict[str, Any],
    today: date,
    worker: Worker,
    annual_reports: dict[str, Any],
) -> GroupBuild:
    """Build every published site and the group's files, gate them and replace
    ``output_root`` (group.build.staging). ``settings``: the group run's (pelicanconf.py);
    ``annual_reports``: each published site's 年度工作报表 page (report.annual), or None."""
    content_root, output_root = Path(content_root), Path(output_root)
    notices = notices_of(report.group)[0]
    published = report.group.published_sites()
    # 第八条（二）: each temporary offline not yet over, for its pages and nginx's snippets.
    windows = {
        site.id: offline_windows([n for n in notices if n.site == site.id], today)
        for site in published
    }
    run = GroupRun(report, content_root, output_root, settings, today, worker)
    jobs = [
        site_job(run, site, site_content(site, report, annual_reports[site.id], windows[site.id]))
        for site in published
    ]
    shared = shared_stamp(
        [content_root / LIBRARY_FOLDER, content_root / POLICY_FOLDER]
        + [Path(theme), worker.plugin, Path(archive_tool.__file__).parent]
    )
    everywhere = day_printed_elsewhere(Path(theme))
    incremental = bool(settings.get("INCREMENTAL_BUILD", True))
    for job in jobs:
        day = day_outcomes(job.site, job.settings, today, everywhere)
        job.fingerprint = site_fingerprint(content_root / job.site.id, shared, job.settings, day)
        if incremental:  # a clean build parses every article again
            job.cache = cache_folder(output_root, str(job.site.domain), shared, job.settings)
    scheduler = settings.get("BUILD_SCHEDULER")
    workers = worker_count(settings.get("BUILD_WORKERS"), len(jobs))

    def write_index(staging: Path, build: GroupBuild) -> None:
        """The group's own files, into the staging folder once every site is built."""
        group_files = (content_root, output_root, theme, settings["SITENAME"], today, windows)
        write_group_files(staging, build, report, *group_files)

    with site_executor(scheduler, workers) as executor:
        build = build_group(
            report,
            output_root,
            jobs,
            by_name(worker.entry, [str(worker.plugin.parent)]),
            write_index,
            executor,
            incremental=incremental,
            gate_inputs=shared,
        )
    for note in build.notes:
        print(f"警告：{note}", file=sys.stderr)
    print_summary(build, report, output_root, save_ledgers(report))
    return build


def site_content(site: Site, report: GroupReport, annual: Any, windows: list) -> dict[str, Any]:
    """What a site's run shows of the checked group (group.build.settings.content_settings),
    its 年度工作报表, its maintenance pages and the sites its search reads."""
    group = report.group
    online = [s for s in group.published_sites() if s.id not in group.offline]
    return {
        **content_settings(site, report),
        "ANNUAL_REPORT": annual,
        # 第八条（二）: each temporary offline not yet over gets its maintenance page now,
        # and nginx opens and closes it on time (lifecycle.serving, group.build.groupfiles).
        "MAINTENANCE_WINDOWS": [
            {"page": w.page, "placement": placement(w.notice, site, w.start.date())}
            for w in windows
        ],
        # The group's search on the portal: every online site's index, each merged in
        # the browser from the portal's own copy (groupfiles.GROUP_SEARCH_FOLDER/<domain>/).
        "GROUP_SEARCH_SITES": [s.domain for s in online if s.id != site.id]
        if site.kind.main and site.id not in group.offline
        else [],
    }


def site_job(run: GroupRun, site: Site, content: dict[str, Any]) -> SiteJob:
    """Everything one site's build needs, as plain data for a worker process."""
    group, group_settings, today, worker = run.report.group, run.settings, run.today, run.worker
    settings = dict(worker.defaults)
    settings.update({key: group_settings[key] for key in INHERITED if key in group_settings})
    settings.update(
        site_settings(
            site,
            group,
            Path(),  # set by the build: the site's folder in the staging folder
            group_settings.get("SITE_SETTINGS", {}),
            preview=bool(group_settings.get("GROUP_PREVIEW")),
            today=today,
            content=content,
        )
    )
    # A worker process that did not start from this one loads the plugin itself.
    settings["PLUGIN_PATHS"] = [str(worker.plugin.parent)]
    settings["PLUGINS"] = [worker.plugin.name]
    return SiteJob(
        # Its identity and site.yaml only: the worker reads its articles with Pelican.
        site=replace(site, articles=[], records={}, ledger=None, reviews={}),
        content_root=run.content_root,
        published=run.output_root / str(site.domain),
        output=Path(),
        today=today,
        settings=settings,
    )


def save_ledgers(report: GroupReport) -> int:
    """Write the 索引号 given in this build (only after the whole group is built: a failed
    build writes nothing); returns how many were given."""
    numbered = 0
    for ledger in report.ledgers.values():
        try:
            ledger.save()
        except OSError as error:
            print(f"警告：无法写入索引号登记簿 {ledger.path}：{error}", file=sys.stderr)
        numbered += len(ledger.added)
    return numbered


def print_summary(build: GroupBuild, report: GroupReport, output_root: Path, numbered: int):
    if numbered:
        print(f"已为 {numbered} 篇文章生成索引号，记录在各站点的 index-numbers.yaml 中")
    names = "、".join(site.name for site in build.sites)
    print(f"网站群构建完成：{len(build.sites)} 个站点（{names}）→ {output_root}")
    if build.built:
        print(f"重新生成（页面与搜索索引）：{'、'.join(site.name for site in build.built)}")
    if build.kept:
        print(f"沿用上次构建（输入未变）：{'、'.join(site.name for site in build.kept)}")
    if report.warnings:
        print(f"构建报告：{len(report.warnings)} 处需要关注的问题，见 {output_root / BUILD_REPORT}")
