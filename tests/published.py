"""Grep a built output as a citizen or a crawler could read it: every file, gzip members
inflated, zip members (docx, xlsx, ofd) unpacked, text normalised the way a reader sees it
(full-width digits, invisible characters, character references), digits compared without
the separators between them."""

from __future__ import annotations

import gzip
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

_NOT_DIGIT = re.compile(r"[^0-9Xx]")


def published_texts(output: Path) -> Iterator[tuple[str, str]]:
    """(path, text) of every file and member under ``output``, names included."""
    for path in sorted(output.rglob("*")):
        shown = path.relative_to(output).as_posix()
        yield shown, shown
        if not path.is_file():
            continue
        data = path.read_bytes()
        for member, blob in _members(shown, data):
            yield member, _reader_text(blob.decode("utf-8", errors="replace"))


def _members(shown: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    yield shown, data
    if data[:2] == b"\x1f\x8b":
        try:
            yield from _members(shown + "!gzip", gzip.decompress(data))
        except (OSError, EOFError):
            pass
    elif data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    yield f"{shown}!{info.filename}", archive.read(info)
        except zipfile.BadZipFile:
            pass


def _reader_text(text: str) -> str:
    text = html.unescape(html.unescape(text))
    text = "".join(
        str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c
        for c in unicodedata.normalize("NFKC", text)
        if unicodedata.category(c) != "Cf"
    )
    return text


def where_published(output: Path, value: str) -> list[str]:
    """The files and members in which ``value`` (a number) can be read, in any formatting."""
    digits = _NOT_DIGIT.sub("", value)
    return [
        shown
        for shown, text in published_texts(output)
        if value in text or digits in _NOT_DIGIT.sub("", text)
    ]
