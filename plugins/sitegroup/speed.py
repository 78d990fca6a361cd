"""Less CPU per article in each site's own Pelican run; the pages come out byte for byte
the same.

Three things Pelican recomputes for every article, measured at 5,000 articles:

- a new ``Markdown()`` for every file (loading its extensions each time): the site's
  reader keeps one instance and resets it between files (``ReusedMarkdownReader``);
- an article's ``url`` and ``save_as``, formatted from its settings and metadata on every
  access (about eight times per article, by the lists, the sitemap and the feeds): once
  the articles are final, each keeps what it computed (``freeze_urls``);
- ``SafeDatetime.strftime``, Pelican's pure-Python strftime, called about twenty times
  per article by the theme with the same two formats: each date keeps its outputs.

Installed only by the group's site runs (``GROUP_SITE``); plain Pelican is untouched.
"""

from __future__ import annotations

from datetime import datetime

from markdown import Markdown
from pelican import signals
from pelican.contents import Content
from pelican.readers import MarkdownReader
from pelican.utils import SafeDatetime, pelican_open

URL_CACHE = "_sitegroup_urls"  # on a frozen content object: its url settings by key
FORMATTED = "_sitegroup_formatted"  # on a SafeDatetime: strftime outputs by format


class ReusedMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader with one Markdown instance per run, reset between files.

    ``Markdown.reset()`` clears the document state and calls each extension's reset (meta,
    toc, footnotes, abbr, md_in_html). Two things reset does not undo are put back here:
    Pelican's reader deregisters the meta preprocessor after reading a file's metadata, and
    the footnotes extension counts its resets (its ids carry that count with UNIQUE_IDS).
    """

    def read(self, source_path):
        # Pelican 4.12's MarkdownReader.read, with the instance reused.
        self._source_path = source_path
        self._md = self._markdown()
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        metadata = self._parse_metadata(self._md.Meta) if hasattr(self._md, "Meta") else {}
        return content, metadata

    def _markdown(self) -> Markdown:
        md = getattr(self, "_reused", None)
        if md is None:
            md = self._reused = Markdown(**self.settings["MARKDOWN"])
            self._meta = md.preprocessors["meta"]
            self._meta_priority = next(
                item.priority for item in md.preprocessors._priority if item.name == "meta"
            )
            self._prefixes = {
                id(extension): extension.unique_prefix
                for extension in md.registeredExtensions
                if hasattr(extension, "unique_prefix")
            }
            return md
        md.reset()
        if "meta" not in md.preprocessors:
            md.preprocessors.register(self._meta, "meta", self._meta_priority)
        for extension in md.registeredExtensions:
            if id(extension) in self._prefixes:
                extension.unique_prefix = self._prefixes[id(extension)]
        return md


def use_reused_markdown(readers) -> None:
    """signals.readers_init: the site run reads Markdown with ReusedMarkdownReader."""
    if not readers.settings.get("GROUP_SITE"):
        return
    for extension, reader in list(readers.reader_classes.items()):
        if reader is MarkdownReader:
            readers.reader_classes[extension] = ReusedMarkdownReader


def _cached_url_setting(self, key: str) -> str:
    cache = self.__dict__.get(URL_CACHE)
    if cache is None:  # not frozen: Pelican's own computation, every time
        return _pelican_url_setting(self, key)
    if key not in cache:
        cache[key] = _pelican_url_setting(self, key)
    return cache[key]


def _cached_strftime(self, fmt, safe=True):
    if not safe:  # as SafeDatetime does; pelican.utils.strftime calls this for each part
        return datetime.strftime(self, fmt)
    cache = self.__dict__.setdefault(FORMATTED, {})
    key = (fmt, safe)
    if key not in cache:
        cache[key] = _pelican_strftime(self, fmt, safe)
    return cache[key]


_pelican_url_setting = Content.get_url_setting
_pelican_strftime = SafeDatetime.strftime


def install(pelican) -> None:
    """signals.initialized: in a site run, cache urls of frozen content and formatted dates.

    The patched methods behave as Pelican's own: a content object computes its urls afresh
    until ``freeze_urls`` marks it final, and a datetime never changes (its formats depend
    on the locale, which is the same for the whole process: INHERITED LOCALE)."""
    if not pelican.settings.get("GROUP_SITE"):
        return
    Content.get_url_setting = _cached_url_setting
    SafeDatetime.strftime = _cached_strftime


def freeze_urls(generator) -> None:
    """signals.article_generator_finalized: every article is final (library copies have
    their column, translations are linked), so its url and save_as are computed once."""
    if not generator.settings.get("GROUP_SITE"):
        return
    for name in (
        "articles",
        "translations",
        "hidden_articles",
        "hidden_translations",
        "drafts",
        "drafts_translations",
    ):
        for content in getattr(generator, name, []):
            content.__dict__.setdefault(URL_CACHE, {})


def register() -> None:
    """Connect the caches to a site run (the sitegroup plugin's register() calls this)."""
    signals.initialized.connect(install)
    signals.readers_init.connect(use_reused_markdown)
    signals.article_generator_finalized.connect(freeze_urls)
