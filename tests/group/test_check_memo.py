"""The check with the files kept from the last one (content.filememo, group.build.checkcache)
gives the report a full check gives — every finding, in order, with its file, field and
article, and the verdict — after any change to the content or the day; and reads only what
changed."""

from __future__ import annotations

import os
import pickle
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from archive_tool.content.articles import ArticleFile
from archive_tool.group.build.checkcache import CACHE_FILE, FILES_FILE, cached_check, code_key
from archive_tool.group.build.contentcache import cache_root
from archive_tool.group.rules.check import GroupReport, check_group

DAY = date(2026, 11, 26)
# Someone's 居民身份证号 (a valid check digit, made up): a finding of the safety scan.
ID_NUMBER = "11010519491231002X"


def shown(report: GroupReport) -> list:
    """What a user sees of a report: each finding as printed, its place, and the verdict."""
    return [
        [(str(v), v.site, v.file, v.field, v.article, v.severity) for v in report.violations],
        [str(waiver) for waiver in report.waivers],
        report.ok,
    ]


@pytest.fixture
def checked(opened: Counter):
    """check(content, output, day): the check with the kept files, compared with a full
    one; and the articles it read (conftest's ``opened``)."""

    def check(content: Path, output: Path, day: date = DAY) -> tuple[GroupReport, set[Path]]:
        opened.clear()
        kept = cached_check(content, day, output, lambda: check_group(content, day))
        read = {path for path in opened if path.suffix == ".md"}
        assert shown(kept) == shown(check_group(content, day))
        return kept, read

    return check


@pytest.fixture
def warm(group_with_every_kind: Path, tmp_path: Path, checked) -> tuple[Path, Path]:
    """The demo copy (with an offline notice) checked once: the kept files written."""
    output = tmp_path / "output"
    report, read = checked(group_with_every_kind, output)
    assert report.ok and read and (cache_root(output) / FILES_FILE).is_file()
    return group_with_every_kind, output


def an_article(content: Path, site: str = "qcq") -> Path:
    return min((content / site / "zwdt").glob("*.md"))


def test_an_edit_reads_only_the_edited_article_and_reports_as_a_full_check(warm, checked):
    content, output = warm
    article = an_article(content)
    article.write_text(article.read_text("utf-8") + f"\n联系人身份证号 {ID_NUMBER}\n", "utf-8")
    report, read = checked(content, output)
    assert not report.ok and read == {article.resolve()}
    assert any(v.file.endswith(article.name) and "身份证" in v.message for v in report.errors)
    # A refused check keeps nothing; the next one still reads only what changed.
    article.write_text(article.read_text("utf-8").replace(ID_NUMBER, "（已删除）"), "utf-8")
    report, read = checked(content, output)
    assert report.ok and read == {article.resolve()}
    _, read = checked(content, output, date(2026, 11, 27))  # a new day reads no article
    assert read == set()


