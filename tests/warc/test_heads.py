"""heads.parse_head reads every header block exactly as warcio's parser does (what verify,
republish and the other readers saw before it replaced warcio's there)."""

from __future__ import annotations

import io
import random

import pytest
from warcio.statusandheaders import StatusAndHeadersParser

from archive_tool.warc.heads import parse_head

WARCIO = StatusAndHeadersParser([], verify=False)
NAMES = ("content-type", "Content-Type", "WARC-Type", "a", "A", "b", "x", "missing")
BLOCKS = [
    b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 3\r\n\r\n",
    b"HTTP/1.1 200\r\nContent-Type: text/html\r\n\r\n",  # no reason phrase
    b"HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\n\tc\r\n\r\n",  # continuation lines
    b"HTTP/1.1 200 OK\r\nno colon here\r\n more\r\nA: 1\r\na: 2\r\n\r\n",  # first of a name
    b"HTTP/1.1 200 OK\r\nA :  spaced \t\r\n \x0c\r\nB: after a blank line\r\n",
    b"HTTP/1.1 200 OK\nA: \xff\xfe latin-1\nB: \xe4\xb8\xad\n\n",  # one line not UTF-8
    b"HTTP/1.1 200 OK\r\nA: \xc2\x85 \xe2\x80\xa8 unicode spaces \xc2\xa0\r\n\r\n",
    b"WARC/1.0\nA: no blank line at the end",
    b"\r\n",
    b"   \r\nA: 1\r\n\r\n",
]


def outcome(parse, data: bytes):
    try:
        head = parse(data)
    except Exception as error:  # noqa: BLE001 — the kind of failure must match too
        return type(error).__name__
    return (
        head.protocol,
        head.statusline,
        head.headers,
        head.total_len,
        [head.get_header(name) for name in NAMES],
    )


def warcio(data: bytes):
    return WARCIO.parse(io.BytesIO(data))


@pytest.mark.parametrize("block", [*BLOCKS, b""])
def test_each_tricky_block_reads_as_warcio_reads_it(block):
    assert outcome(parse_head, block) == outcome(warcio, block)


def test_random_blocks_read_as_warcio_reads_them():
    pieces = [b"a", b"B", b":", b" ", b"\t", b"\r", b"\n", b"\r\n", b"\x0b", b"\x0c", b"\x1c",
              b"\xc2\x85", b"\xc2\xa0", b"\xe4\xb8\xad", b"\xff", b"HTTP/1.1 200 OK", b"\x00"]
    chooser = random.Random(28)
    for _ in range(5000):
        block = b"".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 24)))
        assert outcome(parse_head, block) == outcome(warcio, block), block


def test_a_header_changed_after_parsing_is_found_changed():
    head = parse_head(b"HTTP/1.1 200 OK\r\nA: 1\r\n\r\n")
    assert head.get_header("a") == "1"
    head.replace_header("A", "2")
    head.add_header("B", "3")
    assert (head["a"], head.get("b")) == ("2", "3")
    head.remove_header("a")
    assert head.get_header("A") is None
