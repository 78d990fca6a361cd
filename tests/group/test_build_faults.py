"""A build that cannot be written whole replaces nothing: a full disk is a clear message."""

from __future__ import annotations

import errno
from datetime import date
from pathlib import Path

import pytest
from conftest import DEMO_CONTENT

from archive_tool.errors import ToolkitError
from archive_tool.group.build import build_group
from archive_tool.group.check import check_group


@pytest.fixture(scope="module")
def report():
    return check_group(DEMO_CONTENT, date(2026, 11, 26))


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


def test_an_empty_index_file_keeps_the_previous_output(report, previous: Path):
    def build_site(site, path: Path):
        (path / "pagefind").mkdir(parents=True)
        (path / "index.html").write_text("<html></html>", "utf-8")
        (path / "pagefind" / "a.pf_fragment").touch()  # what a full disk leaves

    with pytest.raises(ToolkitError, match="构建结果不完整.*a.pf_fragment.*磁盘空间可能不足"):
        build_group(report, previous, build_site, lambda staging: None)
    assert untouched(previous)


def test_a_full_disk_is_named_and_keeps_the_previous_output(report, previous: Path):
    def build_site(site, path: Path):
        path.mkdir(parents=True)
        raise OSError(errno.ENOSPC, "No space left on device", str(path / "index.html"))

    with pytest.raises(ToolkitError, match="磁盘空间不足，构建结果无法写完") as caught:
        build_group(report, previous, build_site, lambda staging: None)
    assert "No space left" not in str(caught.value)
    assert untouched(previous)


def test_a_whole_build_replaces_the_output(report, previous: Path):
    def build_site(site, path: Path):
        path.mkdir(parents=True)
        (path / "index.html").write_text(site.name, "utf-8")

    sites = build_group(report, previous, build_site, lambda staging: None)
    assert (previous / "www.bozhou.gov.cn" / "index.html").read_text("utf-8") == "亳州市人民政府"
    assert len(sites) == 4 and sorted(p.name for p in previous.parent.iterdir()) == ["output"]
