"""A build that cannot be written whole replaces nothing: a full disk is a clear message."""

from __future__ import annotations

import errno
import json
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from conftest import DEMO_CONTENT, kill_build_when, run_pelican
from reproducible import differences

from archive_tool.errors import ToolkitError
from archive_tool.group.build.staging import (
    SiteJob,
    SiteOutcome,
    build_group,
    remove_stale,
    staging_dir,
)
from archive_tool.group.rules.check import check_group

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def report():
    return check_group(DEMO_CONTENT, TODAY)


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    output = tmp_path / "output"
    (output / "www.bozhou.gov.cn").mkdir(parents=True)
    (output / "www.bozhou.gov.cn" / "index.html").write_text("上一版", "utf-8")
    return output


def untouched(output: Path) -> bool:
    siblings = sorted(p.name for p in output.parent.iterdir())
    page = (output / "www.bozhou.gov.cn" / "index.html").read_text("utf-8")
    return page == "上一版" and siblings == ["output"]


def build(report, output: Path, build_site, fingerprint=lambda site: "", incremental=True):
    """build_group over the demo's sites, each job run by ``build_site(site, folder)`` in a
    thread (the build does not know which executor it has)."""
    jobs = [
        SiteJob(site, DEMO_CONTENT, output / site.domain, Path(), TODAY, {}, fingerprint(site))
        for site in report.group.published_sites()
    ]

    def run(job):
        build_site(job.site, job.output)
        return SiteOutcome(job.site.id)

    with ThreadPoolExecutor(2) as executor:
        return build_group(
            report, output, jobs, run, lambda staging, built: None, executor, incremental
        )


def test_an_empty_index_file_keeps_the_previous_output(report, previous: Path):
    def build_site(site, path: Path):
        (path / "pagefind").mkdir(parents=True)
        (path / "index.html").write_text("<html></html>", "utf-8")
        (path / "pagefind" / "a.pf_fragment").touch()  # what a full disk leaves

    with pytest.raises(ToolkitError, match="构建结果不完整.*a.pf_fragment.*磁盘空间可能不足"):
        build(report, previous, build_site)
    assert untouched(previous)


def test_a_full_disk_is_named_and_keeps_the_previous_output(report, previous: Path):
    def build_site(site, path: Path):
        path.mkdir(parents=True)
        raise OSError(errno.ENOSPC, "No space left on device", str(path / "index.html"))

    with pytest.raises(ToolkitError, match="磁盘空间不足，构建结果无法写完") as caught:
        build(report, previous, build_site)
    assert "No space left" not in str(caught.value)
    assert untouched(previous)


def test_a_whole_build_replaces_the_output(report, previous: Path):
    def build_site(site, path: Path):
        path.mkdir(parents=True)
        (path / "index.html").write_text(site.name, "utf-8")

    built = build(report, previous, build_site)
    assert (previous / "www.bozhou.gov.cn" / "index.html").read_text("utf-8") == "亳州市人民政府"
    assert len(built.sites) == len(report.group.published_sites())
    # No staging folder left; the cache folder (group.build.contentcache) holds the record.
    assert sorted(p.name for p in previous.parent.iterdir()) == [".output.cache", "output"]


def test_a_site_whose_inputs_did_not_change_is_kept_from_the_published_output(report, tmp_path):
    output = tmp_path / "output"
    runs, generation = [], [1]

    def build_site(site, path: Path):
        runs.append(site.id)
        path.mkdir(parents=True)
        (path / "index.html").write_text(f"{site.name} {generation[0]}", "utf-8")

    stamps = {site.id: "v1" for site in report.group.published_sites()}
    first = build(report, output, build_site, lambda site: stamps[site.id])
    assert len(first.built) == len(report.group.published_sites()) and not first.kept
    page = output / "www.qcq.gov.cn" / "index.html"
    before = page.stat().st_ino, page.read_text("utf-8")

    runs.clear()
    generation[0] = 2
    stamps["qcq"] = "v2"  # only 谯城区's inputs changed
    second = build(report, output, build_site, lambda site: stamps[site.id])
    assert runs == ["qcq"] and [s.id for s in second.built] == ["qcq"]
    assert sorted(s.id for s in second.kept) == ["bozhou", "fgw", "gxq", "sjj"]
    assert (page.stat().st_ino, page.read_text("utf-8")) != before
    portal = output / "www.bozhou.gov.cn" / "index.html"
    assert portal.read_text("utf-8") == "亳州市人民政府 1"  # the first build's, kept

    runs.clear()
    third = build(report, output, build_site, lambda site: stamps[site.id], incremental=False)
    assert sorted(runs) == ["bozhou", "fgw", "gxq", "qcq", "sjj"] and not third.kept


