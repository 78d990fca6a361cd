"""A corpus of hostile WARC files, built at test time (as warcio keeps its bad files in
``test/data``; the large ones would be gigabytes to inflate, so nothing big is committed).

Each case is a function writing one file into a folder; ``CASES`` names them all. The
expected outcome of each, per command, is in ``test_hostile_warcs.py``.
"""

from __future__ import annotations

import io
import struct
import uuid
import zlib
from pathlib import Path

import brotlicffi
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

MiB = 1024 * 1024
SITE = "http://hostile.example"
DATE = "2026-11-24T02:00:00Z"
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 64


def page(number: int) -> bytes:
    return (
        f"<html><head><title>页面 {number}</title></head><body>正文 {number}</body></html>".encode()
    )


def write_warc(path: Path, records: list[tuple], gzipped: bool = True) -> Path:
    """Responses of (path, body, extra HTTP headers, extra WARC headers), written by warcio."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for url_path, body, http_extra, warc_extra in records:
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), *http_extra],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                SITE + url_path,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": DATE, **warc_extra},
            )
            writer.write_record(record)
    return path


def good_pages(path: Path, count: int = 3, gzipped: bool = True) -> Path:
    return write_warc(path, [(f"/{n}.html", page(n), [], {}) for n in range(count)], gzipped)


def zeros_coded(size: int, wbits: int) -> bytes:
    """``size`` zero bytes in gzip (wbits 31), zlib (15) or raw deflate (-15) coding, built
    in a second: after a full flush each MiB compresses to the same bytes."""
    block = b"\0" * MiB
    coder = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = coder.compress(block) + coder.flush(zlib.Z_FULL_FLUSH)
    again = coder.compress(block) + coder.flush(zlib.Z_FULL_FLUSH)
    check = 0 if wbits == 31 else 1
    for _ in range(size // MiB):
        check = zlib.crc32(block, check) if wbits == 31 else zlib.adler32(block, check)
    if wbits == 31:
        trailer = struct.pack("<II", check, size & 0xFFFFFFFF)
    else:
        trailer = struct.pack(">I", check) if wbits == 15 else b""
    return first + again * (size // MiB - 1) + b"\x03\x00" + trailer


def brotli_zeros(size: int) -> bytes:
    coder = brotlicffi.Compressor(quality=5)
    block = b"\0" * MiB
    return b"".join(coder.process(block) for _ in range(size // MiB)) + coder.finish()


def raw_record(block_length: int, declared: int | str, version: str = "WARC/1.0") -> bytes:
    """The head of a response record declaring ``declared`` bytes, with ``block_length``
    bytes of block after it."""
    head = (
        f"{version}\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Date: {DATE}\r\nWARC-Target-URI: {SITE}/raw.html\r\n"
        f"Content-Type: text/html\r\nContent-Length: {declared}\r\n\r\n"
    ).encode()
    return head + b"<p>" + b"x" * (block_length - 3)


# -- the cases ---------------------------------------------------------------------------


def cut_mid_member(path: Path) -> None:
    good_pages(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])


def flipped_bytes(path: Path) -> None:
    good_pages(path)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    for index in range(middle, middle + 16):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


def trailing_garbage(path: Path) -> None:
    good_pages(path)
    with open(path, "ab") as out:
        out.write(b"this is not a gzip member, just trailing text\n" * 10)


def png_named_warc(path: Path) -> None:
    path.write_bytes(PNG)


def html_named_warc(path: Path) -> None:
    path.write_bytes(page(1))


def bzip2_named_warc(path: Path) -> None:
    import bz2

    path.write_bytes(
        bz2.compress(good_pages(path.with_suffix(".plain"), gzipped=False).read_bytes())
    )


def warc_version_9_9(path: Path) -> None:
    path.write_bytes(gzip_member(raw_record(200, 200, version="WARC/9.9") + b"\r\n\r\n"))


def gzip_member(data: bytes) -> bytes:
    coder = zlib.compressobj(6, zlib.DEFLATED, 31)
    return coder.compress(data) + coder.flush()


def gib_block_in_small_member(path: Path) -> None:
    """A resource record whose 1 GiB block of zeros is one 1 MB gzip member."""
    size = 1024 * MiB
    head = (
        f"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Date: {DATE}\r\nWARC-Target-URI: {SITE}/zeros.bin\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n"
    ).encode()
    coder = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as out:
        out.write(coder.compress(head))
        block = b"\0" * MiB
        for _ in range(size // MiB):
            out.write(coder.compress(block))
        out.write(coder.compress(b"\r\n\r\n") + coder.flush())


def coded_bomb(coding: str):
    def build(path: Path) -> None:
        size = 2048 * MiB
        body = (
            brotli_zeros(size)
            if coding == "br"
            else zeros_coded(size, 31 if coding == "gzip" else 15)
        )
        write_warc(path, [("/", body, [("Content-Encoding", coding)], {})])

    build.__name__ = f"{coding}_bomb"
    return build


def plain_length(delta: int | str):
    def build(path: Path) -> None:
        first = good_pages(path.with_suffix(".first"), count=1, gzipped=False).read_bytes()
        last = good_pages(path.with_suffix(".last"), count=1, gzipped=False).read_bytes()
        declared = 300 + delta if isinstance(delta, int) else delta
        data = first + raw_record(300, declared) + b"\r\n\r\n" + last
        path.write_bytes(data)

    build.__name__ = f"content_length_{delta}"
    return build


def empty_warc_gz(path: Path) -> None:
    path.write_bytes(b"")


def shared_record_id(path: Path) -> None:
    same = f"<urn:uuid:{uuid.UUID(int=7)}>"
    write_warc(path, [(f"/{n}.html", page(n), [], {"WARC-Record-ID": same}) for n in range(3000)])


def folded_header(path: Path) -> None:
    """A record whose WARC header is 1 MiB of folded (continued) lines: seconds to parse."""
    fold = b"X-Folded: a\r\n" + b" b\r\n" * 250_000
    record = raw_record(300, 300)
    head, _, block = record.partition(b"\r\n\r\n")
    path.write_bytes(gzip_member(head + b"\r\n" + fold + b"\r\n" + block + b"\r\n\r\n"))


def slow_member(path: Path) -> None:
    """A resource record whose 512 MiB block of zeros is one 500 KB gzip member: valid
    WARC, under every size bound, but seconds to inflate."""
    size = 512 * MiB
    head = (
        f"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Date: {DATE}\r\nWARC-Target-URI: {SITE}/slow.bin\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n"
    ).encode()
    tail = b"\r\n\r\n"
    zeros = zeros_coded(size, -15)[:-2]  # raw deflate, its final empty block left off
    coder = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = coder.compress(head) + coder.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    finish = end.compress(tail) + end.flush()
    check = zlib.crc32(head)
    block = b"\0" * MiB
    for _ in range(size // MiB):
        check = zlib.crc32(block, check)
    check = zlib.crc32(tail, check)
    total = len(head) + size + len(tail)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", check, total & 0xFFFFFFFF)
    path.write_bytes(header + start + zeros + finish + trailer)


def many_links_page(path: Path) -> None:
    """An HTML page of 70,000 links (under the page's size and node bounds): seconds to
    parse and rewrite."""
    links = "".join(f'<a href="/p{n}.html">{n}</a>' for n in range(70_000))
    body = f"<html><head><title>链接</title></head><body>{links}</body></html>".encode()
    write_warc(path, [("/links.html", body, [], {})])


def folded_http_head(lines: int) -> bytes:
    """An HTTP response whose head has ``lines`` folded (continued) lines: warcio parses
    such a head in time that grows with the square of its length (6 MiB: a minute)."""
    folded = b"X-Folded: a\r\n" + b" b\r\n" * lines
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + folded + b"\r\n" + page(1)


def long_http_head(path: Path) -> None:
    """A response whose HTTP head is 2 MiB of folded lines: a valid WARC, but seconds for
    warcio (index, wacz) to parse."""
    block = folded_http_head(500_000)
    head = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        f"WARC-Date: {DATE}\r\nWARC-Target-URI: {SITE}/folded.html\r\n"
        f"Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    path.write_bytes(gzip_member(head + block + b"\r\n\r\n"))


def arc_record(url: str, block: bytes, kind: str = "text/html") -> bytes:
    return f"{url} 127.0.0.1 20261124020000 {kind} {len(block)}\n".encode() + block + b"\n"


def arc_file(path: Path, blocks: list[tuple[str, bytes]]) -> Path:
    """An ARC file (version 1, each record a gzip member) of (URL, HTTP response) pairs."""
    version = b"1 0 archive-tool\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [arc_record(f"filedesc://{path.name}", version, "text/plain")]
    records += [arc_record(url, block) for url, block in blocks]
    path.write_bytes(b"".join(gzip_member(record) for record in records))
    return path


def good_arc(path: Path) -> Path:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    return arc_file(path, [(f"{SITE}/{n}.html", http + page(n)) for n in range(3)])


def arc_long_http_head(path: Path) -> None:
    """An ARC record whose HTTP head is 2 MiB of folded lines (warcio reads ARC files)."""
    arc_file(path, [(f"{SITE}/folded.html", folded_http_head(500_000))])


def arc_endless_line(path: Path) -> None:
    """An ARC record header line of 64 MiB without an end (in a 64 KB gzip member):
    warcio reads a line whole into memory."""
    version = b"1 0 archive-tool\nURL IP-address Archive-date Content-type Archive-length\n"
    first = gzip_member(arc_record(f"filedesc://{path.name}", version, "text/plain"))
    coder = zlib.compressobj(9, zlib.DEFLATED, 31)
    line = b"".join(coder.compress(b"x" * MiB) for _ in range(64)) + coder.flush()
    path.write_bytes(first + line)


CASES = {
    "gzip WARC cut mid-member": (cut_mid_member, "cut.warc.gz"),
    "16 flipped bytes": (flipped_bytes, "flipped.warc.gz"),
    "trailing garbage": (trailing_garbage, "trailing.warc.gz"),
    "PNG named .warc.gz": (png_named_warc, "png.warc.gz"),
    "HTML named .warc.gz": (html_named_warc, "html.warc.gz"),
    "bzip2 named .warc.gz": (bzip2_named_warc, "bzip2.warc.gz"),
    "record claiming WARC/9.9": (warc_version_9_9, "version.warc.gz"),
    "1 GiB record block in a 1 MB gzip member": (gib_block_in_small_member, "gib.warc.gz"),
    "2 GiB gzip Content-Encoding bomb": (coded_bomb("gzip"), "gzip-bomb.warc.gz"),
    "2 GiB deflate Content-Encoding bomb": (coded_bomb("deflate"), "deflate-bomb.warc.gz"),
    "2 GiB br Content-Encoding bomb": (coded_bomb("br"), "br-bomb.warc.gz"),
    "Content-Length 100 bytes short": (plain_length(-100), "short.warc"),
    "Content-Length 99,999,999,999": (plain_length("99999999999"), "huge.warc"),
    "Content-Length -5": (plain_length("-5"), "negative.warc"),
    "0-byte .warc.gz": (empty_warc_gz, "empty.warc.gz"),
    "3,000 records sharing one WARC-Record-ID": (shared_record_id, "same-id.warc.gz"),
    "1 MiB WARC header of folded lines": (folded_header, "folded.warc.gz"),
    "512 MiB block inflating for seconds": (slow_member, "slow.warc.gz"),
    "page of 70,000 links": (many_links_page, "links.warc.gz"),
    "HTTP head of 2 MiB of folded lines": (long_http_head, "long-head.warc.gz"),
    "ARC record with an HTTP head of 2 MiB of folded lines": (arc_long_http_head, "folded.arc.gz"),
    "ARC header line of 64 MiB": (arc_endless_line, "line.arc.gz"),
}


def build(name: str, folder: Path) -> Path:
    """The hostile file ``name``, written into ``folder``."""
    builder, filename = CASES[name]
    path = folder / filename
    builder(path)
    return path
