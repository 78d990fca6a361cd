"""The content folder is read once into a model; every rule is a pass over that model."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from archive_tool.content.loader import load_content
from archive_tool.group.rules.check import check_content, check_group

TODAY = date(2026, 11, 26)

def content_files(root: Path) -> set[Path]:
    """What a check reads: site.yaml, articles, records, notices, 年度工作报表 figures, ledgers,
    library, lexicons (the loader) and the attachments of published sites (the
    publishing-safety scan)."""
    wanted = set(root.glob("*/site.yaml")) | set(root.glob("*/index-numbers.yaml"))
    wanted |= set(root.rglob("*.md")) | set(root.glob("_policy/*.txt"))
    for site in ("bozhou", "qcq", "fgw", "sjj", "gxq"):  # mcx is pending: not published
        # every static file: its type is checked by content, its text (or metadata) scanned
        wanted |= {p for p in (root / site / "files").rglob("*") if p.is_file()}
    for folder in ("services", "letters", "consultations", "interviews", "notices", "annual"):
        wanted |= set(root.glob(f"*/{folder}/*.yaml"))
    return {path.resolve() for path in wanted}


def test_check_opens_each_content_file_once(group_with_every_kind: Path, opened: Counter):
    report = check_group(group_with_every_kind, TODAY)
    assert report.ok, report.violations
    below = {
        path: n for path, n in opened.items() if group_with_every_kind.resolve() in path.parents
    }
    expected = content_files(group_with_every_kind)
    assert len(expected) > 100  # the demo: 5 sites' articles, records, ledgers and the library
    assert set(below) == expected
    assert {path: n for path, n in below.items() if n != 1} == {}


def test_rules_are_passes_over_the_model(group_with_every_kind: Path, tmp_path: Path):
    """Once loaded, what the loader read is not needed: the check gives the same verdict.
    (Attachments stay: the publishing-safety scan reads them, once.)"""
    expected = check_group(group_with_every_kind, TODAY).violations
    group = load_content(group_with_every_kind)
    for path in content_files(group_with_every_kind):
        if "files" not in path.parts:
            path.unlink()
    report = check_content(group, TODAY)
    assert report.violations == expected
    assert report.states["fgw"].state == "online"  # the offline record starts on 2026-12-01
    assert sum(len(items) for items in report.services.values()) > 0
    assert report.ledgers["bozhou"].numbers


def test_the_model_holds_what_each_site_has(group_with_every_kind: Path):
    group = load_content(group_with_every_kind)
    portal = group.sites["bozhou"]
    assert {article.parts[0] for article in portal.articles} >= {"zwdt", "zcwj", "tzgg"}
    assert all(article.metadata.get("title") for article in portal.articles)
    assert [f.slug for f in portal.records["letters"]] == sorted(
        p.stem for p in (group_with_every_kind / "bozhou" / "letters").glob("*.yaml")
    )
    assert [f.data["type"] for f in group.sites["fgw"].records["notices"]] == ["offline"]
    assert portal.ledger is not None and isinstance(portal.ledger.data, dict)
    assert any(name.startswith("files/") for name in portal.attachments)
    assert [item.shown for item in group.library] == [
        "content/_library/2026-11-10-gonggong-shuju-guanli.md",
        "content/_library/2026-11-19-senlin-fanghuo.md",
    ]


def test_reading_problems_name_the_file_and_are_reported_once(group_copy: Path):
    (group_copy / "bozhou" / "letters" / "broken.yaml").write_text("标题: [未闭合\n", "utf-8")
    (group_copy / "fgw" / "zwdt" / "gbk.md").write_bytes(
        b"Title: \xb9\xab\xb8\xe6\n"
    )  # 公告 in GBK
    notices = group_copy / "qcq" / "notices"
    notices.mkdir()
    (notices / "20261201-offline.yaml").write_bytes(b"\xff\xfe not utf-8")
    report = check_group(group_copy, TODAY)
    found = {(v.file, v.field) for v in report.errors}
    assert ("content/bozhou/letters/broken.yaml", "(YAML)") in found
    assert ("content/fgw/zwdt/gbk.md", "(文件)") in found
    assert ("content/qcq/notices/20261201-offline.yaml", "(YAML)") in found
    shown = [v.file for v in report.errors]
    assert len(shown) == len(set(zip(shown, [v.field for v in report.errors])))


def test_links_out_of_a_folder_are_reported_and_not_followed(tmp_path: Path):
    from archive_tool.content.loader import walk_files

    theme = tmp_path / "theme"
    (theme / "static").mkdir(parents=True)
    (theme / "static" / "site.css").write_text("body{}", "utf-8")
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "key.txt").write_text("secret", "utf-8")
    (theme / "static" / "passwd").symlink_to("/etc/passwd")
    (theme / "static" / "dir").symlink_to(outside, target_is_directory=True)
    (theme / "static" / "same.css").symlink_to(theme / "static" / "site.css")
    files, escaping, _ = walk_files(theme, theme)
    assert [parts for _, parts in files] == [("static", "same.css"), ("static", "site.css")]
    assert [path.name for path in escaping] == ["dir", "passwd"]


def test_a_written_index_number_already_given_is_reported_by_its_registered_rule(group_copy):
    """索引号 problems are registry rules (scope ``numbers``), each naming file and field."""
    from archive_tool.compliance import rules_of
    from archive_tool.group.rules.check import check_group

    article = group_copy / "fgw" / "zwdt" / "2026-06-20-fgw-jiage-jiance.md"
    text = article.read_text(encoding="utf-8")
    taken = "index_no: 11341600MB00000030/2025-00001\n"  # the ledger's number of another article
    article.write_text(text.replace("disclosure:", taken + "disclosure:", 1), encoding="utf-8")
    found = [v for v in check_group(group_copy).errors if v.field == "index_no"]
    assert [(v.file, v.message) for v in found] == [
        (
            "content/fgw/zwdt/2026-06-20-fgw-jiage-jiance.md",
            "索引号「11341600MB00000030/2025-00001」已用于「2025-02-20-fgw-quanwei-gongzuo-huiyi」",
        )
    ]
    names = [rule.name for rule in rules_of("numbers")]
    assert names == ["readable_ledger", "written_number_form", "written_number_unique"]
