"""第十条（五）: last year's report is due by 31 January; the check the build can run."""

from __future__ import annotations

import shutil
from datetime import date

from annual_helpers import SITES, YEAR
from conftest import DEMO_CONTENT

from archive_tool.compliance import ERROR, WARNING
from archive_tool.content.loader import load_content
from archive_tool.group.rules.check import check_content
from archive_tool.report.annual import previous_year_page
from archive_tool.report.due import annual_report_due


def due(content, today, **options):
    return annual_report_due(check_content(load_content(content), today), today, **options)


def without_figures(group_copy):
    for site in SITES:
        shutil.rmtree(group_copy / site / "annual")
    return group_copy


def test_with_every_figures_file_nothing_is_due():
    assert due(DEMO_CONTENT, date(2027, 1, 5)) == []
    assert due(DEMO_CONTENT, date(2027, 2, 1)) == []


def test_in_january_a_missing_file_is_a_warning_for_each_online_site(group_copy):
    found = due(without_figures(group_copy), date(2027, 1, 5))
    assert sorted(v.site for v in found) == sorted(SITES)  # not mcx: it was never online
    assert {v.severity for v in found} == {WARNING}
    assert all(v.article == "第十条（五）" for v in found)
    assert all(v.file == f"content/{v.site}/annual/{YEAR}.yaml" for v in found)
    assert "须于2027年1月31日前向社会公开" in found[0].message


def test_after_31_january_it_is_an_error_unless_asked_to_warn(group_copy):
    content = without_figures(group_copy)
    assert {v.severity for v in due(content, date(2027, 1, 31))} == {WARNING}
    late = due(content, date(2027, 2, 1))
    assert len(late) == len(SITES) and {v.severity for v in late} == {ERROR}
    assert "已逾期" in late[0].message and "第十条（五）" in str(late[0])
    assert {v.severity for v in due(content, date(2027, 2, 1), overdue=WARNING)} == {WARNING}


def test_a_wrong_figures_file_is_an_error_at_once(group_copy):
    path = group_copy / "fgw" / "annual" / f"{YEAR}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("运维经费", "运维费用"), "utf-8")
    found = due(group_copy, date(2027, 1, 5))
    assert [(v.site, v.field, v.severity) for v in found] == [
        ("fgw", "机制保障.运维费用", ERROR),
        ("fgw", "机制保障.运维经费", ERROR),
    ]


def test_years_before_the_first_compiled_one_are_not_asked_for(group_copy):
    assert due(without_figures(group_copy), date(2026, 11, 26)) == []  # 2025: by hand


def test_the_build_publishes_last_years_report_from_1_january():
    report = check_content(load_content(DEMO_CONTENT), date(2027, 1, 1))
    page = previous_year_page(report, report.group.sites["qcq"], date(2027, 1, 1))
    assert page.year == YEAR and page.path == "ndbb/2026.html"
    report = check_content(load_content(DEMO_CONTENT), date(2026, 12, 31))
    assert previous_year_page(report, report.group.sites["qcq"], date(2026, 12, 31)) is None
