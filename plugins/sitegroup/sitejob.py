"""One site's build, in a worker process of its own (archive_tool.group.build.executor).

What a site needs arrives as plain data (archive_tool.group.build.staging.SiteJob): its settings
were computed by the group run, which checked every rule. Here: archive the published
version if the site is redesigned today, republish its archives, run Pelican, and index
the pages for search — all into the site's folder in the staging folder.
"""

from __future__ import annotations

from pelican import Pelican
from pelican.settings import configure_settings

from archive_tool.group.build.staging import SiteJob, SiteOutcome, gate_site
from archive_tool.group.continuity.redesign import (
    ARCHIVE_FOLDER,
    capture_before_redesign,
    publish_archives,
    theme_templates,
)
from archive_tool.group.search.shards import index_site
from archive_tool.group.build.settings import with_template_functions


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
    # Search (第七条), shard by shard; a shard unchanged since the published build is linked.
    index_site(job.output, site.name, str(site.domain), settings["PAGE_DATES"], job.published)
    gate_site(job, outcome)
    return outcome
