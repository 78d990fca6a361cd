"""A site's state on a given day, from its lifecycle records, and how it is served then.

Temporarily offline (第八条（二）): the site still builds, plus a maintenance page (in the
theme, with the site's header and footer) and nginx snippets that answer every path with
503 and a Retry-After of the window's end — from the window's start to its end by the
request's clock, so the site goes offline and comes back on time without a rebuild.
Retired or migrated (第八条（一）): the site is no longer built; its pages are archived
under the portal's ``/archive/<site-id>/`` and an nginx snippet sends every old URL there
with 301 (or to the migration target), so no old link breaks. Domain changed (第六条（二））:
from the change date the site is built on its new domain, and its former domain answers
every address with 301 to the same address on the new one. Which kind of record does
what: ``kinds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from datetime import date, datetime, timezone
from email.utils import format_datetime
from urllib.parse import quote

from .. import headers
from ..content.loader import ATTACHMENT_FOLDER
from ..regions import SHANGHAI
from .kinds import ONLINE, STATE_ORDER, kind_of
from .notices import Notice

OFFLINE_MAPS = "offline-maps.conf"  # in output/nginx/: include once in the http block


class SiteState(NamedTuple):
    """A site's state on a day and the lifecycle record that puts it there (None: online)."""

    state: str
    notice: Notice | None = None


def site_state(notices: list[Notice], today: date) -> SiteState:
    """The state a site's records set today (kinds.STATE_ORDER: retired, offline, opened,
    the first that holds), with the record that sets it; else online."""
    for state in STATE_ORDER:
        for notice in notices:
            kind = kind_of(notice)
            if kind.state == state and kind.in_effect(notice, today):
                return SiteState(state, notice)
    return SiteState(ONLINE)


def domain_on(notices: list[Notice], today: date) -> str | None:
    """The domain a site answers on today when a change of domain (第六条（二）) has taken
    effect: the newest one's ``new_domain``; None when none has."""
    moved = [
        n
        for n in notices
        if kind_of(n).moves_domain and kind_of(n).in_effect(n, today) and n.get("new_domain")
    ]
    moved.sort(key=lambda notice: notice.day("start") or date.min)
    return str(moved[-1].get("new_domain")) if moved else None


@dataclass(frozen=True)
class OfflineWindow:
    """One temporary offline (第八条（二）) as nginx serves it: [start, end), 北京时间."""

    number: int  # 1, 2, … in start order: maintenance-<number>.html
    notice: Notice
    start: datetime  # aware
    end: datetime  # aware

    @property
    def page(self) -> str:
        return f"maintenance-{self.number}.html"

    @property
    def retry_after(self) -> str:
        """The end as an HTTP-date: while the window is open, always in the future."""
        return format_datetime(self.end.astimezone(timezone.utc), usegmt=True)


def offline_windows(notices: list[Notice], today: date) -> list[OfflineWindow]:
    """The site's temporary offline windows that have not ended by ``today``: nginx opens
    and closes each on time from the request clock, so a build ahead of one is enough."""
    windows = []
    for notice in notices:
        if not kind_of(notice).window:
            continue
        start, end = notice.moment("start"), notice.moment("end")
        if start is None or end is None or end <= start or end.date() < today:
            continue
        windows.append((_beijing(start), _beijing(end), notice))
    windows.sort(key=lambda window: window[0])
    return [
        OfflineWindow(n, notice, start, end) for n, (start, end, notice) in enumerate(windows, 1)
    ]


def _beijing(moment: datetime) -> datetime:
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment  # records: 北京时间


def offline_variable(domain: str) -> str:
    """The nginx variable naming the open window of ``domain`` (its number, or empty).

    >>> offline_variable("fgw.bozhou.gov.cn")
    '$offline_fgw_bozhou_gov_cn'
    """
    return "$offline_" + _name(domain)


