"""Benchmark: the group build against plain Pelican and Hugo on the same Markdown.

Generates N articles spread over the demo group's four published sites (on top of the
demo content, records included), then times:

- ``pelican`` with this repository's settings: every rule, every site, the record pages,
  per-site and group search indexes (pagefind), the build report;
- plain Pelican (its default theme, no plugin) on the same N Markdown files as one site;
- Hugo (if installed) on the same files, with minimal single/list templates.

    python bench/build_bench.py --articles 2000 10000 --workdir /dev/shm
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITES = {"bozhou": "zwdt", "qcq": "zwdt", "fgw": "zwdt", "sjj": "zwdt"}
WORDS = "政务 公开 网站 服务 群众 企业 改革 数据 发展 安全 民生 政策 建设 工作 会议 部署".split()
HUGO_LAYOUTS = {
    "_default/single.html": "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>",
    "_default/list.html": (
        "<html><body><h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>'
    ),
}


def article(number: int, rng: random.Random) -> tuple[str, str, str]:
    """(title, date, body) of one generated article."""
    title = f"第{number}号政务动态：" + "".join(rng.choices(WORDS, k=4))
    date = f"2026-{1 + number % 11:02d}-{1 + number % 27:02d} {8 + number % 9:02d}:00"
    paragraphs = ["".join(rng.choices(WORDS, k=60)) + "。" for _ in range(4)]
    return title, date, "\n\n".join(paragraphs)


def generate(work: Path, count: int) -> tuple[Path, Path, Path]:
    rng = random.Random(count)
    group = work / "group"
    shutil.copytree(REPO / "content", group)
    plain = work / "plain"
    hugo = work / "hugo"
    (plain / "zwdt").mkdir(parents=True)
    (hugo / "content" / "zwdt").mkdir(parents=True)
    for path, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / path).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / path).write_text(text, encoding="utf-8")
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "bench"\nlanguageCode = "zh-cn"\n'
        "hasCJKLanguage = true\n[pagination]\npagerSize = 15\n",
        encoding="utf-8",
    )
    sites = list(SITES.items())
    for number in range(count):
        title, date, body = article(number, rng)
        site, column = sites[number % len(sites)]
        slug = f"bench-{number:06d}"
        markdown = f"Title: {title}\nDate: {date}\ndisclosure: 主动公开\n\n{body}\n"
        (group / site / column / f"{slug}.md").write_text(markdown, encoding="utf-8")
        (plain / "zwdt" / f"{slug}.md").write_text(markdown, encoding="utf-8")
        front = f'---\ntitle: "{title}"\ndate: {date.replace(" ", "T")}:00+08:00\n---\n\n'
        (hugo / "content" / "zwdt" / f"{slug}.md").write_text(front + body, encoding="utf-8")
    return group, plain, hugo


def timed(command: list[str], cwd: Path) -> float:
    started = time.monotonic()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    if completed.returncode:
        sys.exit(f"{command[:3]} failed:\n{completed.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, nargs="+", default=[2000])
    parser.add_argument("--workdir", default=None, help="where to generate and build")
    args = parser.parse_args()
    pelican = [sys.executable, "-m", "pelican"]
    hugo = shutil.which("hugo")
    print("articles  group build   plain Pelican   Hugo    group/plain  group/Hugo")
    for count in args.articles:
        work = Path(tempfile.mkdtemp(prefix="build-bench-", dir=args.workdir))
        try:
            group, plain, hugo_site = generate(work, count)
            group_s = timed(
                [*pelican, str(group), "-o", str(work / "out-group"), "-s", "pelicanconf.py"],
                REPO,
            )
            plain_s = timed(
                [*pelican, str(plain), "-o", str(work / "out-plain"), "-q"], work
            )
            hugo_s = timed([hugo, "--quiet", "-d", str(work / "out-hugo")], hugo_site) if hugo else None
            hugo_text = f"{hugo_s:6.2f} s" if hugo_s else "   (none)"
            ratio_hugo = f"{group_s / hugo_s:8.1f}×" if hugo_s else "       —"
            print(
                f"{count:8d}  {group_s:8.2f} s   {plain_s:10.2f} s   {hugo_text}"
                f"  {group_s / plain_s:8.2f}×  {ratio_hugo}"
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
