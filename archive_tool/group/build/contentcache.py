"""Each site's parsed articles kept between builds: Pelican's content cache, made safe.

A site's Pelican run (plugins/sitegroup/sitejob.py) reads every Markdown file of the site;
with ``CACHE_CONTENT``/``LOAD_CONTENT_CACHE`` at the reader layer Pelican keeps what its
reader gave for each file (the HTML body and the header's metadata) and reuses it while
the file's SHA-256 is the same. Here:

- where: ``.<output>.cache/<domain>/<key>/`` beside the output folder (never published,
  ignored by git), where ``key`` digests everything a reader's result depends on besides
  the file — the shared inputs (code, theme, tool versions: group.build.manifest) and the
  site's settings without the content data readers never see (``NOT_READ``) — so a
  changed reader setting starts from an empty cache instead of trusting an old one;
- how: the run reads and writes a private copy; only once it has finished is each file
  moved into place with a rename. Pelican writes its cache in place, so a build killed
  while writing it would otherwise leave a truncated file that the next run cannot read.

A clean build (``INCREMENTAL_BUILD=false``) does not use it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .manifest import value_bytes

# The settings that carry the site's content as data for its templates (group.build.settings,
# group.build.pipeline.site_content); Pelican's readers read none of them.
NOT_READ = (
    "OUTPUT_PATH",
    "BUILD_DAY",
    "HOME_NOTICES",
    "NOTICE_LIST",
    "RETIRED_SITES",
    "SUBSITES",
    "ARCHIVES",
    "SERVICES",
    "SERVICE_CATALOGUE",
    "INTERACTION",
    "INDEX_NUMBERS",
    "INDEX_NUMBERS_BY_FILE",
    "LIBRARY_COPIES",
    "ANNUAL_REPORT",
    "MAINTENANCE_WINDOWS",
    "GROUP_SEARCH_SITES",
)
PELICAN_SETTINGS = {
    "CACHE_CONTENT": True,
    "LOAD_CONTENT_CACHE": True,
    "CONTENT_CACHING_LAYER": "reader",
    "CHECK_MODIFIED_METHOD": "sha256",  # content, not mtime: two edits in one tick differ
    "GZIP_CACHE": False,
}


def cache_root(output_root: Path) -> Path:
    """The group's cache folder, a hidden sibling of the output folder."""
    output_root = Path(output_root)
    return output_root.parent / f".{output_root.name}.cache"


def cache_folder(output_root: Path, domain: str, shared: str, settings: dict[str, Any]) -> Path:
    """Where the site's run keeps its parsed articles (see the module's docstring)."""
    data = {key: value for key, value in settings.items() if key not in NOT_READ}
    digest = hashlib.blake2b(shared.encode(), digest_size=16)
    digest.update(value_bytes(data))
    return cache_root(output_root) / domain / digest.hexdigest()


@contextmanager
def reader_cache(folder: Path) -> Iterator[dict[str, Any]]:
    """Pelican's cache settings for one run, over a private copy of ``folder``; the copy's
    files replace the folder's when the run has finished without an error."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    for other in folder.parent.iterdir():  # caches of earlier settings, runs killed
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        if folder.is_dir():
            shutil.copytree(folder, work, dirs_exist_ok=True)
        yield {**PELICAN_SETTINGS, "CACHE_PATH": str(work)}
        folder.mkdir(exist_ok=True)
        for path in work.iterdir():
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
