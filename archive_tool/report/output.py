"""Where ``archive-tool annual-report`` writes, and how: every file made in memory first, then
each put in place with a rename, so that a mistake found while counting writes nothing.

The default folder is ``output.annual-reports/<YEAR>/`` beside the build's ``output/``:
never inside it, because the group build replaces ``output/`` as a whole (the reports
would vanish) and whatever lies in a site's folder there is served to the public as it
is. For the same reasons a folder inside a build output (one with the build's
``build-report.txt`` at or above it) or inside the content folder (an .html file there
would be published as an article) is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import ToolkitError
from .model import GroupSummary, SiteReport
from .page import group_document, site_document
from .tables import group_files, site_files

DEFAULT_FOLDER = "output.annual-reports"
BUILD_REPORT = "build-report.txt"  # what the group build writes beside the sites' folders


def default_folder(year: int) -> Path:
    return Path(DEFAULT_FOLDER) / str(year)


def check_target(folder: Path, content_root: Path) -> None:
    """Refuse a folder the build would delete or publish, or the content folder."""
    target = Path(folder).resolve()
    content = Path(content_root).resolve()
    if target == content or content in target.parents:
        raise ToolkitError(
            f"输出目录 {folder} 位于内容目录 {content_root} 中：其中的 HTML 会被当作文章发布，"
            "请改用内容目录之外的目录"
        )
    for candidate in (target, *target.parents):
        if (candidate / BUILD_REPORT).is_file():
            raise ToolkitError(
                f"输出目录 {folder} 位于网站群构建结果 {candidate} 中：下次构建会删除它，"
                "放在站点目录下还会被直接公开。请改用构建结果之外的目录"
                f"（默认：{DEFAULT_FOLDER}/<年份>/）"
            )


def report_files(reports: list[SiteReport], summary: GroupSummary) -> dict[str, bytes]:
    """Every file of a run: per site HTML, JSON, CSV and .xlsx; the same for the group."""
    files: dict[str, bytes] = {}
    for report in reports:
        data = site_files(report)
        downloads = {name.rsplit(".", 1)[1]: name for name in data}
        files[f"{report.stem}.html"] = site_document(report, downloads).encode("utf-8")
        files.update(data)
    href: Callable[[SiteReport, str], str] = lambda r, anchor: (
        f"{r.stem}.html" + (f"#{anchor}" if anchor else "")
    )
    files[f"{summary.stem}.html"] = group_document(summary, href).encode("utf-8")
    files.update(group_files(summary))
    return files


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` into ``folder``: all to temporary names first, then each renamed into
    place; a failed write (a full disk) leaves the folder's earlier files as they were."""
    folder = Path(folder)
    staged: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            part = folder / f".{name}.{os.getpid()}.part"
            staged.append((part, folder / name))
            part.write_bytes(data)
        for part, target in staged:
            os.replace(part, target)
    except OSError as error:
        for part, _ in staged:
            part.unlink(missing_ok=True)
        where = f"（{error.filename}）" if error.filename else ""
        raise ToolkitError(f"写入年度工作报表失败{where}：{error.strerror or error}") from error
    return [target for _, target in staged]
