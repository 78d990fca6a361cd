"""Builds in parallel, incremental and reproducible (issue 17): what the webmaster sees.

A rebuild keeps the sites whose inputs did not change and says so; the result is the
same, byte for byte, as a clean build of the same content on the same BUILD_DATE; the same
build on a Dask cluster gives the same bytes again.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import DEMO_CONTENT, DEMO_DAY, REPO, archive_tool, run_pelican
from reproducible import differences

from archive_tool.content.registry import Site
from archive_tool.group.continuity.redesign import publish_archives


def settings(**values) -> tuple[str, ...]:
    """pelican's -e, once: a second -e replaces the first one's settings."""
    return ("-e", *(f"{key}={json.dumps(value)}" for key, value in values.items()))


# Each test builds the whole group 2 to 11 times (conftest.SPREAD: any free worker takes the
# next test, those marked slow, from three builds up, first).
DAY = {"BUILD_DATE": DEMO_DAY}
CLEAN = {**DAY, "INCREMENTAL_BUILD": False}


def rebuilt(result) -> str:
    return next((l for l in result.stdout.splitlines() if l.startswith("重新生成")), "")


def kept(result) -> str:
    return next((l for l in result.stdout.splitlines() if l.startswith("沿用上次构建")), "")


@pytest.mark.slow
def test_a_rebuild_keeps_unchanged_sites_and_equals_a_clean_build(group_copy, tmp_path):
    output = tmp_path / "output"
    (group_copy / "qcq" / "index-numbers.yaml").unlink()  # the first build numbers them
    first = run_pelican(group_copy, output, *settings(**DAY))
    assert first.returncode == 0, first.stderr
    assert "亳州市谯城区人民政府" in rebuilt(first) and not kept(first)
    assert "已为 24 篇文章生成索引号" in first.stdout

    untouched = run_pelican(group_copy, output, *settings(**DAY))
    assert untouched.returncode == 0, untouched.stderr
    assert not rebuilt(untouched), untouched.stdout
    assert kept(untouched).count("、") == 4, untouched.stdout  # all five sites

    article = next(group_copy.glob("qcq/**/*.md"))
    article.write_text(
        article.read_text(encoding="utf-8") + "\n\n补充说明：本文于今日更新。\n", encoding="utf-8"
    )
    edited = run_pelican(group_copy, output, *settings(**DAY))
    assert edited.returncode == 0, edited.stderr
    assert rebuilt(edited) == "重新生成（页面与搜索索引）：亳州市谯城区人民政府", edited.stdout
    page = next((output / "www.qcq.gov.cn").rglob(article.stem + ".html"))
    assert "补充说明：本文于今日更新。" in page.read_text(encoding="utf-8")

    clean = run_pelican(group_copy, tmp_path / "clean", *settings(**CLEAN))
    assert clean.returncode == 0, clean.stderr
    assert kept(clean) == ""
    assert differences(output, tmp_path / "clean") == []


def test_a_changed_theme_rebuilds_every_site(group_copy, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "themes" / "gov", theme)
    output = tmp_path / "output"
    with_theme = settings(**DAY, THEME=str(theme))
    assert run_pelican(group_copy, output, *with_theme).returncode == 0
    css = next(theme.glob("static/css/*.css"))
    css.write_text(css.read_text(encoding="utf-8") + "\n/* 改版 */\n", encoding="utf-8")
    again = run_pelican(group_copy, output, *with_theme)
    assert again.returncode == 0, again.stderr
    assert not kept(again) and rebuilt(again).count("、") == 4, again.stdout


def test_republishing_an_archive_gives_the_same_bytes(demo_warc, tmp_path):
    """The 已归档 banner's id is a keyed hash (key beside the WARCs, never published), not
    a random one: the same archive is the same bytes in every build."""
    content = tmp_path / "content"
    (content / "qcq" / "archive").mkdir(parents=True)
    (content / "qcq" / "archive" / "20261120-改版.warc.gz").write_bytes(demo_warc.read_bytes())
    site = Site(id="qcq", file="qcq/site.yaml", data={"domain": "www.qcq.gov.cn"})
    first = publish_archives(site, content, tmp_path / "one")
    second = publish_archives(site, content, tmp_path / "two")
    assert first == second and first
    assert differences(tmp_path / "one", tmp_path / "two") == []
    key = content / "qcq" / "archive" / ".banner-key"
    assert key.stat().st_mode & 0o077 == 0, "the key is private"
    published = b"".join(p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert key.read_bytes().hex().encode() not in published and key.read_bytes() not in published


@pytest.mark.slow
def test_a_dask_cluster_builds_the_same_group(demo_day_build, tmp_path):
    """The same content (the demo's, read in place, as demo_day_build reads it) built on a
    cluster gives the bytes of the local clean build of the same day."""
    distributed = pytest.importorskip("distributed")
    assert CLEAN == {"BUILD_DATE": DEMO_DAY, "INCREMENTAL_BUILD": False}  # demo_day_build's
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        on_cluster = run_pelican(
            DEMO_CONTENT, tmp_path / "cluster", *settings(**CLEAN, BUILD_SCHEDULER=address)
        )
        assert on_cluster.returncode == 0, on_cluster.stderr
        # The cluster's workers ran the sites' builds, not the pelican process.
        ran = cluster.scheduler.task_prefixes
        assert list(ran) == ["call_by_name"], list(ran)  # group.build.executor.by_name
    assert "亳州市谯城区人民政府" in rebuilt(on_cluster)
    assert differences(demo_day_build.output, tmp_path / "cluster") == []


def test_an_unreachable_scheduler_is_a_message(group_copy, tmp_path):
    pytest.importorskip("distributed")
    output = tmp_path / "output"
    result = run_pelican(group_copy, output, *settings(**DAY, BUILD_SCHEDULER="tcp://127.0.0.1:9"))
    assert result.returncode != 0
    assert "无法连接 Dask 调度器 tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()


@pytest.mark.slow
def test_archive_tool_build_takes_the_options_as_flags(tmp_path):
    output = tmp_path / "output"
    first = archive_tool("build", "--date", "2026-11-26", "-o", str(output))
    assert first.returncode == 0, first.stderr
    assert "网站群构建完成：5 个站点" in first.stdout
    again = archive_tool("build", "--date", "2026-11-26", "-o", str(output), "--workers", "1")
    assert kept(again).count("、") == 4, again.stdout
    full = archive_tool("build", "--date", "2026-11-26", "-o", str(output), "--full")
    assert rebuilt(full).count("、") == 4 and not kept(full), full.stdout
    wrong = archive_tool("build", "--date", "2026-02-30", "-o", str(tmp_path / "x"))
    assert wrong.returncode == 2 and "应为 YYYY-MM-DD，实为「2026-02-30」" in wrong.stderr
    assert not (tmp_path / "x").exists()


NEXT_DAY = {"BUILD_DATE": "2026-11-27"}


@pytest.mark.slow
def test_a_new_day_rebuilds_only_the_sites_it_changes(group_copy, tmp_path):
    """The build day is not in the fingerprint (group.build.buildday): fgw and sjj show
    nothing of it and are kept; bozhou and qcq print it on their letters page
    (统计截至) and are rebuilt. The result is a clean build of the new day."""
    output = tmp_path / "output"
    assert run_pelican(group_copy, output, *settings(**DAY)).returncode == 0
    next_day = run_pelican(group_copy, output, *settings(**NEXT_DAY))
    assert next_day.returncode == 0, next_day.stderr
    assert rebuilt(next_day) == "重新生成（页面与搜索索引）：亳州市人民政府、亳州市谯城区人民政府", (
        next_day.stdout
    )
    assert "亳州市发展和改革委员会" in kept(next_day) and "数据资源管理局" in kept(next_day)
    letters = (output / "www.qcq.gov.cn" / "letters" / "index.html").read_text(encoding="utf-8")
    assert "统计截至 2026-11-27" in letters
    clean = run_pelican(group_copy, tmp_path / "clean", *settings(**NEXT_DAY, INCREMENTAL_BUILD=False))
    assert clean.returncode == 0, clean.stderr
    assert differences(output, tmp_path / "clean") == []


@pytest.mark.slow
def test_notices_starting_and_ending_rebuild_their_sites(group_copy, tmp_path):
    """sjj's 开通公告 starts on 2026-11-27, fgw's ends that day (30 days after 2026-10-28):
    the day after, both sites and the portal that shows them are rebuilt, and the output
    is a clean build of that day."""
    for site, approved, online in (("sjj", "2026-11-10", "2026-11-27"), ("fgw", "2026-10-01", "2026-10-28")):
        opened = archive_tool(
            "notice", "open", site, "--approved", approved, "--online", online, "--content", group_copy
        )
        assert opened.returncode == 0, opened.stderr
    output = tmp_path / "output"
    before = run_pelican(group_copy, output, *settings(**DAY))
    assert before.returncode == 0, before.stderr
    fgw_home = output / "fgw.bozhou.gov.cn" / "index.html"
    assert "已于 2026-10-28 开通上线" in fgw_home.read_text(encoding="utf-8")
    after = run_pelican(group_copy, output, *settings(**NEXT_DAY))
    assert after.returncode == 0, after.stderr
    # The day moves notices on fgw and sjj and the letters' 统计截至 on bozhou and qcq; gxq
    # shows nothing of the day and is kept.
    assert rebuilt(after).count("、") == 3, after.stdout
    assert kept(after) == "沿用上次构建（输入未变）：亳州高新技术产业开发区管理委员会", after.stdout
    assert "已于 2026-10-28 开通上线" not in fgw_home.read_text(encoding="utf-8")
    sjj_home = (output / "sjj.bozhou.gov.cn" / "index.html").read_text(encoding="utf-8")
    assert "已于 2026-11-27 开通上线" in sjj_home
    clean = run_pelican(group_copy, tmp_path / "clean", *settings(**NEXT_DAY, INCREMENTAL_BUILD=False))
    assert clean.returncode == 0, clean.stderr
    assert differences(output, tmp_path / "clean") == []


@pytest.mark.slow
def test_edits_additions_deletions_renames_and_library_changes_equal_a_clean_build(
    group_copy, tmp_path
):
    """With each site's parsed articles reused from the last build (group.build.contentcache),
    every kind of change gives the bytes of a clean build of the same content."""
    output = tmp_path / "output"
    assert run_pelican(group_copy, output, *settings(**DAY)).returncode == 0
    assert any((tmp_path / ".output.cache" / "www.qcq.gov.cn").rglob("ArticlesGenerator-Readers"))
    column = group_copy / "qcq" / "zwdt"
    first, second, third = sorted(column.glob("*.md"))[:3]
    steps = [
        lambda: first.write_text(first.read_text(encoding="utf-8") + "\n更正：第二段数字有误。\n", encoding="utf-8"),
        lambda: (column / "2026-11-20-qcq-xinwen.md").write_text(
            "Title: 谯城区召开冬季安全生产会议\nDate: 2026-11-20 10:00\ndisclosure: 主动公开\n\n会议部署冬季安全生产工作。\n",
            encoding="utf-8",
        ),
        lambda: second.unlink(),
        lambda: third.rename(third.with_name("2026-renamed-" + third.name)),
        lambda: (group_copy / "_library" / "2026-11-19-senlin-fanghuo.md").write_text(
            (group_copy / "_library" / "2026-11-19-senlin-fanghuo.md")
            .read_text(encoding="utf-8")
            .replace("森林防火工作会议召开", "森林防火工作会议在市政府召开"),
            encoding="utf-8",
        ),
    ]
    for number, step in enumerate(steps):
        step()
        again = run_pelican(group_copy, output, *settings(**DAY))
        assert again.returncode == 0, again.stderr
        clean = run_pelican(group_copy, tmp_path / f"clean-{number}", *settings(**CLEAN))
        assert clean.returncode == 0, clean.stderr
        found = differences(output, tmp_path / f"clean-{number}")
        if number == 2:  # an address gone since the published build: only a rebuild knows
            report = (output / "build-report.txt").read_text(encoding="utf-8")
            assert "旧网址将返回 404：1 个" in report and found == ["build-report.txt"]
        else:
            assert found == [], f"step {number}"
    page = next((output / "www.qcq.gov.cn").rglob("2026-11-19-senlin-fanghuo.html"))
    assert "森林防火工作会议在市政府召开" in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_generated_content_rebuilt_on_the_next_day_equals_a_clean_build(tmp_path):
    """The bench's generated articles (bench/build_bench.py) over the demo group: an edit
    and a new day, incremental, against a clean build of the same."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from build_bench import edit, generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    sources = generate(tmp_path / "work", 120)
    output = tmp_path / "output"
    assert run_pelican(sources.group, output, *settings(**DAY)).returncode == 0
    edit(sources.edited["group"], 1)
    edited = run_pelican(sources.group, output, *settings(**NEXT_DAY))
    assert edited.returncode == 0, edited.stderr
    clean = run_pelican(sources.group, tmp_path / "clean", *settings(**NEXT_DAY, INCREMENTAL_BUILD=False))
    assert clean.returncode == 0, clean.stderr
    assert differences(output, tmp_path / "clean") == []
    page = next(output.rglob(sources.edited["group"].stem + ".html"))
    assert "（第1次修改）" in page.read_text(encoding="utf-8")