def test_added_deleted_renamed_and_touched_articles(warm, checked):
    content, output = warm
    article = an_article(content)
    added = article.with_name("2026-11-25-xinzeng.md")
    text = article.read_text("utf-8").replace(f"Slug: {article.stem}", "Slug: xinzeng")
    added.write_text(text.replace("Title: ", "Title: 新增："), "utf-8")
    report, read = checked(content, output)
    assert report.ok and read == {added.resolve()}
    twin = article.with_name("2026-11-25-chongfu.md")
    shutil.copy2(article, twin)  # the same slug and 索引号 twice: cross-file rules
    report, _ = checked(content, output)
    assert not report.ok
    twin.unlink()
    checked(content, output)
    renamed = article.rename(article.with_name("2026-11-25-gaiming.md"))  # same inode
    _, read = checked(content, output)
    assert read == {renamed.resolve()}
    stat = renamed.stat()
    os.utime(renamed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # saved again, same bytes
    _, read = checked(content, output)
    assert read == {renamed.resolve()}
    added.unlink()
    checked(content, output)


def test_library_policy_ledger_and_records(warm, checked):
    content, output = warm
    item = min((content / "_library").glob("*.md"))
    item.write_text(item.read_text("utf-8") + f"\n{ID_NUMBER}\n", "utf-8")
    report, read = checked(content, output)
    assert not report.ok and read == {item.resolve()}
    item.write_text(item.read_text("utf-8").replace(ID_NUMBER, ""), "utf-8")
    checked(content, output)
    # A new sensitive term finds what every kept text held: the lexicons key the findings.
    article = an_article(content)
    term = article.read_text("utf-8").split("\n\n", 1)[1].strip()[:6]
    lexicon = content / "_policy" / "敏感词.txt"
    lexicon.write_text(lexicon.read_text("utf-8") + f"\n{term}\n", "utf-8")
    report, _ = checked(content, output)
    assert any(term in v.message for v in report.errors)
    lexicon.write_text(lexicon.read_text("utf-8").replace(f"\n{term}\n", "\n"), "utf-8")
    checked(content, output)
    ledger = content / "qcq" / "index-numbers.yaml"
    lines = ledger.read_text("utf-8").splitlines()
    assert lines[2].endswith("2025-00004")
    ledger.write_text("\n".join([*lines[:2], lines[2].replace("00004", "00001"), *lines[3:]]))
    checked(content, output)  # a number given twice
    ledger.write_text("\n".join(lines) + "\n[", "utf-8")
    report, _ = checked(content, output)
    assert not report.ok
    ledger.write_text("\n".join(lines) + "\n", "utf-8")
    checked(content, output)
    site = content / "qcq" / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("name: ", "name: 新", 1), "utf-8")
    _, read = checked(content, output)
    assert read == set()
    shutil.rmtree(content / "qcq" / "letters")
    checked(content, output)


@pytest.mark.parametrize(
    "days",
    [
        [date(2026, 11, 27), date(2026, 12, 1), date(2026, 12, 2), date(2027, 3, 1)],
        [date(2025, 1, 1), date(2026, 11, 26)],
    ],
)
def test_any_day_over_kept_files(warm, checked, days):
    content, output = warm
    for day in days:  # notices start and end, letters fall due, dates become future ones
        _, read = checked(content, output, day)
        assert read == set()


def reading_of(entry: bytes) -> Path | None:
    """The article a kept entry is the reading of (keys are digests: content.filememo)."""
    value = pickle.loads(entry)
    return value.path.resolve() if isinstance(value, ArticleFile) else None


def kept_pickles(path):
    """A kept file's key and value (group.build.checkcache: two pickles in a row)."""
    with open(path, "rb") as file:
        return pickle.load(file), pickle.load(file)


def test_damaged_or_foreign_kept_files_are_not_trusted(warm, checked):
    content, output = warm
    path = cache_root(output) / FILES_FILE
    key, entries = kept_pickles(path)
    article = an_article(content)
    ours = [k for k, v in entries.items() if reading_of(v) == article.resolve()]
    assert ours
    # An entry that does not unpickle is read again.
    entries[ours[0]] = b"\x80\x05truncated"
    path.write_bytes(pickle.dumps(key) + pickle.dumps(entries))
    (cache_root(output) / CACHE_FILE).unlink()
    _, read = checked(content, output)
    assert read == {article.resolve()}
    # A memo under another code key (another version of the toolkit) is ignored whole,
    # however plausible its entries: here every article would be the edited one.
    entries = kept_pickles(path)[1]
    readings = {k: reading_of(v) for k, v in entries.items()}
    other = next(
        entries[k] for k, path in readings.items() if path not in (None, article.resolve())
    )
    forged = {k: (other if readings[k] else v) for k, v in entries.items()}
    assert key == code_key()
    path.write_bytes(pickle.dumps("another version") + pickle.dumps(forged))
    (cache_root(output) / CACHE_FILE).unlink()
    _, read = checked(content, output)
    assert article.resolve() in read and len(read) > 10
    path.write_bytes(b"\x80\x05truncated")  # and a memo that does not unpickle at all
    (cache_root(output) / CACHE_FILE).unlink()
    report, read = checked(content, output)
    assert report.ok and len(read) > 10
