"""One site's build, in a worker process of its own (archive_tool.group.build.executor).

What a site needs arrives as plain data (archive_tool.group.build.staging.SiteJob): its settings
were computed by the group run, which checked every rule. Here: archive the published
version if the site is redesigned today, republish its archives, run Pelican, and index
the pages for search — all into the site's folder in the staging folder.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pelican import Pelican
from pelican.settings import configure_settings

from archive_tool.errors import ToolkitError
from archive_tool.group.build.staging import SiteJob, SiteOutcome, gate_site
from archive_tool.group.continuity.redesign import (
    ARCHIVE_FOLDER,
    capture_before_redesign,
    publish_archives,
    theme_templates,
)
from archive_tool.group.search.searchindex import pagefind_arguments, write_index_copy
from archive_tool.group.build.settings import with_template_functions
from archive_tool.warc.parallel import die_with_parent


def build_site(job: SiteJob) -> SiteOutcome:
    site, outcome = job.site, SiteOutcome(job.site.id)
    # 第八条（四）: a redesigned site's published version is archived before it is replaced.
    _, note = capture_before_redesign(site, job.content_root, job.published, job.today)
    if note:
        outcome.notes.append(note)
    settings = dict(job.settings)
    settings["OUTPUT_PATH"] = str(job.output)
    archives = job.output / ARCHIVE_FOLDER
    looks = theme_templates(settings.get("THEME"))  # the group's look for its archives
    settings["ARCHIVES"] = publish_archives(site, job.content_root, archives, templates=looks)
    Pelican(configure_settings(with_template_functions(settings))).run()
    index_site(job.output, site.name, str(site.domain))
    gate_site(job, outcome)
    return outcome


def index_site(site_dir: Path, site_name: str, domain: str) -> None:
    """Search (第七条): pagefind indexes a copy of the pages with Chinese in one-character
    tokens, the way search.js reads the query (group.search.searchindex)."""
    copy = Path(tempfile.mkdtemp(prefix="sitegroup-search-"))
    try:
        write_index_copy(site_dir, copy, site_name, domain)
        run_pagefind(*pagefind_arguments(copy, site_dir / "pagefind"))
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def run_pagefind(*arguments: str) -> None:
    """A static full-text index; its extended build reads Chinese."""
    process = subprocess.run(
        [sys.executable, "-m", "pagefind", *arguments, "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        # A killed worker (a stopped build) takes pagefind with it: nothing writes into the
        # staging folder after the build removed it.
        preexec_fn=functools.partial(die_with_parent, os.getpid()),
    )
    if process.returncode:
        raise ToolkitError(f"生成搜索索引失败（pagefind）：{process.stderr.strip()[-500:]}")
