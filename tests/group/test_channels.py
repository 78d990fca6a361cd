"""互动 channels (第七条（三）（四）, 第十条（四）) as a citizen sees them on the built demo, and
the build failing, citing the article, where a channel the rules need is missing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from conftest import DEMO_CONTENT, run_pelican
from lxml import html as lxml_html

from archive_tool.group.rules.check import check_group

INTAKE = "https://hudong.bozhou.gov.cn"
TODAY = date(2026, 11, 26)


def site_yaml(content: Path, site: str) -> dict:
    return yaml.safe_load((content / site / "site.yaml").read_text(encoding="utf-8"))


def write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def links(path: Path) -> dict[str, str]:
    tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
    return {" ".join(a.text_content().split()): a.get("href") for a in tree.iter("a")}


def published_sites(content: Path) -> list[tuple[str, dict]]:
    found = []
    for folder in sorted(content.iterdir()):
        if (folder / "site.yaml").is_file():
            data = site_yaml(content, folder.name)
            if data.get("status") == "online":
                found.append((folder.name, data))
    return found


def errors_of(content: Path, rule_field: str) -> list:
    return [v for v in check_group(content, TODAY).errors if v.field == rule_field]


def test_every_site_offers_letters_and_lookup_on_its_own_pages(demo_build):
    sites = published_sites(DEMO_CONTENT)
    assert any(data["type"] == "department" for _, data in sites)
    for site, data in sites:
        root = demo_build.output / data["domain"]
        for page in ("index.html", "sitemap.html"):
            found = links(root / page)
            assert found["我要写信"] == f"{INTAKE}/{site}/letter", (site, page)
            assert found["办理查询"] == f"{INTAKE}/status?site={site}", (site, page)
        home = links(root / "index.html")
        assert home["我要咨询"] == f"{INTAKE}/{site}/letter?type=咨询"
        assert home["我要投诉"] == f"{INTAKE}/{site}/letter?type=投诉"


def test_each_consultation_says_until_when_and_where_to_submit(demo_build):
    folder = DEMO_CONTENT / "bozhou" / "consultations"
    root = demo_build.output / "www.bozhou.gov.cn" / "consultations"
    statuses = set()
    today = date.today()  # the demo build's day
    for path in folder.glob("*.yaml"):
        item = yaml.safe_load(path.read_text(encoding="utf-8"))
        page = root / f"{path.stem}.html"
        text = " ".join(
            lxml_html.fromstring(page.read_text(encoding="utf-8")).text_content().split()
        )
        closes = str(item["截止日期"])
        assert "提交意见" in text and closes in text
        if item["开始日期"] <= today <= item["截止日期"]:
            statuses.add("open")
            assert f"请于 {closes}（含当日）前提交意见" in text
            assert links(page)["在线提交意见"] == f"{INTAKE}/bozhou/opinion/{path.stem}"
        elif today > item["截止日期"]:
            statuses.add("closed")
            assert f"本次征集已于 {closes} 截止" in text
            assert "在线提交意见" not in links(page)
    assert statuses == {"open", "closed"}  # the demo shows both


def test_online_services_link_to_their_item_and_offline_ones_do_not(demo_build):
    seen = set()
    for site, data in published_sites(DEMO_CONTENT):
        for path in sorted((DEMO_CONTENT / site / "services").glob("*.yaml")):
            item = yaml.safe_load(path.read_text(encoding="utf-8"))
            page = demo_build.output / data["domain"] / "services" / f"{path.stem}.html"
            level = item["网上可办理程度"]
            seen.add(level)
            found = links(page)
            if level == "线下办理":
                assert "在线办理" not in found, path
            else:
                code = item["事项编码"]
                assert found["在线办理"] == f"https://zwfw.bozhou.gov.cn/item/{code}", path
    assert seen == {"全程网办", "部分网办", "线下办理"}


def test_without_the_groups_platform_every_site_fails_citing_the_article(group_copy):
    portal = site_yaml(group_copy, "bozhou")
    del portal["互动平台"]
    write_yaml(group_copy / "bozhou" / "site.yaml", portal)
    report = check_group(group_copy, TODAY)
    missing = {v.site: v for v in report.errors if v.field == "互动平台.写信"}
    assert set(missing) == {site for site, _ in published_sites(group_copy)} | {"mcx"}
    assert missing["sjj"].article == "第七条（三）、第十条（四）"
    assert "写信" in missing["sjj"].message
    assert {v.site for v in report.errors if v.field == "互动平台.意见征集"} == {"bozhou"}
    services = [v for v in report.errors if v.field == "在线办理"]
    assert services and all(v.article == "第七条（四）" for v in services)


def test_the_build_fails_naming_the_file_and_article(group_copy, tmp_path):
    portal = site_yaml(group_copy, "bozhou")
    del portal["互动平台"]
    write_yaml(group_copy / "bozhou" / "site.yaml", portal)
    result = run_pelican(group_copy, tmp_path / "out", "-e", 'BUILD_DATE="2026-11-26"')
    shown = result.stdout + result.stderr
    assert result.returncode != 0
    assert "content/fgw/site.yaml" in shown and "互动平台.写信" in shown
    assert "第七条（三）、第十条（四）" in shown
    assert "Traceback" not in shown
    assert not (tmp_path / "out" / "fgw.bozhou.gov.cn").exists()


def test_an_online_item_without_its_code_fails(group_copy):
    path = group_copy / "fgw" / "services" / "qiye-touzi-xiangmu-beian.yaml"
    item = yaml.safe_load(path.read_text(encoding="utf-8"))
    del item["事项编码"]
    write_yaml(path, item)
    (found,) = errors_of(group_copy, "事项编码")
    assert found.file.endswith("fgw/services/qiye-touzi-xiangmu-beian.yaml")
    assert found.article == "第七条（四）" and "全程网办" in found.message
    item["在线办理"] = "https://zwfw.example.gov.cn/beian"  # its own address will do
    write_yaml(path, item)
    assert not errors_of(group_copy, "事项编码")


def test_a_site_names_its_own_platform_over_the_groups(group_copy):
    from archive_tool.content.channels import site_channels
    from archive_tool.content.loader import load_content

    data = site_yaml(group_copy, "qcq")
    data["互动平台"] = {"写信": "https://12345.example.gov.cn/write?from={site}"}
    write_yaml(group_copy / "qcq" / "site.yaml", data)
    group = load_content(group_copy)
    qcq = site_channels(group.sites["qcq"], group.portal)
    assert qcq.get("写信") == "https://12345.example.gov.cn/write?from=qcq"
    assert qcq.get("办理查询") == f"{INTAKE}/status?site=qcq"  # the rest is the group's
    assert site_channels(group.sites["fgw"], group.portal).get("写信") == f"{INTAKE}/fgw/letter"


def test_bad_platform_settings_are_named(group_copy):
    portal = site_yaml(group_copy, "bozhou")
    portal["互动平台"] |= {
        "写信": "hudong.bozhou.gov.cn/letter",
        "投诉": "https://x/{id}",
        "电话": "1",
    }
    write_yaml(group_copy / "bozhou" / "site.yaml", portal)
    report = check_group(group_copy, TODAY)
    fields = {v.field: v.message for v in report.errors if v.site == "bozhou"}
    assert "http:// 或 https://" in fields["互动平台.写信"]
    assert "{id}" in fields["互动平台.投诉"]
    assert "电话" in fields["互动平台.电话"]
