"""Shared fixtures: a copy of the demo group and a real `pelican` run on it."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# Property tests are repeatable: the same examples on every run, so CI cannot fail on a
# draw nobody has seen. HYPOTHESIS_PROFILE=explore draws new examples while developing.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parent.parent
DEMO_CONTENT = REPO / "content"
PELICAN = [sys.executable, "-m", "pelican"]


# Files whose tests pytest-xdist hands out one by one instead of the whole file to one
# worker: several long tests that share little (a Chromium sweep per site, whole-group
# builds, kill series), where one worker would run the whole file while the other waits.
# Each worker that runs one of their tests makes the module's fixtures for itself.
SPREAD = {
    "tests/group/test_care_browser.py",
    "tests/group/test_incremental.py",
    "tests/group/test_lighthouse.py",
    "tests/group/test_page_rebuilds.py",
    "tests/group/test_page_types_browser.py",
    "tests/warc/test_snapshot_faults.py",
}


def pytest_collection_modifyitems(items):
    """Files with a slow test first, and a SPREAD file's slow tests before its others.
    pytest-xdist (pyproject.toml: --dist loadfile) hands out each file whole (a SPREAD file
    test by test, pytest_xdist_make_scheduler below) in this order: a long unit handed out
    last would leave the other cores idle while it runs alone."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}

    def order(item) -> tuple[bool, bool]:
        alone = item.nodeid.split("::")[0] in SPREAD and item.get_closest_marker("slow")
        return item.path not in slow, not alone

    items.sort(key=order)


