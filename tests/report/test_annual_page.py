"""The report's files: every count in the HTML links to its item list and the list backs the
figure; no script, nothing loaded from elsewhere, citizens' text escaped; JSON, CSV and .xlsx
say the same; the same content gives the same bytes."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import lxml.html
import openpyxl
import pytest
from annual_helpers import AS_OF, SITES, YEAR, demo_reports  # noqa: F401
from conftest import DEMO_CONTENT, archive_tool

from archive_tool.content.loader import load_content
from archive_tool.group.rules.check import check_content
from archive_tool.report.annual import group_reports, site_report_page
from archive_tool.report.page import site_document


def page(folder, name):
    return lxml.html.fromstring((folder / name).read_bytes())


def figure(cell) -> str:
    """The number a value cell shows, without the link's hidden text and the unit."""
    link = cell.find("a")
    return (link.text or "").strip()


@pytest.mark.parametrize("site", SITES)
def test_every_count_links_to_the_list_that_backs_it(demo_reports, site):  # noqa: F811
    root = page(demo_reports, f"{site}-{YEAR}.html")
    data = json.loads((demo_reports / f"{site}-{YEAR}.json").read_text(encoding="utf-8"))
    counted = [f for f in data["fields"] if f["source"] == "computed"]
    rows = root.xpath("//tr[starts-with(@id, 'row-')]")
    assert len(rows) == len(counted) > 15
    for row in rows:
        cell = row.xpath("./td[@data-label='数据']")[0]
        target = cell.find("a").get("href")
        assert target == "#" + row.get("id").replace("row-", "list-")
        (listing,) = root.xpath(f"//section[@id='{target[1:]}']")
        items = listing.xpath("./ol/li")
        shown = figure(cell)
        how = listing.xpath("./p[@class='note']")[0].text
        if "清单条数" in how:
            assert int(shown) == len(items), target
        elif "之和" in how:
            assert int(shown) == sum(int(li.get("data-amount", 0)) for li in items), target
        elif "平均值" in how:
            amounts = [int(li.get("data-amount")) for li in items]
            assert shown == (f"{sum(amounts) / len(amounts):.1f}" if amounts else "—"), target
        else:
            assert shown == ("是" if items else "否"), target
        assert listing.xpath(f".//a[@href='#{row.get('id')}']"), "a way back to the row"
        if not items:
            assert listing.xpath("./p[text()='无']")


def test_the_lists_link_to_the_pages_on_the_site(demo_reports):  # noqa: F811
    root = page(demo_reports, f"bozhou-{YEAR}.html")
    links = root.xpath("//section[@id='list-articles']/ol/li/a/@href")
    assert links and all(link.startswith("https://www.bozhou.gov.cn/") for link in links)
    assert "https://www.bozhou.gov.cn/zwdt/202611/2026-11-20-changwuhuiyi.html" in links
    letters = root.xpath("//section[@id='list-letters-received']/ol/li/a/@href")
    assert "https://www.bozhou.gov.cn/letters/2026-0001.html" in letters


def test_the_list_links_are_the_pages_the_build_writes(demo_build, demo_reports):  # noqa: F811
    for site in SITES:
        data = json.loads((demo_reports / f"{site}-{YEAR}.json").read_text(encoding="utf-8"))
        domain = data["site"]["domain"]
        for entry in data["fields"]:
            for item in entry.get("items", []):
                if item["url"]:
                    path = item["url"].removeprefix(f"https://{domain}/")
                    assert (demo_build.output / domain / path).is_file(), item["url"]


@pytest.mark.parametrize("name", [f"{s}-{YEAR}.html" for s in SITES] + [f"group-{YEAR}.html"])
def test_no_script_and_nothing_loaded_from_elsewhere(demo_reports, name):  # noqa: F811
    root = page(demo_reports, name)
    assert root.xpath("//script | //link | //img | //iframe | //object | //@src") == []
    assert not [a for a in root.xpath("//@*") if a.attrname.lower().startswith("on")]
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in policy
    assert root.xpath("//html/@lang") == ["zh-CN"]