def test_published_files_are_trusted_only_under_the_gate_they_were_gated_by(report, tmp_path):
    """A rebuilt site's file equal to the published one is not read again only while the
    published output's gate stamp (build-manifest.json) is this build's: here a number
    planted in the published output stands for a file an older gate let through."""
    output, pages, builds = tmp_path / "output", {}, []

    def run(job):
        job.output.mkdir(parents=True)
        page = pages.get(job.site.id, "<p>办公电话 0558-5123456</p>")
        (job.output / "index.html").write_text(page, "utf-8")
        return SiteOutcome(job.site.id)

    def build_with(gate_inputs: str):
        builds.append(gate_inputs)  # a new fingerprint: every site is rebuilt, none kept
        jobs = [
            SiteJob(site, DEMO_CONTENT, output / site.domain, Path(), TODAY, {}, str(len(builds)))
            for site in report.group.published_sites()
        ]
        with ThreadPoolExecutor(2) as executor:
            result = build_group(
                report, output, jobs, run, lambda *_: None, executor, gate_inputs=gate_inputs
            )
        assert not result.kept
        return result

    build_with("code v1")
    assert json.loads((output / "build-manifest.json").read_text("utf-8"))["gate"]
    pages["qcq"] = "<p>联系 13812345678</p>"
    planted = output / "www.qcq.gov.cn" / "index.html"
    planted.write_text(pages["qcq"], "utf-8")
    build_with("code v1")  # same gate: the equal file is not read again
    assert planted.read_text("utf-8") == pages["qcq"]
    with pytest.raises(ToolkitError, match=r"(?s)发布前检查.*138\*\*\*\*5678"):
        build_with("code v2")  # another gate (its code, lexicons, waivers): read again
    with pytest.raises(ToolkitError, match="发布前检查"):
        build_with("")  # a caller that gives no stamp never trusts the output
    pages["fgw"] = "<p>联系 13812345678</p>"
    only_fgw = r"共 1 处.*\n.*\n    出现在：fgw\.bozhou\.gov\.cn/index\.html（"
    with pytest.raises(ToolkitError, match=only_fgw):
        build_with("code v1")  # fgw's page differs from the published one: read; qcq's is not


def test_an_output_that_is_a_symlink_is_replaced_where_it_points(report, tmp_path: Path):
    """output/ -> a web server's root: the root is updated in place (two renames beside it),
    the link stays a link, and nothing is left beside either."""
    webroot = tmp_path / "srv" / "www"
    (webroot / "www.bozhou.gov.cn").mkdir(parents=True)
    (webroot / "www.bozhou.gov.cn" / "index.html").write_text("上一版", "utf-8")
    link = tmp_path / "site" / "output"
    link.parent.mkdir()
    link.symlink_to(webroot)

    def build_site(site, path: Path):
        path.mkdir(parents=True)
        (path / "index.html").write_text(site.name, "utf-8")

    build(report, link, build_site)
    assert link.is_symlink() and os.readlink(link) == str(webroot)
    assert (webroot / "www.bozhou.gov.cn" / "index.html").read_text("utf-8") == "亳州市人民政府"
    assert [p.name for p in webroot.parent.iterdir()] == ["www"]
    # Beside the link: the cache folder (group.build.contentcache), as for a folder.
    assert sorted(p.name for p in link.parent.iterdir()) == [".output.cache", "output"]


