"""A site's search index in shards, one per year of publication, each its own pagefind bundle.

Why shards: pagefind holds the whole index of what it reads in memory (277–517 MB for one
site of 5,000 pages) and re-reads everything after any edit. Indexed per shard, its peak
memory is bounded by the largest shard, and an edit re-indexes only the shard its page is
in: a shard whose pages are byte for byte those of the published build (its fingerprint in
``shards.json``) is linked from there, not indexed again.

Why by year (the ``PubDate`` of the page), not by column: a year's output is bounded
whatever the site's age, where a column (通知公告, 政务动态) grows for as long as the site
lives; past years hardly change, so almost every shard is reused; and a year costs the
browser two small requests per shard, where columns range from a handful of pages to most
of the site. Pages without a date go to the shard ``undated``.

The layout, below the site: ``pagefind/shards.json`` lists the shards newest first, and
``pagefind/<shard>/`` is each bundle. ``themes/gov/static/js/search.js`` loads the first as
pagefind's primary index and merges the others (``mergeIndex``), as it merges the sites of
the group; which shard holds a page changes nothing of what a search finds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ...errors import ToolkitError
from ...urls import page_url
from ...warc.parallel import die_with_parent
from .searchindex import index_page, indexed_pages, pagefind_arguments

SHARDS_FILE = "shards.json"
UNDATED = "undated"
# pagefind's ready-made interfaces: search.js uses only pagefind.js, its worker and its
# WebAssembly, so these are not published once per shard.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)

Page = tuple[str, bytes]  # (path below the site, the built page)
Indexer = Callable[..., None]  # runs pagefind with the arguments it is given


@dataclass
class ShardReport:
    """Which shards a site's index build ran pagefind for and which it took as published."""

    indexed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


def shard_of(published: str) -> str:
    """The shard of a page published on ``published`` (YYYY-MM-DD, or "" for an undated
    page): the year it was published.

    >>> shard_of("2025-08-29"), shard_of("")
    ('2025', 'undated')
    """
    return published[:4] or UNDATED


def partition(site_dir: Path, dates: Mapping[str, str]) -> list[tuple[str, list[Page]]]:
    """The pages pagefind indexes, by shard: newest year first, ``undated`` last. ``dates``:
    each dated page's publish day, from the content model (searchindex.page_dates)."""
    shards: dict[str, list[Page]] = {}
    for relative, source in indexed_pages(site_dir):
        shards.setdefault(shard_of(dates.get(relative, "")), []).append((relative, source))
    years = sorted((name for name in shards if name != UNDATED), reverse=True)
    return [(name, shards[name]) for name in (*years, UNDATED) if name in shards]


def fingerprint(pages: list[Page], site_name: str, domain: str, dates: Mapping[str, str]) -> str:
    """What a shard's bundle is made of: its pages and their dates, the site's name and
    domain (they are in the index), the tokenizing code and pagefind's version."""
    digest = hashlib.sha256()
    code = Path(__file__).with_name("searchindex.py").read_bytes()
    for part in (code, metadata.version("pagefind").encode(), site_name.encode(), domain.encode()):
        digest.update(hashlib.sha256(part).digest())
    for relative, source in pages:
        digest.update(hashlib.sha256(relative.encode()).digest())
        digest.update(hashlib.sha256(source).digest())
        digest.update(hashlib.sha256(dates.get(relative, "").encode()).digest())
    return digest.hexdigest()


def published_fingerprints(previous: Path | None) -> dict[str, str]:
    """Each shard's fingerprint in the published build of the site (none if unreadable)."""
    try:
        listed = json.loads((previous / "pagefind" / SHARDS_FILE).read_text(encoding="utf-8"))
        return {shard["name"]: shard["fingerprint"] for shard in listed["shards"]}
    except (TypeError, OSError, ValueError, KeyError):
        return {}


