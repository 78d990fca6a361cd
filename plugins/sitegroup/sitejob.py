"""One site's build, in a worker process of its own (archive_tool.group.build.executor).

What a site needs arrives as plain data (archive_tool.group.build.staging.SiteJob): its settings
were computed by the group run, which checked every rule. Here: archive the published
version if the site is redesigned today, republish its archives, run Pelican (reusing the
articles it parsed in earlier builds: group.build.contentcache), and index the pages for
search — all into the site's folder in the staging folder.
"""

from __future__ import annotations

import copyreg
import os
import pickle
from contextlib import nullcontext
from pathlib import Path

from pelican import Pelican
from pelican.settings import configure_settings
from pelican.urlwrappers import Author, Category, Tag, URLWrapper

from archive_tool.group.build.contentcache import reader_cache
from archive_tool.group.build.renderkeys import RenderKeys
from archive_tool.group.build.settings import with_template_functions
from archive_tool.group.build.staging import SiteJob, SiteOutcome, gate_site
from archive_tool.group.continuity.redesign import (
    ARCHIVE_FOLDER,
    capture_before_redesign,
    publish_archives,
    theme_templates,
)
from archive_tool.group.preview.quick import STATE_ENV
from archive_tool.group.search.shards import index_site

from . import pagereuse


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
    run = dict(settings)  # what the run is made from, before the cache's own settings
    with reader_cache(job.cache) if job.cache else nullcontext({}) as cache:
        settings.update(cache)
        configured = configure_settings(with_template_functions(settings))
        RUN_SETTINGS.clear()
        RUN_SETTINGS.update(configured)
        # Pages whose render key is unchanged are linked from the published output
        # (pagereuse.py); the keys are kept with the reader cache.
        pagereuse.RUN[:] = (
            [RenderKeys(cache["CACHE_PATH"], job.published, job.cache.name)] if job.cache else []
        )
        try:
            Pelican(configured).run()
            if pagereuse.RUN:
                pagereuse.RUN[0].save(job.output)
        finally:
            pagereuse.RUN.clear()
    keep_for_preview(job, run)
    # Search (第七条), shard by shard; a shard unchanged since the published build is linked.
    # The index copies are kept beside the reader cache, so an edit tokenizes its own pages.
    kept = job.cache.parent.with_name(job.cache.parent.name + ".search") if job.cache else None
    dates = settings["PAGE_DATES"]
    index_site(job.output, site.name, str(site.domain), dates, job.published, kept=kept)
    gate_site(job, outcome)
    return outcome


def keep_for_preview(job: SiteJob, settings: dict) -> None:
    """In a preview's build (archive-tool serve names a folder in ``STATE_ENV``): keep the
    site's job and run settings there, for the preview's warm site runs (warm.py)."""
    folder = os.environ.get(STATE_ENV)
    if not folder:
        return
    path = Path(folder) / f"{job.site.id}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    written = path.with_name(f"{path.name}.{os.getpid()}")
    with open(written, "wb") as stream:
        pickle.dump({"job": job, "settings": settings}, stream)
    os.replace(written, path)  # a reader never sees half a file


# The reader cache (group.build.contentcache) pickles what Pelican's reader gave for each
# article, tags and categories included. Each of those holds the whole settings of its run,
# theme functions too, which do not pickle; it is kept as its class and name and made again,
# with the settings of the run that loads it, when it is read back.
RUN_SETTINGS: dict = {}


def _wrapper(kind: type, name: str) -> URLWrapper:
    return kind(name, RUN_SETTINGS)


for _kind in (Author, Category, Tag):
    copyreg.pickle(_kind, lambda wrapper: (_wrapper, (type(wrapper), wrapper.name)))
