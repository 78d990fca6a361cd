"""The live preview's warm site runs: a saved article's page rendered in well under a second.

``archive-tool serve`` (archive_tool.group.preview) runs the normal build with the environment
variable ``STATE_ENV`` (archive_tool.group.preview.quick) naming a folder; each site's build then keeps there what
its run was made from (``sitejob.keep_for_preview``: the job and its settings, plain data). This
module, run as ``python -m sitegroup.warm <state> <output> <pages>`` beside the preview,
loads each kept site's run once — Pelican with the site's settings, plugins and theme, every
article read (from the site's reader cache, which it never writes) — and answers, one JSON
line per request on stdin:

- ``{"load": true}``: (re)load every site whose kept run is the one the output folder was
  built from (its ``build-manifest.json`` fingerprint), i.e. after each full build;
- ``{"site": id, "files": [paths below the site's folder]}``: read each file again with the
  run's own readers (signals, sanitising, the reader cache's digest check), put it in place
  of the article it replaces and render only their pages with the run's own article loop
  and Writer (a write of any other name returns before its template is rendered: Pelican
  4.12 removed ``WRITE_SELECTED``, which did this). Answers ``{"pages": [...]}``, paths
  below ``<pages>/<n>/``, or ``{"skip": reason}`` when the edit changes more than the page
  shows (see ``SHOWN_ONLY``): then only the full build shows it.

The article is replaced in place (the same object, its new attributes), so every list,
column and link of the run that holds it sees the new version, as the full build would.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from functools import partial
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator
from pelican.settings import configure_settings
from pelican.writers import Writer

from archive_tool.group.build.contentcache import PELICAN_SETTINGS
from archive_tool.group.build.manifest import read_manifest
from archive_tool.group.build.settings import with_template_functions

from . import sitejob
from .speed import URL_CACHE

# Metadata whose change the quick page can show alone: it changes no list order, address,
# column, relation, 索引号 or withholding. Any other change waits for the full build.
SHOWN_ONLY = {"title", "summary"}
# What the run derived for the article from the others (or keeps for speed): kept as is.
KEPT = ("category", "tags", "author", "authors", "date", "interpretations", "policy")


class WarmSite:
    """One site's run up to its output: settings, plugins, theme, every article read."""

    def __init__(self, job, settings: dict[str, Any]):
        self.job, self.domain = job, str(job.site.domain)
        settings = dict(settings)
        if job.cache and Path(job.cache).is_dir():  # read the build's parsed articles, never write
            settings.update(PELICAN_SETTINGS, CACHE_PATH=str(job.cache), CACHE_CONTENT=False)
        configured = configure_settings(with_template_functions(settings))
        # The reader cache's tags and columns are made again with this run's settings.
        sitejob.RUN_SETTINGS = dict(configured)
        self.pelican = Pelican(configured)
        self.settings = configured
        # Pelican.run up to its writer: the generators' contexts, as the build makes them.
        context = configured.copy()
        context.update(generated_content={}, static_links=set(), static_content={})
        context["localsiteurl"] = configured["SITEURL"]
        self.generators = [
            cls(
                context=context,
                settings=configured,
                path=self.pelican.path,
                theme=self.pelican.theme,
                output_path=self.pelican.output_path,
            )
            for cls in self.pelican._get_generator_classes()
        ]
        for generator in self.generators:
            if hasattr(generator, "generate_context"):
                generator.generate_context()
        signals.all_generators_finalized.send(self.generators)
        for generator in self.generators:
            if hasattr(generator, "refresh_metadata_intersite_links"):
                generator.refresh_metadata_intersite_links()
        self.articles = next(g for g in self.generators if isinstance(g, ArticlesGenerator))

    def render(self, files: list[str], target: Path) -> dict[str, Any]:
        """The pages of ``files`` (paths below the site's folder), into ``target``."""
        generator, replaced = self.articles, []
        published = {id(article) for article in generator.articles}
        for name in files:
            old = generator.context["generated_content"].get(name)
            if old is None or id(old) not in published:
                return {"skip": f"{name} 不是本站已发布的文章"}
            new = generator.readers.read_file(
                base_path=generator.path,
                path=name,
                content_class=Article,
                context=generator.context,
                preread_signal=signals.article_generator_preread,
                preread_sender=generator,
                context_signal=signals.article_generator_context,
                context_sender=generator,
            )
            why = self.changes_more(old, new)
            if why:
                return {"skip": f"{name}：{why}"}
            replaced.append((old, new))
        for old, new in replaced:
            kept = {key: old.__dict__[key] for key in KEPT if key in old.__dict__}
            frozen = URL_CACHE in old.__dict__
            old.__dict__.clear()
            old.__dict__.update(new.__dict__, **kept)
            if frozen:
                old.__dict__[URL_CACHE] = {}
            forget_memoized(old)
            old.refresh_metadata_intersite_links()
        selected = {old.save_as for old, _ in replaced}
        writer = Writer(str(target / self.domain), settings=self.settings)

        def write(name, *args, **kwargs):
            if name in selected:  # any other page returns before its template is rendered
                writer.write_file(name, *args, **kwargs)

        generator.generate_articles(partial(write, relative_urls=self.settings["RELATIVE_URLS"]))
        return {"pages": sorted(f"{self.domain}/{name}" for name in selected)}

    @staticmethod
    def changes_more(old: Article, new: Article) -> str:
        """Why the page alone cannot show ``new`` in place of ``old`` ('' when it can)."""
        if not new.is_valid() or new.status != old.status or new.save_as != old.save_as:
            return "地址或状态有变化"
        before = {k: v for k, v in old.metadata.items() if k not in SHOWN_ONLY}
        after = {k: v for k, v in new.metadata.items() if k not in SHOWN_ONLY}
        if before.keys() != after.keys() or any(
            before[key] != after[key] or str(before[key]) != str(after[key]) for key in before
        ):
            return "元数据的变化不只在标题和摘要"
        return ""


