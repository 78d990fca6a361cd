"""Export for the web-archiving ecosystem: CDXJ indexes (cdxj-indexer) and WACZ (wacz).

Both packages are the reference tools of the Webrecorder ecosystem; pywb reads their CDXJ,
ReplayWeb.page and pywb read their WACZ. Their console output is kept off our stdout.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import lxml.html
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

from ..errors import ToolkitError
from . import names as W

MAX_TITLE_SCAN = 256 * 1024


def _require_readable(paths: list[Path]) -> None:
    for path in paths:
        if not Path(path).is_file():
            raise ToolkitError(f"找不到 WARC 文件：{path}")


def write_cdxj(warcs: list[Path], output: Path) -> Path:
    """A sorted CDXJ index of the WARCs, in pywb's format, written atomically to output."""
    from cdxj_indexer.main import write_cdx_index

    _require_readable(warcs)
    partial = Path(str(output) + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            write_cdx_index(out, [str(w) for w in warcs], {"sort": True, "post_append": True})
        os.replace(partial, output)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ToolkitError(f"无法写入索引 {output}：{error.strerror}") from None
    return Path(output)


def html_pages(warcs: list[Path]) -> list[dict[str, str]]:
    """Every HTML page captured with status 200: URL, capture time and <title>."""
    pages: dict[str, dict[str, str]] = {}
    for warc in warcs:
        with open(warc, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != W.RESPONSE or not record.http_headers:
                    continue
                mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip()
                if mime not in ("text/html", "application/xhtml+xml"):
                    continue
                if record.http_headers.get_statuscode() != "200":
                    continue
                url = record.rec_headers.get_header(W.TARGET_URI)
                title = page_title(record.content_stream().read(MAX_TITLE_SCAN)) or url
                pages.setdefault(
                    url, {"url": url, "ts": record.rec_headers.get_header(W.DATE), "title": title}
                )
    return list(pages.values())


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

    _require_readable(warcs)
    partial = Path(str(output) + ".partial")
    pages_file = Path(str(output) + ".pages.jsonl")
    header = {"format": "json-pages-1.0", "id": "pages", "title": "页面"}
    lines = [header] + html_pages(warcs)
    pages_file.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8"
    )
    args = ["create", "-o", str(partial), "--pages", str(pages_file), "--hash-type", "sha256"]
    if title:
        args += ["--title", title]
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):
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
    """Run the wacz package's own validator; return (ok, its report)."""
    from wacz.main import main as wacz_main

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        status = wacz_main(["validate", "-f", str(path)])
    return status == 0, chatter.getvalue()
