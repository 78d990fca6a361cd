"""The rule check's report kept between builds (group.build.checkcache): reused only while
nothing the check reads has changed, and never in place of a check that would fail."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from conftest import run_pelican

from archive_tool.group.build.checkcache import CACHE_FILE, cached_check
from archive_tool.group.build.contentcache import cache_root
from archive_tool.group.rules.check import check_group

DAY = date(2026, 11, 26)


def counted(content: Path, output: Path, day: date = DAY):
    """cached_check over the demo copy; returns (report, whether the check ran)."""
    runs = []

    def check():
        runs.append(1)
        return check_group(content, day)

    return cached_check(content, day, output, check), bool(runs)


def test_the_report_is_reused_until_content_or_the_day_changes(group_copy, tmp_path):
    output = tmp_path / "output"
    first, ran = counted(group_copy, output)
    assert ran and first.ok and (cache_root(output) / CACHE_FILE).is_file()
    again, ran = counted(group_copy, output)
    assert not ran
    assert [str(v) for v in again.violations] == [str(v) for v in first.violations]
    assert sorted(again.group.sites) == sorted(first.group.sites)

    _, ran = counted(group_copy, output, date(2026, 11, 27))  # every rule may read the day
    assert ran
    article = next((group_copy / "qcq").rglob("*.md"))
    stat = article.stat()
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # saved again, same bytes
    _, ran = counted(group_copy, output)
    assert ran
    (group_copy / "_policy").mkdir(exist_ok=True)
    (group_copy / "_policy" / "新文件.txt").write_text("x", "utf-8")  # shared inputs too
    _, ran = counted(group_copy, output)
    assert ran


def test_a_damaged_cache_is_ignored(group_copy, tmp_path):
    output = tmp_path / "output"
    counted(group_copy, output)
    (cache_root(output) / CACHE_FILE).write_bytes(b"\x80\x05truncated")
    report, ran = counted(group_copy, output)
    assert ran and report.ok


def test_an_edit_that_breaks_a_rule_is_refused_after_a_cached_build(group_copy, tmp_path):
    output = tmp_path / "output"
    for _ in range(2):  # the second build reads the kept report
        assert run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-26"').returncode == 0
    assert (cache_root(output) / CACHE_FILE).is_file()
    article = next((group_copy / "qcq").rglob("*.md"))
    text = article.read_text("utf-8")
    article.write_text("\n".join(l for l in text.splitlines() if not l.startswith("Title:")))
    before = json.loads((output / "build-manifest.json").read_text("utf-8"))
    result = run_pelican(group_copy, output, "-e", 'BUILD_DATE="2026-11-26"')
    assert result.returncode != 0
    assert article.name in result.stderr and "Title" in result.stderr
    assert json.loads((output / "build-manifest.json").read_text("utf-8")) == before
