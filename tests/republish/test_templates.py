"""A group's own templates for the 已归档 banner and the archive's pages (republish.templating):
they change the look, and one whose rendered result breaks the archive's rules is refused
before anything is written."""

from __future__ import annotations

import io
from pathlib import Path

import lxml.html
import pytest
from conftest import archive_tool
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_tool.republish.check import template_problems
from archive_tool.republish.templating import PACKAGE_FOLDER, SHIPPED, Templates

SHIPPED_BANNER = (PACKAGE_FOLDER / "banner.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def warc(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("templates") / "site.warc.gz"
    pages = {
        "/": '<html><head><title>首页</title></head><body><a href="/a.html">甲</a></body></html>',
        "/a.html": "<html><head><title>甲</title></head><body><p>正文</p></body></html>",
    }
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for name, body in pages.items():
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                "http://www.example.gov.cn" + name,
                "response",
                payload=io.BytesIO(body.encode()),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2026-11-24T02:00:00Z"},
            )
            writer.write_record(record)
    return path


def override(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_templates_keep_the_rules():
    assert template_problems(SHIPPED) == []


def test_a_group_banner_changes_the_look_of_the_republished_pages(warc, tmp_path):
    look = SHIPPED_BANNER.replace("background:#fff6d6", "background:#e8f0fb").replace(
        "<strong>已归档</strong>", "<strong>已归档</strong><span>亳州市人民政府网站群</span>"
    )
    folder = override(tmp_path / "republish", "banner.html", look)
    out = tmp_path / "out"
    result = archive_tool("republish", warc, "-o", out, "--templates", folder)
    assert result.returncode == 0, result.stderr
    page = next(out.glob("*/www.example.gov.cn/a.html")).read_text(encoding="utf-8")
    banner = lxml.html.fromstring(page).xpath("//*[@data-archive-banner]")[0]
    assert "亳州市人民政府网站群" in banner.text_content()
    assert "background:#e8f0fb!important" in page and "#fff6d6" not in page
    # The templates it does not override come from the package.
    assert "归档目录" in next(out.glob("*/index.html")).read_text(encoding="utf-8")
    check = archive_tool("verify", out)
    assert check.returncode == 0 and "结论：通过" in check.stdout, check.stdout


HOSTILE = {
    "no 已归档": (
        "banner.html",
        SHIPPED_BANNER.replace("<strong>已归档</strong>", "<strong>旧版</strong>"),
        "「已归档」",
    ),
    "no 归档时间": (
        "banner.html",
        SHIPPED_BANNER.replace("归档时间：", "时间："),
        "归档时间",
    ),
    "a script": (
        "banner.html",
        SHIPPED_BANNER.replace("</div>", "<script>alert(1)</script></div>"),
        "<script>",
    ),
    "display:none on the banner": (
        "banner.html",
        SHIPPED_BANNER.replace(
            "{{ root }} a{color", "{{ root }}{display:none!important}{{ root }} a{color"
        ),
        "display:none",
    ),
    "a rule for the page": (
        "banner.html",
        SHIPPED_BANNER.replace("<style>", "<style>body{display:none}"),
        "只能作用于横幅",
    ),
    "an overview without the policy": (
        "overview.html",
        (PACKAGE_FOLDER / "overview.html").read_text("utf-8").replace("{{ csp_meta }}", ""),
        "内容安全策略",
    ),
    "a template that does not render": ("banner.html", "{% if %}", "无法渲染"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_template_that_breaks_the_rules_is_refused_and_nothing_written(name, warc, tmp_path):
    template, text, rule = HOSTILE[name]
    folder = override(tmp_path / "republish", template, text)
    out = tmp_path / "out"
    result = archive_tool("republish", warc, "-o", out, "--templates", folder)
    assert result.returncode != 0
    assert "渲染出的内容不符合归档规则，未写入任何文件" in result.stderr, result.stderr
    assert template in result.stderr and rule in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_each_page_rule_is_named(tmp_path):
    folder = override(tmp_path / "republish", "not_archived.html", "<p>未被归档</p>")
    assert template_problems(Templates(folder)) == [
        "not_archived.html：缺少归档的内容安全策略（模板中的 {{ csp_meta }}）"
    ]