def offline_maps(domain: str, windows: list[OfflineWindow], open_paths: list[str]) -> str:
    """nginx ``map`` blocks (http block) that open each window at its start and close it
    at its end, by the request's clock (``$msec``, seconds since the epoch: no time zone to
    get wrong), with no rebuild and no reload. ``open_paths`` stay served during a window:
    what the maintenance page itself loads (its stylesheet, the site's 国徽)."""
    variable = offline_variable(domain)
    lines = [
        f"# {domain}：临时下线时段（第八条（二）），按请求时间自动开始和结束，无需重新构建",
        f"map $msec {variable} {{",
        '    default "";',
    ]
    for window in windows:
        low, high = int(window.start.timestamp()), int(window.end.timestamp()) - 1
        pattern = "|".join(epoch_patterns(low, high))
        lines.append(
            f'    "~^(?:{pattern})[.]" {window.number};'
            f"  # {window.start:%Y-%m-%d %H:%M} 至 {window.end:%Y-%m-%d %H:%M}（北京时间）"
        )
    lines += ["}", f"map {variable} {variable}_retry {{", '    default "";']
    lines += [f'    {window.number} "{window.retry_after}";' for window in windows]
    lines += ["}", f'map "{variable}|$uri" {variable}_503 {{', '    "~^[|]" 0;']
    for path in open_paths:
        lines.append(f'    "~^[0-9]+[|]{_regex_literal(path)}" 0;')
    lines += ["    default 1;", "}"]
    return "\n".join(lines) + "\n"


def maintenance_snippet(domain: str, windows: list[OfflineWindow]) -> str:
    """nginx server-block lines: during a window every path answers 503 with that window's
    maintenance page and a Retry-After of its end; outside the windows nothing changes."""
    variable = offline_variable(domain)
    name = variable[1:]
    shown = "；".join(f"{w.start:%Y-%m-%d %H:%M} 至 {w.end:%Y-%m-%d %H:%M}" for w in windows)
    return (
        f"# {domain}：临时下线 {shown}（北京时间，《亳州市政府网站群管理办法（暂行）》第八条（二））\n"
        f"# include this file inside the server block of {domain}, and offline-maps.conf once\n"
        "# in the http block. Each window opens and closes on time by itself.\n"
        f"error_page 503 @{name};\n"
        f"location @{name} {{\n"
        f"    rewrite ^ /maintenance-{variable}.html break;\n"
        f"    add_header Retry-After {variable}_retry always;\n"
        '    add_header Cache-Control "no-store" always;\n'
        "    # add_header here replaces the server's: the security headers again\n"
        f"{security_headers('    ')}"
        "}\n"
        f"if ({variable}_503) {{\n"
        "    return 503;\n"
        "}\n"
    )


def epoch_patterns(low: int, high: int) -> list[str]:
    """Regular expressions (no backslashes: nginx quoting) matching exactly the integers
    from ``low`` to ``high`` written in decimal, for numbers of the same length.

    >>> epoch_patterns(1764547200, 1764590399)  # 2025-12-01 08:00 to 19:59:59 北京时间
    ['1764547[2-9][0-9][0-9]', '176454[89][0-9][0-9][0-9]', '17645[5-8][0-9][0-9][0-9][0-9]', '1764590[0-3][0-9][0-9]']
    """
    return _digit_patterns(str(low), str(high).rjust(len(str(low)), "0"))


def _digit_patterns(low: str, high: str) -> list[str]:
    if not low:
        return [""]
    if low == high:
        return [low]
    if low[0] == high[0]:
        return [low[0] + rest for rest in _digit_patterns(low[1:], high[1:])]
    size = len(low) - 1
    any_digits = "[0-9]" * size
    patterns = []
    first, last = int(low[0]), int(high[0])
    if low[1:] != "0" * size:
        patterns += [low[0] + rest for rest in _digit_patterns(low[1:], "9" * size)]
        first += 1
    whole_last = high[1:] == "9" * size
    middle_last = last if whole_last else last - 1
    if first <= middle_last:
        digits = str(first) if first == middle_last else f"[{first}-{middle_last}]"
        if middle_last == first + 1:
            digits = f"[{first}{middle_last}]"
        patterns.append(digits + any_digits)
    if not whole_last:
        patterns += [high[0] + rest for rest in _digit_patterns("0" * size, high[1:])]
    return patterns


def _regex_literal(path: str) -> str:
    """A path as a PCRE literal without backslashes (nginx quoting): specials in [ ]."""
    return "".join(f"[{c}]" if c in ".^$*+?()[]{}|" else c for c in path)


def redirect_snippets(domain: str, redirects: dict[str, str], default: str) -> tuple[str, str]:
    """nginx ``map`` (http block) and server lines: every old path → 301 to its new place."""
    variable = "$retired_" + _name(domain)
    lines = [
        f"# {domain}：网站已永久下线或迁移，旧网址 301 到归档或新网址（第八条（一）、第八条（四））",
        f"map $uri {variable} {{",
        f"    default {nginx_url(default)};",
    ]
    lines += _map_lines(redirects)
    lines.append("}")
    server = (
        f"# include inside the server block of {domain} (the map file in the http block)\n"
        f"{security_headers()}"
        f"location / {{\n    return 301 {variable};\n}}\n"
    )
    return "\n".join(lines) + "\n", server


