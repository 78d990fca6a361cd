"""The archive overview (DIR/index.html) says when each archive was made in 北京时间, as the
archived pages' banners do, and reads on a phone."""

from __future__ import annotations

import json
from pathlib import Path

from archive_tool.republish.static import write_overview


def test_the_overview_shows_beijing_time_like_the_banners(tmp_path: Path):
    # An archive captured at 2026-11-24 02:00 UTC: its pages say 归档时间：2026-11-24 10:00.
    for name in ("20261124020000", "20261125230000"):
        (tmp_path / name).mkdir()
        manifest = {"pages": [{}, {}], "origins": ["https://www.bozhou.gov.cn/"]}
        (tmp_path / name / "archive.json").write_text(json.dumps(manifest), "utf-8")
    write_overview(tmp_path)
    page = (tmp_path / "index.html").read_text("utf-8")
    assert "2026-11-24 10:00 归档" in page and "2026-11-26 07:00 归档" in page
    assert "2026-11-25 归档" not in page  # the UTC date of the second id
    assert page.index("2026-11-26 07:00") < page.index("2026-11-24 10:00")  # newest first
    assert 'name="viewport"' in page and "北京时间" in page
