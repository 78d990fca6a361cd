"""A site's state on a given day, from its lifecycle records, and how it is served then.

Temporarily offline (第八条（二）): the site still builds, plus a maintenance page and an
nginx snippet answering every path with 503 and Retry-After. Retired or migrated
(第八条（一）): the site is no longer built; its pages are archived under the portal's
``/archive/<site-id>/`` and an nginx snippet sends every old URL there with 301 (or to the
migration target), so no old link breaks.
"""

from __future__ import annotations

import html
from datetime import date, timezone
from email.utils import format_datetime

from ..regions import SHANGHAI
from .notices import Notice
from .placement import Placement

ONLINE, OFFLINE, RETIRED, OPENED = "online", "offline", "retired", "opened"
MAINTENANCE_PAGE = "maintenance.html"


def site_state(notices: list[Notice], today: date) -> tuple[str, Notice | None]:
    """retired (a retirement took effect), offline (an offline record covers today), opened
    (an 开通 record's online date has come) or online."""
    for notice in notices:
        if notice.kind == "retire":
            effective = notice.day("effective") or notice.day("approved")
            if effective and effective <= today:
                return RETIRED, notice
    for notice in notices:
        if notice.kind == "offline":
            start, end = notice.moment("start"), notice.moment("end")
            if start and end and start.date() <= today <= end.date():
                return OFFLINE, notice
    for notice in notices:
        if notice.kind == "open":
            online = notice.day("online")
            if online and online <= today:
                return OPENED, notice
    return ONLINE, None


def maintenance_snippet(domain: str, notice: Notice) -> str:
    """nginx server-block lines: every path answers 503 with the maintenance page."""
    end = notice.moment("end")
    local_end = end.replace(tzinfo=SHANGHAI) if end.tzinfo is None else end  # records are 北京时间
    retry = format_datetime(local_end.astimezone(timezone.utc), usegmt=True)
    return (
        f"# {domain}：临时下线 {notice.moment('start'):%Y-%m-%d %H:%M} 至 {end:%Y-%m-%d %H:%M}"
        f"（《亳州市政府网站群管理办法（暂行）》第八条（二））\n"
        f"# include this file inside the server block of {domain}; remove it to resume.\n"
        "error_page 503 @maintenance;\n"
        "location @maintenance {\n"
        f"    rewrite ^ /{MAINTENANCE_PAGE} break;\n"
        f'    add_header Retry-After "{retry}" always;\n'
        '    add_header Cache-Control "no-store" always;\n'
        "}\n"
        "location / {\n"
        "    return 503;\n"
        "}\n"
    )


def maintenance_page(site_name: str, placement: Placement) -> str:
    facts = "".join(f"<li>{html.escape(k)}：{html.escape(v)}</li>" for k, v in placement.facts)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(site_name)}临时下线公告</title><style>body{{font-family:sans-serif;"
        "max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7}"
        "h1{color:#b2191c}</style></head><body>"
        f"<h1>{html.escape(site_name)}临时下线公告</h1><p>{html.escape(placement.text)}</p>"
        f"<ul>{facts}</ul><p>由此带来的不便，敬请谅解。</p></body></html>"
    )


def redirect_snippets(domain: str, redirects: dict[str, str], default: str) -> tuple[str, str]:
    """nginx ``map`` (http block) and server lines: every old path → 301 to its new place."""
    variable = "$retired_" + "".join(c if c.isalnum() else "_" for c in domain)
    lines = [
        f"# {domain}：网站已永久下线或迁移，旧网址 301 到归档或新网址（第八条（一）、第八条（四））",
        f"map $uri {variable} {{",
        f"    default {default};",
    ]
    for old, new in sorted(redirects.items()):
        lines.append(f'    "{_escape(old)}" {new};')
    lines.append("}")
    server = (
        f"# include inside the server block of {domain} (the map file in the http block)\n"
        f"location / {{\n    return 301 {variable};\n}}\n"
    )
    return "\n".join(lines) + "\n", server


def _escape(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')
