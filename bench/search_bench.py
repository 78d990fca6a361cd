"""Bench: one site's search index, whole (one pagefind run, as before the shards) or in
year shards (group.search.shards): index time and pagefind's peak RSS, cold and after one
edited page.

    python bench/search_bench.py --pages 5000 --years 10

The pages are the build bench's generated articles (bench/build_bench.article), written
as built pages of the theme's shape (``PubDate`` meta, ``data-pagefind-body``) and dated
over ``--years`` years up to 2026, as a site's articles are. Each measurement runs in a
child process of its own, so ``RUSAGE_CHILDREN``'s peak RSS is that of its pagefind runs
alone (the child's own Python is not counted).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from build_bench import article  # noqa: E402

from archive_tool.group.search.searchindex import pagefind_arguments, write_index_copy  # noqa: E402
from archive_tool.group.search.shards import index_site, run_pagefind  # noqa: E402

SITE_NAME, DOMAIN = "亳州市人民政府", "www.bozhou.gov.cn"
PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="PubDate" content="{date}"><title>{title}</title></head><body>
<nav>首页 政务公开 政务服务 互动交流</nav><main data-pagefind-body><h1>{title}</h1>{body}</main>
</body></html>"""


def generate(site: Path, pages: int, years: int) -> Path:
    """Write the site; returns the page that "edited" changes (one in the newest year)."""
    rng = random.Random(pages)
    edited = None
    for number in range(pages):
        title, date, body = article(number, rng)
        year = 2026 - number % years
        date = f"{year}{date[4:]}"
        path = site / "zwdt" / f"{year}{date[5:7]}" / f"bench-{number:06d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
        path.write_text(PAGE.format(date=date, title=title, body=paragraphs), encoding="utf-8")
        if year == 2026:
            edited = path
    return edited


def page_dates(site: Path) -> dict[str, str]:
    """Each page's publish day, as the build hands it over (searchindex.page_dates): the
    bench's pages carry it in their PubDate."""
    found = {}
    for page in site.rglob("*.html"):
        match = re.search(r'name="PubDate" content="(\d{4}-\d{2}-\d{2})', page.read_text("utf-8"))
        if match:
            found[page.relative_to(site).as_posix()] = match.group(1)
    return found


def whole(site: Path, dates: dict[str, str]) -> None:
    copy = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        write_index_copy(site, copy, SITE_NAME, DOMAIN, dates)
        run_pagefind(*pagefind_arguments(copy, site / "pagefind"))
    finally:
        shutil.rmtree(copy)


def child(mode: str, site: Path, previous: Path | None) -> None:
    """One measurement, printed as JSON: seconds and pagefind's peak RSS in MB."""
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    dates = page_dates(site)  # the build has them from the content model, outside the index
    start = time.perf_counter()
    if mode == "whole":
        whole(site, dates)
        indexed = "all"
    else:
        indexed = index_site(site, SITE_NAME, DOMAIN, dates, previous).indexed
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak), "indexed": indexed}))


def measure(mode: str, site: Path, previous: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--site", str(site)]
    if previous:
        command += ["--previous", str(previous)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--child")
    parser.add_argument("--site", type=Path)
    parser.add_argument("--previous", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.site, args.previous)
        return
    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        site, published = work / "site", work / "published"
        edited = generate(site, args.pages, args.years)
        rows = [("whole site, one pagefind run", "cold", measure("whole", site))]
        rows.append(("year shards", "cold", measure("shards", site)))
        shutil.copytree(site, published)
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("</main>", "<p>更正：联系电话</p></main>"), "utf-8")
        rows.append(("whole site, one pagefind run", "one page edited", measure("whole", site)))
        rows.append(("year shards", "one page edited", measure("shards", site, published)))
    finally:
        shutil.rmtree(work)
    print(f"{args.pages} pages over {args.years} years\n")
    print("| index | build | s | pagefind peak RSS MB | shards indexed |")
    print("|---|---|---|---|---|")
    for name, build, run in rows:
        indexed = run["indexed"] if run["indexed"] == "all" else len(run["indexed"])
        print(f"| {name} | {build} | {run['seconds']} | {run['peak_mb']} | {indexed} |")


if __name__ == "__main__":
    main()
