"""A new lifecycle record: checked against 第五条–第八条 as of today, written only if it passes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..content.loader import load_content
from ..errors import ComplianceError, ToolkitError
from .kinds import notices_of
from .notices import Notice, record_path
from .rules import check_notice


def record_notice(
    content_root: Path,
    site_id: str,
    kind: str,
    data: dict[str, Any],
    day: date,
    today: date | None = None,
) -> Path:
    """Write ``content/<site>/notices/<day>-<kind>.yaml`` unless it breaks a rule; its path."""
    group = load_content(content_root)
    site = group.sites.get(site_id)
    if site is None:
        known = "、".join(sorted(group.sites)) or "无"
        raise ToolkitError(f"站点「{site_id}」不存在（{content_root} 下的站点：{known}）")
    existing, _ = notices_of(group)
    new = Notice(
        site_id,
        kind,
        {"type": kind, **{k: v for k, v in data.items() if v is not None}},
        file=f"archive-tool notice {kind} {site_id}",
    )
    siblings = [n for n in existing if n.site == site_id] + [new]
    problems = check_notice(new, siblings, site, today or date.today())
    if problems:
        raise ComplianceError(problems)
    path = record_path(content_root, site, new, day)
    if path.exists():
        raise ToolkitError(f"记录 {path} 已存在：同一天同一类事件只记录一次")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(new.data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
