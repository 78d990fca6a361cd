"""The figures file (content/<site-id>/annual/<YEAR>.yaml): a missing, misspelt or wrong field
is an error naming the file and the field, with exit 1, no traceback and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from annual_helpers import AS_OF, SITES, YEAR
from conftest import DEMO_CONTENT, REPO, archive_tool

from archive_tool.content.loader import load_content
from archive_tool.content.registry import Group
from archive_tool.report.fields import SUPPLIED, all_fields
from archive_tool.report.figures import read_figures


def figures_file(content: Path, site: str = "qcq") -> Path:
    return content / site / "annual" / f"{YEAR}.yaml"


def edit(content: Path, change, site: str = "qcq") -> None:
    path = figures_file(content, site)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def run(content: Path, tmp_path: Path):
    out = tmp_path / "reports"
    result = archive_tool("annual-report", YEAR, content, "-o", out, "--date", AS_OF)
    return result, out


def problems_after(tmp_path: Path, change) -> str:
    """The problems read_figures finds in the demo's qcq figures file after ``change``."""
    content = tmp_path / "content"
    target = figures_file(content)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(figures_file(DEMO_CONTENT).read_bytes())
    edit(content, change)
    figures, problems = read_figures(Group(root=content), "qcq", YEAR)
    assert figures is None and problems
    assert all(p.file == f"content/qcq/annual/{YEAR}.yaml" for p in problems)
    return "\n".join(str(p) for p in problems)


def assert_refused(result, out: Path, *expected: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert not out.exists(), "nothing is written when a figure is wrong"


@pytest.mark.parametrize("site", SITES)
def test_the_demo_figures_files_are_complete(site):
    figures, problems = read_figures(load_content(DEMO_CONTENT), site, YEAR)
    assert problems == []
    supplied = {f.key for f in all_fields() if f.source == SUPPLIED}
    assert set(figures.values) == supplied


def test_a_missing_field_names_the_file_and_the_field(group_copy, tmp_path):
    edit(group_copy, lambda d: d["安全防护"].pop("发现问题数量"))
    result, out = run(group_copy, tmp_path)
    assert_refused(
        result,
        out,
        f"content/qcq/annual/{YEAR}.yaml",
        "字段「安全防护.发现问题数量」",
        "第十条（五）",
    )


def test_a_missing_section_names_every_field_it_should_hold(tmp_path):
    found = problems_after(tmp_path, lambda d: d.pop("机制保障"))
    assert "字段「机制保障」" in found
    assert "机制保障.专职工作人员数" in found and "机制保障.运维经费" in found


def test_a_misspelt_field_is_reported_with_the_known_one(group_copy, tmp_path):
    def misspell(data):
        data["安全防护"]["安全检测评估次"] = data["安全防护"].pop("安全检测评估次数")

    edit(group_copy, misspell)
    result, out = run(group_copy, tmp_path)
    assert_refused(
        result,
        out,
        "字段「安全防护.安全检测评估次」",
        "是否应为「安全检测评估次数」",
        "字段「安全防护.安全检测评估次数」",  # and the real one is missing
    )


def test_a_counted_or_registered_field_must_not_be_written(tmp_path):
    found = problems_after(tmp_path, lambda d: d.update({"信息发布": {"总数": 999}}))
    assert "字段「信息发布」" in found and "由网站内容自动统计得出" in found
    found = problems_after(tmp_path, lambda d: d["网站基本信息"].update({"ICP备案号": "x"}))
    assert "字段「网站基本信息.ICP备案号」" in found and "site.yaml" in found
    found = problems_after(tmp_path, lambda d: d["互动交流"]["在线访谈"].update({"期数": 3}))
    assert "字段「互动交流.在线访谈.期数」" in found


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("网站基本信息", "网站总访问量", "约2000万", "应为不小于 0 的整数"),
        ("安全防护", "是否开展应急演练", "已开展", "应为「是」或「否」"),
        ("机制保障", "运维经费", -3, "应为不小于 0 的数"),
        ("填报信息", "填报日期", "2027-02-30", "应为日期"),
        ("安全防护", "问题整改数量", 99, "不应大于「安全防护.发现问题数量」"),
    ],
)
def test_a_wrong_value_is_reported(tmp_path, section, key, value, message):
    found = problems_after(tmp_path, lambda d: d[section].update({key: value}))
    assert f"字段「{section}.{key}」" in found and message in found


def test_a_missing_figures_file_is_named(group_copy, tmp_path):
    figures_file(group_copy, "fgw").unlink()
    result, out = run(group_copy, tmp_path)
    assert_refused(result, out, f"content/fgw/annual/{YEAR}.yaml", "缺少 2026 年度工作报表")


def test_a_broken_or_shapeless_file_is_a_message(tmp_path):
    content = tmp_path / "content"
    path = figures_file(content)
    path.parent.mkdir(parents=True)
    for text, message in (("安全防护: [\n", "YAML 语法错误"), ("- 1\n", "映射")):
        path.write_text(text, encoding="utf-8")
        _, problems = read_figures(Group(root=content), "qcq", YEAR)
        assert [p.field for p in problems] in (["(YAML)"], ["(文件)"])
        assert message in problems[0].message


def test_content_that_fails_the_check_gives_no_report(group_copy, tmp_path):
    (group_copy / "bozhou/zwdt/2026-05-12-minsheng-shishi.md").write_text(
        "Title: 没有公开属性\nDate: 2026-05-12 16:40\n\n正文\n", encoding="utf-8"
    )
    result, out = run(group_copy, tmp_path)
    assert_refused(result, out, "字段「disclosure」")


def test_the_example_in_the_docs_is_a_complete_figures_file(tmp_path):
    docs = (REPO / "docs" / "annual-report.md").read_text(encoding="utf-8")
    example = docs.split("完整格式", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = figures_file(tmp_path / "content")
    path.parent.mkdir(parents=True)
    path.write_text(example, encoding="utf-8")
    figures, problems = read_figures(Group(root=tmp_path / "content"), "qcq", YEAR)
    assert problems == []
    assert set(figures.values) == {f.key for f in all_fields() if f.source == SUPPLIED}
