"""``archive-tool serve`` run as an editor runs it, for the preview's tests and its bench
(bench/preview_bench.py): its terminal lines as they come, and the demo article's page."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "bozhou/zwdt/2024-12-18-zhongyaocai-zhuisu.md"
BUILD_MINUTES = 5  # a guard against a hung build, not a wait: each step waits for an event


class Serving:
    """``archive-tool serve`` as an editor starts it; its terminal lines, as they come."""

    def __init__(self, content, folder):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "archive_tool",
                "serve",
                str(content),
                "--port",
                "0",
                "--settings",
                str(REPO / "pelicanconf.py"),
                "-o",
                str(folder),
            ],
            cwd=REPO,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("")  # the process ended

    def wait_for(self, pattern: str) -> re.Match:
        """The first terminal line from now on matching ``pattern``."""
        while True:
            try:
                line = self.lines.get(timeout=BUILD_MINUTES * 60)
            except queue.Empty:
                pytest.fail(
                    f"no line matching {pattern!r}; the last ones:\n" + "\n".join(self.seen[-30:])
                )
            self.seen.append(line)
            if line == "" and self.process.poll() is not None:
                pytest.fail(f"archive-tool serve exited with {self.process.returncode}")
            found = re.search(pattern, line)
            if found:
                return found

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def article_page(running: Serving, folder) -> tuple[str, object, str]:
    """Once the preview is up: its address, the article's built page and that page's URL."""
    root = running.wait_for(r"预览地址：(http://\S+/)").group(1)
    built = next(folder.glob("www.bozhou.gov.cn/zwdt/**/2024-12-18-zhongyaocai-zhuisu.html"))
    return root, built, root + built.relative_to(folder).as_posix()
