"""archive-tool verify on WARCs other tools accept, and on WARCs whose standard is broken.

Valid WARCs (pywb's sample, a URL-agnostic original, a status line without reason phrase)
pass, as `warcio check` agrees; a missing request record is a note, not a defect. A
truncated gzip member, a digest that does not match and a torn record fail, each named at
the real, non-negative byte offset of its record, with the whole message.
"""

from __future__ import annotations

import gzip
import io
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import archive_tool
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_tool.warc.gzipmembers import MemberError, iter_members
from archive_tool.warc.verify import verify_warc

PYWB_SAMPLES = Path(sys.prefix) / "sample_archive" / "warcs"
WARCIO = Path(sys.executable).with_name("warcio")
OFFSET = re.compile(r"偏移 (-?\d+)")
DATE = "2026-11-24T02:00:00Z"


def write_warc(path: Path, records, gzipped: bool = True) -> Path:
    """A WARC of (type, url, body, status line, extra WARC headers) written by warcio."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for kind, url, body, status, extra in records:
            http = None
            if status is not None:
                http = StatusAndHeaders(
                    status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
            record = writer.create_warc_record(
                url,
                kind,
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": DATE, **extra},
            )
            writer.write_record(record)
    return path


def pages(count: int = 3):
    return [
        ("response", f"http://a.example/{n}.html", b"<p>page %d</p>" % n * 40, "200 OK", {})
        for n in range(count)
    ]


def verify(path: Path):
    """The command's result, and the offsets its defects name."""
    result = archive_tool("verify", path)
    return result, [int(n) for n in OFFSET.findall(result.stderr)]


def warcio_check(path: Path) -> int:
    return subprocess.run(
        [str(WARCIO), "check", str(path)], capture_output=True, timeout=120, check=False
    ).returncode


def member_offsets(path: Path) -> list[int]:
    with open(path, "rb") as stream:
        return [member.offset for member in iter_members(stream)]


def replace_member(path: Path, number: int, change) -> Path:
    """The WARC with its number-th gzip member's content changed, recompressed alone."""
    data = path.read_bytes()
    with open(path, "rb") as stream:
        member = list(iter_members(stream))[number]
    content = zlib.decompress(data[member.offset : member.offset + member.length], 31)
    new = gzip.compress(change(content))
    out = path.with_name("changed-" + path.name)
    out.write_bytes(data[: member.offset] + new + data[member.offset + member.length :])
    return out


# -- valid WARCs: pass, with a note where a request record is missing -------------------


