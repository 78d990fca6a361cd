"""The kinds of site (content.sitetypes): each documented, each read by the demo's sites."""

from __future__ import annotations

import re

from conftest import DEMO_CONTENT, REPO

from archive_tool.content.loader import load_content
from archive_tool.content.sitetypes import SITE_TYPE_LIST, UNKNOWN, site_type

DOCS = REPO / "docs" / "content.md"


def test_docs_list_every_site_type():
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", DOCS.read_text(encoding="utf-8"), re.M)
    documented = {type_id: name for type_id, name in rows}
    for kind in SITE_TYPE_LIST:
        assert kind.id in documented, f"docs/content.md 网站类型 lacks {kind.id}"
        assert documented[kind.id].startswith(kind.name.split("（")[0]), kind.id


def test_exactly_one_type_is_the_main_site():
    assert [kind.id for kind in SITE_TYPE_LIST if kind.main] == ["portal"]
    assert all(kind.needs_parent for kind in SITE_TYPE_LIST if not kind.main)


def test_the_demo_sites_read_their_kind():
    group = load_content(DEMO_CONTENT)
    kinds = {site.id: site.kind.id for site in group.sites.values()}
    assert kinds["bozhou"] == "portal" and group.portal is group.sites["bozhou"]
    assert kinds["qcq"] == "county" and kinds["fgw"] == "department"
    # 办事服务: a county portal always, a department when it says it serves the public.
    assert group.sites["qcq"].must_serve and group.sites["fgw"].must_serve
    assert "办事服务" in group.sites["fgw"].required_columns


def test_a_missing_or_unknown_type_requires_nothing():
    for type_id in (None, "", "乡镇"):
        kind = site_type(type_id)
        assert kind is UNKNOWN
        assert not (kind.main or kind.needs_parent or kind.needs_emblem or kind.columns)
