"""The whole group build called as plain Python (group.build.pipeline), without a `pelican` process:
the group run's work is the core's; only each site's own run is Pelican's, in its worker."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from pelican.settings import read_settings

from archive_tool.errors import ToolkitError
from archive_tool.group.build.groupfiles import BUILD_REPORT
from archive_tool.group.build.pipeline import build_whole_group, check_for_build, refuse_unpublishable
from archive_tool.report.annual import previous_year_page

sys.path.insert(0, str(REPO / "plugins"))  # the plugin is not an installed package
from sitegroup import WORKER

TODAY = date(2026, 11, 26)


def test_the_core_builds_the_whole_group_into_its_output(group_copy: Path, tmp_path, capsys):
    settings = read_settings(str(REPO / "pelicanconf.py"))
    report = check_for_build(group_copy, settings["THEME"], TODAY)
    refuse_unpublishable(report)
    output = tmp_path / "output"
    annual = {s.id: previous_year_page(report, s, TODAY) for s in report.group.published_sites()}

    build = build_whole_group(
        report, group_copy, output, settings["THEME"], settings, TODAY, WORKER, annual
    )

    domains = {str(site.domain) for site in build.sites}
    assert len(domains) == 5 and not build.kept
    for domain in domains:
        assert (output / domain / "index.html").is_file()
        assert (output / domain / "pagefind").is_dir()  # the worker indexed it
    index = (output / "index.html").read_text(encoding="utf-8")  # the theme's group_index.html
    assert settings["SITENAME"] in index
    assert all(domain in index for domain in domains)
    assert (output / BUILD_REPORT).is_file() and (output / "build-manifest.json").is_file()
    # No staging left; the parsed articles kept for the next build (group.build.contentcache).
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.cache", "content", "output"]
    assert "网站群构建完成：5 个站点" in capsys.readouterr().out


def test_a_group_that_breaks_a_rule_is_refused_before_anything_is_built(group_copy: Path):
    site = group_copy / "qcq" / "site.yaml"
    data = yaml.safe_load(site.read_text(encoding="utf-8"))
    data["domain"] = "www.bozhou.gov.cn"  # the portal's domain: two sites cannot share one
    site.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = check_for_build(group_copy, str(REPO / "themes" / "gov"), TODAY)
    with pytest.raises(ToolkitError, match="www.bozhou.gov.cn"):
        refuse_unpublishable(report)