def domain_redirect_snippet(old: str, new: str) -> str:
    """Server-block lines of a site's former domain after a change (第六条（二））: every
    address answers 301 to the same path and query on the new domain."""
    target = nginx_url(f"https://{new}")[:-1] + '$request_uri"'
    return (
        f"# {old}：域名已变更为 {new}（第六条（二）），旧域名的每个网址 301 到新域名的同一网址。\n"
        f"# include inside the server block of {old}; its folder is no longer built.\n"
        f"{security_headers()}"
        f"location / {{\n    return 301 {target};\n}}\n"
    )


# Web continuity (第八条（四））: group.continuity.addresses decides what each old address answers;
# these are the nginx lines that answer it.

MAX_NGINX_PATH = 900  # bytes of one map key; longer paths are left to answer 404
NOT_FOUND = "/404.html"  # every site's own 404 page (the theme's 404.html)


def nginx_path_ok(path: str) -> bool:
    """Whether a decoded path can be a key of an nginx map, as it is, in double quotes.

    >>> nginx_path_ok("/新闻/a b;{c}.html"), nginx_path_ok('/a"b'), nginx_path_ok("/a$b")
    (True, False, False)
    """
    return (
        path.startswith("/")
        and len(path.encode("utf-8")) <= MAX_NGINX_PATH
        and not any(ord(c) < 32 or ord(c) == 127 or c in '"\\$' for c in path)
    )


def nginx_url(url: str) -> str:
    """A URL as an nginx value in double quotes: nothing in it can end the string, start a
    variable or a new directive (percent-encoded instead).

    >>> nginx_url('https://new.example/a b"$x;')
    '"https://new.example/a%20b%22%24x;"'
    """
    return '"' + quote(url, safe=":/?#[]@!&'()*+,;=%-._~") + '"'


def _map_lines(entries: dict[str, str]) -> list[str]:
    lines = []
    for old, new in sorted(entries.items()):
        if not nginx_path_ok(old):
            raise ValueError(f"not a safe nginx map key: {old!r}")
        lines.append(f'    "{old}" {nginx_url(new)};')
    return lines


def _name(domain: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in domain)


def maps_header(keys: list[str]) -> str:
    """The http-block lines before the maps: hash sizes that fit the longest key."""
    longest = max((len(key.encode("utf-8")) for key in keys), default=0)
    bucket = 256
    while bucket < longest + 32:
        bucket *= 2
    return (
        "# The group's nginx maps (lifecycle.serving): include this file once in the http block.\n"
        f"map_hash_bucket_size {bucket};\nmap_hash_max_size {max(65536, 2 * len(keys))};\n"
        + security_maps()
    )


def continuity_maps(domain: str, moved: dict[str, str], elsewhere: dict[str, str]) -> str:
    """The http-block maps of one site: its articles' former addresses (answered first), and
    where an address its build has no file for goes (answered after try_files): a folder
    without its slash to the folder, an archived address to its copy."""
    name = _name(domain)
    lines = [
        f"# {domain}：旧网址的去向（第八条（四））：文章迁移的旧网址，以及新版没有而归档中有的网址",
        f"map $uri $moved_{name} {{",
        '    default "";',
        *_map_lines(moved),
        "}",
        f"map $uri $continuity_{name} {{",
        '    default "";',
        *_map_lines(elsewhere),
        "}",
    ]
    return "\n".join(lines) + "\n"


def continuity_snippet(domain: str) -> str:
    """Server-block lines: an article's old address 301 to it; an address the build has no
    file for 301 to its folder or its archived copy; anything else the site's own 404 page
    with status 404. Only files are tried (``$uri/`` would answer 403 for a folder that
    exists without an index, such as one holding only redirect pages)."""
    name = _name(domain)
    return (
        f"# {domain}：网站改版、迁移后旧网址仍可访问（第八条（四））。include this file inside\n"
        "# the server block of the site (root = its folder in output/), and maps.conf once in\n"
        "# the http block. It answers every location: remove any location / of your own.\n"
        f"error_page 404 {NOT_FOUND};\n"
        f"{security_headers()}"
        f"if ($moved_{name}) {{\n    return 301 $moved_{name};\n}}\n"
        f"location / {{\n    try_files $uri @continuity_{name};\n}}\n"
        f"{attachment_location(f'@continuity_{name}')}"
        f"location ~ /$ {{\n    try_files ${{uri}}index.html @continuity_{name};\n}}\n"
        f"location @continuity_{name} {{\n"
        f"    if ($continuity_{name}) {{\n        return 301 $continuity_{name};\n    }}\n"
        "    return 404;\n}\n"
    )


