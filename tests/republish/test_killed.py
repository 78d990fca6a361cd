"""A republish killed outright (kill -9) leaves its half-written archive, DIR/.<id>.partial-PID,
which it cannot remove; the next republish into DIR removes it, and keeps a running one's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "warc"))
import hostile

DEADLINE = 240  # seconds: only a hang reaches it


def republish_command(warc: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "archive_tool", "republish", str(warc), "-o", str(out)]


def test_a_killed_republish_leaves_nothing_after_the_next(tmp_path):
    warc = hostile.good_pages(tmp_path / "many.warc.gz", count=800)
    out = tmp_path / "archive"
    running = out / ".20200101000000.partial-1"  # pid 1 (init) never ends
    (running / "x").mkdir(parents=True)
    killed = subprocess.Popen(republish_command(warc, out), stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + DEADLINE
        # The event: a page written into the half-written archive.
        while not list(out.glob(".2026*.partial-*/*/*.html")):
            assert killed.poll() is None, "republish ended before a page was written"
            assert time.monotonic() < deadline, "no page written"
            time.sleep(0.01)
        os.kill(killed.pid, signal.SIGKILL)
    finally:
        killed.kill()
        killed.wait()
    left = list(out.glob(".2026*.partial-*"))
    assert left, "kill -9 cannot clean up"
    other = hostile.write_warc(
        tmp_path / "other.warc.gz",
        [("/o.html", hostile.page(0), [], {"WARC-Date": "2026-11-25T02:00:00Z"})],
    )
    again = subprocess.run(
        republish_command(other, out), capture_output=True, text=True, timeout=DEADLINE, check=False
    )
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == [running.name, "20261125020000", "index.html"]
    assert "20261124" not in (out / "index.html").read_text("utf-8")