def test_a_staging_folder_of_a_killed_build_is_removed_by_the_next(report, previous: Path):
    """A build killed outright (kill -9) cannot clean up; the next one removes what a dead
    process left, and keeps a running build's folder."""
    dead, running = previous.parent / ".output.building-999999999", staging_dir(previous, "building")
    for folder in (dead, running):
        (folder / "www.bozhou.gov.cn").mkdir(parents=True)
    remove_stale(previous)
    assert not dead.exists() and running.exists()
def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_build_killed_midway_leaves_the_output_and_the_next_build_is_correct(
    group_copy, tmp_path
):
    """kill -9 of the build and its site workers while they write the staging folder: the
    published output is as it was, and the next build equals a clean one."""
    output = tmp_path / "output"
    day = ("-e", 'BUILD_DATE="2026-11-26"')
    assert run_pelican(group_copy, output, *day).returncode == 0
    before = tree(output)
    article = next((group_copy / "qcq" / "zwdt").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    # The event: a site worker has written a page into the staging folder.
    written = lambda: list(tmp_path.glob(".output.building-*/www.qcq.gov.cn/**/*.html"))
    kill_build_when(group_copy, output, written, *day)
    assert tree(output) == before
    again = run_pelican(group_copy, output, *day)
    assert again.returncode == 0, again.stderr
    clean = run_pelican(group_copy, tmp_path / "clean", *day, "INCREMENTAL_BUILD=false")
    assert clean.returncode == 0, clean.stderr
    assert differences(output, tmp_path / "clean") == []
    page = next((output / "www.qcq.gov.cn").rglob(article.stem + ".html"))
    assert "补充。" in page.read_text(encoding="utf-8")


def test_a_kept_site_changed_in_the_published_output_is_built_again(report, tmp_path):
    """The group's last steps take a kept site as it was published (group.build.manifest
    tree stamps); one whose published folder was changed since is rebuilt, and said."""
    output, runs = tmp_path / "output", []

    def build_site(site, path: Path):
        runs.append(site.id)
        path.mkdir(parents=True)
        (path / "index.html").write_text(site.name, "utf-8")

    build(report, output, build_site, lambda site: "v1")
    page = output / "www.qcq.gov.cn" / "index.html"
    page.write_text("<p>联系 13812345678</p>", "utf-8")  # edited in place on the server
    runs.clear()
    again = build(report, output, build_site, lambda site: "v1")
    assert runs == ["qcq"] and [s.id for s in again.built] == ["qcq"]
    assert page.read_text("utf-8") == "亳州市谯城区人民政府"
    assert again.notes == ["已发布的 www.qcq.gov.cn 目录在上次构建后被改动，已重新生成该站点"]
    runs.clear()
    (output / "sjj.bozhou.gov.cn" / "extra.html").write_text("多出的页面", "utf-8")
    third = build(report, output, build_site, lambda site: "v1")
    assert runs == ["sjj"] and not (output / "sjj.bozhou.gov.cn" / "extra.html").exists()
    assert "sjj.bozhou.gov.cn" in third.notes[0]


def test_the_record_of_a_build_stopped_before_its_swap_is_not_taken(report, tmp_path, monkeypatch):
    """A build stopped after it recorded its site folders but before the swap: the next
    build ignores that record (it names a manifest never published) and keeps the sites
    as published, without calling them changed."""
    from archive_tool.group.build import staging

    output, runs = tmp_path / "output", []

    def build_site(site, path: Path):
        runs.append(site.id)
        path.mkdir(parents=True)
        (path / "index.html").write_text(f"{site.name} {len(runs)}", "utf-8")

    stamps = {site.id: "v1" for site in report.group.published_sites()}
    build(report, output, build_site, lambda site: stamps[site.id])
    before = tree(output)
    stamps["qcq"] = "v2"

    def stopped(new, target):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(staging, "replace_tree", stopped)
        with pytest.raises(KeyboardInterrupt):
            build(report, output, build_site, lambda site: stamps[site.id])
    assert tree(output) == before
    stamps["qcq"] = "v1"  # back to what is published
    runs.clear()
    again = build(report, output, build_site, lambda site: stamps[site.id])
    assert runs == [] and not again.notes and tree(output) == before