# Security headers (archive_tool.headers, docs/security-headers.md): every response of every
# site, 404, 503 and 301 included (``always``). The policy depends on the path, so it is
# chosen by a map in the http block and the server sends the same lines everywhere: an
# add_header in a location would replace every add_header of the server.

CSP_VARIABLE = "$sitegroup_csp"
DISPOSITION_VARIABLE = "$sitegroup_disposition"  # empty: no Content-Disposition header
# Downloads the toolkit writes outside files/ (年度工作报表 JSON/CSV/XLSX); pagefind's
# own files are fetched by the search script, not opened.
DOWNLOAD_PATHS = "~*^/(?!pagefind)(?:.*/)?[^/]*[.](?:json|csv|xlsx?|docx?|pdf|zip|ofd)$"
ARCHIVE_PATHS = "~^/archive/[^/]+/"  # a republished archive (group.continuity.redesign): never script
STATIC_FOLDERS = (ATTACHMENT_FOLDER, "images")  # group.build.settings STATIC_PATHS: editors' files
# The only types files/ is served with (nginx looks the suffix up in lower case); anything
# else, an .svg or an .html among them, is application/octet-stream: nothing a browser runs.
ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/ofd": "ofd",
    "application/zip": "zip",
    "application/x-7z-compressed": "7z",
    "application/x-rar-compressed": "rar",
    "text/plain": "txt",
    "text/csv": "csv",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "audio/mpeg": "mp3",
}


def security_maps() -> str:
    """http-block maps: the Content-Security-Policy and Content-Disposition of a path."""
    page = headers.header_policy(headers.PAGE_POLICY)
    archive = headers.header_policy(headers.ARCHIVE_POLICY)
    attachment = headers.header_policy(headers.ATTACHMENT_POLICY)
    folders = "|".join(STATIC_FOLDERS)
    return (
        "# Security headers (docs/security-headers.md): the policy of each kind of file\n"
        f"map $uri {CSP_VARIABLE} {{\n"
        f'    default "{page}";\n'
        f'    "{ARCHIVE_PATHS}" "{archive}";\n'
        f'    "~^/(?:{folders})/" "{attachment}";\n'
        f'    "{DOWNLOAD_PATHS}" "{attachment}";\n'
        "}\n"
        f"map $uri {DISPOSITION_VARIABLE} {{\n"
        '    default "";\n'
        f'    "{ARCHIVE_PATHS}" "";\n'
        f'    "~^/{ATTACHMENT_FOLDER}/" "{headers.ATTACHMENT_DISPOSITION}";\n'
        f'    "{DOWNLOAD_PATHS}" "{headers.ATTACHMENT_DISPOSITION}";\n'
        "}\n"
    )


def security_headers(indent: str = "") -> str:
    """Server-block (or one location's) lines sending the security headers."""
    lines = [
        ("Content-Security-Policy", CSP_VARIABLE),
        ("X-Content-Type-Options", f'"{headers.CONTENT_TYPE_OPTIONS}"'),
        ("X-Frame-Options", f'"{headers.FRAME_OPTIONS}"'),
        ("Referrer-Policy", f'"{headers.REFERRER_POLICY}"'),
        ("Permissions-Policy", f'"{headers.PERMISSIONS_POLICY}"'),
        ("Content-Disposition", DISPOSITION_VARIABLE),
    ]
    note = f"{indent}# security headers (docs/security-headers.md): repeat them in a location\n"
    note += f"{indent}# of your own that has an add_header, which replaces them there\n"
    return note + "".join(f"{indent}add_header {name} {value} always;\n" for name, value in lines)


def attachment_location(fallback: str) -> str:
    """files/ served with only the types of ATTACHMENT_TYPES (the rest as bytes); a folder
    is tried for its index.html only, as outside files/ (no 403 for a folder)."""
    types = "".join(f"        {kind} {suffixes};\n" for kind, suffixes in ATTACHMENT_TYPES.items())
    return (
        f"location ^~ /{ATTACHMENT_FOLDER}/ {{\n"
        f"    types {{\n{types}    }}\n"
        "    default_type application/octet-stream;\n"
        f"    try_files $uri {fallback};\n"
        f"    location ~ /$ {{\n        try_files ${{uri}}index.html {fallback};\n    }}\n"
        "}\n"
    )
