"""WARC and HTTP header blocks parsed as warcio parses them, at a fraction of the cost.

Every record is read with its WARC head parsed, and an HTTP record's HTTP head too, in
each pass over a WARC: warcio's ``StatusAndHeadersParser`` (a stream, a decode and a
strip per line, then a copy of every header) was the largest single cost of republish.
``parse_head`` gives the same ``StatusAndHeaders`` (statusline, protocol, headers in
order, total_len) for the same bytes: a block that is not UTF-8 throughout is handed to
warcio itself, which decodes it line by line. ``Head.get_header`` finds a header by a
dictionary instead of a scan of all of them, with the same answer (the first one of the
name, ignoring case).
"""

from __future__ import annotations

import io

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

WARCIO_PARSER = StatusAndHeadersParser([], verify=False)


class Head(StatusAndHeaders):
    """A parsed header block; ``get_header`` by a dictionary built on first use."""

    _first: dict[str, str] | None = None

    @classmethod
    def made(cls, statusline: str, headers: list, protocol: str, total_len: int) -> Head:
        """A Head of str headers, without StatusAndHeaders' conversion of each of them."""
        head = cls.__new__(cls)
        head.statusline = statusline
        head.headers = headers
        head.protocol = protocol
        head.total_len = total_len
        head.headers_buff = None
        return head

    @classmethod
    def adopt(cls, parsed: StatusAndHeaders) -> Head:
        return cls.made(parsed.statusline, parsed.headers, parsed.protocol, parsed.total_len)

    def get_header(self, name, default_value=None):
        first = self._first
        if first is None:
            first = {}
            for key, value in self.headers:
                first.setdefault(key.lower(), value)
            self._first = first
        return first.get(name.lower(), default_value)

    def add_header(self, name, value):
        self._first = None
        return super().add_header(name, value)

    def replace_header(self, name, value):
        self._first = None
        return super().replace_header(name, value)

    def remove_header(self, name):
        self._first = None
        return super().remove_header(name)

    get = get_header
    __getitem__ = get_header
    __setitem__ = replace_header
    __delitem__ = remove_header


def parse_head(data: bytes) -> Head:
    """The header block ``data`` (status line, headers, up to its first blank line) as
    ``StatusAndHeadersParser([], verify=False).parse(io.BytesIO(data))`` reads it.

    >>> head = parse_head(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n x\\r\\n\\r\\n")
    >>> head.protocol, head.statusline, head.headers, head.get_header("content-type")
    ('HTTP/1.1', '200 OK', [('Content-Type', 'text/html x')], 'text/html x')
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # warcio decodes each line, falling back to ISO-8859-1
        return Head.adopt(WARCIO_PARSER.parse(io.BytesIO(data)))
    # A UTF-8 text is UTF-8 in each of its lines ("\n" is never inside a character), and
    # BytesIO.readline, like str.split("\n"), ends a line at "\n" only.
    lines = text.split("\n")
    last = len(lines) - 1
    total = len(lines[0]) + (last > 0)
    if total == 0:
        raise EOFError()
    statusline = lines[0].rstrip()
    if not statusline:
        return Head.made(statusline, [], "", total)
    protocol_status = statusline.split(" ", 1)
    headers = []
    number = 1
    line, total = _line(lines, number, last, total)
    while line:
        name, colon, value = line.partition(":")
        if colon:
            name = name.rstrip(" \t")
            value = value.lstrip()
        number += 1
        next_line, total = _line(lines, number, last, total)
        while next_line and next_line.startswith((" ", "\t")):  # a continuation line
            if colon:
                value += next_line
            number += 1
            next_line, total = _line(lines, number, last, total)
        if colon:
            headers.append((name, value))
        line = next_line
    statusline = protocol_status[1].strip() if len(protocol_status) > 1 else ""
    return Head.made(statusline, headers, protocol_status[0], total)


def _line(lines: list[str], number: int, last: int, total: int) -> tuple[str, int]:
    """Line ``number`` stripped at its end, as readline gives it ("" past the end), and
    the characters read with it (its newline counted, as readline returns it)."""
    if number > last:
        return "", total
    line = lines[number]
    return line.rstrip(), total + len(line) + (number < last)
