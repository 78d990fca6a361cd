"""Each registry rule, broken on purpose in a copy of the demo group, through a real build.

Every failing build must exit non-zero, name site, file, field and article in Chinese,
print no traceback and leave the previous output exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import archive_tool, run_pelican

SENTINEL = "上一次构建的输出"


def edit_site(content: Path, site_id: str, **changes) -> None:
    """Change (or with None, remove) fields of a site.yaml."""
    path = content / site_id / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def previous_output(tmp_path: Path) -> Path:
    output = tmp_path / "output"
    (output / "www.bozhou.gov.cn").mkdir(parents=True)
    (output / "www.bozhou.gov.cn" / "index.html").write_text(SENTINEL, encoding="utf-8")
    return output


def assert_refused(content: Path, tmp_path: Path, *expected: str) -> str:
    output = previous_output(tmp_path)
    result = run_pelican(content, output)
    assert result.returncode != 0
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert "构建失败" in result.stderr
    # The previous output is untouched and no staging folder is left behind.
    assert sorted(p.name for p in output.iterdir()) == ["www.bozhou.gov.cn"]
    assert (output / "www.bozhou.gov.cn" / "index.html").read_text(encoding="utf-8") == SENTINEL
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output")] == []
    return result.stderr


def test_missing_icp_is_refused(group_copy, tmp_path):
    edit_site(group_copy, "fgw", ICP备案号=None)
    assert_refused(
        group_copy,
        tmp_path,
        "content/fgw/site.yaml",
        "站点「fgw」",
        "字段「ICP备案号」",
        "第五条（三）",
        "未完成管理备案的网站不得上线运行",
    )


def test_department_domain_outside_parent_is_refused(group_copy, tmp_path):
    edit_site(group_copy, "fgw", domain="fgw.example.gov.cn")
    assert_refused(
        group_copy,
        tmp_path,
        "content/fgw/site.yaml",
        "字段「domain」",
        "第五条（四）",
        "<部门简称拼音>.bozhou.gov.cn",
        "fgw.example.gov.cn",
    )


def test_department_name_must_equal_sponsor(group_copy, tmp_path):
    edit_site(group_copy, "sjj", name="亳州市数据局网站")
    assert_refused(
        group_copy,
        tmp_path,
        "站点「sjj」",
        "字段「name」",
        "第五条（四）",
        "应为「亳州市数据资源管理局」",
    )


def test_portal_sponsor_must_be_its_governments_office(group_copy, tmp_path):
    edit_site(group_copy, "qcq", 主办单位="亳州市谯城区数据资源管理局")
    assert_refused(
        group_copy,
        tmp_path,
        "站点「qcq」",
        "字段「主办单位」",
        "第五条（二）",
        "亳州市谯城区人民政府办公室",
    )


def test_one_site_per_sponsoring_unit(group_copy, tmp_path):
    twin = group_copy / "fgw2"
    twin.mkdir()
    text = (group_copy / "fgw" / "site.yaml").read_text(encoding="utf-8")
    (twin / "site.yaml").write_text(
        text.replace("fgw.bozhou.gov.cn", "fzggw.bozhou.gov.cn").replace(
            "3416000002", "3416000009"
        ),
        encoding="utf-8",
    )
    stderr = assert_refused(group_copy, tmp_path, "字段「主办单位」", "第五条（一）")
    line = next(line for line in stderr.splitlines() if "一家单位最多开设一个网站" in line)
    assert "content/fgw2/site.yaml" in line and "已开设网站「fgw」" in line


def test_no_department_site_under_a_county_portal(group_copy, tmp_path):
    dept = group_copy / "qcqjyj"
    dept.mkdir()
    (dept / "site.yaml").write_text(
        (group_copy / "fgw" / "site.yaml")
        .read_text(encoding="utf-8")
        .replace("parent: bozhou", "parent: qcq")
        .replace("亳州市发展和改革委员会", "亳州市谯城区教育局")
        .replace("fgw.bozhou.gov.cn", "jyj.qcq.gov.cn")
        .replace("3416000002", "3416000010"),
        encoding="utf-8",
    )
    assert_refused(
        group_copy,
        tmp_path,
        "content/qcqjyj/site.yaml",
        "字段「parent」",
        "第五条（一）",
        "县区政府部门原则上不得单独开设网站",
    )


def test_portal_domain_is_fixed(group_copy, tmp_path):
    edit_site(group_copy, "bozhou", domain="bozhou.gov.cn")
    assert_refused(
        group_copy,
        tmp_path,
        "站点「bozhou」",
        "字段「domain」",
        "第五条（四）",
        "主站应为「www.bozhou.gov.cn」",
    )


def test_county_domain_uses_pinyin_initials(group_copy, tmp_path):
    edit_site(group_copy, "qcq", domain="www.qiaocheng.gov.cn")
    assert_refused(
        group_copy,
        tmp_path,
        "站点「qcq」",
        "字段「domain」",
        "第五条（四）",
        "应为「www.qcq.gov.cn」",
    )


def test_county_domain_reads_place_names_as_places():
    # 涡阳 is read Guōyáng: its portal's initials are gyx, not wyx (涡 as in 旋涡).
    from archive_tool.domains import county_portal_domain

    assert [county_portal_domain(name) for name in ("涡阳县", "蒙城县", "利辛县")] == [
        "www.gyx.gov.cn",
        "www.mcx.gov.cn",
        "www.lxx.gov.cn",
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("site_code", "341600002", "网站标识码应为10位数字"),
        ("site_code", "3416020002", "前6位应为本地区行政区划代码 341600"),
        ("ICP备案号", "京ICP备99990003号-1", "皖ICP备<数字>号"),
        ("公安机关备案号", "皖公网安备34160202000003号", "皖公网安备 <14位数字>号"),
        ("cn_domain", "亳州市发展和改革委员会.cn", "以「.政务」结尾"),
        (
            "cn_domain",
            "亳州市数据资源管理局.政务",
            "应为单位名称加「.政务」：「亳州市发展和改革委员会.政务」",
        ),
        ("cn_domain", "发改委.政务", "实为「发改委.政务」"),
    ],
)
def test_filing_formats(group_copy, tmp_path, field, value, expected):
    edit_site(group_copy, "fgw", **{field: value})
    assert_refused(group_copy, tmp_path, "站点「fgw」", f"字段「{field}」", expected, value)


def test_a_county_portal_may_use_its_place_as_its_chinese_domain(group_copy, tmp_path):
    edit_site(group_copy, "qcq", cn_domain="亳州市谯城区.政务")
    checked = archive_tool("check", group_copy)
    assert checked.returncode == 0, checked.stderr
    edit_site(group_copy, "qcq", cn_domain="蒙城县.政务")
    assert_refused(
        group_copy, tmp_path, "站点「qcq」", "字段「cn_domain」", "「亳州市谯城区人民政府.政务」或"
    )


def test_required_fields_are_named(group_copy, tmp_path):
    edit_site(group_copy, "sjj", 承办单位=None, contact={"phone": "0558-5300000"})
    assert_refused(
        group_copy,
        tmp_path,
        "字段「承办单位」",
        "第五条（二）",
        "字段「contact.email」",
        "字段「contact.address」",
    )


def test_every_violation_of_every_site_is_listed_at_once(group_copy, tmp_path):
    edit_site(group_copy, "fgw", ICP备案号=None)
    edit_site(group_copy, "qcq", domain="www.qiaocheng.gov.cn")
    stderr = assert_refused(group_copy, tmp_path, "站点「fgw」", "站点「qcq」")
    assert "发现 2 处不合规问题" in stderr


def test_column_without_owner_and_missing_required_column(group_copy, tmp_path):
    path = group_copy / "sjj" / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["columns"] = [c for c in data["columns"] if c["name"] != "政策解读"]
    data["columns"][0]["owner"] = ""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for md in (group_copy / "sjj" / "zcjd").glob("*.md"):
        md.unlink()
    assert_refused(
        group_copy,
        tmp_path,
        "缺少栏目责任人",
        "第十条（一）",
        "缺少必需栏目「政策解读」",
        "第七条（二）",
    )


def test_malformed_yaml_names_the_line(group_copy, tmp_path):
    path = group_copy / "fgw" / "site.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "contact: [unclosed\n", encoding="utf-8")
    assert_refused(group_copy, tmp_path, "content/fgw/site.yaml", "YAML 语法错误", "行")


def test_article_without_date_is_refused(group_copy, tmp_path):
    article = next((group_copy / "fgw" / "zwdt").glob("*.md"))
    lines = article.read_text(encoding="utf-8").splitlines(keepends=True)
    article.write_text(
        "".join(line for line in lines if not line.startswith("Date:")), encoding="utf-8"
    )
    assert_refused(
        group_copy, tmp_path, f"content/fgw/zwdt/{article.name}", "字段「Date」", "缺少发布日期"
    )


def test_pending_site_is_warned_about_and_not_published(group_copy, tmp_path):
    output = tmp_path / "output"
    result = run_pelican(group_copy, output)
    assert result.returncode == 0, result.stderr
    assert "警告" in result.stderr and "站点「mcx」" in result.stderr
    assert "缺少公安机关备案号、党政机关网站标识" in result.stderr
    assert not (output / "www.mcx.gov.cn").exists()
    index = (output / "index.html").read_text(encoding="utf-8")
    assert "蒙城县人民政府" in index and "待上线" in index
