"""Build every published site of a group into a staging folder, then swap it into place.

A failed build leaves the previous output exactly as it was: nothing is written into the
output folder until every site has been built.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..content.registry import Site
from ..errors import ToolkitError
from .check import GroupReport


def staging_dir(output_root: Path, purpose: str) -> Path:
    """A fresh sibling of output_root, on the same file system so that rename is atomic."""
    path = output_root.parent / f".{output_root.name}.{purpose}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    return path


def replace_tree(new: Path, target: Path) -> None:
    """Put the folder ``new`` where ``target`` is, with two renames."""
    if target.exists() and not target.is_dir():
        raise ToolkitError(f"输出路径 {target} 已存在且不是目录，请删除或改用其他输出目录")
    if target.exists():
        old = staging_dir(target, "previous")
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


def build_group(
    report: GroupReport,
    output_root: Path,
    build_site: Callable[[Site, Path], None],
    write_index: Callable[[Path], None],
) -> list[Site]:
    """Build each published site into <output>/<domain>/ and the preview index; return the sites."""
    if not report.ok:
        raise ToolkitError("网站群存在不合规问题，不能构建")
    output_root = Path(output_root)
    output_root.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_dir(output_root, "building")
    sites = report.group.published_sites()
    try:
        staging.mkdir()
        for site in sites:
            build_site(site, staging / str(site.domain))
        write_index(staging)
        check_complete(staging)
        replace_tree(staging, output_root)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ToolkitError(write_failure(error)) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sites


# Files that are never empty when written whole: a zero-byte one means a write was cut
# short (pagefind, for one, exits 0 on a full disk and leaves empty index files).
NEVER_EMPTY = (".html", ".xml", ".js", ".css", ".txt", ".json", ".wasm", ".pagefind")
NEVER_EMPTY += (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter")


def check_complete(staging: Path) -> None:
    """Refuse a build with a truncated file, before it replaces anything."""
    empty = [
        path
        for path in staging.rglob("*")
        if path.suffix in NEVER_EMPTY and path.is_file() and path.stat().st_size == 0
    ]
    if empty:
        shown = "、".join(str(path.relative_to(staging)) for path in empty[:5])
        more = f" 等 {len(empty)} 个" if len(empty) > 5 else ""
        raise ToolkitError(
            f"构建结果不完整：{shown}{more}文件为空（磁盘空间可能不足），未替换原有输出"
        )


def write_failure(error: OSError) -> str:
    """A failed write as the webmaster needs it: what happened, where, what to do."""
    where = f"（{error.filename}）" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"磁盘空间不足，构建结果无法写完{where}：请清理磁盘后重新构建"
    return f"写入构建结果失败{where}：{error.strerror or error}"