def index_site(
    site_dir: Path,
    site_name: str,
    domain: str,
    dates: Mapping[str, str],
    previous: Path | None = None,
    run: Indexer | None = None,
    kept: Path | None = None,
) -> ShardReport:
    """Search (第七条): index the built site ``site_dir`` shard by shard into its
    ``pagefind/``, linking each shard unchanged since ``previous`` (the site's published
    folder) from there. ``dates``: each dated page's publish day (searchindex.page_dates).
    ``kept``: where the site's index copies are kept between builds (see ``update_copy``);
    without it each shard is copied afresh into a temporary folder."""
    run = run or run_pagefind
    bundle = site_dir / "pagefind"
    known = published_fingerprints(previous)
    report, listed = ShardReport(), []
    for name, pages in partition(site_dir, dates):
        stamp = fingerprint(pages, site_name, domain, dates)
        listed.append({"name": name, "fingerprint": stamp, "pages": len(pages)})
        published = previous / "pagefind" / name if previous is not None else None
        if published is not None and known.get(name) == stamp and published.is_dir():
            shutil.copytree(published, bundle / name, copy_function=os.link)
            report.reused.append(name)
            continue
        copy = kept / name if kept is not None else None
        index_shard(pages, bundle / name, site_name, domain, dates, run, copy)
        report.indexed.append(name)
    bundle.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"shards": listed}, ensure_ascii=False, indent=1) + "\n"
    (bundle / SHARDS_FILE).write_text(text, encoding="utf-8")
    return report


def index_shard(
    pages: list[Page],
    target: Path,
    site_name: str,
    domain: str,
    dates: Mapping[str, str],
    run: Indexer,
    kept: Path | None = None,
):
    """pagefind over the tokenized copy (group.search.searchindex) of one shard's pages:
    the copy ``kept`` from the last build, brought up to date, or a temporary one."""
    copy = kept if kept is not None else Path(tempfile.mkdtemp(prefix="sitegroup-search-"))
    try:
        update_copy(copy, pages, site_name, domain, dates)
        run(*pagefind_arguments(copy, target))
    finally:
        if kept is None:
            shutil.rmtree(copy, ignore_errors=True)
    for name in UNUSED:
        (target / name).unlink(missing_ok=True)


def update_copy(
    copy: Path, pages: list[Page], site_name: str, domain: str, dates: Mapping[str, str]
) -> int:
    """Bring the index copy in ``copy`` to ``pages``; returns how many were tokenized.

    Tokenizing is most of an edit's indexing (12 of 18 s for a shard of 5,000 pages), and a
    page's copy depends only on its bytes, its address, its day, the site's name and the
    tokenizing code: a page whose key (``copy_key``) is the one recorded beside the copy is
    left as it is. The record is removed before the copy is touched and written whole after,
    so a run stopped in between leaves no record, and the next one starts the copy afresh."""
    record = copy.with_name(copy.name + ".keys.json")
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
        if known.get("code") != _code_stamp():
            known = {}
    except (OSError, ValueError, AttributeError):
        known = {}
    record.unlink(missing_ok=True)
    before = known.get("pages") if isinstance(known.get("pages"), dict) else None
    if before is None:
        shutil.rmtree(copy, ignore_errors=True)
        before = {}
    keys, written = {}, 0
    for relative, source in pages:
        own, published = page_url(domain, relative), dates.get(relative, "")
        keys[relative] = key = copy_key(source, site_name, own, published)
        page = copy / relative
        if before.get(relative) == key and page.is_file():
            continue
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(index_page(source, site_name, own, published))
        written += 1
    for relative in before.keys() - keys.keys():
        (copy / relative).unlink(missing_ok=True)
    copy.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"code": _code_stamp(), "pages": keys}, ensure_ascii=False)
    partial = record.with_name(record.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, record)
    return written


def copy_key(source: bytes, site_name: str, own_url: str, published: str) -> str:
    """What one page's index copy is made of, besides the tokenizing code."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (source, site_name.encode(), own_url.encode(), published.encode()):
        digest.update(hashlib.blake2b(part, digest_size=16).digest())
    return digest.hexdigest()


@functools.cache
def _code_stamp() -> str:
    """The tokenizing code (searchindex, and the facets it shows) and lxml's version."""
    digest = hashlib.blake2b(digest_size=16)
    for name in ("searchindex.py", "facets.py"):
        digest.update(Path(__file__).with_name(name).read_bytes())
    digest.update(metadata.version("lxml").encode())
    return digest.hexdigest()


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
