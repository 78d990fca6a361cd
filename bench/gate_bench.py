"""Benchmark: what the last gate over the staging tree (第十条（二）（三）) adds to a group build.

Generates N articles over the demo group (build_bench.generate: same articles, same
pagination), then, interleaved, builds the group with ``pelican`` as usual and with the
gate switched off (no policy for the site workers, no group pass: the only difference),
several times each, every build a clean one; reports min and median wall time, CPU time,
peak RSS and the ratio. Also times the gate alone, in one process, over one built output.

    python bench/gate_bench.py --articles 20000 --runs 3 --workdir /dev/shm
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

# Runs pelican in this interpreter with the gate switched off, and nothing else changed.
WITHOUT_GATE = (
    "import sys, archive_tool.group.build.staging as build; "
    "build.GatePolicy.of = classmethod(lambda cls, group, waivers: None); "
    "build.gate_group = lambda *args: None; "
    "from pelican import main; sys.argv = ['pelican'] + sys.argv[1:]; main()"
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gate-bench-", dir=args.workdir))
    try:
        group = generate(work, args.articles).group
        labels = ("with gate", "without gate")
        builds = with_and_without(group, work, args.runs, labels, WITHOUT_GATE)
        print(f"{args.articles} articles, {args.runs} clean builds each (interleaved)")
        for label, runs in builds.items():
            wall = [r.seconds for r in runs]
            print(
                f"  build {label:12s} wall min {min(wall):7.2f} s  median "
                f"{statistics.median(wall):7.2f} s  cpu min {min(r.cpu for r in runs):7.2f} s  "
                f"peak RSS {max(r.peak_mb for r in runs):6.0f} MB"
            )
        ratio = min(r.seconds for r in builds["with gate"]) / min(
            r.seconds for r in builds["without gate"]
        )
        print(f"  the gate adds {ratio - 1:+.1%} to the build (min against min)")
        sys.path.insert(0, str(REPO))
        from archive_tool.content.loader import load_content
        from archive_tool.safety.gate import Gate, GatePolicy

        policy = GatePolicy.of(load_content(group), [])

        output = work / "out-with-gate"
        files = sum(1 for path in output.rglob("*") if path.is_file())
        alone = []
        for _ in range(args.runs):
            started = time.monotonic()
            Gate(policy).check_tree(output, output)
            alone.append(time.monotonic() - started)
        print(
            f"  gate alone, one process, {files} files: min {min(alone):.2f} s, "
            f"median {statistics.median(alone):.2f} s"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
