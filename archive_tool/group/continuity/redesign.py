"""Archive a site during the group build when it is redesigned (改版, 第八条（四）).

A site marks a redesign in its site.yaml::

    archive:
      redesign: 2026-11-25            # 改版日期
      source: https://old.example/    # optional: crawl this live site instead

The first build on or after that date, before the new version replaces the old, captures
the version currently published (the previous ``output/<domain>/``, or ``source`` over
HTTP) into ``content/<site-id>/archive/<date>-改版.warc.gz``. The WARCs in that folder are
the archive's source of truth: never removed, never captured twice. Every build
republishes them under the site's ``/archive/`` with the WARCs beside them.
"""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import date
from pathlib import Path

from ...content.loader import ARCHIVE_FOLDER
from ...content.registry import Site
from ...content.values import parse_day

# ARCHIVE_FOLDER: under content/<site-id>/ (WARCs) and output/<domain>/ (pages)


def warc_folder(content_root: Path, site: Site) -> Path:
    return Path(content_root) / site.id / ARCHIVE_FOLDER


def redesign_date(site: Site) -> date | None:
    return parse_day(site.raw("archive.redesign"))


def capture_before_redesign(
    site: Site, content_root: Path, previous_output: Path, today: date
) -> tuple[Path | None, str | None]:
    """Capture the published version once the redesign date is reached; else say why not."""
    when = redesign_date(site)
    if when is None or today < when:
        return None, None
    return capture_published(site, content_root, previous_output, when, "改版")


def capture_published(
    site: Site, content_root: Path, previous_output: Path, when: date, label: str
) -> tuple[Path | None, str | None]:
    """Capture the version of the site currently published, once per (date, label)."""
    target = warc_folder(content_root, site) / f"{when:%Y%m%d}-{label}.warc.gz"
    if target.exists():
        return None, None  # archived already
    # Here, not at the top: a build without a redesign or retirement does not load them.
    from ...warc.crawl import CrawlOptions
    from ...warc.httpfetch import Fetcher
    from ...warc.scope import Scope
    from ...warc.snapshot import snapshot

    info = {
        "description": f"{label}归档（{when:%Y-%m-%d}）",
        "operator": site.get("主办单位") or "",
        "isPartOf": site.name,
    }
    source = site.get("archive.source")
    if source:
        options = CrawlOptions(seeds=[source], scope=Scope([source], "host"))
        snapshot(target, info, options=options, fetcher=Fetcher())
        return target, None
    if not (previous_output / "index.html").exists():
        return None, (
            f"站点「{site.id}」{when:%Y-%m-%d} {label}，但没有上一版输出 {previous_output}，"
            "也没有配置 archive.source，本次未归档"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    snapshot(
        target,
        info,
        from_dir=previous_output,
        base_url=f"https://{site.domain}/",
        skip=(f"{ARCHIVE_FOLDER}/",),
    )
    return target, None


THEME_TEMPLATES = "templates/republish"  # in a theme: the group's look for its archives


def theme_templates(theme: str | Path | None) -> Path | None:
    """The theme's folder of archive templates (banner.html, …), if it has one."""
    folder = Path(theme) / THEME_TEMPLATES if theme else None
    return folder if folder is not None and folder.is_dir() else None


BANNER_KEY = ".banner-key"  # beside the WARCs; never published (Pelican ignores dot files)


def banner_key(folder: Path) -> bytes:
    """The site's secret for the archive banners' ids, made on first use: every build
    republishes the same archive with the same bytes, and no captured page can know it."""
    path = Path(folder) / BANNER_KEY
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another build
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    return key


def publish_archives(
    site: Site,
    content_root: Path,
    archive_dir: Path,
    live_url: str | None = None,
    templates: Path | None = None,
) -> list[dict]:
    """Republish every WARC of the site under archive_dir, each WARC kept beside its archive.

    One entry per archive, oldest first, for the site's 归档目录 page (the theme): its id
    (folder), pages, WARC path, label (the WARC's name), reason (改版, 下线) and 归档时间
    (北京时间, as the archived pages' banners show it). ``templates``: the group's own
    archive templates (theme_templates), over the shipped ones."""
    warcs = sorted(warc_folder(content_root, site).glob("*.warc.gz"))
    if not warcs:
        return []
    from ...republish.static import archive_time, republish  # here: see capture_published

    published = []
    key = banner_key(warc_folder(content_root, site))
    for warc in warcs:
        live = live_url or f"https://{site.domain}/"
        result = republish([warc], archive_dir, live_url=live, banner_key=key, templates=templates)
        kept = archive_dir / result.archive_dir.name / warc.name
        shutil.copyfile(warc, kept)
        published.append(
            {
                "id": result.archive_dir.name,
                "pages": result.pages,
                "warc": f"{ARCHIVE_FOLDER}/{result.archive_dir.name}/{warc.name}",
                "label": warc.name.removesuffix(".warc.gz"),
                "reason": warc.name.removesuffix(".warc.gz").partition("-")[2] or "归档",
                "archived_at": archive_time(result.archive_dir.name),
            }
        )
    return published
