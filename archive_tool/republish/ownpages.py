"""The archive's own files beside the captured ones: 此页面未被归档 (``_not-archived.html``),
each archive's 归档目录 (``<id>/index.html``) and ``archive.json``, and the 网站归档 overview
of a folder of archives (``DIR/index.html``) — the pages from their templates
(``templating``), written as they go so an archive of any size takes little memory.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path
from json.encoder import encode_basestring as _string  # what dumps uses, ensure_ascii=False
from urllib.parse import urlsplit

from markupsafe import Markup

from ..regions import SHANGHAI
from .captureindex import CaptureIndex
from .paths import MANIFEST, NOT_ARCHIVED
from .rewrite import relative_href
from .templating import SHIPPED, Templates

__all__ = ["archive_time", "write_archive_index", "write_not_archived_page", "write_overview"]


def write_not_archived_page(root: Path, templates: Templates = SHIPPED) -> None:
    (root / NOT_ARCHIVED).write_text(templates.not_archived(), encoding="utf-8")


def write_archive_index(
    root: Path,
    archive_id: str,
    index: CaptureIndex,
    origins: list[str],
    templates: Templates = SHIPPED,
) -> None:
    """归档目录 (index.html) and archive.json, streamed from the index."""
    pages = (
        {
            "href": relative_href("index.html", page["path"]),
            "title": page["title"],
            "url": page["url"],
            "time": page["archived_at"][:16].replace("T", " "),
            "datetime": page["archived_at"],  # ISO 8601 with its +08:00, for <time>
        }
        for page in index.pages(listed=True)
    )
    hosts = "、".join(urlsplit(origin).netloc for origin in origins)
    # archive_time escapes an id that is not a time itself.
    when = Markup(archive_time(archive_id))
    with open(root / "index.html", "w", encoding="utf-8") as out:
        out.writelines(templates.archive_index(when, index.page_count(), pages, hosts))
    with open(root / MANIFEST, "w", encoding="utf-8") as out:
        out.write(
            f'{{"id": {json.dumps(archive_id)}, "origins": {json.dumps(origins)}, "pages": [\n'
        )
        for number, page in enumerate(index.pages()):
            out.write(("," if number else "") + _json_object(page) + "\n")
        # Every archived address, not only pages (feeds, sitemap, attachments): a retired
        # site's redirects send each of them to its copy (第八条（四）).
        out.write('], "files": [\n')
        number = 0
        for url in index.urls():
            path = index.path_of(url)
            if path and (root / path).is_file():
                entry = _json_object({"url": url, "path": path})
                out.write(("," if number else "") + entry + "\n")
                number += 1
        out.write("]}\n")


def _json_object(values: dict) -> str:
    """``json.dumps(values, ensure_ascii=False)`` of a dict of strings, without making an
    encoder for each of the archive's thousands of entries.

    >>> _json_object({"url": "https://a.gov.cn/\u201c\\n", "n": None})
    '{"url": "https://a.gov.cn/\u201c\\\\n", "n": null}'
    """
    if not all(type(value) is str for value in values.values()):
        return json.dumps(values, ensure_ascii=False)
    return "{" + ", ".join(f"{_string(key)}: {_string(value)}" for key, value in values.items()) + "}"


def archive_time(archive_id: str) -> str:
    """An archive's time as its pages show 归档时间: 北京时间, not the UTC of its id.

    >>> archive_time("20261125230000")
    '2026-11-26 07:00'
    """
    try:
        moment = datetime.strptime(archive_id[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return html.escape(archive_id)
    return moment.replace(tzinfo=timezone.utc).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def write_overview(out_dir: Path, templates: Templates = SHIPPED) -> None:
    """DIR/index.html: every archive in DIR, newest first."""
    archives = []
    for manifest in sorted(out_dir.glob(f"*/{MANIFEST}"), reverse=True):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        name = manifest.parent.name
        hosts = "、".join(urlsplit(origin).netloc for origin in data.get("origins", []))
        archives.append(
            {
                "href": f"{name}/index.html",
                "archived_at": Markup(archive_time(name)),  # escaped already
                "pages": len(data.get("pages", [])),
                "hosts": hosts,
            }
        )
    (out_dir / "index.html").write_text(templates.overview(archives), encoding="utf-8")
