"""What a site's pages show of the build day, as data: the site's fingerprint
(group.build.manifest) holds these outcomes instead of the day itself, so a new day
rebuilds only the sites whose pages it changes.

Everything a build reads of ``BUILD_DATE`` (``build_day``, at the end), site by site:

- the rule check (group.rules.check) decides, as of the day, which sites are published or
  offline, which consultations are open and which letters overdue (``INTERACTION``), and
  the lifecycle placements which notices stand on the home page and in the notice list
  (``HOME_NOTICES``, ``NOTICE_LIST``: 开通公告, 下线/迁移公告 and their periods), which
  temporary offline windows get a maintenance page (``MAINTENANCE_WINDOWS``), which sites
  a portal lists (``SUBSITES``, ``RETIRED_SITES``, ``GROUP_SEARCH_SITES``);
- report.annual gives last year's 年度工作报表 (``ANNUAL_REPORT``), which moves on 1 January;

all of which are already the site's settings as data, computed for the day. Two things
read the day itself, and are the outcomes below:

- the letters page prints it (``统计截至 {{ BUILD_DAY }}``, themes/gov/templates/letters.html),
  on every site with 互动交流 records (plugins/sitegroup/records.py writes it then); a theme
  that prints it in any other template shows it on every site;
- the redesign (group.continuity.redesign): once its day is reached the site's worker
  archives the published version.

The group's own files (group.build.groupfiles) are written by every build anyway.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ...content.registry import Site
from ...content.values import EARLIEST
from ...errors import ToolkitError
from ..continuity.redesign import redesign_date

BUILD_DAYS_AHEAD = 10 * 366  # BUILD_DATE previews a day at most about ten years ahead
DAY_SETTING = "BUILD_DAY"  # group.build.settings.site_settings: the day, as YYYY-MM-DD


LETTERS_TEMPLATE = "letters.html"


def day_printed_elsewhere(theme: Path) -> bool:
    """Whether a template of ``theme`` other than the letters page prints the day."""
    return any(
        DAY_SETTING in path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(Path(theme, "templates").rglob("*.html"))
        if path.name != LETTERS_TEMPLATE
    )


def day_outcomes(
    site: Site, settings: dict[str, Any], today: date, everywhere: bool = False
) -> dict[str, Any]:
    """What the build day decides for ``site`` beyond its settings' data (see above);
    ``everywhere``: the theme prints the day on every site (day_printed_elsewhere)."""
    shows_day = everywhere or bool(settings.get("INTERACTION"))  # its letters page
    redesign = redesign_date(site)
    return {
        "day_shown": settings[DAY_SETTING] if shows_day else None,
        "redesign_reached": redesign is not None and today >= redesign,
    }


def build_day(value: Any) -> date:
    """The day a build stands for: its ``BUILD_DATE`` setting (a date or YYYY-MM-DD, to
    preview a day), else today.

    >>> build_day("2026-11-26"), build_day(date(2026, 1, 2))
    (datetime.date(2026, 11, 26), datetime.date(2026, 1, 2))
    """
    if not value:
        return date.today()
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise ToolkitError(
            f"构建失败：BUILD_DATE 应为 YYYY-MM-DD，实为「{str(value)[:40]}」"
        ) from None
    latest = date.today() + timedelta(days=BUILD_DAYS_AHEAD)
    if not EARLIEST <= day <= latest:  # a year 1 or 9999 would judge every content date wrong
        raise ToolkitError(
            f"构建失败：BUILD_DATE 应在 {EARLIEST.isoformat()} 至 {latest.isoformat()} 之间，"
            f"实为「{day.isoformat()}」"
        )
    return day
