"""The reports as files for submission upward: JSON (every field with its items), CSV (one
row per field, UTF-8 with a BOM so that Excel reads the Chinese) and .xlsx (the figures
and, on a second sheet, the items). The same report gives the same bytes."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from .fields import YESNO
from .model import GroupSummary, SiteReport
from .page import value_text

SITE_HEADER = ("分组", "项目", "数据", "单位", "数据来源", "明细条数", "字段名称已核实")
ITEM_HEADER = ("项目", "标题", "日期", "网址", "来源文件", "说明")


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def site_json(report: SiteReport) -> bytes:
    fields = []
    for entry in report.entries:
        item = entry.field
        record = {
            "key": item.key,
            "section": item.section,
            "name": item.label,
            "unit": item.unit,
            "source": item.source,
            **({"source_detail": entry.source} if entry.source else {}),
            "type": item.type,
            "confirmed": item.confirmed,
            "value": _plain(entry.value),
        }
        if entry.count is not None:
            record["how"] = entry.count.how
            record["items"] = [
                {
                    "title": thing.title,
                    "date": _plain(thing.day),
                    "url": f"{report.origin}/{thing.path}" if thing.path else None,
                    "file": thing.file,
                    "note": thing.note,
                    **({"amount": thing.amount} if entry.count.how in ("sum", "mean") else {}),
                }
                for thing in entry.count.items
            ]
        fields.append(record)
    data = {
        "title": report.title,
        "year": report.year,
        "as_of": report.as_of.isoformat(),
        "site": {"id": report.site_id, "name": report.site_name, "domain": report.domain},
        "figures_file": report.figures_file,
        "fields": fields,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def site_rows(report: SiteReport) -> list[list[Any]]:
    rows = [list(SITE_HEADER)]
    for entry in report.entries:
        item = entry.field
        value = (
            entry.value if isinstance(entry.value, (int, float)) else value_text(item, entry.value)
        )
        items = len(entry.count.items) if entry.count is not None else ""
        source = entry.source_label
        confirmed = "是" if item.confirmed else "否"
        rows.append([item.section, item.label, value, item.unit, source, items, confirmed])
    return rows


def item_rows(report: SiteReport) -> list[list[Any]]:
    rows = [list(ITEM_HEADER)]
    for entry in report.entries:
        for thing in entry.count.items if entry.count is not None else ():
            url = f"{report.origin}/{thing.path}" if thing.path else ""
            day = thing.day.isoformat() if thing.day else ""
            rows.append([entry.field.key, thing.title, day, url, thing.file, thing.note])
    return rows


def group_rows(summary: GroupSummary) -> list[list[Any]]:
    rows = [["分组", "项目", "单位", *(r.site_name for r in summary.reports), "合计"]]
    for row in summary.rows:
        item = row.field
        values = [_cell(row.values[r.site_id]) for r in summary.reports]
        unit = item.unit or ("合计为填「是」的网站数" if item.type == YESNO else "")
        rows.append([item.section, item.label, unit, *values, _cell(row.total)])
    return rows


def _cell(value: Any) -> Any:
    return "" if value is None else value


def to_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: dict[str, list[list[Any]]], made: datetime) -> bytes:
    """A workbook with one sheet per entry, the same bytes for the same rows and ``made``."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for column, width in zip("ABCDEFGHIJ", (14, 36, 14, 10, 14, 10, 12, 12, 12, 12)):
            sheet.column_dimensions[column].width = width
    book.properties.creator = "archive-tool annual-report"
    book.properties.created = book.properties.modified = made
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _fixed_times(raw.getvalue(), made)


def _fixed_times(data: bytes, made: datetime) -> bytes:
    """The zip again, every member dated ``made`` (zipfile stamps the time of writing)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=made.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info))
    return out.getvalue()


def _made(day) -> datetime:
    return datetime.combine(day, time())


def site_files(report: SiteReport) -> dict[str, bytes]:
    """``<site>-<year>.json/.csv/.xlsx``."""
    sheets = {"年度工作报表": site_rows(report), "统计明细": item_rows(report)}
    return {
        f"{report.stem}.json": site_json(report),
        f"{report.stem}.csv": to_csv(site_rows(report)),
        f"{report.stem}.xlsx": to_xlsx(sheets, _made(report.as_of)),
    }


def group_json(summary: GroupSummary) -> bytes:
    data = {
        "title": summary.title,
        "year": summary.year,
        "as_of": summary.as_of.isoformat(),
        "sites": [
            {"id": r.site_id, "name": r.site_name, "domain": r.domain} for r in summary.reports
        ],
        "fields": [
            {
                "key": row.field.key,
                "unit": row.field.unit,
                "source": row.field.source,
                "values": {site_id: _plain(value) for site_id, value in row.values.items()},
                "total": row.total,
            }
            for row in summary.rows
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def group_files(summary: GroupSummary) -> dict[str, bytes]:
    """``group-<year>.json/.csv/.xlsx``."""
    rows = group_rows(summary)
    return {
        f"{summary.stem}.json": group_json(summary),
        f"{summary.stem}.csv": to_csv(rows),
        f"{summary.stem}.xlsx": to_xlsx({"汇总": rows}, _made(summary.as_of)),
    }
