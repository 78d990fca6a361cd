"""The monitoring report: one data structure, written as report.json, report.csv and report.html.

The report goes to a folder the user names, never into a site's public output (the
build output folder, or a site's content folder). Each file is written to a temporary
name and renamed, so a failed run leaves the previous report whole. One line per problem:
the page, the indicator, the evidence and what to do; a site with any 单项否决 item is
marked 不合格 at the top.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

from ..errors import ToolkitError
from .indicators import INDICATORS
from .ledger import MODES, replace_file
from .run import MonitorResult, Options

REPORT_FILES = ("report.html", "report.json", "report.csv")
CSV_COLUMNS = (
    "站点ID",
    "网站名称",
    "结论",
    "指标",
    "类别",
    "页面",
    "证据",
    "整改要求",
    "依据",
    "整改编号",
    "整改期限",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell a spreadsheet would evaluate
ORDER = {indicator.name: number for number, indicator in enumerate(INDICATORS)}


def check_report_dir(report_dir: Path, options: Options) -> Path:
    """The report folder, refused when it (or the visit log) lies in what the sites publish."""
    target = Path(report_dir).resolve()
    if target.exists() and not target.is_dir():
        raise ToolkitError(f"{report_dir} 不是目录")
    forbidden = [Path(options.build_dir).resolve()]
    content = Path(options.content_root).resolve()
    if content.is_dir():
        forbidden += [
            folder for folder in content.iterdir() if folder.is_dir() and folder.name[0] not in "_."
        ]
    wanted = [(report_dir, target)]
    if options.visits_file is not None:
        wanted.append((options.visits_file, Path(options.visits_file).resolve()))
    for shown, path in wanted:
        for folder in forbidden:
            if path == folder or folder in path.parents:
                raise ToolkitError(
                    f"{shown} 位于网站发布的内容中（{folder}），监测报告和访问记录不能公开发布；"
                    "请换一个目录，例如 reports/2026-11"
                )
    return target


def report_data(result: MonitorResult) -> dict:
    options = result.options
    sites = []
    for site_result in result.sites:
        problems = sorted(
            site_result.findings,
            key=lambda f: (not f.veto, ORDER[f.indicator.name], f.page, f.evidence),
        )
        counts = {}
        for finding in problems:
            counts[finding.indicator.name] = counts.get(finding.indicator.name, 0) + 1
        sites.append(
            {
                "id": site_result.site.id,
                "name": site_result.site.name,
                "domain": site_result.site.domain,
                "unit": site_result.site.get("主办单位") or site_result.site.name,
                "home": site_result.home,
                "verdict": site_result.verdict,
                "veto": sum(f.veto for f in problems),
                "deduction": sum(not f.veto for f in problems),
                "pages": site_result.pages,
                "visits": site_result.visits,
                "counts": counts,
                "problems": [_problem(result, finding) for finding in problems],
                "rectification": [_item(item) for item in site_result.items],
                "notes": site_result.notes,
            }
        )
    name = result.sites[0].site.name if options.site and result.sites else ""
    return {
        "title": f"{name}网站自查报告" if name else "亳州市政府网站群监测报告",
        "date": result.today.isoformat(),
        "generated": result.generated.isoformat(timespec="seconds"),
        "mode": options.mode,
        "mode_label": MODES[options.mode],
        "source": options.url_pattern if options.live else str(options.build_dir),
        "scope": result.scope,
        "summary": {
            "sites": len(sites),
            "failed": sum(site["verdict"] == "不合格" for site in sites),
            "veto": sum(site["veto"] for site in sites),
            "deduction": sum(site["deduction"] for site in sites),
        },
        "sites": sites,
        "ledger": _ledger(result),
        "indicators": [
            {
                "name": i.name,
                "category": i.category,
                "basis": i.basis,
                "threshold": i.threshold,
            }
            for i in INDICATORS
        ],
        "limits": asdict(options.limits) | {"skip_hosts": sorted(options.limits.skip_hosts)},
        "notes": result.notes,
    }


def _problem(result: MonitorResult, finding) -> dict:
    item = result.numbers.get(finding.key) if finding.veto else None
    return {
        "indicator": finding.indicator.name,
        "category": finding.indicator.category,
        "page": finding.page,
        "evidence": finding.evidence,
        "action": finding.todo,
        "basis": finding.indicator.basis,
        "number": item.number if item else "",
        "deadline": item.deadline.isoformat() if item else "",
        "key": finding.key,
    }


def _item(item) -> dict:
    return {
        "number": item.number,
        "indicator": item.indicator,
        "page": item.page,
        "evidence": item.evidence,
        "issued": item.issued.isoformat(),
        "deadline": item.deadline.isoformat(),
        "status": item.shown_status,
        "closed": item.closed.isoformat() if item.closed else "",
    }


def _ledger(result: MonitorResult) -> dict:
    ledger = result.ledger
    if ledger is None:
        return {"file": "", "updated": False}
    data = {"file": ledger.shown, "updated": result.writes_ledger}
    for what, items in result.changes.items():
        data[what] = [item.number for item in items]
    return data


def csv_text(data: dict) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for site in data["sites"]:
        for problem in site["problems"]:
            row = (
                site["id"],
                site["name"],
                site["verdict"],
                problem["indicator"],
                problem["category"],
                problem["page"],
                problem["evidence"],
                problem["action"],
                problem["basis"],
                problem["number"],
                problem["deadline"],
            )
            writer.writerow([_cell(value) for value in row])
    return stream.getvalue()


def _cell(value) -> str:
    """
    >>> _cell("=HYPERLINK(1)"), _cell("首页")
    ("'=HYPERLINK(1)", '首页')
    """
    text = str(value or "")
    return "'" + text if text.startswith(FORMULA_START) else text


def write_report(result: MonitorResult, report_dir: Path) -> dict[str, Path]:
    """Write the three files into ``report_dir`` (created); returns them by name."""
    from .htmlreport import render_html

    data = report_data(result)
    texts = {
        "report.json": json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        "report.csv": "\ufeff" + csv_text(data),  # with a BOM: spreadsheets read it as UTF-8
        "report.html": render_html(data),
    }
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, text in texts.items():
        written[name] = replace_file(report_dir / name, text)
    return written


def monitor_and_report(
    options: Options, report_dir: Path, progress=lambda _: None
) -> tuple[MonitorResult, dict[str, Path]]:
    """Check the report folder, run the monitor, write the report, then the 整改清单."""
    from .ledger import write_ledger
    from .run import monitor

    report_dir = check_report_dir(report_dir, options)
    if options.live and options.visits_file is None:
        options.visits_file = report_dir / "visits.jsonl"
    result = monitor(options, progress)
    files = write_report(result, report_dir)
    if result.writes_ledger:
        write_ledger(result.ledger)
    return result, files
