"""``archive-tool snapshot``: crawl over HTTP (or in a browser) or read a built site from disk into one WARC.

Owns the output file's life: one run at a time (an flock on FILE.open.lock), refuses to
clobber, writes FILE.open, resumes an interrupted crawl by cutting a torn tail (and a
response whose request was cut) and re-reading what was captured.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ToolkitError
from ..links import extract_links
from . import names as W
from .browser import BrowserCrawler
from .crawl import HTML_TYPES, LINKED_TYPES, Crawler, CrawlOptions, CrawlResult
from .fromdir import check_source, snapshot_directory
from .gzipmembers import MemberError, iter_members
from .httpfetch import Fetcher
from .pagination import paginated_urls
from .parallel import WorkerDied, crawl_in_processes
from .payload import PayloadError, PayloadReader
from .scope import normalize
from .writer import WarcOutput, WriteError

MAX_RESUME_PARSE = 16 * 1024 * 1024
LOCK_SUFFIX = ".lock"
SETTINGS_FIELD = "capture-settings"  # in the warcinfo: what a --resume must repeat

# Lock descriptors this process holds; a forked worker closes its copies (see below).
_held_locks: set[int] = set()


def _close_held_locks_in_child() -> None:
    """A forked process must not keep the run's lock alive after the run itself has died."""
    for fd in _held_locks:
        try:
            os.close(fd)
        except OSError:
            pass
    _held_locks.clear()


os.register_at_fork(after_in_child=_close_held_locks_in_child)


