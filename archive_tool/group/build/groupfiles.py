"""The group's own files, written into the staging folder once every site is built.

Beside and inside the sites' folders: the retired sites' pages under the portal's
/archive/<site-id>/ with nginx's 301 snippets (第八条（一）（四）), each temporary offline's
503 snippets (第八条（二）), a former domain's 301 to the new one (第六条（二）), the
portal's copies of the other sites' search indexes, what every old address answers
(group.continuity.addresses), the group's index page (the theme's ``group_index.html``)
and the build report.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ...compliance import format_build_report
from ...content.registry import SITE_TYPES, STATUSES, Site
from ...headers import style_source
from ...lifecycle.serving import (
    OFFLINE_MAPS,
    domain_redirect_snippet,
    maintenance_snippet,
    offline_maps,
    redirect_snippets,
)
from .staging import GroupBuild
from ..rules.check import GroupReport
from ..rules.deadlines import format_tally
from ..continuity.addresses import archived_addresses, hosts_of, write_continuity
from .manifest import link_tree
from ..continuity.redesign import ARCHIVE_FOLDER, capture_published, publish_archives, theme_templates

GROUP_SEARCH_FOLDER = "pagefind-group"  # on the portal: the index of the whole group
BUILD_REPORT = "build-report.txt"  # beside the sites' folders, not inside any of them


def write_group_files(
    staging: Path,
    build: GroupBuild,
    report: GroupReport,
    content_root: Path,
    output_root: Path,
    theme: str,
    group_name: str,
    today: date,
    windows: dict[str, list],
) -> None:
    """Everything of the group that is not one site's own build (see the module's
    docstring); ``windows``: each published site's offline windows not yet over."""
    group = report.group
    retired = archive_retired_sites(staging, build, report, content_root, output_root, theme)
    write_maintenance_snippets(staging, build.sites, windows)
    write_domain_redirects(staging, group.published_sites())
    link_group_search(staging, build, report)
    # 第八条（四）: every old address of every site still answers (group.continuity.addresses);
    # after the maintenance snippets, whose server lines come first.
    served = [s for s in build.sites if (staging / str(s.domain)).is_dir()]
    # A kept site's folder as published: what it answers was recorded then (manifest);
    # not the portal's when the retired sites' archives were just written into it.
    known = {d: s for d, s in build.reusable.items() if d not in build.touched}
    continuity, build.served = write_continuity(staging, output_root, served, retired, known)
    lost = sum(len(site.missing) for site in continuity)
    if lost:
        print(
            f"警告：{lost} 个旧网址在新版中将返回 404，见 {output_root / BUILD_REPORT}",
            file=sys.stderr,
        )
    env = Environment(
        loader=FileSystemLoader(Path(theme) / "templates"), autoescape=select_autoescape()
    )
    env.filters["style_source"] = style_source  # the page's CSP allows its style by hash
    sites = sorted(group.sites.values(), key=lambda s: (list(SITE_TYPES).index(s.type), s.id))
    html = env.get_template("group_index.html").render(
        sites=sites, types=SITE_TYPES, statuses=STATUSES, SITENAME=group_name
    )
    (staging / "index.html").write_text(html, encoding="utf-8")
    text = format_build_report(
        report.violations,
        today.isoformat(),
        report.waivers,
        [(f"{c.site}（{c.domain}）", c.missing) for c in continuity],
    )
    text += format_tally(
        [
            (site.id, *report.deadlines[site.id])
            for site in report.group.published_sites()
            if site.id in report.deadlines and report.deadlines[site.id][1]["留言"]
        ]
    )
    (staging / BUILD_REPORT).write_text(text, encoding="utf-8")


def write_maintenance_snippets(staging: Path, sites: list[Site], windows: dict[str, list]):
    """第八条（二）: nginx answers 503 with the maintenance page during each window."""
    for site in sites:
        if not windows.get(site.id):
            continue
        snippets = staging / "nginx"
        snippets.mkdir(exist_ok=True)
        (snippets / f"{site.domain}.conf").write_text(
            maintenance_snippet(site.domain, windows[site.id]), encoding="utf-8"
        )
        served = ["/theme/", "/favicon.ico"]  # what the maintenance page loads
        served += [
            f"/{path}" for path in (site.get("国徽"), site.get("党政机关网站标识图片")) if path
        ]
        with (snippets / OFFLINE_MAPS).open("a", encoding="utf-8") as maps:
            maps.write(offline_maps(site.domain, windows[site.id], served))


def write_domain_redirects(staging: Path, sites: list[Site]) -> None:
    """第六条（二）: a site built on its new domain; its former domain 301s to it."""
    for site in sites:
        old = site.registered_domain
        if site.moved_to and old and old != site.moved_to:
            snippets = staging / "nginx"
            snippets.mkdir(exist_ok=True)
            text = domain_redirect_snippet(old, site.moved_to)
            (snippets / f"{old}.conf").write_text(text, encoding="utf-8")


def link_group_search(staging: Path, build: GroupBuild, report: GroupReport) -> None:
    """The group's search reads every online site's index from the portal itself. The
    portal's folder is ``build.touched`` if a copy is written or removed."""
    group = report.group
    portal = group.portal
    if not portal or portal.id in group.retired or portal.id in group.offline:
        return
    folder = staging / portal.domain / GROUP_SEARCH_FOLDER
    domains = {
        str(site.domain)
        for site in group.published_sites()
        if site.id != portal.id and site.id not in group.offline
    }
    # A portal kept as published holds the copies of the last build: those of the sites
    # kept as published too are those sites' indexes now; the others are copied again.
    kept = domains & set(build.unchanged) if str(portal.domain) in build.unchanged else set()
    if folder.is_dir():
        for copy in folder.iterdir():
            if copy.name not in kept:
                _remove(copy)
                build.touched.add(str(portal.domain))
    for domain in sorted(domains - kept):
        link_tree(staging / domain / "pagefind", folder / domain)
        build.touched.add(str(portal.domain))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def archive_retired_sites(
    staging: Path,
    build: GroupBuild,
    report: GroupReport,
    content_root: Path,
    output_root: Path,
    theme: str,
) -> list[tuple[str, list[str]]]:
    """第八条（一）（四）: a retired site's pages under the portal's /archive/<site-id>/, and
    nginx snippets sending every old URL there (or to its new place) with 301. The portal's
    folder is then ``build.touched``: changed after it was built or kept."""
    group = report.group
    portal = group.portal
    maps = []
    for site_id in sorted(group.retired):
        site, notice = group.sites[site_id], report.states[site_id].notice
        effective = notice.day("effective") or notice.day("approved")
        _, note = capture_published(
            site, content_root, output_root / site.domain, effective, "下线"
        )
        if note:
            print(f"警告：{note}", file=sys.stderr)
        archive_dir = staging / portal.domain / ARCHIVE_FOLDER / site_id
        build.touched.add(str(portal.domain))
        target = notice.get("migrate_to")
        publish_archives(
            site,
            content_root,
            archive_dir,
            live_url=target or f"https://{portal.domain}/",
            templates=theme_templates(theme),
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
