"""Each indicator on the built output: the demo group aged (dates moved back) and some pages
changed after the build, so that every indicator fires once and only once."""

from __future__ import annotations

import json
import shutil

import pytest
from monitor_helpers import DOMAINS, age, built, counts, run, tamper

from archive_tool.monitor.indicators import INDICATORS, UNREACHABLE

EXPECTED = {
    "首页不更新": ("fgw", "https://fgw.bozhou.gov.cn/", "2026-10-28"),
    "栏目不更新": ("sjj", "https://sjj.bozhou.gov.cn/", "本站此类栏目共 4 个"),
    "严重错误": ("bozhou", "/zwdt/202611/2026-11-20-changwuhuiyi.html", "「毫州」应为「亳州」"),
    "互动回应差": ("bozhou", "/letters/2026-0012.html", "咨询留言"),
    "服务不实用": ("fgw", "/services/qiye-touzi-xiangmu-beian.html", "申请表.txt"),
    "首页链接不可用": ("qcq", "https://www.qcq.gov.cn/", "zwdt/202611/gone.html"),
    "其他页面链接不可用": ("qcq", "qcq-laojiu-xiaoqu-gaizao-2025.html", "files/gone.pdf"),
    "图片无法显示": ("sjj", "/zwdt/", "missing.png"),
    "未标注发布日期": ("qcq", "qiaocheng-gaikuang.html", "PubDate"),
    "栏目更新不及时": ("fgw", "https://fgw.bozhou.gov.cn/zwdt/", "政务动态"),
    "留言办理超期": ("bozhou", "/letters/2026-0011.html", "投诉留言"),
    "办事指南要素不全": ("qcq", "/services/juzhuzheng-banli.html", "缺少联系电话"),
    "找错留言办理超时": ("qcq", "https://www.qcq.gov.cn/", "qcq-2026-0002"),
}


@pytest.fixture(scope="module")
def aged(tmp_path_factory):
    return built(tmp_path_factory, "aged", age, tamper)


@pytest.fixture(scope="module")
def aged_run(aged, tmp_path_factory):
    content, output = aged
    folder = tmp_path_factory.mktemp("aged-report")
    result, files = run(content, output, folder / "report", folder / "整改清单.yaml")
    return result, files, folder


def test_every_built_output_indicator_fires_exactly_once(aged_run):
    result, _, _ = aged_run
    assert counts(result) == dict.fromkeys(EXPECTED, 1)
    assert {i.name for i in INDICATORS} - set(EXPECTED) == {UNREACHABLE.name}  # live: below


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_each_finding_names_its_site_page_and_evidence(aged_run, indicator):
    result, _, _ = aged_run
    site, page, evidence = EXPECTED[indicator]
    (finding,) = [f for s in result.sites for f in s.findings if f.indicator.name == indicator]
    assert finding.site == site
    assert finding.page.startswith(f"https://{DOMAINS[site]}/") and page in finding.page
    assert evidence in finding.evidence
    assert finding.todo


def test_sites_with_a_veto_item_fail_and_get_numbered_items(aged_run):
    result, files, folder = aged_run
    verdicts = {s.site.id: s.verdict for s in result.sites}
    assert verdicts == {"bozhou": "不合格", "fgw": "不合格", "gxq": "合格", "qcq": "合格", "sjj": "不合格"}
    data = json.loads(files["report.json"].read_text("utf-8"))
    numbered = [p for s in data["sites"] for p in s["problems"] if p["number"]]
    assert len(numbered) == 5  # 首页, 栏目, 严重错误, 互动回应, 服务
    assert all(p["category"] == "单项否决" for p in numbered)
    assert {p["number"] for p in numbered} == {f"亳政网整〔2026〕第{n}号" for n in range(1, 6)}
    assert all(p["deadline"] == "2026-12-01" for p in numbered)  # Thu + 3 working days
    ledger = (folder / "整改清单.yaml").read_text("utf-8")
    assert ledger.count("状态: 整改中") == 5
    # The 不合格 verdict leads each failing site's section, before its problems.
    html = files["report.html"].read_text("utf-8")
    heading = html.index("亳州市发展和改革委员会：")
    assert html.index("不合格", heading) < html.index("问题清单", heading)
    # One CSV line per problem, veto first within a site.
    lines = files["report.csv"].read_text("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(EXPECTED)
    assert lines[0].startswith("站点ID,网站名称,结论,指标,类别,页面,证据,整改要求")


def test_a_units_self_check_has_the_same_shape_and_leaves_the_ledger_alone(
    aged, aged_run, tmp_path
):
    content, output = aged
    _, files, folder = aged_run
    ledger = folder / "整改清单.yaml"
    before = ledger.read_bytes()
    result, own = run(content, output, tmp_path / "fgw", ledger, site="fgw")
    assert [s.site.id for s in result.sites] == ["fgw"]
    group = json.loads(files["report.json"].read_text("utf-8"))
    data = json.loads(own["report.json"].read_text("utf-8"))
    assert data["scope"] == "site" and data["title"] == "亳州市发展和改革委员会网站自查报告"
    assert data.keys() == group.keys()
    assert data["sites"][0].keys() == group["sites"][0].keys()
    fgw = next(s for s in group["sites"] if s["id"] == "fgw")
    assert data["sites"][0]["problems"] == fgw["problems"]  # numbers shown, not issued
    assert data["ledger"]["updated"] is False
    assert ledger.read_bytes() == before


def test_a_missing_home_page_in_the_output_is_unreachable(aged, tmp_path):
    content, output = aged
    copy = tmp_path / "output"
    shutil.copytree(output, copy)
    shutil.rmtree(copy / DOMAINS["sjj"])
    result, _ = run(content, copy, tmp_path / "report", None)
    sjj = next(s for s in result.sites if s.site.id == "sjj")
    assert [f.indicator.name for f in sjj.findings] == ["站点无法访问"]
    assert "首页不存在，页面类指标本次未检查" in sjj.notes
    assert counts(result)["站点无法访问"] == 1


def test_rules_and_monitoring_docs_list_every_indicator():
    from conftest import REPO

    rules = (REPO / "docs" / "rules.md").read_text("utf-8")
    section = rules[rules.index("## Monitoring indicators (`archive-tool monitor`)") :]
    for indicator in INDICATORS:
        assert f"| {indicator.name} | {indicator.category} |" in section, indicator.name
    monitoring = (REPO / "docs" / "monitoring.md").read_text("utf-8")
    assert "## 政务公开办使用说明" in monitoring and "08:30" in monitoring