def test_the_group_summary_adds_up_and_links_to_the_sites(demo_reports):  # noqa: F811
    summary = json.loads((demo_reports / f"group-{YEAR}.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in summary["sites"]] == list(SITES)
    reports = {
        s: json.loads((demo_reports / f"{s}-{YEAR}.json").read_text(encoding="utf-8"))
        for s in SITES
    }
    rows = {row["key"]: row for row in summary["fields"]}
    for key in ("信息发布.总数", "互动交流.留言办理.收到留言数量", "网站基本信息.网站总访问量"):
        values = [
            next(f["value"] for f in r["fields"] if f["key"] == key) for r in reports.values()
        ]
        assert rows[key]["total"] == sum(values)
    root = page(demo_reports, f"group-{YEAR}.html")
    assert f"bozhou-{YEAR}.html#list-articles" in root.xpath("//td/a/@href")


def test_csv_and_xlsx_carry_every_field(demo_reports):  # noqa: F811
    data = json.loads((demo_reports / f"qcq-{YEAR}.json").read_text(encoding="utf-8"))
    raw = (demo_reports / f"qcq-{YEAR}.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads the Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["分组", "项目", "数据"]
    assert len(rows) - 1 == len(data["fields"])
    book = openpyxl.load_workbook(demo_reports / f"qcq-{YEAR}.xlsx")
    sheet = [list(r) for r in book["年度工作报表"].iter_rows(values_only=True)]
    assert len(sheet) == len(rows)
    total = next(r for r in sheet if r[0] == "信息发布" and r[1] == "总数")
    assert total[2] == next(f["value"] for f in data["fields"] if f["key"] == "信息发布.总数")
    items = sum(len(f.get("items", [])) for f in data["fields"])
    assert book["统计明细"].max_row - 1 == items


def test_the_same_content_gives_the_same_bytes(demo_reports, tmp_path):  # noqa: F811
    again = tmp_path / "again"
    result = archive_tool("annual-report", YEAR, DEMO_CONTENT, "-o", again, "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in demo_reports.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert len(names) == 4 * (len(SITES) + 1)
    for name in names:
        assert (again / name).read_bytes() == (demo_reports / name).read_bytes(), name


def test_citizens_text_is_escaped(group_copy):
    path = group_copy / "bozhou/letters/2026-0002.yaml"
    text = path.read_text(encoding="utf-8").splitlines()
    text = [
        '标题: "<script>alert(1)</script><img src=x onerror=alert(2)>"'
        if line.startswith("标题:")
        else line
        for line in text
    ]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    report = check_content(load_content(group_copy), date(2026, 12, 31))
    (result,), _ = group_reports(report, YEAR, date(2026, 12, 31), ["bozhou"])
    html = site_document(result)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_build_gets_the_page_of_a_completed_year():
    report = check_content(load_content(DEMO_CONTENT), date(2027, 1, 5))
    portal = report.group.sites["bozhou"]
    annual = site_report_page(report, portal, YEAR)
    assert annual.path == f"ndbb/{YEAR}.html"
    assert annual.title == "亳州市人民政府门户网站2026年度工作报表"
    assert sorted(annual.downloads) == [f"ndbb/bozhou-{YEAR}.{s}" for s in ("csv", "json", "xlsx")]
    root = lxml.html.fragment_fromstring(annual.html, create_parent="div")
    assert "../zwdt/202611/2026-11-20-changwuhuiyi.html" in root.xpath("//li/a/@href")
    assert f"bozhou-{YEAR}.xlsx" in root.xpath("//p[@class='downloads']/a/@href")
    assert "统计期间：2026年1月1日至2026年12月31日" in annual.html
    assert site_report_page(report, report.group.sites["mcx"], YEAR) is None  # no figures
