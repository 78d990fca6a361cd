"""The last gate (第十条（二）（三）): whatever wrote a published file, the build reads it before
it replaces output/. Unit tests on published files of each kind, then builds of a demo
copy where the input checks cannot see the planted value (a theme template, a setting)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_pelican
from stdnum.cn import ric

from archive_tool.safety.gate import IN_MARKUP, IN_NAME, IN_TEXT, Gate, GatePolicy

ID_BASE = "34162319900101123"
ID_NUMBER = ID_BASE + ric.calc_check_digit(ID_BASE + "0")
ID_MASKED = ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
MOBILE, MOBILE_MASKED = "13812345678", "138****5678"


def gate(lexicon: tuple[str, ...] = ()) -> Gate:
    return Gate(GatePolicy({"敏感词": list(lexicon)}))


def found(tmp_path: Path, name: str, data: bytes | str, lexicon=()) -> list[tuple[str, str]]:
    path = tmp_path / "site" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    result = gate(lexicon).check_tree(tmp_path / "site", tmp_path)
    return [(e.where, e.shown) for e in result.exposures]


def test_page_text_is_read_as_a_reader_sees_it(tmp_path):
    # Split by an empty inline tag, written with a character reference: one number to a reader.
    page = f"<p>电话 <b>{MOBILE[:3]}</b><span></span>&#{ord(MOBILE[3])};{MOBILE[4:]}</p>"
    assert found(tmp_path, "a.html", page) == [(IN_TEXT, MOBILE_MASKED)]


def test_block_elements_separate_what_a_reader_sees_apart(tmp_path):
    assert found(tmp_path, "a.html", f"<td>{MOBILE[:5]}</td><td>{MOBILE[5:]}</td>") == []


def test_attributes_and_comments_are_published_too(tmp_path):
    page = f'<img alt="x" title="{ID_NUMBER}"><!-- 联系 {MOBILE} --><p>正文</p>'
    assert sorted(found(tmp_path, "a.html", page)) == [
        (IN_MARKUP, MOBILE_MASKED),
        (IN_MARKUP, ID_MASKED),
    ]


def test_a_feed_holds_escaped_html(tmp_path):
    feed = f"<feed><content type='html'>&lt;p&gt;身份证{ID_NUMBER}&lt;/p&gt;</content></feed>"
    assert found(tmp_path, "feeds/all.atom.xml", feed) == [(IN_TEXT, ID_MASKED)]


def test_gzip_members_are_opened(tmp_path):
    fragment = gzip.compress(json.dumps({"content": f"<p>联系 {MOBILE}</p>"}).encode())
    assert found(tmp_path, "pagefind/fragment/zh_1.pf_fragment", fragment)[0][1] == MOBILE_MASKED


def test_a_gzip_bomb_is_refused_not_inflated(tmp_path):
    bomb = gzip.compress(b"0" * (70 * 1024 * 1024))
    [(where, shown)] = found(tmp_path, "pagefind/index/x.pf_index", bomb)
    assert shown == ""  # 无法检查: the build stops


def test_file_and_folder_names_are_checked(tmp_path):
    hits = found(tmp_path, f"files/{ID_NUMBER}/名单.txt", "无")
    assert hits == [(IN_NAME, ID_MASKED)]


def test_a_pagefind_hash_of_digits_is_not_a_mobile_number(tmp_path):
    """Pagefind names files by a hex hash: eleven decimal digits, now and then, once failed
    builds at random as a 手机号码. Inside a bundle the hash is not read; the rest is."""
    bundle = "pagefind/2026"
    entry = {"version": "1.5.2", "languages": {"und": {"hash": f"und_{MOBILE}", "page_count": 1}}}
    assert found(tmp_path / "a", f"{bundle}/pagefind.und_{MOBILE}.pf_meta", b"\x00") == []
    assert found(tmp_path / "b", f"{bundle}/pagefind-entry.json", json.dumps(entry)) == []
    group_copy = f"pagefind-group/www.qcq.gov.cn/{bundle}/index/und_{MOBILE}.pf_index"
    assert found(tmp_path / "c", group_copy, b"\x00") == []
    # The same name outside a bundle, a number beside the hash, a number in the content: read.
    assert found(tmp_path / "d", f"files/und_{MOBILE}.pf_meta", "无") == [(IN_NAME, MOBILE_MASKED)]
    entry["languages"]["und"]["page_count"] = f"联系 {MOBILE}"
    assert found(tmp_path / "e", f"{bundle}/pagefind-entry.json", json.dumps(entry))[0][1] == (
        MOBILE_MASKED
    )
    fragment = gzip.compress(json.dumps({"content": f"<p>联系 {MOBILE}</p>"}).encode())
    hits = found(tmp_path / "f", f"{bundle}/fragment/und_{MOBILE}.pf_fragment", fragment)
    assert [shown for _, shown in hits] == [MOBILE_MASKED]


def test_lexicon_terms_and_markings_in_plain_files(tmp_path):
    assert found(tmp_path / "a", "robots.txt", "# 机密★1年") == [("文件内容", "机密★1年")]
    assert found(tmp_path / "b", "x.js", "var a='台独';", ("台独",)) == [("文件内容", "台独")]


def test_clean_text_is_scanned_once_and_findings_every_time(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    footer = f"<footer>页脚</footer><p>{MOBILE}</p>"
    for number in range(3):
        (site / f"{number}.html").write_text(footer)
    result = gate().check_tree(site, tmp_path)
    assert [e.path for e in result.exposures] == [f"site/{n}.html" for n in range(3)]


def test_accepted_findings_pass(tmp_path):
    page = tmp_path / "site" / "a.html"
    page.parent.mkdir()
    page.write_text(f"<p>{MOBILE}</p>")
    policy = GatePolicy({}, frozenset({("手机号码", MOBILE_MASKED)}))
    assert Gate(policy).check_tree(page.parent, tmp_path).exposures == []


def test_a_file_equal_to_the_published_one_is_not_read_again_and_any_other_is(tmp_path):
    """published=: the same bytes at the same place were gated when published (the
    build trusts that only under the same policy); a byte of difference, another size,
    a file with no published twin are all read, and every name is checked."""
    staged, published = tmp_path / "staging" / "site", tmp_path / "output" / "site"
    pages = {
        "same.html": (f"<p>{MOBILE}</p>", f"<p>{MOBILE}</p>"),
        "edited.html": (f"<p>{MOBILE}</p>", "<p>" + "0" * len(MOBILE) + "</p>"),
        "longer.html": (f"<p>{MOBILE}</p>", "<p>短</p>"),
        "new.html": (f"<p>{MOBILE}</p>", None),
        f"{ID_NUMBER}.html": ("<p>同</p>", "<p>同</p>"),
    }
    for name, (now, before) in pages.items():
        (staged / name).parent.mkdir(parents=True, exist_ok=True)
        (staged / name).write_text(now)
        if before is not None:
            (published / name).parent.mkdir(parents=True, exist_ok=True)
            (published / name).write_text(before)
    result = gate().check_tree(staged, staged.parent, published=published)
    found = sorted((e.path, e.where) for e in result.exposures)
    assert found == [
        (f"site/{ID_NUMBER}.html", IN_NAME),
        ("site/edited.html", IN_TEXT),
        ("site/longer.html", IN_TEXT),
        ("site/new.html", IN_TEXT),
    ]
    # Without a published twin the same file is read: the skip was the equality alone.
    assert "site/same.html" in {e.path for e in gate().check_tree(staged, staged.parent).exposures}


# Builds: values the input checks never read reach a page only through the theme or the
# settings; the gate stops them and names where they came from.


@pytest.fixture
def theme_copy(tmp_path: Path) -> Path:
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "themes" / "gov", theme)
    return theme


def test_a_template_cannot_publish_a_personal_number(tmp_path, group_copy, theme_copy):
    footer = theme_copy / "templates" / "base.html"
    text = footer.read_text("utf-8")
    footer.write_text(text.replace("</footer>", f"<p>值班手机 {MOBILE}</p></footer>", 1), "utf-8")
    output = tmp_path / "output"
    output.mkdir()
    (output / "previous.txt").write_text("上次的输出")
    result = run_pelican(group_copy, output, "-e", f'THEME="{theme_copy}"')
    assert result.returncode == 1
    assert "发布前检查" in result.stderr and MOBILE_MASKED in result.stderr
    assert "index.html（页面文字）" in result.stderr
    assert "由模板、设置或构建生成" in result.stderr
    assert MOBILE not in result.stderr + result.stdout
    # Nothing was replaced, and no staging folder is left behind.
    assert [p.name for p in output.iterdir()] == ["previous.txt"]
    # (.output.cache, the parsed articles kept between builds, is not a staging folder.)
    staging = [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.")]
    assert [name for name in staging if name != ".output.cache"] == []


def test_a_side_door_article_is_stopped_and_its_source_named(tmp_path, group_copy):
    # Whatever reader publishes it (here reStructuredText, if Pelican still reads it), the
    # number never reaches output/, and the message points at the file.
    (group_copy / "qcq" / "zwdt" / "leak.rst").write_text(
        f"泄露\n####\n\n:date: 2026-11-01 10:00\n:disclosure: 主动公开\n\n身份证 {ID_NUMBER}\n",
        "utf-8",
    )
    output = tmp_path / "output"
    result = run_pelican(group_copy, output)
    assert result.returncode == 1
    assert "leak.rst" in result.stderr
    assert ID_NUMBER not in result.stderr + result.stdout
    assert not output.exists()


def test_an_unchanged_rebuild_keeps_sites_and_passes_the_gate(tmp_path):
    output = tmp_path / "output"
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    assert run_pelican(content, output).returncode == 0
    second = run_pelican(content, output)
    assert second.returncode == 0, second.stderr
    assert "沿用上次构建" in second.stdout and "重新生成" not in second.stdout


@pytest.mark.parametrize(
    "written",
    [
        f"{MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}",
        f"{MOBILE[:3]}-{MOBILE[3:7]}-{MOBILE[7:]}",
        f"{MOBILE[:5]}\u200b{MOBILE[5:]}",
        f"{MOBILE[:5]}&#8203;{MOBILE[5:]}",
        "".join(chr(ord(c) + 0xFEE0) for c in MOBILE),  # full-width
        f"Tel{MOBILE}",
        f"0086{MOBILE}",
    ],
)
def test_a_number_in_any_formatting_is_read(tmp_path, written):
    assert found(tmp_path, "a.html", f"<p>联系电话：{written}。</p>") == [(IN_TEXT, MOBILE_MASKED)]


@pytest.mark.parametrize("written", ["秘密\u200b✭1年", "秘<b></b>密⭐1年", "秘密&#9733;1年"])
def test_a_marking_in_any_formatting_is_read(tmp_path, written):
    [(where, shown)] = found(tmp_path, "a.html", f"<p>{written}</p>")
    assert where == IN_TEXT and shown.startswith("秘密★")


def test_a_full_width_id_number_is_found_not_a_crash(tmp_path):
    written = "".join(chr(ord(c) + 0xFEE0) for c in ID_NUMBER)
    assert found(tmp_path, "a.txt", f"身份证{written}") == [("文件内容", ID_MASKED)]


@pytest.mark.parametrize("written", ["FaLun", "ＦＡＬＵＮ", "fa\u200blun", "fa<span></span>lun"])
def test_a_lexicon_term_in_any_case_or_width_is_read(tmp_path, written):
    assert found(tmp_path, "a.html", f"<p>{written}</p>", ("falun",)) == [(IN_TEXT, "falun")]


def test_lines_seen_clean_are_skipped_without_hiding_a_page_of_its_own(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    header = '<header>\n<nav><a href="/">首页</a></nav>\n<div class="x">\n'
    (site / "1.html").write_text(header + "<p>第一篇</p>\n</div>", "utf-8")
    # The same header, then a number split over two lines of the page's own text, and one
    # in a new tag's attribute.
    body = f'<p>电话 {MOBILE[:3]}\n{MOBILE[3:7]} {MOBILE[7:]}</p>\n<img alt="{ID_NUMBER}">\n</div>'
    (site / "2.html").write_text(header + body, "utf-8")
    result = gate().check_tree(site, tmp_path)
    assert [(e.path, e.where, e.shown) for e in result.exposures] == [
        ("site/2.html", IN_TEXT, MOBILE_MASKED),
        ("site/2.html", IN_MARKUP, ID_MASKED),
    ]
