"""Every command that reads a WARC, on every hostile WARC of the corpus (``hostile.py``).

One expected outcome per case and command: refused with a Chinese message naming the file,
the offset and what is wrong (exit 1, no output file), or accepted (exit 0). Never a
traceback or a warcio exception, and never more than 200 MB of memory (peak RSS of the
command's process, measured with getrusage(RUSAGE_CHILDREN) in a wrapper process).

The cases of a record that takes seconds of processor time run with a record's time set
to RECORD_SECONDS (ARCHIVE_TOOL_RECORD_SECONDS): a tenth of what they cost, ten times
what any other record of the corpus takes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import archive_tool_measured

sys.path.insert(0, str(Path(__file__).parent))
import hostile

PEAK_KB = 200 * 1024
COMMANDS = ("verify", "index", "wacz", "republish")
CORRUPT_GZIP = ("gzip 数据损坏", "文件在一条记录中间结束", "不是 gzip 数据块的开头", "记录头")
NOT_A_WARC = "此处不是 WARC 记录的开头"
ACCEPTED = None  # exit 0: a valid WARC (a bomb is only a bomb when decoded: nothing is whole)
BOMB_SKIPPED = {"republish": "警告：已跳过"}  # the record is left out, named
# what an accepted case must still say, by command
SAID = {
    "1 GiB record block in a 1 MB gzip member": {"verify": "疑似压缩炸弹", **BOMB_SKIPPED},
    "2 GiB gzip Content-Encoding bomb": BOMB_SKIPPED,
    "2 GiB deflate Content-Encoding bomb": BOMB_SKIPPED,
    "2 GiB br Content-Encoding bomb": BOMB_SKIPPED,
}

RECORD_SECONDS = "0.1"
SLOW = (f"处理这条记录用时超过 {RECORD_SECONDS} 秒（处理器时间）的上限",)
TIMED = {
    "1 MiB WARC header of folded lines",
    "512 MiB block inflating for seconds",
    "page of 70,000 links",
    "ARC record with an HTTP head of 2 MiB of folded lines",
}
LONG_HEAD = ("HTTP 头超过 256 KiB，不是正常的 HTTP 消息，不予索引或打包",)
NO_PAGES = ("没有可发布的页面",)
NO_ARC = (
    "这是 ARC 格式（WARC 的前身），不受支持",
)  # republish reads WARC only  # refused as a whole: no record to name
NOT_A_SOURCE = ("无法识别旧网址来源",)  # continuity takes WARCs, archive folders, sitemaps

# case → what each command must say when it refuses the file (any of the texts), or ACCEPTED;
# or a dict of that by command
EXPECTED = {
    "gzip WARC cut mid-member": ("文件在一条记录中间结束",),
    "16 flipped bytes": CORRUPT_GZIP,
    "trailing garbage": ("不是 gzip 数据块的开头",),
    "PNG named .warc.gz": (NOT_A_WARC,),
    "HTML named .warc.gz": (NOT_A_WARC,),
    "bzip2 named .warc.gz": (NOT_A_WARC,),
    "record claiming WARC/9.9": ("不支持的 WARC 版本「WARC/9.9」",),
    "1 GiB record block in a 1 MB gzip member": ACCEPTED,
    "2 GiB gzip Content-Encoding bomb": ACCEPTED,
    "2 GiB deflate Content-Encoding bomb": ACCEPTED,
    "2 GiB br Content-Encoding bomb": ACCEPTED,
    "Content-Length 100 bytes short": ("Content-Length 偏小",),
    "Content-Length 99,999,999,999": ("Content-Length 为 99999999999 字节，实际只有",),
    "Content-Length -5": ("Content-Length 无效（「-5」）",),
    "0-byte .warc.gz": ("文件为空（0 字节）",),
    "3,000 records sharing one WARC-Record-ID": ("WARC-Record-ID <urn:uuid:",),
    "1 MiB WARC header of folded lines": SLOW,
    "512 MiB block inflating for seconds": SLOW,
    "page of 70,000 links": {
        "verify": ACCEPTED,
        "index": ACCEPTED,
        "wacz": ACCEPTED,
        "republish": SLOW,
    },
    "HTTP head of 2 MiB of folded lines": {
        "verify": ACCEPTED,
        "index": LONG_HEAD,
        "wacz": LONG_HEAD,
        "republish": NO_PAGES,
        "continuity": ACCEPTED,  # reads the record through our walk, as verify does
    },
    "ARC record with an HTTP head of 2 MiB of folded lines": {
        **dict.fromkeys(("verify", "index", "wacz"), SLOW),
        "republish": NO_ARC,
        "continuity": NOT_A_SOURCE,
    },
    "ARC header line of 64 MiB": {
        **dict.fromkeys(("verify", "index", "wacz"), ("记录头中有一行超过 1 MiB 仍未结束",)),
        "republish": NO_ARC,
        "continuity": NOT_A_SOURCE,
    },
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            built[name] = hostile.build(name, folder)
        return built[name]

    return get


def run_measured(
    command: str, warc: Path | list[Path], out: Path, record_seconds: str = ""
) -> tuple[subprocess.CompletedProcess, int]:
    """``archive-tool <command>`` on the WARC in a fresh process, and its peak RSS in KiB;
    with ``record_seconds``, that time for each record."""
    env = {"ARCHIVE_TOOL_RECORD_SECONDS": record_seconds} if record_seconds else {}
    warcs = warc if isinstance(warc, list) else [warc]
    args = [command, *warcs, *([] if command == "verify" else ["-o", out])]
    return archive_tool_measured(*args, env=env)


def test_every_case_has_one_expected_outcome():
    assert set(EXPECTED) == set(hostile.CASES)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.slow) if "GiB" in c else c for c in EXPECTED]
)
def test_hostile_warc(case, command, corpus, tmp_path):
    warc = corpus(case)
    out = tmp_path / ("archive" if command == "republish" else f"out.{command}")
    result, peak_kb = run_measured(command, warc, out, RECORD_SECONDS if case in TIMED else "")
    said = result.stdout + result.stderr
    print(f"{case} / {command}: exit {result.returncode}, peak RSS {peak_kb // 1024} MiB")
    assert "Traceback" not in said and "warcio" not in said.replace("warcio recompress", "")
    assert peak_kb < PEAK_KB, f"peak RSS {peak_kb // 1024} MiB"
    expected = EXPECTED[case]
    if isinstance(expected, dict):
        expected = expected[command]
    if expected is ACCEPTED:
        assert result.returncode == 0, said
        assert SAID.get(case, {}).get(command, "") in said
        return
    assert result.returncode == 1, said
    if expected is NO_PAGES:
        assert NO_PAGES[0] in result.stderr, said
        return
    errors = [line for line in result.stderr.splitlines() if "偏移" in line]
    assert any(str(warc) in line or str(warc) in result.stderr for line in errors), said
    assert any(text in line for line in errors for text in expected), said
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()], "no output"
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*.pages.jsonl"))


def test_index_and_wacz_refuse_an_output_folder_that_does_not_exist(corpus, tmp_path):
    warc = hostile.good_pages(tmp_path / "good.warc.gz")
    for command in ("index", "wacz"):
        target = tmp_path / "missing" / f"x.{command}"
        result, _ = run_measured(command, warc, target)
        assert result.returncode == 1, result.stderr
        assert f"输出文件所在的目录不存在：{target.parent}" in result.stderr
        assert "Traceback" not in result.stderr and not target.parent.exists()


def test_index_and_wacz_refuse_two_warcs_of_one_name(tmp_path):
    """The same file twice, or two files of one name: the index and the WACZ name a WARC
    by its file name (a WACZ held two archive/x.warc.gz, each read as the other)."""
    warc = hostile.good_pages(tmp_path / "x.warc.gz")
    (tmp_path / "b").mkdir()
    other = hostile.write_warc(tmp_path / "b" / "x.warc.gz", [("/o.html", hostile.page(9), [], {})])
    for second in (warc, other):
        for command in ("index", "wacz"):
            target = tmp_path / f"out.{command}"
            result, _ = run_measured(command, [warc, second], target)
            assert result.returncode == 1, result.stderr
            assert f"WARC 文件名重复：{warc} 和 {second}" in result.stderr
            assert "Traceback" not in result.stderr and "Warning" not in result.stderr
            assert not target.exists()


def test_a_fifo_given_as_a_warc_is_refused_by_every_command(tmp_path):
    """Nobody writes to it: opening it to read would block for ever."""
    fifo = tmp_path / "pipe.warc.gz"
    os.mkfifo(fifo)
    site = tmp_path / "hostile.example"
    site.mkdir()
    for command in (*COMMANDS, "continuity"):
        out = tmp_path / f"out.{command}"
        args = [site, fifo] if command == "continuity" else [fifo]
        args += [] if command in ("verify", "continuity") else ["-o", out]
        result, _ = archive_tool_measured(command, *args, timeout=120)
        assert result.returncode == 1, (command, result.stderr)
        assert "不是普通文件" in result.stderr and str(fifo) in result.stderr, result.stderr
        assert not out.exists()


def test_a_good_warc_is_still_indexed_packaged_and_republished(tmp_path):
    warc = hostile.good_pages(tmp_path / "good.warc.gz", count=5)
    for command in COMMANDS:
        out = tmp_path / f"out-{command}"
        result, peak_kb = run_measured(command, warc, out)
        assert result.returncode == 0 and peak_kb < PEAK_KB, result.stderr
        assert "结论：通过" in result.stdout if command == "verify" else out.exists()
    lines = (tmp_path / "out-index").read_text().splitlines()
    assert len(lines) == 5 and all("hostile.example" in line for line in lines)


def test_continuity_stops_at_a_record_over_its_time(corpus, tmp_path):
    warc = corpus("512 MiB block inflating for seconds")
    site = tmp_path / "www.qcq.gov.cn"
    site.mkdir()
    result, _ = archive_tool_measured(
        "continuity", site, warc, env={"ARCHIVE_TOOL_RECORD_SECONDS": RECORD_SECONDS}
    )
    assert result.returncode == 1, result.stderr
    assert (
        f"WARC 文件 {warc} 无法读取：偏移 0：resource 记录 http://hostile.example/slow.bin："
        in (result.stderr)
    )
    assert SLOW[0] in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.slow) if "GiB" in c else c
        for c in EXPECTED
        if c not in TIMED
    ],
)
def test_continuity_refuses_what_every_command_refuses(case, corpus, tmp_path):
    """continuity reads old addresses from a WARC through the same walk: a file the other
    commands refuse is refused with the same words (not read in part: a cut file, a wrong
    Content-Length, repeated record IDs), a valid one is read, within the same memory."""
    warc = corpus(case)
    site = tmp_path / "hostile.example"  # the new site: none of the old pages are in it
    site.mkdir()
    result, peak_kb = archive_tool_measured("continuity", site, warc)
    said = result.stdout + result.stderr
    assert "Traceback" not in said and peak_kb < PEAK_KB, (peak_kb, said[-2000:])
    expected = EXPECTED[case]
    if isinstance(expected, dict):
        expected = expected["continuity"]
    if expected is ACCEPTED:  # read whole; its old addresses (if any) are 404 here: exit 1
        assert "无法读取" not in said and ("共核对旧网址" in said or "没有 hostile" in said), said
        return
    assert result.returncode == 1 and "共核对旧网址" not in said, said
    if expected is not NOT_A_SOURCE:
        assert f"WARC 文件 {warc} 无法读取：偏移 " in result.stderr, said
    assert any(text in result.stderr for text in expected), said


@pytest.mark.parametrize("value", ["abc", "-1", "0", "nan", "inf"])
def test_a_record_time_that_is_not_a_positive_number_is_refused(tmp_path, value):
    warc = hostile.good_pages(tmp_path / "good.warc.gz")
    result, _ = archive_tool_measured("verify", warc, env={"ARCHIVE_TOOL_RECORD_SECONDS": value})
    assert result.returncode == 1
    assert f"环境变量 ARCHIVE_TOOL_RECORD_SECONDS 应为正数（秒），实为「{value}」" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", ["ARC record with an HTTP head of 2 MiB of folded lines"])
def test_an_arc_file_is_read_within_the_same_bounds(case, corpus, tmp_path):
    """A good ARC is still read; a hostile one stops at its record, named."""
    good = hostile.good_arc(tmp_path / "good.arc.gz")
    result, _ = archive_tool_measured("verify", good)
    assert result.returncode == 0 and "结论：通过" in result.stdout, result.stderr
    result, _ = archive_tool_measured("index", good, "-o", tmp_path / "good.cdxj")
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "good.cdxj").read_text().splitlines()) == 3


def test_the_indexers_re_read_within_the_record_time(corpus, monkeypatch, tmp_path):
    """cdxj-indexer and wacz re-read what the walk found sound with warcio: that read, too,
    stops a record over its time, naming the file and the offset (here the walk is left
    out, as if it had passed the file)."""
    from archive_tool.errors import ToolkitError
    from archive_tool.warc import packaging

    warc = corpus("ARC record with an HTTP head of 2 MiB of folded lines")
    monkeypatch.setenv("ARCHIVE_TOOL_RECORD_SECONDS", RECORD_SECONDS)
    monkeypatch.setattr(packaging, "sound_pages", lambda warcs: [])
    for write in (packaging.write_cdxj, packaging.write_wacz):
        output = tmp_path / f"out.{write.__name__}"
        with pytest.raises(ToolkitError) as raised:
            write([warc], output)
        assert f"{warc} 偏移 " in str(raised.value) and SLOW[0] in str(raised.value)
        assert not output.exists() and not list(tmp_path.glob("*.partial"))