def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, except that each test of a SPREAD file is a unit of its own. (Not
    --dist loadgroup: with pytest 9 its group marks no longer reach the scheduler, as
    pytest-xdist 3.8 sets the removed Item._nodeid.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrTest(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::")[0]
            return nodeid if file in SPREAD else file

    return FileOrTest(config, log)


@dataclass
class BuildResult:
    returncode: int
    stdout: str
    stderr: str
    output: Path


def run_pelican(content: Path, output: Path, *extra: str) -> BuildResult:
    """Run the group build exactly as a webmaster does, on other folders."""
    completed = subprocess.run(
        [*PELICAN, str(content), "-o", str(output), "-s", str(REPO / "pelicanconf.py"), *extra],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    return BuildResult(completed.returncode, completed.stdout, completed.stderr, output)


def kill_build_when(content: Path, output: Path, event, *extra: str) -> None:
    """Start the group build and kill -9 it and its site workers as soon as ``event()`` is
    true (a file the build writes: the event, never a guessed sleep)."""
    command = [*PELICAN, str(content), "-o", str(output), "-s", str(REPO / "pelicanconf.py"), *extra]
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not event():
            assert process.poll() is None and time.monotonic() < deadline, "the event never came"
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def group_copy(tmp_path: Path) -> Path:
    """A private copy of the demo group's content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, target)
    return target


# sys.addaudithook cannot be removed: one hook for the session, switched on by a test.
_opened: Counter | None = None


def _audit(event: str, args) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], (str, Path)):
        _opened[Path(args[0]).resolve()] += 1


sys.addaudithook(_audit)


@pytest.fixture
def opened():
    global _opened
    _opened = Counter()
    try:
        yield _opened
    finally:
        _opened = None


@pytest.fixture
def group_with_every_kind(group_copy: Path) -> Path:
    """The demo group plus a lifecycle record, so that every kind of content file is there."""
    notice = group_copy / "fgw" / "notices" / "20261201-offline.yaml"
    notice.parent.mkdir()
    record = {
        "type": "offline",
        "start": "2026-12-01 08:00:00",
        "end": "2026-12-01 20:00:00",
        "reason": "机房电力改造",
        "reported": date(2026, 11, 20),
    }
    notice.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    return group_copy


def made_once(tmp_path_factory, name: str, make) -> tuple[Path, dict]:
    """make(folder) -> a JSON-able result, once per test run however many pytest-xdist
    workers ask: the first makes it under a lock, the others wait for the lock and read the
    result (a failure too, so each worker's tests fail with its message, not a second try)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # this run's folder, above each worker's own
    folder, done = base / f"made-once-{name}", base / f"made-once-{name}.json"
    with open(base / f"made-once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that died making it
            folder.mkdir()
            done.write_text(json.dumps(make(folder)), encoding="utf-8")
    return folder, json.loads(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> BuildResult:
    """The demo group, built once for the whole test run (all workers read the one build)."""

    def build(folder: Path) -> dict:
        result = run_pelican(DEMO_CONTENT, folder / "output")
        return {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}

    folder, made = made_once(tmp_path_factory, "demo", build)
    result = BuildResult(**made, output=folder / "output")
    assert result.returncode == 0, result.stderr
    return result


DEMO_DAY = "2026-11-26"  # the day the demo content is written for (BUILD_DATE)


@pytest.fixture(scope="session")
def demo_day_build(tmp_path_factory) -> BuildResult:
    """The demo group (DEMO_CONTENT itself, as read in place) built clean on DEMO_DAY, once
    for the whole test run: what another build of the unchanged content on that day must
    equal byte for byte (build-manifest.json names the content folder's path: build from
    DEMO_CONTENT to compare with it). Read it; copy it to change it."""

    def build(folder: Path) -> dict:
        day = ("-e", f'BUILD_DATE="{DEMO_DAY}"', "INCREMENTAL_BUILD=false")
        result = run_pelican(DEMO_CONTENT, folder / "output", *day)
        return {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}

    folder, made = made_once(tmp_path_factory, "demo-day", build)
    result = BuildResult(**made, output=folder / "output")
    assert result.returncode == 0, result.stderr
    return result


def ctrl_c_reaches_it() -> None:
    """preexec_fn of a command a test will Ctrl-C (SIGINT): the signal at its default, as a
    terminal gives it. A test run started in the background (`pytest &`, nohup, a job runner)
    has SIGINT ignored; the command would inherit that, Python would raise no
    KeyboardInterrupt, and the run would go on to the end."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def archive_tool(*args, timeout=300) -> subprocess.CompletedProcess:
    """Run the archive-tool command as a user does; returns exit code, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "archive_tool", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def archive_tool_measured(
    *args, timeout=600, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, int]:
    """archive_tool() in a fresh process (with ``env`` added to the environment), and that
    process's peak RSS in KiB."""
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "archive_tool", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )
    *lines, peak = completed.stderr.rstrip("\n").split("\n")
    completed.stderr = "\n".join(lines)
    return completed, int(peak)


@pytest.fixture(scope="session")
def demo_warc(demo_build, tmp_path_factory) -> Path:
    """The demo portal served on loopback and crawled by archive-tool snapshot."""
    from servers import serve_directory

    def capture(folder: Path) -> dict:
        with serve_directory(demo_build.output / "www.bozhou.gov.cn") as url:
            result = archive_tool("snapshot", url, "-o", folder / "portal.warc.gz")
        return {"returncode": result.returncode, "stderr": result.stderr}

    folder, made = made_once(tmp_path_factory, "demo-warc", capture)
    assert made["returncode"] == 0, made["stderr"]
    return folder / "portal.warc.gz"


# A 12-hour offline of the 发改委 site, reported in advance (第八条（二）): used by several tests.
FGW_OFFLINE = [
    "offline",
    "fgw",
    "--start",
    "2026-12-01 08:00",
    "--end",
    "2026-12-01 20:00",
    "--reason",
    "机房电力改造",
    "--reported",
    "2026-11-20",
]


# As root, permission bits do not stop a read: a test of an unreadable file runs the command
# without the capabilities that bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH).
AS_A_USER = (
    ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
    if os.geteuid() == 0
    else []
)
