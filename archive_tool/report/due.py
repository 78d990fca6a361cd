"""The 年报 deadline (第十条（五））: each site publishes last year's report by 31 January.

``annual_report_due(report, today)`` is a pass over a checked group, like the rules: from
1 January, for every site that was online on 31 December of last year, it reads the
site's figures file for that year and returns

- a warning while January lasts if the file is missing (the report is due),
- after 31 January, a violation if it is still missing (``overdue`` sets its severity:
  an error by default, so that the build fails as issue 16 asks; pass ``WARNING`` to
  list it in the build report only),
- the file's own problems (a missing or misspelt field) as errors at any time: a report
  with a wrong figure must not be published.

Years before ``FIRST_YEAR`` are not asked for: their reports were published by hand.
"""

from __future__ import annotations

from datetime import date

from ..compliance import ERROR, WARNING, Violation
from ..content.registry import Site, display_path
from ..group.rules.check import GroupReport
from ..lifecycle.kinds import OPENED, RETIRED, notices_of
from ..lifecycle.serving import site_state
from .figures import ARTICLE, figures_path, read_figures

DEADLINE = (1, 31)  # 1月31日
# The first year whose report the toolkit compiles; earlier reports were published by hand,
# as articles (content/bozhou/tzgg/2026-01-23-zfwz-ndbb-2025.md).
FIRST_YEAR = 2026


def annual_report_due(
    report: GroupReport, today: date, overdue: str = ERROR, first_year: int = FIRST_YEAR
) -> list[Violation]:
    """What the build reports about last year's 年度工作报表 as of ``today``."""
    year = today.year - 1
    if year < first_year:
        return []
    deadline = date(today.year, *DEADLINE)
    late = today > deadline
    found = []
    for site in sites_online_on(report, date(year, 12, 31)):
        path = figures_path(report.group.root, site.id, year)
        if path.is_file():
            found += read_figures(report.group, site.id, year)[1]  # wrong: always an error
            continue
        if late:
            message = f"{year}年度工作报表应于{today.year}年1月31日前向社会公开，已逾期"
        else:
            message = f"{year}年度工作报表须于{today.year}年1月31日前向社会公开"
        found.append(
            Violation(
                site.id,
                display_path(path, report.group.root),
                "(文件)",
                f"{message}：请填写内容无法统计的数据（格式见 docs/annual-report.md），"
                "构建将据此生成并发布报表",
                ARTICLE,
                overdue if late else WARNING,
            )
        )
    return found


def sites_online_on(report: GroupReport, day: date) -> list[Site]:
    """The sites the group publishes today that were already online on ``day``."""
    notices, _ = notices_of(report.group)
    found = []
    for site in report.group.published_sites():
        state = site_state([n for n in notices if n.site == site.id], day).state
        if state == RETIRED:
            continue
        if site.status == "online" or state == OPENED:
            found.append(site)
    return found
