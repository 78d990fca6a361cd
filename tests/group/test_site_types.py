"""The kinds of site (content.sitetypes): each documented, read by the demo's sites, and
one added by a single entry (开发区) that builds in a copy of the demo."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml
from conftest import DEMO_CONTENT, REPO, run_pelican

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
    assert kinds["gxq"] == "zone"  # 亳州高新技术产业开发区管理委员会
    # 办事服务: a county portal always, a department when it says it serves the public.
    assert group.sites["qcq"].must_serve and group.sites["fgw"].must_serve
    assert "办事服务" in group.sites["fgw"].required_columns


def test_a_missing_or_unknown_type_requires_nothing():
    for type_id in (None, "", "乡镇"):
        kind = site_type(type_id)
        assert kind is UNKNOWN
        assert not (kind.main or kind.needs_parent or kind.needs_emblem or kind.columns)


# -- a kind added by one entry: 开发区（园区）, built in a copy of the demo -----------------

ZONE_SITE = {
    "name": "亳州经济开发区管理委员会",
    "type": "zone",
    "parent": "bozhou",
    "domain": "jkq.bozhou.gov.cn",
    "cn_domain": "亳州经济开发区管理委员会.政务",
    "主办单位": "亳州经济开发区管理委员会",
    "承办单位": "亳州经济开发区管理委员会党政办公室",
    "contact": {
        "phone": "0558-5600000",
        "address": "安徽省亳州市谯城区示例路60号",
        "email": "jkq@bozhou.gov.cn",
    },
    "site_code": "3416000009",
    "unit_code": "11341600MB00000090",
    "ICP备案号": "皖ICP备99990009号-1",
    "公安机关备案号": "皖公网安备 34160202000009号",
    "党政机关网站标识": "00000000000000000000000000d00009",
    "党政机关网站标识图片": "files/identity/conac-placeholder.png",
    "status": "online",
    "columns": [
        {"id": column_id, "name": name, "kind": kind, "owner": "钱进（党政办公室）"}
        for column_id, name, kind in [
            ("gkxx", "概况信息", "静态"),
            ("jgzn", "机构职能", "静态"),
            ("fzrxx", "负责人信息", "静态"),
            ("zwdt", "政务动态", "动态"),
            ("tzgg", "通知公告", "通知公告"),
            ("zcwj", "政策文件", "政策文件"),
            ("zcjd", "政策解读", "政策文件"),
            ("xxgk", "政府信息公开", "静态"),
        ]
    ],
}


def add_zone(content: Path, **changes) -> Path:
    """A small 开发区 site, content/jkq/, with one article in each column it must have."""
    site = content / "jkq"
    identity = site / "files" / "identity"
    identity.mkdir(parents=True)
    shutil.copy(content / "fgw" / "files" / "identity" / "conac-placeholder.png", identity)
    data = {**ZONE_SITE, **changes}
    (site / "site.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for day, column in enumerate(data["columns"], 11):
        (site / column["id"]).mkdir()
        (site / column["id"] / f"jkq-{column['id']}.md").write_text(
            f"Title: 亳州经济开发区{column['name']}\n"
            f"Date: 2026-11-{day} 09:00\n"
            f"Slug: jkq-{column['id']}\n"
            "publisher: 亳州经济开发区管理委员会\n"
            "disclosure: 主动公开\n\n"
            f"亳州经济开发区管理委员会发布的{column['name']}。\n",
            encoding="utf-8",
        )
    return site


def test_a_zone_site_builds_under_the_portal(group_copy, tmp_path):
    add_zone(group_copy)
    result = run_pelican(group_copy, tmp_path / "output", "-e", 'BUILD_DATE="2026-11-26"')
    assert result.returncode == 0, result.stderr
    assert "jkq" not in result.stderr  # no rule finds anything to say about it
    home = tmp_path / "output" / "jkq.bozhou.gov.cn"
    page = (home / "index.html").read_text(encoding="utf-8")
    assert "<title>亳州经济开发区管理委员会" in page and "jkq@bozhou.gov.cn" in page
    assert "亳州经济开发区管理委员会" in (home / "zwdt" / "index.html").read_text(encoding="utf-8")
    # Not a 政府门户网站: no 国徽 in its header, no 网民留言 of its own.
    assert "国徽" not in page and not (home / "letters").exists()
    # The portal's home and the group index list it by its kind's name.
    portal = (tmp_path / "output" / "www.bozhou.gov.cn" / "index.html").read_text(encoding="utf-8")
    assert "jkq.bozhou.gov.cn" in portal and "开发区（园区）网站" in portal
    index = (tmp_path / "output" / "index.html").read_text(encoding="utf-8")
    assert "亳州经济开发区管理委员会" in index and "开发区（园区）网站" in index


def test_a_zone_site_follows_its_domain_and_sponsor_rules(group_copy, tmp_path):
    add_zone(group_copy, domain="www.jkq.gov.cn", 主办单位="亳州经济开发区")
    result = run_pelican(group_copy, tmp_path / "output")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    expected = "开发区（园区）网站应使用上级门户网站的下级域名「<开发区简称拼音>.bozhou.gov.cn」"
    assert expected + "，实为「www.jkq.gov.cn」" in result.stderr
    assert "开发区（园区）网站名称应与主办单位全称一致：应为「亳州经济开发区」" in result.stderr
    assert "第五条（四）" in result.stderr
