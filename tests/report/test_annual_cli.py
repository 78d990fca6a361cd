"""``archive-tool annual-report`` as a webmaster runs it: where it writes and what it refuses."""

from __future__ import annotations

import os
import subprocess
import sys

from annual_helpers import YEAR
from conftest import DEMO_CONTENT, REPO, archive_tool


def test_by_default_it_writes_beside_the_build_output_not_inside(tmp_path):
    # run from a scratch folder, as a webmaster runs it from the repository root
    result = archive_tool_in(tmp_path, "annual-report", YEAR, DEMO_CONTENT, "--date", "2026-12-31")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "output.annual-reports" / str(YEAR)
    assert (folder / f"bozhou-{YEAR}.html").is_file()
    assert (folder / f"group-{YEAR}.xlsx").is_file()
    assert not (tmp_path / "output").exists()
    assert "5 个网站" in result.stdout and str(YEAR) in result.stdout


def archive_tool_in(folder, *args):
    return subprocess.run(
        [sys.executable, "-m", "archive_tool", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=folder,
        # the checkout under test, not whichever copy the environment installed
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_a_folder_inside_a_build_output_or_the_content_is_refused(tmp_path, group_copy):
    output = tmp_path / "output"
    (output / "www.bozhou.gov.cn").mkdir(parents=True)
    (output / "build-report.txt").write_text("网站群构建报告\n", encoding="utf-8")
    for target, message in (
        (output / "www.bozhou.gov.cn" / "ndbb", "位于网站群构建结果"),
        (group_copy / "bozhou" / "ndbb", "位于内容目录"),
    ):
        result = archive_tool("annual-report", YEAR, group_copy, "-o", target)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and not target.exists()


def test_one_site_only(tmp_path):
    out = tmp_path / "one"
    result = archive_tool(
        "annual-report", YEAR, DEMO_CONTENT, "-o", out, "--site", "fgw", "--date", "2026-12-31"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.html")) == [f"fgw-{YEAR}.html", f"group-{YEAR}.html"]
    result = archive_tool("annual-report", YEAR, DEMO_CONTENT, "-o", out, "--site", "nosuch")
    assert result.returncode == 1 and "没有站点「nosuch」" in result.stderr


def test_a_year_not_yet_begun_or_a_date_outside_it_is_refused(tmp_path):
    result = archive_tool("annual-report", 2999, DEMO_CONTENT, "-o", tmp_path / "x")
    assert result.returncode == 1 and "尚未开始" in result.stderr
    result = archive_tool("annual-report", YEAR, DEMO_CONTENT, "--date", "2025-12-31")
    assert result.returncode == 2 and "--date" in result.stderr
    assert not (tmp_path / "x").exists()


def test_help_explains_the_figures_file_with_an_example():
    result = archive_tool("annual-report", "--help")
    assert result.returncode == 0
    assert "annual/<年份>.yaml" in result.stdout
    assert "archive-tool annual-report 2026" in result.stdout
