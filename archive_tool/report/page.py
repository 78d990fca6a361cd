"""The reports as HTML: shaped like the national form, every count linked to its items.

``site_fragment`` is the body a site's build wraps in the theme (its header, footer and
stylesheet: the classes used here are the theme's ``data-table``, ``note`` and
``visually-hidden``); ``site_document`` is the same body as a standalone, printable page
for ``archive-tool annual-report``, with its style inline and no script. Every value
from content or from a figures file is escaped.

Each computed figure links to ``#list-<counter>``, an ordered list of the items it counts
(for a sum or a mean each item carries its ``data-amount``), which links back to the row.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .counts import ANY, MEAN, NUMBER, SUM, Count
from .fields import DAYS, PARTS, YESNO, Field
from .model import Entry, GroupSummary, SiteReport
from .style import CSS

CHINESE_NUMBERS = "一二三四五六七八九十"
MEASURES = "《亳州市政府网站群管理办法（暂行）》"


def value_text(item: Field, value) -> str:
    """A value as the form shows it, without its unit.

    >>> from .fields import field
    >>> value_text(field("互动交流.留言办理.平均办理时间"), None)
    '—'
    >>> value_text(field("机制保障.运维经费"), 86.5)
    '86.5'
    """
    if value is None:
        return "—"
    if item.type == DAYS:
        return f"{value:.1f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _with_unit(item: Field, value) -> str:
    text = escape(value_text(item, value))
    return f"{text} {escape(item.unit)}" if item.unit and value is not None else text


def _value_cell(entry: Entry) -> str:
    item = entry.field
    shown = _with_unit(item, entry.value)
    if entry.count is None:
        return shown
    text = escape(value_text(item, entry.value))
    unit = f" {escape(item.unit)}" if item.unit and entry.value is not None else ""
    return (
        f'<a href="#list-{item.counter}">{text}'
        f'<span class="visually-hidden">（查看统计明细）</span></a>{unit}'
    )


def _section_table(caption: str, entries: list[Entry], hide_caption: bool = False) -> str:
    hidden = ' class="visually-hidden"' if hide_caption else ""
    rows = []
    for entry in entries:
        item = entry.field
        row_id = f' id="row-{item.counter}"' if item.counter else ""
        source = escape(entry.source_label)
        rows.append(
            f'<tr{row_id}><th scope="row">{escape(item.label)}</th>'
            f'<td data-label="数据">{_value_cell(entry)}</td>'
            f'<td data-label="数据来源">{source}</td></tr>'
        )
    return (
        f'<table class="data-table report-table"><caption{hidden}>{escape(caption)}</caption>'
        '<thead><tr><th scope="col">项目</th><th scope="col">数据</th>'
        '<th scope="col">数据来源</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _heading(entry: Entry) -> str:
    item = entry.field
    figure = _with_unit(item, entry.value)
    return f"{escape(item.section)}：{escape(item.label)}（{figure}）"


def _items(count: Count, base: str) -> str:
    if not count.items:
        return "<p>无</p>"
    lines = []
    for thing in count.items:
        amount = (
            f' data-amount="{thing.amount}"'
            if count.how in (SUM, MEAN) and thing.amount is not None
            else ""
        )
        title = escape(thing.title)
        if thing.path:
            title = f'<a href="{escape(base)}/{escape(thing.path)}">{title}</a>'
        facts = [thing.day.isoformat()] if thing.day else []
        facts += [thing.note] if thing.note else []
        meta = f' <span class="note">{escape(" · ".join(facts))}</span>' if facts else ""
        lines.append(f"<li{amount}>{title}{meta}</li>")
    return f"<ol>{''.join(lines)}</ol>"


HOW = {
    NUMBER: "清单条数即为该项数据",
    SUM: "该项数据为清单中各期数量之和",
    MEAN: "该项数据为清单中各条办理用时（工作日）的平均值",
    ANY: "清单不为空即为「是」",
}


def _appendix(report: SiteReport, base: str) -> str:
    blocks = []
    for entry in report.entries:
        if entry.count is None:
            continue
        counter = entry.field.counter
        blocks.append(
            f'<section class="count-list" id="list-{counter}" '
            f'aria-labelledby="list-{counter}-title">'
            f'<h3 id="list-{counter}-title">{_heading(entry)}</h3>'
            f'<p class="note">{HOW[entry.count.how]}。</p>'
            f"{_items(entry.count, base)}"
            f'<p class="back"><a href="#row-{counter}">返回报表</a></p></section>'
        )
    return (
        '<section class="report-appendix" aria-labelledby="appendix-title">'
        '<h2 id="appendix-title">附：统计明细</h2>'
        '<p class="note">报表中由网站内容统计的每项数据，均对应以下清单，可逐条核对。</p>'
        f"{''.join(blocks)}</section>"
    )


def _period(year: int, as_of, complete: bool) -> str:
    period = f"统计期间：{year}年1月1日至{as_of.year}年{as_of.month}月{as_of.day}日"
    if not complete:
        period += "（本年度尚未结束，数据统计至该日）"
    return f'<p class="report-period">{escape(period)}</p>'


def site_fragment(report: SiteReport, base: str, downloads: dict[str, str] | None = None) -> str:
    """The report's body; ``base`` is prefixed to the items' paths (``..`` on the site,
    ``https://<domain>`` elsewhere); ``downloads`` maps csv/xlsx/json to file names."""
    grouped: dict[str, list[str]] = {part: [] for part in ("", *PARTS)}
    for section, entries in report.sections():
        # the header and the signatures are a part of their own: the heading names them
        table = _section_table(section.name, entries, hide_caption=not section.part)
        grouped[section.part].append(table)
    body = [
        f'<article class="annual-report"><h1>{escape(report.title)}</h1>',
        _period(report.year, report.as_of, report.complete_year),
        f'<p class="note">依据{MEASURES}第十条（五）编制并向社会公开。</p>',
    ]
    header, *signature = grouped[""]
    body.append(_part("part-0", "网站基本信息", [header]))
    for number, part in enumerate(PARTS):
        title = f"{CHINESE_NUMBERS[number]}、{part}"
        body.append(_part(f"part-{number + 1}", title, grouped[part]))
    body.append(_part("part-sign", "填报信息", signature))
    if downloads:
        links = [
            f'<a href="{escape(downloads[kind])}" download>{label}</a>'
            for kind, label in (("xlsx", "Excel 表格（.xlsx）"), ("csv", "CSV"), ("json", "JSON"))
            if kind in downloads
        ]
        body.append(f'<p class="downloads">下载本报表：{"　".join(links)}</p>')
    body.append(_appendix(report, base))
    body.append("</article>")
    return "\n".join(body)


def _part(anchor: str, title: str, tables: list[str]) -> str:
    return (
        f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{escape(title)}</h2>'
        f"{''.join(tables)}</section>"
    )


def document(title: str, body: str) -> str:
    """A standalone page: no script, nothing loaded from anywhere (its style is inline)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<main id="main" class="wrap">\n{body}\n</main>\n</body>\n</html>\n'
    )


def site_document(report: SiteReport, downloads: dict[str, str] | None = None) -> str:
    """The report as a standalone page; its items link to the pages on the site."""
    return document(report.title, site_fragment(report, report.origin, downloads))


# -- the group's summary ------------------------------------------------------------------


def group_fragment(summary: GroupSummary, href: Callable[[SiteReport, str], str]) -> str:
    """The summary's body; ``href(report, anchor)`` is the link to a site's report (with
    ``#list-<counter>`` for a computed figure)."""
    reports = summary.reports
    body = [
        f'<article class="annual-report"><h1>{escape(summary.title)}</h1>',
        _period(summary.year, summary.as_of, summary.complete_year),
        '<section aria-labelledby="sites-title"><h2 id="sites-title">各网站年度工作报表</h2><ul>',
    ]
    body += [f'<li><a href="{escape(href(r, ""))}">{escape(r.title)}</a></li>' for r in reports]
    body.append("</ul></section>")
    body.append(
        '<section aria-labelledby="totals-title"><h2 id="totals-title">汇总数据</h2>'
        '<p class="note">「合计」为各网站数据之和；平均办理时间为全部已办结留言的平均值；'
        "是/否项为回答「是」的网站个数。由内容统计的数据链接到该网站报表中的统计明细。</p>"
    )
    by_section: dict[str, list] = {}
    for row in summary.rows:
        by_section.setdefault(row.field.section, []).append(row)
    head = "".join(f'<th scope="col">{escape(r.site_name)}</th>' for r in reports)
    for section, rows in by_section.items():
        lines = []
        for row in rows:
            item = row.field
            unit = f"（{item.unit}）" if item.unit else ""
            cells = []
            for r in reports:
                text = escape(value_text(item, row.values[r.site_id]))
                if item.counter:
                    text = f'<a href="{escape(href(r, "list-" + item.counter))}">{text}</a>'
                cells.append(f'<td data-label="{escape(r.site_name)}">{text}</td>')
            total = value_text(item, row.total)
            total += "个网站为「是」" if item.type == YESNO else ""
            lines.append(
                f'<tr><th scope="row">{escape(item.label + unit)}</th>{"".join(cells)}'
                f'<td data-label="合计">{escape(total)}</td></tr>'
            )
        body.append(
            f'<table class="data-table summary-table"><caption>{escape(section)}</caption>'
            f'<thead><tr><th scope="col">项目</th>{head}<th scope="col">合计</th></tr></thead>'
            f"<tbody>{''.join(lines)}</tbody></table>"
        )
    body.append("</section></article>")
    return "\n".join(body)


def group_document(summary: GroupSummary, href: Callable[[SiteReport, str], str]) -> str:
    return document(summary.title, group_fragment(summary, href))
