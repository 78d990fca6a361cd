"""``archive-tool snapshot``: crawl over HTTP or read a built site from disk into one WARC.

Owns the output file's life: refuses to clobber, writes FILE.open, resumes an interrupted
crawl by cutting a torn last record and re-reading what was captured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from ..errors import ToolkitError
from ..links import extract_links
from . import names as W
from .crawl import LINKED_TYPES, Crawler, CrawlOptions, CrawlResult
from .fromdir import check_source, snapshot_directory
from .gzipmembers import complete_length
from .httpfetch import Fetcher
from .parallel import crawl_in_processes
from .scope import normalize
from .writer import WarcOutput

MAX_RESUME_PARSE = 16 * 1024 * 1024


@dataclass
class ResumeState:
    captured: set[str]
    payloads: dict[str, tuple[str, str]]
    links: list[tuple[str, bool]]
    records: int


def prepare_output(path: Path, resume: bool) -> ResumeState | None:
    """Check the output path; with resume, cut a torn tail and read back what is there."""
    path = Path(path)
    open_path = path.with_name(path.name + W.OPEN_SUFFIX)
    if path.exists():
        raise ToolkitError(f"输出文件 {path} 已存在：请换一个文件名，或先移走它")
    if not resume:
        if open_path.exists():
            raise ToolkitError(f"发现未完成的抓取 {open_path}：加 --resume 继续，或删除它重新开始")
        return None
    if not open_path.exists():
        raise ToolkitError(f"没有可继续的抓取：{open_path} 不存在")
    with open_path.open("rb") as stream:
        end, _torn = complete_length(stream)
    with open_path.open("r+b") as stream:
        stream.truncate(end)
    return read_back(open_path)


def read_back(path: Path) -> ResumeState:
    state = ResumeState(set(), {}, [], 0)
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            state.records += 1
            if record.rec_type not in (W.RESPONSE, W.REVISIT):
                continue
            uri = record.rec_headers.get_header(W.TARGET_URI)
            state.captured.add(normalize(uri))
            digest = record.rec_headers.get_header(W.PAYLOAD_DIGEST)
            status = record.http_headers.get_statuscode() if record.http_headers else ""
            if record.rec_type == W.RESPONSE and digest and status == "200":
                state.payloads.setdefault(digest, (uri, record.rec_headers.get_header(W.DATE)))
            content_type = (
                (record.http_headers.get_header("Content-Type") or "")
                if record.http_headers
                else ""
            )
            content_type = content_type.split(";")[0].strip().lower()
            if record.rec_type == W.RESPONSE and content_type in LINKED_TYPES:
                data = record.content_stream().read(MAX_RESUME_PARSE)
                state.links += [
                    (link.url, link.requisite) for link in extract_links(data, content_type, uri)
                ]
    return state


def snapshot(
    output_path: Path,
    info: dict[str, str],
    *,
    options: CrawlOptions | None = None,
    fetcher: Fetcher | None = None,
    from_dir: Path | None = None,
    base_url: str | None = None,
    resume: bool = False,
    processes: int = 1,
    on_progress: Callable[[CrawlResult], None] | None = None,
    skip: tuple[str, ...] = (),
) -> tuple[CrawlResult, Path]:
    """Capture into output_path; return the result and where the WARC is (final or .open)."""
    if from_dir is not None:
        check_source(from_dir, base_url or "")
    state = prepare_output(output_path, resume)
    output = WarcOutput(output_path, info, resume=resume, dedup=state.payloads if state else None)
    try:
        if from_dir is not None:
            result = snapshot_directory(
                from_dir, base_url or "", output, on_progress, processes, skip
            )
            fatal = None
        elif processes > 1 and not options.delay:
            result = crawl_in_processes(
                options,
                output,
                fetcher or Fetcher(),
                processes,
                on_progress,
                captured=state.captured if state else None,
                resumed_links=state.links if state else [],
            )
            fatal = None
        else:
            crawler = Crawler(
                options,
                output,
                fetcher or Fetcher(),
                on_progress,
                already_captured=state.captured if state else None,
            )
            result = crawler.run(state.links if state else [])
            fatal = crawler.fatal
    except BaseException:
        output.abandon()
        raise
    if result.interrupted or fatal:
        where = output.abandon()
        if fatal:
            raise ToolkitError(
                f"{fatal}；已抓取的记录保存在 {where}（完整有效，可用 --resume 继续）"
            )
        return result, where
    return result, output.close()
