"""A corpus of bad and hostile content: each case ends in a Chinese message naming the file
and the field, exit code 1, and no traceback; never in a crash or a flood."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import AS_A_USER, DEMO_CONTENT, REPO, run_pelican

from archive_tool.cli import cli

ARTICLE = "Title: 标题\nDate: 2026-11-20 09:00\ndisclosure: 主动公开\n{extra}\n正文。\n"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, "
    f"*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]\n"
    for n in range(8)
)


def write(root: Path, relative: str, text: str | bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")


def edit_yaml(root: Path, relative: str, **changes) -> None:
    path = root / relative
    data = yaml.safe_load(path.read_text("utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def replace_in(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text("utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def article(root: Path, relative: str, extra: str = "", body: str = "") -> None:
    text = ARTICLE.format(extra=extra)
    write(root, relative, text.replace("正文。", body) if body else text)


def notice(root: Path, name: str, **data) -> None:
    write(root, f"fgw/notices/{name}", yaml.safe_dump(data, allow_unicode=True))


LETTER = "bozhou/letters/2026-0001.yaml"
SERVICE = "bozhou/services/qiye-kaiban.yaml"
CONSULTATION = next(p.name for p in (DEMO_CONTENT / "bozhou" / "consultations").glob("*.yaml"))
INTERVIEW = next(p.name for p in (DEMO_CONTENT / "bozhou" / "interviews").glob("*.yaml"))
OFFLINE = {"type": "offline", "reason": "机房改造", "reported": "2026-11-20"}

# (case id, how to break a copy of the demo, file named in the message, field named)
CASES = [
    # site.yaml
    ("site-alias-bomb", lambda c: write(c, "fgw/site.yaml", BOMB), "fgw/site.yaml", "(YAML)"),
    ("site-too-big", lambda c: write(c, "fgw/site.yaml", "name: " + "长" * 400_000), "fgw/site.yaml", "(YAML)"),
    ("site-syntax", lambda c: write(c, "fgw/site.yaml", "name: [未闭合\n"), "fgw/site.yaml", "(YAML)"),
    ("site-not-mapping", lambda c: write(c, "fgw/site.yaml", "- a\n- b\n"), "fgw/site.yaml", "(文件)"),
    ("site-not-utf8", lambda c: write(c, "fgw/site.yaml", b"name: \xb9\xab\n"), "fgw/site.yaml", "(文件)"),
    ("site-deep", lambda c: write(c, "fgw/site.yaml", "name: " + "[" * 5000 + "]" * 5000), "fgw/site.yaml", "(YAML)"),
    ("site-dir-name", lambda c: shutil.copytree(c / "fgw", c / "Bad_Site"), "Bad_Site/site.yaml", "(目录名)"),
    ("site-missing", lambda c: (c / "fgw" / "site.yaml").unlink(), "fgw/site.yaml", "(文件)"),
    ("site-domain-int", lambda c: edit_yaml(c, "fgw/site.yaml", domain=12345), "fgw/site.yaml", "domain"),
    ("site-domain-list", lambda c: edit_yaml(c, "fgw/site.yaml", domain=["a", "b"]), "fgw/site.yaml", "domain"),
    ("site-name-mapping", lambda c: edit_yaml(c, "fgw/site.yaml", name={"a": 1}), "fgw/site.yaml", "name"),
    ("site-misspelt-key", lambda c: replace_in(c, "fgw/site.yaml", "status:", "stauts:"), "fgw/site.yaml", "stauts"),
    ("site-misspelt-nested", lambda c: replace_in(c, "fgw/site.yaml", "  phone:", "  phon:"), "fgw/site.yaml", "contact.phon"),
    ("site-redesign-date", lambda c: edit_yaml(c, "fgw/site.yaml", archive={"redesign": "2026-02-30"}), "fgw/site.yaml", "archive.redesign"),
    ("site-archive-source", lambda c: edit_yaml(c, "fgw/site.yaml", archive={"source": "javascript:x"}), "fgw/site.yaml", "archive.source"),
    ("site-type", lambda c: edit_yaml(c, "fgw/site.yaml", type="agency"), "fgw/site.yaml", "type"),
    ("site-code", lambda c: edit_yaml(c, "fgw/site.yaml", site_code="12AB"), "fgw/site.yaml", "site_code"),
    ("site-icp", lambda c: edit_yaml(c, "fgw/site.yaml", ICP备案号="ICP12345"), "fgw/site.yaml", "ICP备案号"),
    ("site-columns-not-list", lambda c: edit_yaml(c, "fgw/site.yaml", columns="zwdt"), "fgw/site.yaml", "columns"),
    ("site-column-not-mapping", lambda c: edit_yaml(c, "fgw/site.yaml", columns=["zwdt"]), "fgw/site.yaml", "columns[1]"),
    # articles
    ("article-not-utf8", lambda c: write(c, "fgw/zwdt/gbk.md", b"Title: \xb9\xab\xb8\xe6\n"), "fgw/zwdt/gbk.md", "(文件)"),
    ("article-too-big", lambda c: write(c, "fgw/zwdt/big.md", ARTICLE.format(extra="") + "字" * 2_000_000), "fgw/zwdt/big.md", "(文件)"),
    ("article-no-title", lambda c: write(c, "fgw/zwdt/a.md", "Date: 2026-11-20\ndisclosure: 主动公开\n\n正文\n"), "fgw/zwdt/a.md", "Title"),
    ("article-impossible-date", lambda c: write(c, "fgw/zwdt/a.md", "Title: t\nDate: 2026-02-30\ndisclosure: 主动公开\n\nx\n"), "fgw/zwdt/a.md", "Date"),
    ("article-date-format", lambda c: write(c, "fgw/zwdt/a.md", "Title: t\nDate: 2026/11/20\ndisclosure: 主动公开\n\nx\n"), "fgw/zwdt/a.md", "Date"),
    ("article-no-disclosure", lambda c: write(c, "fgw/zwdt/a.md", "Title: t\nDate: 2026-11-20\n\nx\n"), "fgw/zwdt/a.md", "disclosure"),
    ("article-disclosure", lambda c: write(c, "fgw/zwdt/a.md", "Title: t\nDate: 2026-11-20\ndisclosure: 公开\n\nx\n"), "fgw/zwdt/a.md", "disclosure"),
    ("article-slug-path", lambda c: article(c, "fgw/zwdt/a.md", "Slug: ../../../../x"), "fgw/zwdt/a.md", "Slug"),
    ("article-save-as", lambda c: article(c, "fgw/zwdt/a.md", "Save_as: ../fgw.bozhou.gov.cn/index.html"), "fgw/zwdt/a.md", "Save_as"),
    ("article-url", lambda c: article(c, "fgw/zwdt/a.md", "URL: ../x.html"), "fgw/zwdt/a.md", "Url"),
    ("article-template", lambda c: article(c, "fgw/zwdt/a.md", "Template: ../../etc/passwd"), "fgw/zwdt/a.md", "Template"),
    ("article-category", lambda c: article(c, "fgw/zwdt/a.md", "Category: ../../x"), "fgw/zwdt/a.md", "Category"),
    ("article-modified", lambda c: article(c, "fgw/zwdt/a.md", "Modified: 不是日期"), "fgw/zwdt/a.md", "Modified"),
    ("article-status", lambda c: article(c, "fgw/zwdt/a.md", "Status: draft"), "fgw/zwdt/a.md", "Status"),
    ("article-source-url", lambda c: article(c, "fgw/zwdt/a.md", "source: x\nsource_url: javascript:alert(1)"), "fgw/zwdt/a.md", "source_url"),
    ("article-misspelt-key", lambda c: article(c, "fgw/zwdt/a.md", "disclosur: 主动公开"), "fgw/zwdt/a.md", "disclosur"),
    ("article-validity", lambda c: article(c, "fgw/zwdt/a.md", "validity: 作废"), "fgw/zwdt/a.md", "validity"),
    ("article-doc-without-validity", lambda c: article(c, "fgw/zwdt/a.md", "doc_number: 亳发改〔2026〕99号"), "fgw/zwdt/a.md", "validity"),
    ("article-importance", lambda c: article(c, "fgw/zwdt/a.md", "importance: 很重要"), "fgw/zwdt/a.md", "importance"),
    ("article-type", lambda c: article(c, "fgw/zwdt/a.md", "type: 新闻"), "fgw/zwdt/a.md", "type"),
    ("article-interprets", lambda c: article(c, "fgw/zwdt/a.md", "interprets: 不存在的政策"), "fgw/zwdt/a.md", "interprets"),
    ("article-column", lambda c: article(c, "fgw/nocolumn/a.md"), "fgw/nocolumn/a.md", "(栏目)"),
    ("article-site-root", lambda c: article(c, "fgw/a.md"), "fgw/a.md", "(位置)"),
    ("article-duplicate-slug", lambda c: (article(c, "fgw/zwdt/a.md"), article(c, "fgw/tzgg/a.md")), "fgw/tzgg/a.md", "Slug"),
    ("article-source-date", lambda c: article(c, "fgw/zwdt/a.md", "source: x\nsource_date: 昨天"), "fgw/zwdt/a.md", "source_date"),
    ("article-index-no", lambda c: article(c, "fgw/zwdt/a.md", "index_no: 12345"), "fgw/zwdt/a.md", "index_no"),
    ("article-symlink-out", lambda c: os.symlink("/etc/hostname", c / "fgw" / "zwdt" / "x.md"), "fgw/zwdt/x.md", "(链接)"),
    ("attachment-symlink-out", lambda c: os.symlink("/etc/passwd", c / "fgw" / "files" / "p.txt"), "fgw/files/p.txt", "(链接)"),
    # records
    ("letter-syntax", lambda c: write(c, LETTER, "标题: [x\n"), LETTER, "(YAML)"),
    ("letter-alias-bomb", lambda c: write(c, LETTER, BOMB), LETTER, "(YAML)"),
    ("letter-not-mapping", lambda c: write(c, LETTER, "- x\n"), LETTER, "(YAML)"),
    ("letter-file-name", lambda c: write(c, "bozhou/letters/Bad_Name.yaml", "标题: x\n"), "bozhou/letters/Bad_Name.yaml", "(文件名)"),
    ("letter-misspelt-key", lambda c: replace_in(c, LETTER, "留言内容:", "留言内吝:"), LETTER, "留言内吝"),
    ("letter-impossible-date", lambda c: replace_in(c, LETTER, "受理日期: 2026-01-08", "受理日期: 2026-02-30"), LETTER, "受理日期"),
    ("letter-type", lambda c: replace_in(c, LETTER, "类型: 咨询", "类型: 求助"), LETTER, "类型"),
    ("letter-answer-before", lambda c: replace_in(c, LETTER, "答复时间: 2026-01-13 15:30", "答复时间: 2025-01-13 15:30"), LETTER, "答复时间"),
    ("service-missing-key", lambda c: edit_yaml(c, SERVICE, 设定依据=None), SERVICE, "设定依据"),
    ("service-materials", lambda c: edit_yaml(c, SERVICE, 办理材料="身份证"), SERVICE, "办理材料"),
    ("service-download-path", lambda c: replace_in(c, SERVICE, "files/", "../../"), SERVICE, "办理材料[1].规范表格"),
    ("service-online-level", lambda c: edit_yaml(c, SERVICE, 网上可办理程度="随便"), SERVICE, "网上可办理程度"),
    ("consultation-dates", lambda c: edit_yaml(c, f"bozhou/consultations/{CONSULTATION}", 截止日期="2020-01-01"), f"bozhou/consultations/{CONSULTATION}", "截止日期"),
    ("consultation-impossible", lambda c: edit_yaml(c, f"bozhou/consultations/{CONSULTATION}", 开始日期="2026-13-01"), f"bozhou/consultations/{CONSULTATION}", "开始日期"),
    ("interview-transcript", lambda c: edit_yaml(c, f"bozhou/interviews/{INTERVIEW}", 实录="一段话"), f"bozhou/interviews/{INTERVIEW}", "实录"),
    # lifecycle notices
    ("notice-impossible-start", lambda c: notice(c, "a.yaml", **OFFLINE, start="2026-02-30 08:00:00", end="2026-03-01 08:00:00"), "fgw/notices/a.yaml", "start"),
    ("notice-impossible-end", lambda c: notice(c, "a.yaml", **OFFLINE, start="2026-12-01 08:00", end="2026-02-30 20:00"), "fgw/notices/a.yaml", "end"),
    ("notice-no-seconds-long", lambda c: notice(c, "a.yaml", type="offline", reason="x", start="2026-11-20 08:00", end="2027-02-28 08:00"), "fgw/notices/a.yaml", "end"),
    ("notice-misspelt-key", lambda c: notice(c, "a.yaml", **OFFLINE, start="2026-12-01 08:00", end="2026-12-01 20:00", reasn="x"), "fgw/notices/a.yaml", "reasn"),
    ("notice-type", lambda c: notice(c, "a.yaml", type="pause"), "fgw/notices/a.yaml", "type"),
    ("notice-syntax", lambda c: write(c, "fgw/notices/a.yaml", "type: [x\n"), "fgw/notices/a.yaml", "(YAML)"),
    ("notice-not-utf8", lambda c: write(c, "fgw/notices/a.yaml", b"type: \xff\n"), "fgw/notices/a.yaml", "(YAML)"),
    ("notice-open-date", lambda c: notice(c, "a.yaml", type="open", approved="昨天", online="2026-11-20"), "fgw/notices/a.yaml", "approved"),
    ("notice-migrate-to", lambda c: notice(c, "a.yaml", type="retire", approved="2026-11-01", migrate_to="ftp://x"), "fgw/notices/a.yaml", "migrate_to"),
    ("notice-new-domain", lambda c: notice(c, "a.yaml", type="domain", new_domain="fgw.example.com", start="2026-11-01"), "fgw/notices/a.yaml", "new_domain"),
    # ledgers, library, lexicons
    ("ledger-syntax", lambda c: write(c, "fgw/index-numbers.yaml", "a: [x\n"), "fgw/index-numbers.yaml", "(YAML)"),
    ("ledger-alias-bomb", lambda c: write(c, "fgw/index-numbers.yaml", BOMB), "fgw/index-numbers.yaml", "(YAML)"),
    ("library-not-utf8", lambda c: write(c, "_library/gbk.md", b"Title: \xb9\xab\xb8\xe6\n"), "_library/gbk.md", "(文件)"),
    ("library-origin", lambda c: write(c, "_library/x.md", ARTICLE.format(extra="Origin: nosite/zwdt")), "_library/x.md", "Origin"),
    ("lexicon-not-utf8", lambda c: write(c, "_policy/敏感词.txt", b"\xb9\xab\n"), "_policy/敏感词.txt", "(文件)"),
    # values that parse but make no sense (group/rules/plausible.py, yamlfile duplicates)
    ("article-date-year-1", lambda c: write(c, "fgw/zwdt/a.md", "Title: t\nDate: 0001-01-01\ndisclosure: 主动公开\n\nx\n"), "fgw/zwdt/a.md", "Date"),
    ("article-date-2099", lambda c: write(c, "fgw/zwdt/a.md", "Title: t\nDate: 2099-12-31\ndisclosure: 主动公开\n\nx\n"), "fgw/zwdt/a.md", "Date"),
    ("article-modified-2099", lambda c: article(c, "fgw/zwdt/a.md", "Modified: 2099-12-31"), "fgw/zwdt/a.md", "Modified"),
    ("article-source-date-1900", lambda c: article(c, "fgw/zwdt/a.md", "source: x\nsource_date: 1900-01-01"), "fgw/zwdt/a.md", "source_date"),
    ("letter-date-year-1", lambda c: replace_in(c, LETTER, "留言时间: 2026-01-08 10:22", "留言时间: 0001-01-01 08:00"), LETTER, "留言时间"),
    ("letter-date-2099", lambda c: replace_in(c, LETTER, "受理日期: 2026-01-08", "受理日期: 2099-12-31"), LETTER, "受理日期"),
    ("article-title-twice", lambda c: write(c, "fgw/zwdt/a.md", "Title: 一\nDate: 2026-11-20\ntitle: 二\ndisclosure: 主动公开\n\nx\n"), "fgw/zwdt/a.md", "Title"),
    ("letter-title-twice", lambda c: replace_in(c, LETTER, "留言内容:", "标题: 第二个标题\n留言内容:"), LETTER, "(YAML)"),
    ("site-key-twice", lambda c: replace_in(c, "fgw/site.yaml", "status:", "name: 另一个名称\nstatus:"), "fgw/site.yaml", "(YAML)"),
    ("service-copies-negative", lambda c: replace_in(c, SERVICE, "份数: 1", "份数: -3"), SERVICE, "办理材料[1].份数"),
    ("service-copies-nan", lambda c: replace_in(c, SERVICE, "份数: 1", "份数: .nan"), SERVICE, "办理材料[1].份数"),
    ("service-copies-huge", lambda c: replace_in(c, SERVICE, "份数: 1", "份数: 1e400"), SERVICE, "办理材料[1].份数"),
    ("service-copies-inf", lambda c: replace_in(c, SERVICE, "份数: 1", "份数: 1.0e+400"), SERVICE, "办理材料[1].份数"),
    ("consultation-opinions", lambda c: edit_yaml(c, f"bozhou/consultations/{CONSULTATION}", 收到意见数=-5), f"bozhou/consultations/{CONSULTATION}", "收到意见数"),
    ("portal-parent-cycle", lambda c: (edit_yaml(c, "bozhou/site.yaml", parent="fgw")), "bozhou/site.yaml", "parent"),
    ("portal-parent-self", lambda c: (edit_yaml(c, "bozhou/site.yaml", parent="bozhou")), "bozhou/site.yaml", "parent"),
    ("article-title-nul", lambda c: write(c, "fgw/zwdt/a.md", "Title: a\x00b\nDate: 2026-11-20\ndisclosure: 主动公开\n\nx\n"), "fgw/zwdt/a.md", "Title"),
    ("article-body-control", lambda c: article(c, "fgw/zwdt/a.md", body="正文\x1b[31m红字"), "fgw/zwdt/a.md", "(正文)"),
    ("article-deep-list", lambda c: article(c, "fgw/zwdt/a.md", body="\n".join("    " * i + "- 层" for i in range(300))), "fgw/zwdt/a.md", "(正文)"),
    ("article-deep-quote", lambda c: article(c, "fgw/zwdt/a.md", body="> " * 40 + "引用"), "fgw/zwdt/a.md", "(正文)"),
    ("article-symlink-loop", lambda c: os.symlink("a.md", c / "fgw" / "zwdt" / "a.md"), "fgw/zwdt/a.md", "(链接)"),
    ("folder-symlink-loop", lambda c: os.symlink("..", c / "fgw" / "zwdt" / "loop"), "fgw/zwdt/loop", "(链接)"),
    ("folder-symlink-inside", lambda c: os.symlink("../tzgg", c / "fgw" / "zwdt" / "again"), "fgw/zwdt/again", "(链接)"),
    ("article-symlink-dangling", lambda c: os.symlink("gone.md", c / "fgw" / "zwdt" / "b.md"), "fgw/zwdt/b.md", "(链接)"),
]  # fmt: skip


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEMO_CONTENT, target)
    return target


def test_the_corpus_is_large_and_distinct():
    assert len(CASES) >= 60
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_bad_input_gets_a_message_not_a_traceback(case, copy: Path):
    _, breaks, shown, field = case
    breaks(copy)
    result = CliRunner().invoke(cli, ["check", str(copy)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    messages = result.output
    assert "Traceback" not in messages
    assert len(messages) < 60_000, "a hostile value must not flood the terminal"
    lines = [line for line in messages.splitlines() if f"content/{shown}" in line]
    assert any(f"字段「{field}」" in line for line in lines), messages[-3000:]


def test_a_time_with_an_offset_meets_one_without(copy: Path):
    """+08:00 on one end only is the same 北京时间, not a TypeError."""
    notice(copy, "a.yaml", **OFFLINE, start="2026-12-01 08:00:00+08:00", end="2026-12-01 20:00")
    result = CliRunner().invoke(cli, ["check", str(copy)])
    assert result.exit_code == 0, result.output


def test_a_bomb_stays_small_in_memory(copy: Path, tmp_path: Path):
    """check on the alias bomb and on an oversized file: a message, well under 200 MB."""
    write(copy, "fgw/site.yaml", BOMB)
    write(copy, LETTER, "标题: " + "长" * 2_000_000)
    script = (
        "import sys\n"
        "from archive_tool.cli import main\n"
        "try:\n    main()\nfinally:\n"
        # VmHWM is this process's own peak; ru_maxrss would include pytest's, inherited at fork
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "    print(f'PEAK {hwm.split()[1]}', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "check", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    peak_kb = int(result.stderr.rsplit("PEAK ", 1)[1])
    assert peak_kb < 200 * 1024
    assert "不支持 YAML 别名" in result.stderr and "文件过大" in result.stderr


def test_a_refused_build_writes_nothing_anywhere(copy: Path, tmp_path: Path):
    """A few of the corpus at once through pelican: exit 1, output/ as it was, no stray
    staging folder beside it."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.txt").write_text("previous", "utf-8")
    for _, breaks, _, _ in [CASES[0], CASES[8], CASES[27], CASES[48], CASES[63]]:
        breaks(copy)
    result = run_pelican(copy, output)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert [p.name for p in output.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output"]


# Through pelican, where Pelican itself failed before: a traceback, an article dropped with
# exit 0, a ValueError from ProcessPoolExecutor. (case, break, extra arguments, words shown)
BUILD_CASES = [
    ("title-nul", lambda c: write(c, "fgw/zwdt/a.md", "Title: a\x00b\nDate: 2026-11-20\ndisclosure: 主动公开\n\nx\n"), (), "content/fgw/zwdt/a.md：站点「fgw」字段「Title」"),
    ("deep-list", lambda c: article(c, "fgw/zwdt/a.md", body="\n".join("    " * i + "- 层" for i in range(300))), (), "content/fgw/zwdt/a.md：站点「fgw」字段「(正文)」"),
    ("workers-negative", lambda c: None, ("-e", "BUILD_WORKERS=-3"), "BUILD_WORKERS 应为不小于 1 的整数"),
    ("workers-text", lambda c: None, ("-e", 'BUILD_WORKERS="many"'), "实为「many」"),
    ("build-date-9999", lambda c: None, ("-e", 'BUILD_DATE="9999-12-31"'), "BUILD_DATE 应在 1949-10-01 至"),
    ("build-date-year-1", lambda c: None, ("-e", 'BUILD_DATE="0001-01-01"'), "实为「0001-01-01」"),
]  # fmt: skip


@pytest.mark.parametrize("case", BUILD_CASES, ids=[case[0] for case in BUILD_CASES])
def test_the_build_refuses_before_writing(case, copy: Path, tmp_path: Path):
    _, breaks, extra, shown = case
    breaks(copy)
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.txt").write_text("previous", "utf-8")
    result = run_pelican(copy, output, *extra)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr
    assert shown in result.stderr, result.stderr[-2000:]
    assert [p.name for p in output.iterdir()] == ["keep.txt"]
    # Nothing beside the output but, once the rules passed, the check's kept report and
    # files (group.build.checkcache), which are not published.
    beside = sorted(p.name for p in tmp_path.iterdir())
    assert beside in (["content", "output"], [".output.cache", "content", "output"])
    cache = tmp_path / ".output.cache"
    kept = sorted(p.name for p in cache.iterdir()) if cache.exists() else []
    assert kept in ([], ["check-files.pickle", "check.pickle"])


def test_an_article_pelican_drops_fails_the_build():
    """The backstop behind the rules: Pelican 4.12 records a file it could not read as None
    under "generated_content" (it was "filenames"); the plugin must see it there."""
    from types import SimpleNamespace

    sys.path.insert(0, str(REPO / "plugins"))  # the plugin is not an installed package
    from sitegroup import refuse_skipped_articles

    from archive_tool.errors import ToolkitError

    generator = SimpleNamespace(
        settings={"GROUP_SITE": "fgw"},
        context={"generated_content": {"zwdt/a.md": None, "zwdt/b.md": object()}},
    )
    with pytest.raises(ToolkitError, match="content/fgw/zwdt/a.md"):
        refuse_skipped_articles(generator)


@pytest.mark.skipif(AS_A_USER and not shutil.which("setpriv"), reason="needs setpriv as root")
@pytest.mark.parametrize("folder", ["fgw/zwdt", "fgw"], ids=["column", "site"])
def test_an_unreadable_folder_is_named_with_the_permission(folder, copy: Path):
    """Not 「空白栏目」 or 「缺少 site.yaml」: the folder that could not be listed, and why."""
    (copy / folder).chmod(0)
    try:
        result = subprocess.run(
            [*AS_A_USER, sys.executable, "-m", "archive_tool", "check", str(copy)],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        (copy / folder).chmod(0o755)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert (
        f"content/{folder}/：站点「fgw」字段「(目录)」：无法读取目录（权限不足）" in result.stderr
    )
    assert "缺少 site.yaml" not in result.stderr
