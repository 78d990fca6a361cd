"""A 保密审查 accepts one exact number (its keyed 指纹), and a citizen's letter is published
masked whatever its YAML looks like: seen from the build's messages and its output."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import run_pelican
from stdnum.cn import ric

from archive_tool.group.rules.check import check_group
from archive_tool.safety.review import KEY_FILE, fingerprint, review_key


def id_number(base: str) -> str:
    return base + ric.calc_check_digit(base + "0")  # it ignores the last character


def twins() -> tuple[str, str]:
    """Two valid 居民身份证号码 that mask the same way (same first and last four)."""
    first = id_number("34162319900101123")
    for day in range(1, 29):
        other = id_number(f"341623198506{day:02d}123")
        if other[-4:] == first[-4:] and other != first:
            return first, other
    raise AssertionError("no twin")


def article(path: Path, body: str, review: str = "") -> None:
    head = "Title: 公示\nDate: 2026-11-20 09:00\ndisclosure: 主动公开\n"
    if review:
        head += f"review: 审查人：王审查；审查日期：2026-11-19；结论：{review}\n"
    path.write_text(head + "\n" + body, "utf-8")


def test_a_waiver_names_one_number_by_its_fingerprint(group_copy: Path):
    one, other = twins()
    masked = one[:4] + "*" * 10 + one[-4:]
    assert masked == other[:4] + "*" * 10 + other[-4:]
    mark = fingerprint(one, review_key(group_copy))
    article(group_copy / "fgw" / "zwdt" / "a.md", f"号码 {one}\n\n号码 {other}", f"同意发布 指纹 {mark}")
    article(group_copy / "fgw" / "zwdt" / "b.md", f"号码 {one}", f"同意发布 {masked}")
    report = check_group(group_copy, date(2026, 11, 26))
    errors = [v for v in report.errors if "/fgw/zwdt/" in v.file]
    assert sorted((v.file.rsplit("/", 1)[1], v.field) for v in errors) == [
        ("a.md", "第 8 行"),  # the twin: not accepted with the other's fingerprint
        ("b.md", "第 6 行"),  # the masked form accepts nothing any more
    ]
    other_mark = fingerprint(other, review_key(group_copy))
    assert f"指纹「{other_mark}」" in errors[0].message + errors[1].message
    (waiver,) = [w for w in report.waivers if w.finding.file.endswith("a.md")]
    assert waiver.finding.fingerprint == mark and f"（指纹 {mark}）" in str(waiver)
    everything = "".join(v.message for v in report.violations) + "".join(
        str(w) for w in report.waivers
    )
    assert one not in everything and other not in everything


def test_the_key_is_made_once_and_kept(tmp_path: Path):
    key = review_key(tmp_path)
    path = tmp_path / "_policy" / KEY_FILE
    assert path.read_text("utf-8").strip().encode() == key and len(key) == 64
    assert review_key(tmp_path) == key
    assert path.stat().st_mode & 0o077 == 0


def published_text(output: Path) -> str:
    """Every file under output/, gzip members opened, as text."""
    chunks = []
    for path in output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                try:
                    data = gzip.decompress(data)
                except OSError:
                    pass
            chunks.append(data.decode("utf-8", "replace"))
    return "\n".join(chunks)


MOBILE = "13912345678"
WIDE_ID = id_number("34162319900101123")
WIDE = "".join(chr(0xFF10 + int(c)) if c.isdigit() else "Ｘ" for c in WIDE_ID)


@pytest.fixture(scope="module")
def letters_built(tmp_path_factory):
    import shutil

    from conftest import DEMO_CONTENT

    root = tmp_path_factory.mktemp("letters")
    content = root / "content"
    shutil.copytree(DEMO_CONTENT, content)
    letters = {
        "2026-0097": {
            "标题": "关于道路维修的建议",
            "类型": "建议",
            "留言时间": "2026-11-01 10:00",
            "留言人": "王小五",
            "留言内容": [f"我的电话是{MOBILE}", int(MOBILE), {"补充": [int(MOBILE)]}],
        },
        "2026-0098": {
            "标题": "关于社保转移的咨询",
            "类型": "咨询",
            "留言时间": "2026-11-02 10:00",
            "留言人": "赵六",
            "留言内容": f"身份证号{WIDE}，电话１３９ 1234\u200b5678。",
        },
    }
    for name, letter in letters.items():
        (content / "bozhou" / "letters" / f"{name}.yaml").write_text(
            yaml.safe_dump(letter, allow_unicode=True), "utf-8"
        )
    result = run_pelican(content, root / "output", "-e", 'BUILD_DATE="2026-11-26"')
    return result


def test_a_letter_of_any_yaml_shape_is_published_masked(letters_built):
    result = letters_built
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    page = (result.output / "www.bozhou.gov.cn" / "letters" / "2026-0097.html").read_text("utf-8")
    assert "139****5678" in page
    # A list is shown as the lines a citizen wrote, not as a Python list.
    assert "我的电话是139****5678\n139****5678\n补充：139****5678" in page and "[&#39;" not in page
    text = published_text(result.output)
    assert MOBILE not in text and "王小五" not in text


def test_a_full_width_id_in_a_letter_is_masked_not_a_crash(letters_built):
    result = letters_built
    assert result.returncode == 0, result.stderr
    page = (result.output / "www.bozhou.gov.cn" / "letters" / "2026-0098.html").read_text("utf-8")
    assert WIDE_ID[:4] + "*" * 10 + WIDE_ID[-4:] in page
    text = published_text(result.output)
    assert WIDE not in text and WIDE_ID not in text and "１３９ 1234" not in text
