"""A platform's export read as rows of cells by column header: ``.xlsx`` (openpyxl, read
only) or ``.csv`` (UTF-8, or GB18030 as Chinese spreadsheets save it), bounded.

Row numbers are the ones the user sees: in a spreadsheet its row number (the header is
row 1), in a CSV file its line's record number counted the same way.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..errors import ToolkitError

MAX_BYTES = 64 * 1024 * 1024  # an export of some 100 000 letters
MAX_ROWS = 200_000
ENCODINGS = ("utf-8-sig", "gb18030")


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The header and the rows (row number, header → value) of an export."""
    if not path.is_file():
        raise ToolkitError(f"{path}：文件不存在")
    if path.stat().st_size > MAX_BYTES:
        raise ToolkitError(f"{path}：文件超过 {MAX_BYTES // 1024 // 1024} MB，请分批导出")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx(path)
    elif suffix == ".csv":
        rows = _csv(path)
    else:
        raise ToolkitError(f"{path}：只能导入 .xlsx 或 .csv 文件（.xls 请先另存为 .xlsx）")
    first = next(rows, None)
    if first is None:
        raise ToolkitError(f"{path}：文件是空的，没有表头")
    header = [_cell(value) or "" for value in first]
    header = [str(name).strip() for name in header]

    def body() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, values in enumerate(rows, 2):
            if number > MAX_ROWS + 1:
                raise ToolkitError(f"{path}：超过 {MAX_ROWS} 行，请分批导出")
            cells = [_cell(value) for value in values]
            if all(value in (None, "") for value in cells):
                continue
            yield (
                number,
                {
                    name: cells[i] if i < len(cells) else None
                    for i, name in enumerate(header)
                    if name
                },
            )

    return header, body()


def _xlsx(path: Path) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ToolkitError(f"{path}：不是有效的 .xlsx 文件（{type(error).__name__}）") from None
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def _csv(path: Path) -> Iterator[list[str]]:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ToolkitError(f"{path}：文件编码既不是 UTF-8 也不是 GB18030")
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise ToolkitError(f"{path}：CSV 格式错误：{error}") from None


def _cell(value: Any) -> Any:
    """A cell's value: text stripped, a date or time kept as one."""
    if value is None or isinstance(value, (datetime, date)):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