def forget_memoized(content: Content) -> None:
    """Drop what Pelican memoized for ``content`` (its body and summary, per site URL: a
    ``pelican.utils.memoized`` keyed by the object): the replaced article renders anew."""
    for name in ("get_content", "get_summary"):
        memo = Content.__dict__[name].cache
        for key in [key for key in memo if key[0] is content]:
            del memo[key]


class WarmRuns:
    """Every kept site's run, loaded after each full build; pages rendered on request."""

    def __init__(self, state: Path, output: Path, pages: Path):
        self.state, self.output, self.pages = state, output, pages
        self.sites: dict[str, WarmSite] = {}
        self.count = 0

    def load(self) -> dict[str, Any]:
        built = read_manifest(self.output)
        loaded = []
        for path in sorted(self.state.glob("*.pickle")):
            with open(path, "rb") as stream:
                kept = pickle.load(stream)
            job, site = kept["job"], self.sites.get(kept["job"].site.id)
            if built.get(str(job.site.domain)) != job.fingerprint:
                self.sites.pop(job.site.id, None)  # not what the output shows
            elif site is None or site.job.fingerprint != job.fingerprint:
                self.sites[job.site.id] = WarmSite(job, kept["settings"])
                loaded.append(job.site.id)
        return {"loaded": loaded}

    def render(self, site_id: str, files: list[str]) -> dict[str, Any]:
        site = self.sites.get(site_id)
        if site is None:
            return {"skip": f"站点 {site_id} 的预览状态尚未载入"}
        self.count += 1
        target = self.pages / str(self.count)
        answer = site.render(files, target)
        if "pages" in answer:
            answer["folder"] = str(target)
        return answer


def main(argv: list[str]) -> None:
    state, output, pages = (Path(arg) for arg in argv)
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the run prints goes to stderr; stdout carries the answers
    runs = WarmRuns(state, output, pages)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request.get("load"):
                answer = runs.load()
            else:
                answer = runs.render(request["site"], request["files"])
        except Exception as error:  # noqa: BLE001 - the full build follows and reports it
            answer = {"skip": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
        answers.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
