"""Verify a WARC file: gzip framing, record syntax, digests, request/response pairing.

Accepts WARCs written by other tools (wget, warcio). Every defect names the byte offset of
the record (or gzip member) where it was found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import ToolkitError
from . import names as W
from .gzipmembers import GZIP_MAGIC, MemberError, iter_members

READ_BYTES = 1024 * 1024


@dataclass
class Defect:
    offset: int
    message: str

    def __str__(self) -> str:
        return f"偏移 {self.offset}：{self.message}"


@dataclass
class WarcSummary:
    path: Path
    records: Counter = field(default_factory=Counter)
    pages: int = 0
    payload_bytes: int = 0
    file_bytes: int = 0
    earliest: str | None = None
    latest: str | None = None
    defects: list[Defect] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.defects


def verify_warc(path: Path) -> WarcSummary:
    """Check one WARC file; never raises for a defect in the file, only lists it."""
    path = Path(path)
    summary = WarcSummary(path)
    try:
        summary.file_bytes = path.stat().st_size
        with path.open("rb") as stream:
            gzipped = stream.read(2) == GZIP_MAGIC
    except OSError as error:
        raise ToolkitError(f"无法读取 {path}：{error.strerror}") from None
    if gzipped:
        with path.open("rb") as stream:
            try:
                for _member in iter_members(stream):
                    pass
            except MemberError as error:
                summary.defects.append(Defect(error.offset, error.message))
    _check_records(path, summary)
    return summary


def _check_records(path: Path, summary: WarcSummary) -> None:
    responses: dict[str, tuple[int, str, str, str | None]] = {}
    requests_by_id: set[str] = set()
    request_links: set[str] = set()
    request_keys: set[tuple[str, str]] = set()
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=True)
        try:
            for record in iterator:
                headers = record.rec_headers
                kind = record.rec_type
                summary.records[kind] += 1
                record_id = headers.get_header(W.RECORD_ID) or ""
                date = headers.get_header(W.DATE) or ""
                uri = headers.get_header(W.TARGET_URI) or ""
                if date:
                    summary.earliest = min(filter(None, [summary.earliest, date]))
                    summary.latest = max(filter(None, [summary.latest, date]))
                stream_ = record.content_stream()
                while chunk := stream_.read(READ_BYTES):
                    summary.payload_bytes += len(chunk)
                offset = iterator.get_record_offset()  # only valid once the record is read
                if record.digest_checker.passed is False:
                    problems = "；".join(str(p) for p in record.digest_checker.problems)
                    summary.defects.append(
                        Defect(offset, f"{kind} 记录 {uri} 的摘要不符：{problems}")
                    )
                if kind == W.REQUEST:
                    requests_by_id.add(record_id)
                    request_links.update(
                        headers.get_header(W.CONCURRENT_TO)
                        and [headers.get_header(W.CONCURRENT_TO)]
                        or []
                    )
                    request_keys.add((uri, date))
                elif kind == W.RESPONSE:
                    responses[record_id] = (offset, uri, date, headers.get_header(W.CONCURRENT_TO))
                    content_type = (
                        (record.http_headers.get_header("Content-Type") or "")
                        if record.http_headers
                        else ""
                    )
                    status = record.http_headers.get_statuscode() if record.http_headers else ""
                    if content_type.startswith("text/html") and status == "200":
                        summary.pages += 1
        except ArchiveLoadFailed as error:
            offset = iterator.offset if hasattr(iterator, "offset") else 0
            detail = (
                "记录头无效" if "Invalid WARC record" in str(error) else str(error).strip()[:120]
            )
            summary.defects.append(
                Defect(offset, f"无法解析 WARC 记录（{detail}），其后的记录无法读取")
            )
        except Exception as error:  # noqa: BLE001 — zlib, EOF and parse errors inside warcio
            summary.defects.append(
                Defect(
                    getattr(iterator, "offset", 0),
                    f"读取记录时出错（{error.__class__.__name__}: {error}）",
                )
            )
    for record_id, (offset, uri, date, concurrent) in responses.items():
        paired = (
            record_id in request_links
            or concurrent in requests_by_id
            or (uri, date) in request_keys
        )
        if not paired and uri.startswith(("http://", "https://")):
            summary.defects.append(Defect(offset, f"响应记录 {uri} 没有对应的请求记录"))
    summary.defects.sort(key=lambda defect: defect.offset)


def format_summary(summary: WarcSummary) -> str:
    by_type = "，".join(f"{kind} {count}" for kind, count in sorted(summary.records.items()))
    lines = [
        f"{summary.path}：",
        f"  记录：{sum(summary.records.values())} 条（{by_type or '无'}）",
        f"  页面：{summary.pages} 个 HTML 页面",
        f"  大小：文件 {summary.file_bytes} 字节，记录内容 {summary.payload_bytes} 字节",
        f"  抓取时间：{summary.earliest or '-'} 至 {summary.latest or '-'}",
    ]
    return "\n".join(lines)
