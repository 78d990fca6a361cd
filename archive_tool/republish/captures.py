"""The first pass: which records of the WARCs are captures to republish.

One walk per WARC does both jobs: ``verify_warc`` checks every record (framing, length,
digests) and hands each one here. Responses, revisits and resource records (a payload
with WARC-Target-URI and Content-Type, no HTTP head) of 2xx and 3xx are offered to the
capture index, the latest per URL (at or before ``--at``). A WARC that does not verify
is refused before anything is written, unless salvaging: then only its intact records
are used, and the damaged ones are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ToolkitError
from ..warc import names as W
from ..warc.scope import normalize
from ..warc.verify import Record, WarcSummary, shorten, verify_warc
from .captureindex import CaptureIndex
from .skipped import SkipList, Skipped, SkipRecord

CAPTURE_TYPES = (W.RESPONSE, W.REVISIT, W.RESOURCE)
SHOWN_DEFECTS = 5


@dataclass
class IndexReport:
    skipped: SkipList = field(default_factory=SkipList)  # records that cannot be used
    dropped: SkipList = field(default_factory=SkipList)  # damaged, left out by --salvage


def parse_warc_date(value: str) -> datetime:
    """A WARC-Date as an aware datetime.

    >>> parse_warc_date("2026-11-24T02:00:00Z").isoformat()
    '2026-11-24T02:00:00+00:00'
    """
    text = value.strip().rstrip("Z")
    moment = datetime.fromisoformat(text[:26] if "." in text else text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def index_warcs(
    warcs: list[Path], index: CaptureIndex, at: datetime | None = None, salvage: bool = False
) -> IndexReport:
    """Fill the index with the captures to republish; refuse a damaged WARC unless salvaging."""
    report = IndexReport()
    refused = []
    for warc in warcs:

        def offer(record: Record, warc: str = str(warc)) -> None:
            if not record.ok:
                return
            try:
                offer_record(index, record, warc, at)
            except SkipRecord as skip:
                report.skipped.add(Skipped(warc, record.offset, record.uri, skip.reason))

        summary = verify_warc(warc, on_record=offer, arc=False)
        if summary.ok:
            continue
        if not salvage:
            refused.append(summary)
            continue
        for defect in summary.defects:
            report.dropped.add(Skipped(str(warc), defect.offset, "", defect.message))
    if refused:
        raise ToolkitError("\n".join(refusal(summary) for summary in refused))
    index.finish()
    return report


def refusal(summary: WarcSummary) -> str:
    """Why a WARC is not republished, with where it is damaged."""
    lines = [
        f"{summary.path} 已损坏，未通过校验（{len(summary.defects)} 处缺陷），未写入任何文件："
    ]
    lines += [f"  {defect}" for defect in summary.defects[:SHOWN_DEFECTS]]
    if len(summary.defects) > SHOWN_DEFECTS:
        lines.append(f"  …… 另有 {len(summary.defects) - SHOWN_DEFECTS} 处")
    lines.append(
        "请先用 archive-tool verify 查看；如只需发布其中完好的记录，可加 --salvage"
        "（损坏的记录会被丢弃并列出）"
    )
    return "\n".join(lines)


def offer_record(index: CaptureIndex, record: Record, warc: str, at: datetime | None) -> None:
    """Offer one intact record to the index, if it is a capture of a web page or file.

    Raises SkipRecord for a capture that would be published but cannot be.
    """
    kind = record.kind
    url = record.uri
    if kind not in CAPTURE_TYPES or not url.lower().startswith(("http://", "https://")):
        return
    digest = record.headers.get_header(W.PAYLOAD_DIGEST) or ""
    revisit = kind == W.REVISIT
    if not revisit and digest:  # any response may be the payload a revisit refers to
        index.add_payload(digest, warc, record.offset, record.length, record.gzipped)
    status, content_type, location = _http_facts(record)
    if status is None or not (200 <= status < 400):
        return
    try:
        captured = parse_warc_date(record.date)
    except ValueError:
        raise SkipRecord(f"WARC-Date 无效（「{shorten(record.date, 40)}」）") from None
    if at is not None and captured > at:
        return
    try:
        key = normalize(url)
    except ValueError as error:
        raise SkipRecord(f"网址无效（{_url_problem(error)}）") from None
    row = {
        "url": key,
        "date": record.date,
        "status": status,
        "mime": content_type.split(";")[0].strip().lower(),
        "content_type": content_type,
        "location": location,
        "warc": warc,
        "offset": record.offset,
        "length": record.length,
        "gzipped": int(record.gzipped),
    }
    index.offer(row, digest, revisit)


def _http_facts(record: Record) -> tuple[int | None, str, str | None]:
    """Status, Content-Type and Location of a capture (a resource record is a 200)."""
    if record.kind == W.RESOURCE:
        return 200, record.headers.get_header("Content-Type") or "", None
    http = record.http
    if http is None:
        return None, "", None
    code = http.get_statuscode()
    if not code.isdigit():
        raise SkipRecord(f"HTTP 状态行无效（「{shorten(http.statusline, 40)}」）")
    return int(code), http.get_header("Content-Type") or "", http.get_header("Location")


def _url_problem(error: ValueError) -> str:
    text = str(error)
    if "Port" in text or "port" in text:
        return "端口号超出 0–65535"
    if "IPv6" in text:
        return "IPv6 地址格式错误"
    return "无法解析"
