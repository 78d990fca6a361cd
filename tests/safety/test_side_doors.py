"""The side doors of a build (第十条（二）（三）): formats Pelican reads but the checks do not,
and the places the scan did not look (file names, site.yaml, 年度工作报表 figures). Seen from
outside: the build's exit code and messages, the pages, and grep over output/."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import DEMO_CONTENT, run_pelican
from test_publishing import (
    ID_MASKED,
    ID_NUMBER,
    MOBILE,
    MOBILE_MASKED,
    OTHER_ID,
    OTHER_MASKED,
    article,
    digest,
    everything_under,
)

from archive_tool.content.articles import ARTICLE_SUFFIXES
from archive_tool.content.loader import load_content
from archive_tool.group.build.settings import READERS, site_settings

BUILD_DATE = ("-e", 'BUILD_DATE="2026-11-26"')
INCLUDED = "DOORS-INCLUDED-FROM-THE-BUILD-MACHINE"
HTML_MARKER = "DOORS-HTML-HOME-PAGE"
MKD_MARKER = "DOORS-MKD-ARTICLE"
OFFICE_PHONE = "0558-5001234"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_pelican_reads_only_what_the_loader_reads(tmp_path: Path):
    """Pelican's own reader table, with a site's settings: Markdown only, and a group's
    SITE_SETTINGS cannot switch another reader back on."""
    from pelican.readers import Readers
    from pelican.settings import DEFAULT_CONFIG

    group = load_content(DEMO_CONTENT)
    overrides = {"READERS": {}}  # an override that would restore every reader
    settings = site_settings(group.sites["bozhou"], group, tmp_path, overrides=overrides)
    assert settings["READERS"] == READERS
    readers = Readers({**DEFAULT_CONFIG, "READERS": settings["READERS"]})
    # "static" is the base reader the static generator copies files with (it reads no text);
    # a *.static file in a column is refused by the check like any other.
    assert {f".{ext}" for ext in readers.extensions} - {".static"} == set(ARTICLE_SUFFIXES)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo with 栏目责任人 shown on one site (with an office phone) and hidden on
    another (with a mobile number, which is then published nowhere): it builds."""
    root = tmp_path_factory.mktemp("side-doors")
    content = root / "content"
    shutil.copytree(DEMO_CONTENT, content)
    fgw = content / "fgw" / "site.yaml"
    replace_in(fgw, "owner: 吴刚（委办公室）}", f"owner: 吴刚（委办公室 {OFFICE_PHONE}）}}")
    fgw.write_text(fgw.read_text("utf-8") + "show_column_owners: true\n", "utf-8")
    replace_in(
        content / "bozhou" / "site.yaml",
        "owner: 王明（市政府办公室综合科）}",
        f"owner: 王明（{MOBILE}）}}",
    )
    result = run_pelican(content, root / "output", *BUILD_DATE)
    assert result.returncode == 0, result.stderr
    return content, result


def test_column_owners_are_shown_only_when_the_site_says_so(built):
    _, result = built
    shown = (result.output / "fgw.bozhou.gov.cn" / "sitemap.html").read_text("utf-8")
    assert f"栏目责任人：吴刚（委办公室 {OFFICE_PHONE}）" in shown
    hidden = (result.output / "www.bozhou.gov.cn" / "sitemap.html").read_text("utf-8")
    assert "栏目责任人" not in hidden and "王明" not in hidden
    assert MOBILE not in everything_under(result.output)


@pytest.fixture(scope="module")
def refused(built, tmp_path_factory):
    """Every side door planted at once into the group that built: the build fails, lists
    them all and leaves the output as it was."""
    content, result = built
    before = digest(result.output)
    site = content / "bozhou"
    secret = tmp_path_factory.mktemp("build-machine") / "secret.txt"
    secret.write_text(INCLUDED + "\n", "utf-8")
    (site / "zwdt" / "leak.rst").write_text(
        "泄露\n####\n\n:date: 2026-11-20 09:00\n:disclosure: 主动公开\n\n"
        f".. include:: {secret}\n   :literal:\n\n.. raw:: html\n   :file: {secret}\n",
        "utf-8",
    )
    (site / "tzgg" / "home.html").write_text(
        "<html><head><title>首页</title>"
        '<meta name="date" content="2026-11-20 09:00">'
        '<meta name="save_as" content="index.html"></head>'
        f"<body>{HTML_MARKER}</body></html>",
        "utf-8",
    )
    (site / "zwdt" / "old.mkd").write_text(
        f"Title: 旧格式\nDate: 2026-11-20 09:00\ndisclosure: 主动公开\n\n{MKD_MARKER}\n", "utf-8"
    )
    (site / "zwdt" / "notes.txt").write_text("备忘\n", "utf-8")
    (site / "letters" / "drafts").mkdir()
    (site / "letters" / "drafts" / "2026-0100.yaml").write_text("标题: 草稿\n", "utf-8")
    # Names: an article, a letter and an attachment named after a person's numbers.
    article(site / "zwdt" / f"{ID_NUMBER}.md", "人员名单", "正文。")
    shutil.copy(site / "letters" / "2026-0001.yaml", site / "letters" / f"{OTHER_ID}.yaml")
    (site / "files" / f"{MOBILE}.txt").write_text("联系方式见正文。\n", "utf-8")
    # site.yaml: a mobile number in 承办单位; a shown 栏目责任人 with a mobile number.
    replace_in(
        content / "qcq" / "site.yaml",
        "承办单位: 亳州市谯城区数据资源管理局",
        f"承办单位: 亳州市谯城区数据资源管理局（{MOBILE}）",
    )
    replace_in(content / "fgw" / "site.yaml", OFFICE_PHONE, MOBILE)
    # 年度工作报表 figures: an ID number in a text field.
    replace_in(
        site / "annual" / "2026.yaml",
        "主管单位: 亳州市人民政府办公室",
        f"主管单位: 亳州市人民政府办公室 {ID_NUMBER}",
    )
    again = run_pelican(content, result.output, *BUILD_DATE)
    return before, again


