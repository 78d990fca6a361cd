"""Export for the web-archiving ecosystem: CDXJ indexes (cdxj-indexer) and WACZ (wacz).

Both packages are the reference tools of the Webrecorder ecosystem; pywb reads their CDXJ,
ReplayWeb.page and pywb read their WACZ. Their console output is kept off our stdout.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree
from ..errors import ToolkitError
from . import names as W
from .bounds import RecordTooSlow, record_deadline
from .payload import PayloadError, PayloadReader
from .verify import MAX_HTTP_HEAD_BYTES, Record, is_page, shorten, verify_warc
from .warcioread import bounded_indexing, place

MAX_TITLE_SCAN = 256 * 1024
MAX_WARCINFO_BYTES = 1024 * 1024  # wacz reads a warcinfo block whole into memory
MAX_BUFFERED_BYTES = 1024 * 1024  # of a record kept for cdxj-indexer (a POST body)
LISTED_DEFECTS = 10
PAGE_TYPES = ("text/html", "application/xhtml+xml")


def _require_readable(paths: list[Path]) -> None:
    """Refuse a missing WARC, one that is not a regular file, and two of the same name: the
    index and the WACZ name a WARC by its file name, so one would stand for both."""
    seen: dict[str, Path] = {}
    for path in map(Path, paths):
        if not path.exists():
            raise ToolkitError(f"找不到 WARC 文件：{path}")
        if not path.is_file():
            raise ToolkitError(f"{path} 不是普通文件，无法作为 WARC 读取")
        if path.name in seen:
            raise ToolkitError(
                f"WARC 文件名重复：{seen[path.name]} 和 {path}（索引和 WACZ 按文件名引用 WARC，"
                "同名的两个文件无法区分）；同一文件只写一次，不同的文件请先改名"
            )
        seen[path.name] = path


def _require_folder(output: Path) -> None:
    folder = Path(output).absolute().parent
    if not folder.is_dir():
        raise ToolkitError(f"输出文件所在的目录不存在：{folder}（请先创建）")


@dataclass
class _Page:
    warc: str
    offset: int
    gzipped: bool
    url: str
    ts: str


def sound_pages(warcs: list[Path]) -> list[_Page]:
    """Check the WARCs with verify's bounded walk and list their HTML pages (status 200);
    ToolkitError naming every defect (file, offset, record) if any is not sound.

    cdxj-indexer and wacz read WARCs with warcio, which neither bounds what it inflates nor
    reports damage in words: they only ever get files this walk found sound, with no HTTP
    head longer than the walk keeps (warcio parses one whole, in time that grows with its
    square), and read them within the same bounds (``warcioread``).
    """
    _require_readable(warcs)
    pages: list[_Page] = []
    problems: list[str] = []
    for warc in warcs:

        def offer(record: Record, warc: Path = warc) -> None:
            if record.kind == W.WARCINFO and record.payload_bytes > MAX_WARCINFO_BYTES:
                problems.append(
                    f"{warc} 偏移 {record.offset}：warcinfo 记录超过 1 MiB（"
                    f"{record.payload_bytes} 字节），不予打包"
                )
            if record.long_http_head:  # the indexer would parse it whole, line by line
                problems.append(
                    f"{warc} {place(record.offset, record.headers)}：HTTP 头超过 "
                    f"{MAX_HTTP_HEAD_BYTES // 1024} KiB，不是正常的 HTTP 消息，不予索引或打包"
                )
            if record.ok and is_page(record) and record.kind == W.RESPONSE:
                mime = (record.http.get_header("Content-Type") or "").split(";")[0].strip()
                if mime.lower() in PAGE_TYPES:
                    pages.append(
                        _Page(str(warc), record.offset, record.gzipped, record.uri, record.date)
                    )

        summary = verify_warc(warc, on_record=offer)
        problems += [f"{warc} {defect}" for defect in summary.defects]
    if problems:
        listed = problems[:LISTED_DEFECTS]
        if len(problems) > LISTED_DEFECTS:
            listed.append(f"…… 另有 {len(problems) - LISTED_DEFECTS} 处")
        raise ToolkitError(
            "WARC 未通过校验，未生成任何文件（可用 archive-tool verify 查看）：\n  "
            + "\n  ".join(listed)
        )
    return pages


def write_cdxj(warcs: list[Path], output: Path) -> Path:
    """A sorted CDXJ index of the WARCs, in pywb's format, written atomically to output."""
    from cdxj_indexer.main import write_cdx_index

    _require_folder(output)
    sound_pages(warcs)
    partial = Path(str(output) + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out, _foreign("cdxj-indexer", warcs):
            write_cdx_index(out, [str(w) for w in warcs], {"sort": True, "post_append": True})
        os.replace(partial, output)
    except OSError as error:
        raise ToolkitError(f"无法写入索引 {output}：{error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    return Path(output)


def _bounded_buffer(record) -> None:
    """cdxj-indexer's buffer_record_content, bounded: the first MAX_BUFFERED_BYTES of the
    record's payload as stored, not decoded.

    cdxj-indexer (and wacz through it) spools every record's *decoded* content to a
    temporary file only to read a POST body or a warcinfo block from it; warcio undoes a
    brotli coding in one unbounded call, so a 2 GiB br bomb took 4 GB of memory. What is
    read from the buffer (request bodies, warcinfo fields) is never content-coded."""
    spool = tempfile.SpooledTemporaryFile(MAX_BUFFERED_BYTES)  # noqa: SIM115 (closed by cdxj-indexer)
    left = MAX_BUFFERED_BYTES
    while left > 0 and (piece := record.raw_stream.read(min(left, 64 * 1024))):
        spool.write(piece)
        left -= len(piece)
    spool.seek(0)
    record.buffered_stream = spool


@contextlib.contextmanager
def _foreign(tool: str, warcs: list[Path]):
    """A failure of a library reading WARCs our walk found sound, as a message; and, while
    it runs, its records read within the walk's bounds (``warcioread.bounded_indexing``:
    a record over its time or a line too long ends it, named) and its record buffering
    bounded (``_bounded_buffer``)."""
    from cdxj_indexer import bufferiter

    unbounded = bufferiter.buffer_record_content
    bufferiter.buffer_record_content = _bounded_buffer
    try:
        with bounded_indexing():
            yield
    except (OSError, ToolkitError):
        raise
    except Exception as error:  # noqa: BLE001 — warcio and its users raise many kinds
        names = "、".join(str(w) for w in warcs)
        raise ToolkitError(
            f"{tool} 无法读取 {names}（{shorten(f'{error.__class__.__name__}: {error}')}）"
        ) from None
    finally:
        bufferiter.buffer_record_content = unbounded


def html_pages(warcs: list[Path]) -> list[dict[str, str]]:
    """Every HTML page captured with status 200: URL, capture time and <title> (read through
    the bounded payload decoder). ToolkitError if a WARC is not sound."""
    found: dict[str, dict[str, str]] = {}
    reader = PayloadReader()
    try:
        for page in sound_pages(warcs):
            if page.url in found:
                continue
            try:
                with record_deadline():
                    try:
                        head = reader.head(page.warc, page.offset, page.gzipped, MAX_TITLE_SCAN)
                    except PayloadError:
                        head = b""
                    title = page_title(head) or page.url
            except RecordTooSlow as error:
                where = f"{page.warc} 偏移 {page.offset}：response 记录 {shorten(page.url)}"
                raise error.named(where) from None
            found[page.url] = {"url": page.url, "ts": page.ts, "title": title}
    finally:
        reader.close()
    return list(found.values())


def page_title(data: bytes) -> str:
    """The <title> of an HTML document in any declared charset.

    >>> page_title("<html><head><meta charset=gbk><title>亳州</title>".encode("gbk"))
    '亳州'
    """
    try:
        titles = lxml.html.document_fromstring(data).xpath("//title/text()")
    except (etree.ParserError, ValueError):
        return ""
    return " ".join(titles[0].split()) if titles else ""


def write_wacz(warcs: list[Path], output: Path, title: str | None = None) -> Path:
    """A WACZ package (pages.jsonl with titles, datapackage.json with hashes)."""
    from wacz.main import main as wacz_main

    header = {"format": "json-pages-1.0", "id": "pages", "title": "页面"}
    _require_folder(output)
    lines = [header] + html_pages(warcs)
    partial = Path(str(output) + ".partial")
    pages_file = Path(str(output) + ".pages.jsonl")
    args = ["create", "-o", str(partial), "--pages", str(pages_file), "--hash-type", "sha256"]
    if title:
        args += ["--title", title]
    chatter = io.StringIO()
    try:
        pages_file.write_text(
            "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
            encoding="utf-8",
        )
        with contextlib.redirect_stdout(chatter), _foreign("wacz", warcs):
            status = wacz_main(args + [str(w) for w in warcs])
        if status not in (0, None):
            raise ToolkitError(f"生成 WACZ 失败：{chatter.getvalue().strip()}")
        os.replace(partial, output)
    except OSError as error:
        raise ToolkitError(f"无法写入 {output}：{error.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
        pages_file.unlink(missing_ok=True)
    return Path(output)


def validate_wacz(path: Path) -> tuple[bool, str]:
    """The wacz package's own validation of a WACZ; (ok, its report).

    As ``wacz validate`` does, except that frictionless checks the datapackage with the
    WARCs left out: frictionless inflates a .warc.gz resource whole into memory (2 GB for a
    1 GiB record). The WARCs' hashes are still checked, streamed (``check_file_hashes``).
    """
    from wacz.main import WACZ_VERSION
    from wacz.validate import Validation

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        validation = Validation(str(path))
        try:
            if validation.version != WACZ_VERSION:
                return False, f"WACZ 版本不符：{validation.version}"
            checks = [
                validation.check_required_contents,
                lambda: _frictionless_without_warcs(Path(validation.dir.name)),
                validation.check_file_paths,
                validation.check_file_hashes,
                validation.check_data_package_hash_and_sig,
            ]
            ok = all(check() is not False for check in checks)
        finally:
            validation.dir.cleanup()
    return ok, chatter.getvalue()


def _frictionless_without_warcs(folder: Path) -> bool:
    from frictionless import validate

    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [
        resource for resource in package["resources"] if not resource["path"].startswith("archive/")
    ]
    descriptor = folder / "datapackage-without-warcs.json"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    try:
        report = validate(str(descriptor))
    finally:
        descriptor.unlink()
    if not report.valid:
        print(f"frictionless：{ {task.name: task.errors for task in report.tasks} }")
    return report.valid
