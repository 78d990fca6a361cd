"""In a site's run: a page whose render key (archive_tool.group.build.renderkeys) equals
the published build's is linked from the published output instead of rendered.

Pelican 4.12 has no selective writing that knows what changed (WRITE_SELECTED names the
outputs by hand), so the site run's Writer decides page by page. Only a write of one
file (not a paginated list) is considered, and only while no plugin listens for
``content_written`` (a linked page is not written). Off unless the site's build keeps
its reader cache (an incremental build: sitejob.build_site sets ``RUN``).
"""

from __future__ import annotations

import os

from pelican import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from archive_tool.group.build.renderkeys import RenderKeys, Unkeyable, page_key

RUN: list[RenderKeys] = []  # this process's site run, if it reuses pages (one at a time)


class ReusingWriter(Writer):
    """Pelican's Writer; a one-file write whose key is unchanged links the published file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._linked: set[str] = set()

    def write_file(self, name, template, context, relative_urls=False, paginated=None, **kwargs):
        keys = RUN[0] if RUN else None
        if (
            keys is None
            or not name
            or paginated is not None
            or kwargs.get("override_output")
            or "articles" in kwargs
            or "dates" in kwargs
            or bool(signals.content_written.receivers)
        ):
            return super().write_file(name, template, context, relative_urls, paginated, **kwargs)
        # As Pelican's writer does before rendering: the content's relative links follow
        # the page, so the key sees the body as this page shows it.
        if relative_urls:
            context["localsiteurl"] = path_to_url(get_relative_path(name))
        target = sanitised_join(self.output_path, name)
        try:
            key = self._key(keys, name, template, context, kwargs)
        except Unkeyable:
            key = None
        if key is not None and target not in self._written_files and keys.reuse(name, key, target):
            self._written_files.add(target)
            self._linked.add(target)
            return None
        return super().write_file(name, template, context, relative_urls, paginated, **kwargs)

    @staticmethod
    def _key(keys, name, template, context, kwargs) -> str:
        page = {k: v for k, v in kwargs.items() if k not in ("override_output", "template_name")}
        functions = template.environment.globals
        article = kwargs.get("article")

        def article_call(function: str):
            if article is None:
                raise Unkeyable(function)
            return functions[function](article)

        names = keys.names.of(template)
        return page_key(
            keys.base,
            template.name,
            name,
            names,
            page,
            context,
            functions,
            article_call,
            keys.described,
        )

    def _open_w(self, filename, encoding, override=False):
        # A linked page shares the published file: never written in place.
        if filename in self._linked and filename not in self._overridden_files:
            self._linked.discard(filename)
            os.unlink(filename)
        return super()._open_w(filename, encoding, override)


def writer(pelican):
    """signals.get_writer: the site runs of an incremental build write with ReusingWriter."""
    if pelican.settings.get("GROUP_SITE") and RUN:
        return ReusingWriter
    return None


def register() -> None:
    signals.get_writer.connect(writer)