def lines_naming(messages: str, shown: str, field: str) -> list[str]:
    return [line for line in messages.splitlines() if shown in line and f"字段「{field}」" in line]


def test_other_formats_in_a_column_fail_the_build_naming_the_file(refused):
    _, result = refused
    assert result.returncode == 1
    messages = result.stderr
    assert "构建失败：未写入任何文件" in messages
    for shown, suffix in [
        ("content/bozhou/zwdt/leak.rst", ".rst"),
        ("content/bozhou/tzgg/home.html", ".html"),
        ("content/bozhou/zwdt/old.mkd", ".mkd"),
        ("content/bozhou/zwdt/notes.txt", ".txt"),
    ]:
        [line] = lines_naming(messages, shown, "(文件)")
        assert f"栏目目录中只能放 Markdown 文章（.md、.markdown），这里是「{suffix}」文件" in line
        assert "第十条（二）" in line
    [line] = lines_naming(messages, "content/bozhou/letters/drafts/2026-0100.yaml", "(文件)")
    assert "letters/ 中只能放一条一个文件的 YAML 记录" in line


def test_a_number_in_a_published_name_fails_the_build_masked(refused):
    _, result = refused
    messages = result.stderr
    for shown, category, masked in [
        (f"content/bozhou/zwdt/{ID_MASKED}.md", "居民身份证号码", ID_MASKED),
        (f"content/bozhou/letters/{OTHER_MASKED}.yaml", "居民身份证号码", OTHER_MASKED),
        (f"content/bozhou/files/{MOBILE_MASKED}.txt", "手机号码", MOBILE_MASKED),
    ]:
        [line] = lines_naming(messages, shown, "文件名")
        assert f"文件名或目录名含{category}「{masked}」" in line and "请改名" in line


def test_site_yaml_and_annual_figures_are_scanned(refused):
    _, result = refused
    messages = result.stderr
    [line] = lines_naming(messages, "content/qcq/site.yaml", "承办单位")
    assert f"含公民个人信息：手机号码 {MOBILE_MASKED}" in line
    owners = lines_naming(messages, "content/fgw/site.yaml", "columns[1].owner")
    assert owners and f"手机号码 {MOBILE_MASKED}" in owners[0]
    # The portal's 栏目责任人 are not shown: their mobile number is published nowhere.
    assert not [line for line in messages.splitlines() if "bozhou/site.yaml" in line]
    [line] = lines_naming(messages, "content/bozhou/annual/2026.yaml", "网站基本信息.主管单位")
    assert f"居民身份证号码 {ID_MASKED}" in line


def test_nothing_planted_reaches_the_output_or_the_messages(refused):
    before, result = refused
    assert digest(result.output) == before
    published = everything_under(result.output)
    for planted in (INCLUDED, HTML_MARKER, MKD_MARKER, ID_NUMBER, OTHER_ID, MOBILE):
        assert planted not in published, planted
    said = result.stderr + result.stdout
    for number in (ID_NUMBER, OTHER_ID, MOBILE):
        assert number not in said
    assert "Traceback" not in said


def test_site_yaml_review_accepts_a_shown_owners_number(group_copy: Path):
    """A shown 栏目责任人's mobile number, named in site.yaml's 保密审查, is accepted and
    listed; a name under images/ is scanned like any other."""
    from archive_tool.group.rules.check import check_group
    from archive_tool.safety.review import fingerprint, review_key

    fgw = group_copy / "fgw" / "site.yaml"
    replace_in(fgw, "owner: 吴刚（委办公室）}", f"owner: 吴刚（{MOBILE}）}}")
    mark = fingerprint(MOBILE, review_key(group_copy))
    review = f"保密审查:\n  审查人: 王审查\n  审查日期: 2026-11-19\n  结论: 同意公开 指纹「{mark}」\n"
    fgw.write_text(fgw.read_text("utf-8") + "show_column_owners: true\n" + review, "utf-8")
    (group_copy / "fgw" / "images").mkdir()
    (group_copy / "fgw" / "images" / f"{OTHER_ID}.png").write_bytes(b"\x89PNG\r\n")
    report = check_group(group_copy, date(2026, 11, 26))
    assert [str(w.finding.where) for w in report.waivers] == ["columns[1].owner"]
    named = [e for e in report.errors if e.field == "文件名"]  # (the PNG is also cut short)
    assert [e.file for e in named] == [f"content/fgw/images/{OTHER_MASKED}.png"]


def test_columns_cannot_take_the_builds_own_folders(group_copy: Path):
    from archive_tool.group.rules.check import check_group

    site = group_copy / "bozhou" / "site.yaml"
    replace_in(site, "{id: sjkf,", "{id: feeds,")
    (group_copy / "bozhou" / "sjkf").rename(group_copy / "bozhou" / "feeds")
    replace_in(site, "status: online", "status: online\nshow_column_owners: 是")
    messages = [f"{v.field}：{v.message}" for v in check_group(group_copy, date(2026, 11, 26)).errors]
    reserved = "columns[11].id：栏目 id「feeds」是网站群生成或保留的目录"
    assert any(m.startswith(reserved) for m in messages)
    assert "show_column_owners：应为 true 或 false，实为「是」" in messages