@pytest.fixture(scope="module")
def valid_warcs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("valid")
    original = write_warc(root / "url-agnostic-original.warc.gz", pages(1))
    revisit = write_warc(
        root / "url-agnostic-revisit.warc.gz",
        [
            (
                "revisit",
                "http://b.example/same.html",
                b"",
                "200 OK",
                {
                    "WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
                    "WARC-Refers-To-Target-URI": "http://a.example/0.html",
                    "WARC-Refers-To-Date": DATE,
                    "WARC-Payload-Digest": "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                },
            )
        ],
    )
    no_reason = write_warc(
        root / "status-without-text.warc",
        [("response", "http://a.example/", b"<p>x</p>", "200", {})],
        gzipped=False,
    )
    assert b"HTTP/1.1 200\r\n" in no_reason.read_bytes()
    warcs = {
        "url-agnostic original": original,
        "url-agnostic revisit": revisit,
        "status 200 without text": no_reason,
    }
    for name in (
        "example.warc.gz",
        "example-url-agnostic-orig.warc.gz",
        "missing-status-text.warc",
    ):
        if (PYWB_SAMPLES / name).exists():
            warcs[f"pywb {name}"] = PYWB_SAMPLES / name
    return warcs


VALID = [
    "url-agnostic original",
    "url-agnostic revisit",
    "status 200 without text",
    "pywb example.warc.gz",
    "pywb example-url-agnostic-orig.warc.gz",
    "pywb missing-status-text.warc",
]


@pytest.mark.parametrize("name", VALID)
def test_a_valid_warc_passes_as_warcio_check_agrees(name, valid_warcs):
    if name not in valid_warcs:
        pytest.skip(f"pywb's sample archive is not installed ({PYWB_SAMPLES})")
    path = valid_warcs[name]
    result, offsets = verify(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "结论：通过" in result.stdout and "错误" not in result.stderr
    assert "Traceback" not in result.stderr and all(offset >= 0 for offset in offsets)
    assert warcio_check(path) == 0


@pytest.mark.parametrize("name", ["url-agnostic original", "pywb example.warc.gz"])
def test_a_missing_request_record_is_a_note_not_a_defect(name, valid_warcs):
    if name not in valid_warcs:
        pytest.skip(f"pywb's sample archive is not installed ({PYWB_SAMPLES})")
    result, _ = verify(valid_warcs[name])
    assert "提示：" in result.stdout and "没有对应的请求记录" in result.stdout
    assert "不算缺陷" in result.stdout and "结论：通过" in result.stdout


# -- broken WARCs: fail at the real offset ---------------------------------------------


@pytest.fixture
def good(tmp_path) -> Path:
    return write_warc(tmp_path / "good.warc.gz", pages(3))


def test_a_truncated_gzip_member_is_named_at_its_offset(good, tmp_path):
    last = member_offsets(good)[-1]
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(good.read_bytes()[:-40])
    result, offsets = verify(truncated)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"偏移 {last}：" in result.stderr and "最后一条记录不完整" in result.stderr
    assert offsets and all(offset >= 0 for offset in offsets)


def test_a_payload_digest_mismatch_is_named_at_its_record(good):
    second = member_offsets(good)[1]
    changed = replace_member(good, 1, lambda content: content.replace(b"page 1", b"PAGE 1"))
    result, _ = verify(changed)
    assert result.returncode == 1
    assert f"偏移 {second}：response 记录 http://a.example/1.html：块摘要不符" in result.stderr
    assert f"偏移 {second}：response 记录 http://a.example/1.html：载荷摘要不符" in result.stderr
    assert warcio_check(changed) != 0  # warcio agrees: the standard is broken


def test_a_block_digest_mismatch_in_the_http_head_is_found(good):
    # Only the HTTP head changes: the payload digest still matches, the block's does not.
    changed = replace_member(good, 2, lambda content: content.replace(b"200 OK", b"200 Ok"))
    result, _ = verify(changed)
    assert result.returncode == 1 and "块摘要不符" in result.stderr
    assert "载荷摘要不符" not in result.stderr


def test_a_torn_record_in_a_gzip_member_is_named(good):
    first = member_offsets(good)[1]

    def lengthen(content: bytes) -> bytes:
        length = int(re.search(rb"Content-Length: (\d+)", content).group(1))
        return content.replace(
            b"Content-Length: %d" % length, b"Content-Length: %d" % (length + 500), 1
        )

    result, _ = verify(replace_member(good, 1, lengthen))
    assert result.returncode == 1
    assert f"偏移 {first}：" in result.stderr and "记录不完整：Content-Length 为" in result.stderr


def test_a_torn_last_record_of_an_uncompressed_warc_is_named(tmp_path):
    plain = write_warc(tmp_path / "plain.warc", pages(3), gzipped=False)
    with open(plain, "rb") as stream:
        iterator = ArchiveIterator(stream)
        starts = [iterator.get_record_offset() for _ in iterator]
    torn = tmp_path / "torn.warc"
    torn.write_bytes(plain.read_bytes()[:-120])
    result, _ = verify(torn)
    assert result.returncode == 1
    assert f"偏移 {starts[-1]}：response 记录 http://a.example/2.html：记录不完整" in result.stderr


def test_records_after_a_damaged_member_are_still_read(good, tmp_path):
    data = bytearray(good.read_bytes())
    second = member_offsets(good)[1]
    data[second + 30] ^= 0xFF  # inside the second member's deflate data
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(data))
    summary = verify_warc(damaged)
    assert not summary.ok
    assert [defect.offset for defect in summary.defects] == [second]
    assert summary.records["response"] == 2, "the first and the third record"


def test_a_whole_file_gzip_is_named_at_offset_zero_with_the_whole_message(tmp_path):
    plain = write_warc(tmp_path / "plain.warc", pages(3), gzipped=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    result, offsets = verify(whole)
    assert result.returncode == 1
    assert offsets == [0], "the member's real offset, never a negative one"
    assert "warcio recompress" in result.stderr, "the message is shown whole"
    assert "偏移 -" not in result.stdout + result.stderr


def test_pywb_whole_file_gzip_sample_gives_a_real_offset():
    sample = PYWB_SAMPLES / "example-bad.warc.gz.bad"
    if not sample.exists():
        pytest.skip(f"pywb's sample archive is not installed ({PYWB_SAMPLES})")
    result, offsets = verify(sample)
    assert result.returncode == 1 and offsets and min(offsets) >= 0
    assert "This file is probably not a m" not in result.stderr
    assert all(
        line.endswith(("）", "修复", "复")) for line in result.stderr.splitlines() if "偏移" in line
    )


def test_data_right_after_a_block_is_a_defect_though_warcio_only_warns(tmp_path):
    """A Content-Length too small leaves the end of the block outside the record: republish
    would publish the page without it (issue 25), so it fails, where warcio only warns."""
    plain = write_warc(tmp_path / "plain.warc", pages(2), gzipped=False)
    data = plain.read_bytes()
    end = data.index(b"\r\n\r\nWARC/1", 10)  # the end of the first record's block
    noisy = tmp_path / "noisy.warc"
    noisy.write_bytes(data[:end] + b"junk" + data[end:])
    result, offsets = verify(noisy)
    assert result.returncode == 1 and offsets == [0]
    assert "Content-Length 偏小" in result.stderr
    assert warcio_check(noisy) == 0


def test_data_between_records_is_a_defect_as_warcio_rejects_it(tmp_path):
    plain = write_warc(tmp_path / "plain.warc", pages(2), gzipped=False)
    data = plain.read_bytes()
    second = data.index(b"WARC/1", 10)
    noisy = tmp_path / "noisy.warc"
    noisy.write_bytes(data[:second] + b"junk\r\n" + data[second:])
    result, offsets = verify(noisy)
    assert result.returncode == 1 and offsets == [second]
    assert "无法识别的数据" in result.stderr
    assert warcio_check(noisy) != 0


# -- the walk's offsets are exact, for members of any size -------------------------------


def test_record_offsets_agree_with_warcio_on_large_records(tmp_path):
    # Records larger than one read: the member ends in a call that hits its output limit.
    body = "".join(f"<p>第{n}段，{n * 7919 % 104729}</p>" for n in range(20_000)).encode()
    records = [("response", f"http://a.example/{n}.html", body, "200 OK", {}) for n in range(4)]
    warc = write_warc(tmp_path / "large.warc.gz", records)
    with open(warc, "rb") as stream:
        iterator = ArchiveIterator(stream)
        expected = [(iterator.get_record_offset(), iterator.get_record_length()) for _ in iterator]
    seen = []
    summary = verify_warc(
        warc, on_record=lambda record: seen.append((record.offset, record.length))
    )
    assert summary.ok, summary.defects
    assert seen == expected


# Compressible parts of up to 2 MB: several reads, and ends that fall inside a read.
part = st.tuples(st.binary(min_size=1, max_size=512), st.integers(1, 4000))
members = st.lists(part.map(lambda pair: pair[0] * pair[1]), min_size=2, max_size=6)


@settings(max_examples=30, deadline=None)
@given(parts=members, cut=st.floats(0, 1))
def test_gzip_members_are_walked_at_their_exact_offsets(parts, cut):
    compressed = [gzip.compress(part, compresslevel=1) for part in parts]
    data = b"".join(compressed)
    offsets = [sum(len(c) for c in compressed[:n]) for n in range(len(parts))]
    found = [(m.offset, m.length, m.size) for m in iter_members(io.BytesIO(data))]
    assert found == [(o, len(c), len(p)) for o, c, p in zip(offsets, compressed, parts)]
    end = int(len(data) * cut)
    if end in offsets or end == len(data):
        return
    torn = max(o for o in offsets if o < end)
    with pytest.raises(MemberError) as error:
        list(iter_members(io.BytesIO(data[:end])))
    assert error.value.offset == torn
