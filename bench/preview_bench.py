"""Benchmark: the live preview, from an editor's save to the change in the open page.

Starts ``archive-tool serve`` on a copy of the demo content, opens an article's page in
headless Chromium (Debian's chromium, driven by playwright, as the browser tests do), and
for each round changes a sentence of the article's body and saves the file. Two times per
save, from the moment the file is written:

- **served**: the first HTTP answer for the page that holds the new sentence (a thread
  asks every 10 ms);
- **in the browser**: the open page shows the new sentence (the preview's reload script
  reloads it; its text is looked at every animation frame, so the figure includes the
  reload and the page's own rendering).

Then waits for the full build that follows every save, so rounds do not overlap, and
reports min and median of each, and the full build's own time (serve's terminal line).

    python bench/preview_bench.py --rounds 7
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from browser import launched_chromium  # noqa: E402  (Debian's chromium, as the tests use it)
from previewing import ARTICLE, Serving, article_page  # noqa: E402

SENTENCE = "副市长宋嘉禾出席会议并讲话"


def first_served(url: str, text: str, start: float, found: list[float]) -> None:
    while True:
        with urllib.request.urlopen(url) as response:
            if text in response.read().decode("utf-8"):
                found.append(time.monotonic() - start)
                return
        time.sleep(0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    content = work / "content"
    shutil.copytree(REPO / "content", content)
    source = content / ARTICLE
    original = source.read_text(encoding="utf-8")
    serving = Serving(content, work / "out")
    try:
        _, _, url = article_page(serving, work / "out")
        served, shown, builds = [], [], []
        with launched_chromium() as browser:
            page = browser.new_page()
            page.goto(url)
            page.get_by_text(SENTENCE).first.wait_for()
            page.wait_for_function("() => typeof EventSource !== 'undefined'")
            for number in range(args.rounds):
                changed = SENTENCE.replace("宋嘉禾", f"预览第{number}次")
                start = time.monotonic()
                source.write_text(original.replace(SENTENCE, changed), encoding="utf-8")
                poller = threading.Thread(target=first_served, args=(url, changed, start, served))
                poller.start()
                page.wait_for_function(
                    "text => document.body && document.body.innerText.includes(text)",
                    arg=changed,
                    polling="raf",
                    timeout=300_000,
                )
                shown.append(time.monotonic() - start)
                poller.join()
                builds.append(float(serving.wait_for(r"构建完成，用时 ([\d.]+) 秒").group(1)))
    finally:
        serving.stop()
        shutil.rmtree(work, ignore_errors=True)

    def line(name, values):
        return (
            f"{name}: min {min(values):.2f} s, median {statistics.median(values):.2f} s "
            f"({', '.join(f'{v:.2f}' for v in values)})"
        )

    print(f"{args.rounds} saves of {ARTICLE}; load average {os.getloadavg()[0]:.1f}")
    print(line("save -> served", served))
    print(line("save -> shown in the browser", shown))
    print(line("the full build after each save", builds))


if __name__ == "__main__":
    main()
