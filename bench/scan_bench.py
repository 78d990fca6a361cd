"""Benchmark: what the publishing-safety scan (第十条（二）（三）) adds to a group build.

Generates N articles over the demo group (build_bench.generate: same articles, same
pagination), then, interleaved, builds the group with ``pelican`` as usual and with the
scan replaced by a no-op (the only difference), several times each; reports min and
median wall time and the ratio. Also times the scan alone over the loaded model.

    python bench/scan_bench.py --articles 10000 --runs 3 --workdir /dev/shm
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import REPO, generate, with_and_without  # noqa: E402

# Runs pelican in this interpreter with the scan switched off, and nothing else changed.
WITHOUT_SCAN = (
    "import sys, archive_tool.group.rules.check as check; "
    "check.scan_group = lambda group: ([], []); "
    "from pelican import main; sys.argv = ['pelican'] + sys.argv[1:]; main()"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scan-bench-", dir=args.workdir))
    try:
        group = generate(work, args.articles).group
        sys.path.insert(0, str(REPO))
        from archive_tool.content.loader import load_content
        from archive_tool.group.rules.check import check_content
        from archive_tool.safety.scan import scan_group

        model = load_content(group)
        check_content(model)  # lifecycle states, as the build sets them
        alone = []
        for _ in range(args.runs):
            started = time.monotonic()
            scan_group(model)
            alone.append(time.monotonic() - started)
        labels = ("with scan", "without scan")
        runs = with_and_without(group, work, args.runs, labels, WITHOUT_SCAN)
        builds = {label: [run.seconds for run in runs[label]] for label in labels}
        print(f"{args.articles} articles, {args.runs} runs each (interleaved)")
        for label, seconds in builds.items():
            print(f"  build {label:13s} min {min(seconds):7.2f} s  median {statistics.median(seconds):7.2f} s")
        added = min(builds["with scan"]) / min(builds["without scan"]) - 1
        print(f"  the scan adds {added:+.1%} to the build (min against min)")
        print(f"  scan alone over the loaded model: min {min(alone):.2f} s, median {statistics.median(alone):.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