class OutputLock:
    """Only one run writes FILE.open: an exclusive flock on FILE.open.lock for the whole run.

    flock (stdlib fcntl; this tool runs on Linux) belongs to the open file and the kernel
    drops it when the process dies, however it dies, so a crashed run leaves no stale
    lock, only an unlocked file that the next run takes over. The file holds the owner's
    pid for the refusal message and is removed when the run ends.
    """

    def __init__(self, output_path: Path):
        output_path = Path(output_path)
        self.open_path = output_path.with_name(output_path.name + W.OPEN_SUFFIX)
        self.path = self.open_path.with_name(self.open_path.name + LOCK_SUFFIX)
        self.fd: int | None = None

    def __enter__(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            while True:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "未知"
                    os.close(fd)
                    raise ToolkitError(
                        f"另一个抓取（进程 {owner}）正在写入 {self.open_path}，本次未做任何改动："
                        "请等它结束，或停止它后再用 --resume 继续"
                    ) from None
                # A run that just ended may have removed the file we opened: lock the new one.
                try:
                    if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                        break
                except FileNotFoundError:
                    pass
                os.close(fd)
        except OSError as error:
            raise ToolkitError(f"无法写入输出文件 {self.open_path}：{error.strerror}") from None
        self.fd = fd
        _held_locks.add(fd)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except OSError:
            pass  # the pid only serves the message of a refused run

    def __exit__(self, *exc_info) -> None:
        if self.fd is None:
            return
        try:
            os.unlink(self.path)  # while still locked: a waiting run then locks a new file
        except OSError:
            pass
        _held_locks.discard(self.fd)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None


@dataclass
class ResumeState:
    captured: set[str]
    payloads: dict[str, tuple[str, str]]
    links: list[tuple[str, bool]]
    records: int
    pages: list[str] = field(default_factory=list)  # HTML pages captured (200)


def prepare_output(path: Path, resume: bool, settings: str | None = None) -> ResumeState | None:
    """Check the output path; with resume, refuse another capture's file (``settings``
    differ), cut a torn tail and read back what is there."""
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
    if settings is not None:
        check_same_capture(open_path, settings)
    try:
        cut_torn_tail(open_path)
    except OSError as error:
        raise ToolkitError(f"无法读写 {open_path}：{error.strerror}") from None
    return read_back(open_path)


def cut_torn_tail(path: Path) -> int:
    """Cut what a crash left after the last complete unit; return the new length.

    That is a torn gzip member, and a response (or revisit) whose request, written right
    after it, did not make it: the writer writes the two together, so a response can only
    be last when its request was cut.
    """
    end = 0
    last = None
    consistent = True
    with path.open("rb") as stream:
        try:
            for member in iter_members(stream):
                if member.offset != end or member.length <= 0:
                    consistent = False
                    break
                end = member.offset + member.length
                last = member
            else:
                consistent = end == os.fstat(stream.fileno()).st_size
        except MemberError as error:
            consistent = error.offset == end
        size = os.fstat(stream.fileno()).st_size
    if not consistent:  # never cut records on a reading that does not add up
        raise ToolkitError(
            f"读取 {path} 的 gzip 分段时结果不一致（{end} / {size} 字节），未做任何改动；"
            "请先用 archive-tool verify 检查该文件"
        )
    if last is not None and record_type(last.head) in (W.RESPONSE, W.REVISIT):
        end = last.offset
    with path.open("r+b") as stream:
        stream.truncate(end)
    return end


def check_same_capture(open_path: Path, settings: str) -> None:
    """Refuse (nothing touched) to resume a capture whose warcinfo records other settings."""
    try:
        with open_path.open("rb") as stream:
            first = next(iter_members(stream), None)
    except (OSError, MemberError):
        first = None
    recorded = warcinfo_field(first.head, SETTINGS_FIELD) if first else None
    if recorded != settings:
        raise ToolkitError(
            f"{open_path} 是另一次抓取（来源或设置不同）的未完成文件，未做任何改动：\n"
            f"  该文件记录的设置：{recorded or '（未记录）'}\n  本次的设置：{settings}\n"
            "请用与该抓取相同的网址（或 --from-dir/--base-url）和设置加 --resume，"
            "或换一个输出文件名"
        )


def warcinfo_field(head: bytes, name: str) -> str | None:
    """A field of the warcinfo record at the start of ``head`` (its decompressed bytes).

    >>> warcinfo_field(b"WARC/1.1\\r\\nWARC-Type: warcinfo\\r\\n\\r\\nrobots: obey\\r\\n", "robots")
    'obey'
    """
    if record_type(head) != W.WARCINFO:
        return None
    body = head.split(b"\r\n\r\n", 1)[-1]
    for line in body.split(b"\r\n"):
        key, sep, value = line.partition(b":")
        if sep and key.strip().decode("utf-8", "replace") == name:
            return value.strip().decode("utf-8", "replace")
    return None


def record_type(head: bytes) -> str:
    """The WARC-Type in the start of a record.

    >>> record_type(b"WARC/1.1\\r\\nWARC-Type: request\\r\\nContent-Length: 0\\r\\n\\r\\n")
    'request'
    """
    block = head.split(b"\r\n\r\n", 1)[0]
    for line in block.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == W.TYPE.lower().encode("ascii"):
            return value.strip().decode("ascii", "replace")
    return ""


def read_back(path: Path) -> ResumeState:
    # Imported here: warcio brings fsspec and asyncio, 0.2-0.4 s of start-up that a run
    # which does not resume never needs.
    from warcio.archiveiterator import ArchiveIterator

    state = ResumeState(set(), {}, [], 0)
    payloads = PayloadReader()
    with path.open("rb") as stream, contextlib.closing(payloads):
        records = ArchiveIterator(stream)
        for record in records:
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
                # Decoded by the bounded decoder: warcio undoes br in one unbounded call.
                try:
                    data = payloads.head(
                        str(path), records.get_record_offset(), True, MAX_RESUME_PARSE
                    )
                except PayloadError:
                    continue
                state.links += [
                    (link.url, link.requisite) for link in extract_links(data, content_type, uri)
                ]
                if content_type in HTML_TYPES:
                    state.links += [(url, False) for url in paginated_urls(data, uri)]
                    if status == "200":
                        state.pages.append(uri)
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
    chromium: str | None = None,
) -> tuple[CrawlResult, Path]:
    """Capture into output_path; return the result and where the WARC is (final or .open).

    With ``chromium`` (its path) each page is also run in that browser (``browser``).

    Refuses (ToolkitError, nothing touched) while another run writes the same output.
    """
    if from_dir is not None:
        check_source(from_dir, base_url or "", output_path)
    with OutputLock(output_path):
        state = prepare_output(output_path, resume, info.get(SETTINGS_FIELD))
        output = WarcOutput(
            output_path, info, resume=resume, dedup=state.payloads if state else None
        )
        try:
            if from_dir is not None:
                fatal = None
                try:
                    result = snapshot_directory(
                        from_dir,
                        base_url or "",
                        output,
                        on_progress,
                        processes,
                        skip,
                        captured=state.captured if state else None,
                    )
                except WorkerDied as error:
                    result, fatal = CrawlResult(), error
            elif processes > 1 and not options.delay and chromium is None:
                fatal = None
                try:
                    result = crawl_in_processes(
                        options,
                        output,
                        fetcher or Fetcher(),
                        processes,
                        on_progress,
                        captured=state.captured if state else None,
                        resumed_links=state.links if state else [],
                    )
                except WorkerDied as error:
                    result, fatal = CrawlResult(), error
            else:
                crawler = (
                    Crawler(
                        options,
                        output,
                        fetcher or Fetcher(),
                        on_progress,
                        already_captured=state.captured if state else None,
                    )
                    if chromium is None
                    else BrowserCrawler(
                        options,
                        output,
                        fetcher or Fetcher(),
                        on_progress,
                        already_captured=state.captured if state else None,
                        chromium=chromium,
                    )
                )
                if chromium is not None and state:
                    crawler.rerender(state.pages)  # their script-made links were not kept
                result = crawler.run(state.links if state else [])
                fatal = crawler.fatal
        except BaseException:
            output.abandon()
            raise
        if result.interrupted or fatal:
            where = output.abandon()
            if isinstance(fatal, WriteError):
                raise fatal  # its message already says where the records are
            if fatal:
                raise ToolkitError(
                    f"{fatal}；已抓取的记录保存在 {where}（完整有效，可用 --resume 继续）"
                )
            return result, where
        return result, output.close()
