"""A build stopped by a signal: prompt, exit 128 + the signal, output/ untouched, no staging
folder left, and no worker process left behind, whatever signal ended it.

Each case waits for an event (a site's page written into the staging folder: the workers
are building), never for a guessed time, before it sends the signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DEMO_CONTENT, PELICAN, REPO

from archive_tool.group.build.staging import remove_stale

DEADLINE = 240  # seconds: far beyond a demo build on a loaded machine; only a hang reaches it

# (case, signal, sent to the process group (Ctrl-C in a terminal) or to the main process only,
#  exit status, what the terminal shows)
CASES = [
    ("ctrl-c", signal.SIGINT, True, 130, "构建已中断（Ctrl-C（SIGINT））"),
    ("sigterm-main", signal.SIGTERM, False, 143, "构建已中断（SIGTERM）"),
    ("sigterm-group", signal.SIGTERM, True, 143, "构建已中断（SIGTERM）"),
    ("kill-9-main", signal.SIGKILL, False, -9, ""),
    ("archive-tool-ctrl-c", signal.SIGINT, True, 130, "构建已中断（Ctrl-C（SIGINT））"),
    ("archive-tool-sigterm", signal.SIGTERM, False, 143, "构建已中断（SIGTERM）"),
]


def group_members(leader: int) -> list[int]:
    """The live processes of the build's process group (its forkserver, workers, pagefind)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[2]) == leader and stat[0] != "Z":
            members.append(int(entry))
    return members


def wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_a_stopped_build_leaves_everything_as_it_was(case, tmp_path: Path):
    _, signum, to_group, status, shown = case
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.txt").write_text("previous", "utf-8")
    if case[0].startswith("archive-tool"):  # the same build through archive-tool build
        command = [sys.executable, "-m", "archive_tool", "build", "-o", str(output), "--full"]
    else:
        command = [*PELICAN, str(DEMO_CONTENT), "-o", str(output), "-s", str(REPO / "pelicanconf.py")]
        command += ["-e", "INCREMENTAL_BUILD=false"]
    build = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        wait_for(lambda: list(tmp_path.glob(".output.building-*/*/index.html")), "a built page")
        sent = time.monotonic()
        if to_group:
            os.killpg(build.pid, signum)
        else:
            os.kill(build.pid, signum)
        _, stderr = build.communicate(timeout=DEADLINE)
        stopped_in = time.monotonic() - sent
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert build.returncode == status, stderr[-2000:]
    assert shown in stderr
    assert "Traceback" not in stderr and "Keyboard interrupt received" not in stderr
    assert stopped_in < 30, f"took {stopped_in:.1f} s to stop"
    # Every worker ends with the build, even when the main process is killed outright.
    wait_for(lambda: not group_members(build.pid), "the workers to end")
    assert [p.name for p in output.iterdir()] == ["keep.txt"]
    if signum == signal.SIGKILL:  # nobody could clean up: the next build does
        remove_stale(output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
