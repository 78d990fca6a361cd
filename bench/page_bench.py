"""Benchmark: page-level rebuilds on one large site, before and after (CPU time).

Generates N articles on one site of the demo group (fgw, column zwdt; the generator of
bench/build_bench.py), builds it once with each checkout, then runs rounds of three
builds, the checkouts interleaved (order alternating by round) so that a change in the
machine's load falls on both: ``one edit`` (one article's text changed), ``untouched``
(the same build again), ``next day`` (nothing changed, BUILD_DATE one day later). CPU
time (user + system) of each build and of every process it left behind (the bench is a
child subreaper: build_bench.measured), min and median per scenario.

    python bench/page_bench.py --articles 5000 --runs 3 --baseline /tmp/main-export
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_bench

REPO = build_bench.REPO
SCENARIOS = ("one edit", "untouched", "next day")


def command(content: Path, output: Path, day: date) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-o",
        str(output),
        "-s",
        "pelicanconf.py",
    ] + ["-e", f'BUILD_DATE="{day.isoformat()}"']


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout (e.g. git archive of main)")
    parser.add_argument("--workdir", type=Path, default=Path("/dev/shm/page-bench"))
    args = parser.parse_args()
    build_bench.become_subreaper()
    shutil.rmtree(args.workdir, ignore_errors=True)
    build_bench.SITES = {"fgw": "zwdt"}  # every generated article on one site
    sources = build_bench.generate(args.workdir / "sources", args.articles)
    checkouts = {"after": REPO}
    if args.baseline:
        checkouts = {"before": args.baseline.resolve(), **checkouts}
    trees = {}
    for name, checkout in checkouts.items():
        content = args.workdir / f"content-{name}"
        shutil.copytree(sources.group, content)
        edited = content / sources.edited["group"].relative_to(sources.group)
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        trees[name] = (checkout, content, args.workdir / f"out-{name}", edited, env)
    day = date.fromisoformat(build_bench.BUILD_DATE)
    for name, (checkout, content, output, _, env) in trees.items():  # first, then numbered
        for _ in range(2):
            build_bench.measured([command(content, output, day)], checkout, env)
    print(f"{args.articles} articles on one site; load {build_bench.load()}")
    times: dict[tuple[str, str], list[float]] = {}
    names = list(trees)
    for number in range(1, args.runs + 1):
        order = names if number % 2 else list(reversed(names))
        for scenario in SCENARIOS:
            when = day + timedelta(days=1) if scenario == "next day" else day
            for name in order:
                checkout, content, output, edited, env = trees[name]
                if scenario == "one edit":
                    build_bench.edit(edited, number)
                run = build_bench.measured([command(content, output, when)], checkout, env)
                times.setdefault((scenario, name), []).append(run.cpu)
        day += timedelta(days=1)
    print(f"load after {build_bench.load()}")
    print("| scenario | " + " | ".join(f"{n} CPU s (min / median)" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for scenario in SCENARIOS:
        cells = [
            f"{min(times[scenario, n]):.2f} / {statistics.median(times[scenario, n]):.2f}"
            for n in names
        ]
        print(f"| {scenario} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
