"""The 已归档 banner and the archive's own pages (归档目录, 网站归档, 此页面未被归档) from
Jinja2 templates.

The templates ship in ``templates/`` beside this module; a group overrides any of them
with a file of the same name in its own folder (the site theme's ``templates/republish/``,
or ``archive-tool republish --templates DIR``), looked up first — as pywb's
``banner.html``. Rendering autoescapes; what a template may render (the banner visible and
on top, 「已归档」 and 归档时间 shown, nothing that runs) is checked on the rendered result
by ``check.template_problems`` before anything is written.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..headers import ARCHIVE_POLICY, policy_meta

__all__ = ["BANNER_PIN", "Banner", "Templates", "TEMPLATE_NAMES"]

PACKAGE_FOLDER = Path(__file__).with_name("templates")
TEMPLATE_NAMES = ("banner.html", "archive_index.html", "overview.html", "not_archived.html")
# Stacked after the banner's id in its selectors: an id and four :not(#…) outweigh any
# selector a captured page can have.
BANNER_PIN = ":not(#_)" * 4
ARCHIVE_META = policy_meta(ARCHIVE_POLICY)  # the archive's own pages run no script either


@dataclass
class Banner:
    nonce: str
    captured: datetime  # Asia/Shanghai
    original_url: str
    live_url: str | None


BANNER_VALUES = ("archived_at", "time", "original_url", "live_url")


def banner_values(banner: Banner) -> dict[str, str | None]:
    """What the banner template shows of one page, by name."""
    # Equal instants in two time zones are equal datetimes: the offset is part of the key.
    archived_at, time = _shown_times(banner.captured, banner.captured.utcoffset())
    return {
        "archived_at": archived_at,
        "time": time,
        "original_url": banner.original_url,
        "live_url": banner.live_url,
    }


@functools.lru_cache(maxsize=256)
def _shown_times(captured, offset) -> tuple[str, str]:
    """A capture time as the banner shows it (pages of a crawl share their minutes)."""
    return captured.isoformat(timespec="seconds"), captured.strftime("%Y-%m-%d %H:%M")


def one_line(text: str) -> str:
    """Each line without its indentation, the lines joined: a template is written readably
    and renders as the one line the archive has always had.

    >>> one_line("<p>\\n  <b>x</b>\\n</p>\\n")
    '<p><b>x</b></p>'
    """
    joined = "".join(line.strip() for line in text.splitlines())
    return Markup(joined) if isinstance(text, Markup) else joined


def _escaped(value):
    # Escape as html.escape does (&#x27; for '), so archives stay byte-identical to the
    # ones written before the templates; markupsafe would write &#39;.
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(html.escape(value))
    return value


class Templates:
    """The republish templates: a group's override folder first, then the shipped ones."""

    def __init__(self, override: Path | None = None):
        self.override = Path(override) if override is not None else None
        folders = [str(self.override)] if self.override is not None else []
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([*folders, str(PACKAGE_FOLDER)]),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_escaped,
            undefined=jinja2.StrictUndefined,
        )
        self.environment.filters["one_line"] = one_line

    def _get(self, name: str) -> jinja2.Template:
        return self.environment.get_template(name)

    def banner(self, banner: Banner) -> str:
        """The banner's <style> (its look, scoped to its id) and its element."""
        return self.render_banner(banner.nonce, **banner_values(banner))

    def render_banner(self, nonce: str, **values: str | None) -> str:
        """The banner rendered with these ``BANNER_VALUES`` (strings as they are shown)."""
        return self._get("banner.html").render(id=nonce, pin=BANNER_PIN, **values)

    def not_archived(self) -> str:
        return self._get("not_archived.html").render(csp_meta=Markup(ARCHIVE_META))

    def archive_index(
        self, archived_at: str, page_count: int, pages: Iterable[dict], hosts: str = ""
    ) -> Iterator[str]:
        """归档目录 in pieces: ``pages`` (title, url, href, time, datetime) is read once, as it
        goes; ``hosts``: the archived sites' host names."""
        return self._get("archive_index.html").generate(
            csp_meta=Markup(ARCHIVE_META),
            archived_at=archived_at,
            page_count=page_count,
            pages=pages,
            hosts=hosts,
        )

    def overview(self, archives: list[dict]) -> str:
        """网站归档: ``archives`` (href, archived_at, pages, hosts), newest first."""
        return self._get("overview.html").render(csp_meta=Markup(ARCHIVE_META), archives=archives)


SHIPPED = Templates()
